package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.ClusterObservation;
import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.StepContext;
import dev.patroni4j.runbooks.Step;
import dev.patroni4j.runbooks.Steps;
import dev.patroni4j.runbooks.Verification;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Waiting steps shared by several runbooks: the final checks that decide whether a run succeeded. */
final class Awaits {
  private Awaits() {}

  /**
   * The final check of a runbook: every member the plan named (binding {@link Keys#MEMBERS}) is in the topology and
   * streams from a running leader on its timeline, and at most one member's PostgreSQL accepts writes (asked with
   * {@code pg_is_in_recovery()} at the planned addresses, where SQL access is configured). Two writable members fail
   * the step at once with that evidence; a planned member that vanished keeps it from succeeding and fails it at the
   * deadline, naming the member.
   */
  static Step allStreaming(Env env, String name) {
    return Steps.await(name, ctx -> everyPlannedMemberStreams(env, ctx));
  }

  private static Verification everyPlannedMemberStreams(Env env, StepContext ctx) throws InterruptedException {
    Map<String, String> planned = ctx.findBinding(Keys.MEMBERS).orElse(Map.of());
    ClusterObservation o = ctx.observe(true);
    Map<String, String> ask = new TreeMap<>(planned);
    Env.addresses(o.view()).forEach((n, a) -> {
      if (!a.isEmpty()) {
        ask.put(n, a);
      }
    });
    List<String> writable = env.acceptingWrites(ask);
    List<String> missing = planned.keySet().stream().filter(n -> o.view().findMember(n).isEmpty()).toList();
    Facts evidence = Facts.of(Keys.WRITABLE, writable, Keys.MISSING, missing);
    if (writable.size() > 1) {
      return Verification.failed(writable.size() + " members accept writes (" + String.join(", ", writable)
          + "); the plan named " + planned.keySet() + (missing.isEmpty() ? "" : ", of which " + missing
          + " left the cluster"), evidence);
    }
    ClusterCondition streaming = Conditions.allStreaming(planned.isEmpty() ? o.view().memberNames() : planned.keySet());
    if (!streaming.test(o)) {
      return Verification.pending(streaming.whyNot(o), evidence);
    }
    ClusterView view = o.view();
    return Verification.done("all " + view.members().size() + " members stream on timeline "
        + Views.text(view.timeline()), Facts.of(Keys.LEADER, view.leader().name(), Keys.TIMELINE,
            view.timeline().orElseThrow()).with(Keys.WRITABLE, writable));
  }

  /**
   * Every member the plan named (all members when it named none) streams on the leader's timeline and has replayed
   * (per Patroni) everything the leader wrote: waited for through {@link dev.patroni4j.client.ClusterWaiter}.
   */
  static Step allCaughtUp(String name) {
    return Steps.until(name, ctx -> Conditions.allCaughtUp(ctx.findBinding(Keys.MEMBERS).orElse(Map.of()).keySet()));
  }

  /** One member is in the topology and streams from the leader on its timeline. */
  static Step memberStreaming(String member) {
    return Steps.until("streaming[" + member + "]", Conditions.memberStreaming(member));
  }
}
