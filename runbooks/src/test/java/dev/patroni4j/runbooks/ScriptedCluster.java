package dev.patroni4j.runbooks;

import java.util.ArrayList;
import java.util.List;

/**
 * A hand-written in-memory cluster for engine tests: a leader, a timeline and members. A requested switchover takes
 * effect after {@code switchoverTicks} observations of sleeping, like Patroni's HA loop.
 */
final class ScriptedCluster {
  String scope = "demo";
  String systemId = "7710832286115904311";
  String leader = "pg1";
  long timeline = 1;
  List<String> members = new ArrayList<>(List.of("pg1", "pg2", "pg3"));
  int switchoverTicks = 2;
  int switchoverRequests;
  boolean crashAfterRequest;
  private String pendingCandidate;
  private int ticksLeft;

  ClusterIdentity identity() {
    return new ClusterIdentity(scope, systemId, leader, timeline, members);
  }

  void requestSwitchover(String candidate) {
    switchoverRequests++;
    pendingCandidate = candidate;
    ticksLeft = switchoverTicks;
    if (ticksLeft == 0) {
      tick();
    }
  }

  void dropPendingSwitchover() {
    pendingCandidate = null;
  }

  void tick() {
    if (pendingCandidate != null && --ticksLeft <= 0) {
      leader = pendingCandidate;
      timeline++;
      pendingCandidate = null;
    }
  }

  /** A compact switchover runbook over this fake: away from the leader bound at plan time, to a bound candidate. */
  Runbook switchoverRunbook() {
    return Runbook.named("switchover")
        .bind("from", ctx -> List.of(leader))
        .bind("to", ctx -> List.of(members.stream().filter(m -> !m.equals(leader)).findFirst().orElseThrow()))
        .step(Steps.await("healthy", ctx -> Verification.done("leader " + leader)))
        .step(switchoverStep())
        .step(Steps.await("settled", ctx -> Verification.done("timeline " + timeline)))
        .build();
  }

  Step switchoverStep() {
    return Steps.named("switchover").impact(Impact.DISRUPTIVE)
        .decide(ctx -> leader.equals(ctx.binding("from"))
            ? Decision.needsAction("leader is " + leader, java.util.Map.of("leader", leader, "timeline", "" + timeline))
            : Decision.satisfied("leader is " + leader + ", not " + ctx.binding("from")))
        .act((ctx, intent) -> {
          requestSwitchover(ctx.binding("to"));
          if (crashAfterRequest) {
            crashAfterRequest = false;
            throw new SimulatedCrash();
          }
        })
        .verify((ctx, intent) -> timeline > Long.parseLong(intent.facts().get("timeline"))
            ? Verification.done("timeline " + timeline, java.util.Map.of("timeline", "" + timeline))
            : Verification.pending("timeline still " + timeline))
        .build();
  }
}
