package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.ClusterObservation;
import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.PatroniException;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberState;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.Impact;
import dev.patroni4j.runbooks.Step;
import dev.patroni4j.runbooks.Steps;
import dev.patroni4j.runbooks.Verification;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** The steps that tell a failed replica from a healthy or still starting one, before it is rebuilt. */
final class RecoverySteps {
  /** States in which Patroni has given up on the member's PostgreSQL until someone acts. */
  static final Set<MemberState.Kind> FAILED = EnumSet.of(MemberState.Kind.START_FAILED,
      MemberState.Kind.RESTART_FAILED, MemberState.Kind.CRASHED, MemberState.Kind.STOPPED);

  private RecoverySteps() {}

  /**
   * Done when {@code member} is either healthy (streams from the leader on its timeline: nothing to recover) or in a
   * failed state ({@code start failed}, {@code restart failed}, {@code crashed}, {@code stopped}); pending while it is
   * starting or absent, so a replica that does not come back within the step's verify timeout fails the run, naming
   * its last state. Refused for the leader or without one.
   */
  static Step recognise(String member) {
    ClusterCondition streaming = Conditions.memberStreaming(member);
    return Steps.await("recognise[" + member + "]", ctx -> {
      ClusterObservation o = ctx.observe(true);
      Optional<Member> leader = o.view().findLeader();
      if (leader.isEmpty()) {
        return Verification.failed("the cluster has no leader to rebuild " + member + " from");
      }
      if (leader.get().name().equals(member)) {
        return Verification.failed(member + " is the leader; only a replica is recovered this way");
      }
      if (streaming.test(o)) {
        return Verification.done(member + " streams from " + leader.get().name() + ": nothing to recover");
      }
      Optional<Member> m = o.view().findMember(member);
      if (m.isPresent() && FAILED.contains(m.get().state().kind())) {
        return Verification.done(member + " is " + m.get().state().raw() + ": it needs rebuilding from "
            + leader.get().name(), Facts.of(Keys.STATE, m.get().state().raw()));
      }
      return Verification.pending(m.map(x -> member + " is " + x.state().raw()).orElse(member
          + " is not in the member list"));
    });
  }

  /**
   * Observes only: {@code member}'s own Patroni answers {@code GET /patroni}, which {@code POST /reinitialize} needs
   * (the request goes to that member's Patroni, which rebuilds its own data directory). Blocked otherwise.
   */
  static Step restApiReachable(Env env, String member) {
    return Steps.named("rest-api[" + member + "]").impact(Impact.NONE)
        .decide(ctx -> {
          try {
            MemberStatus s = env.status(member);
            return Decision.satisfied(member + "'s Patroni answers (" + s.state().raw() + ")");
          } catch (PatroniException e) {
            return Decision.blocked(member + "'s REST API does not answer, so it cannot be reinitialized: start its "
                + "Patroni first (" + e.getMessage() + ")");
          }
        })
        .build();
  }
}
