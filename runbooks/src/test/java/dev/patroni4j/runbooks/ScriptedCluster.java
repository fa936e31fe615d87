package dev.patroni4j.runbooks;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A hand-written in-memory cluster for engine tests: a leader, a timeline and members. A requested switchover takes
 * effect after {@code switchoverTicks} observations of sleeping, like Patroni's HA loop.
 */
final class ScriptedCluster {
  static final Fact<String> FROM = Fact.text("from");
  static final Fact<String> TO = Fact.text("to");
  static final Fact<String> LEADER = Fact.text("leader");
  static final Fact<Long> TIMELINE = Fact.number("timeline");
  String scope = "demo";
  String systemId = "7710832286115904311";
  String leader = "pg1";
  long timeline = 1;
  List<String> members = new ArrayList<>(List.of("pg1", "pg2", "pg3"));
  int switchoverTicks = 2;
  int switchoverRequests;
  boolean crashAfterRequest;
  private @Nullable String pendingCandidate;
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
        .bind(FROM, ctx -> leader)
        .bind(TO, ctx -> members.stream().filter(m -> !m.equals(leader)).findFirst().orElseThrow())
        .step(Steps.await("healthy", ctx -> Verification.done("leader " + leader)))
        .step(switchoverStep())
        .step(Steps.await("settled", ctx -> Verification.done("timeline " + timeline)))
        .build();
  }

  Step switchoverStep() {
    return Steps.named("switchover").impact(Impact.DISRUPTIVE)
        .decide(ctx -> leader.equals(ctx.binding(FROM))
            ? Decision.needsAction("leader is " + leader, Facts.of(LEADER, leader, TIMELINE, timeline))
            : Decision.satisfied("leader is " + leader + ", not " + ctx.binding(FROM)))
        .act((ctx, intent) -> {
          requestSwitchover(ctx.binding(TO));
          if (crashAfterRequest) {
            crashAfterRequest = false;
            throw new SimulatedCrash();
          }
        })
        .verify((ctx, intent) -> timeline > intent.facts().get(TIMELINE)
            ? Verification.done("timeline " + timeline, Facts.of(TIMELINE, timeline))
            : Verification.pending("timeline still " + timeline))
        .build();
  }
}
