package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.runbooks.Step;
import dev.patroni4j.runbooks.Steps;
import dev.patroni4j.runbooks.Verification;
import dev.patroni4j.runbooks.internal.Observed;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Waiting steps shared by several runbooks. */
final class Awaits {
  private Awaits() {}

  /** Every member runs and streams from the leader on the leader's timeline. */
  static Step allStreaming(Env env, String name) {
    return Steps.await(name, ctx -> {
      ClusterView view = env.ops.cluster();
      Optional<String> problem = Observed.notAllStreaming(view, env.streamingFromLeader(view));
      return problem.isEmpty()
          ? Verification.done("all " + view.members().size() + " members stream on timeline "
              + Observed.timeline(view), Map.of("leader", Observed.leaderName(view).orElse("-"),
                  "timeline", "" + Observed.timeline(view)))
          : Verification.pending(problem.get());
    });
  }

  /** Every member streams on the leader's timeline and has replayed (per Patroni) everything the leader wrote. */
  static Step allCaughtUp(Env env, String name) {
    return Steps.await(name, ctx -> {
      ClusterView view = env.ops.cluster();
      Optional<String> problem = Observed.notAllStreaming(view, env.streamingFromLeader(view));
      if (problem.isPresent()) {
        return Verification.pending(problem.get());
      }
      List<String> behind = view.members().stream().filter(m -> !m.isLeader() && !m.lag().isAtMost(0))
          .map(m -> m.name() + " lag " + m.lag()).toList();
      return behind.isEmpty() ? Verification.done("every replica caught up") : Verification.pending(String.join(", ", behind));
    });
  }

  /** One member runs and streams from the leader on its timeline. */
  static Step memberStreaming(Env env, String member) {
    return Steps.await("streaming[" + member + "]", ctx -> {
      ClusterView view = env.ops.cluster();
      Optional<Member> m = view.members().stream().filter(x -> x.name().equals(member)).findFirst();
      if (m.isEmpty()) {
        return Verification.pending(member + " is not in the member list");
      }
      ClusterView one = new ClusterView(view.scope(), view.members().stream()
          .filter(x -> x.isLeader() || x.name().equals(member)).toList(), view.paused(), null, Map.of(), null);
      Optional<String> problem = Observed.notAllStreaming(one, env.streamingFromLeader(view));
      return problem.isEmpty() ? Verification.done(member + " streams on timeline " + Observed.timeline(view))
          : Verification.pending(problem.get());
    });
  }
}
