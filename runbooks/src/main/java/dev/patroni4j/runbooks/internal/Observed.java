package dev.patroni4j.runbooks.internal;

import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberState;
import dev.patroni4j.client.model.Timeline;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Small readings of a {@link ClusterView} that several steps share. */
public final class Observed {
  private Observed() {}

  public static Optional<String> leaderName(ClusterView view) {
    return view.findLeader().map(Member::name);
  }

  /** The leader's timeline, or the highest timeline any member reports when there is no leader. */
  public static long timeline(ClusterView view) {
    return view.findLeader().flatMap(Member::findTimeline).map(Timeline::id)
        .orElse(view.members().stream().flatMap(m -> m.findTimeline().stream()).mapToLong(Timeline::id).max()
            .orElse(0));
  }

  public static boolean isUp(MemberState state) {
    return state.isRunning() || state.isStreaming();
  }

  /**
   * Why not every member streams from the leader on its timeline; empty when they all do. {@code streamingFromLeader}
   * are the application names in the leader's {@code pg_stat_replication} with state {@code streaming}, or null when
   * SQL access is not configured (then Patroni's view alone decides).
   */
  public static Optional<String> notAllStreaming(
      ClusterView view, @org.jspecify.annotations.Nullable Set<String> streamingFromLeader) {
    Optional<Member> leader = view.findLeader();
    if (leader.isEmpty()) {
      return Optional.of("no leader");
    }
    if (!isUp(leader.get().state())) {
      return Optional.of("leader " + leader.get().name() + " is " + leader.get().state().raw());
    }
    long tl = timeline(view);
    List<String> problems = new ArrayList<>();
    for (Member m : view.members()) {
      if (m.isLeader()) {
        continue;
      }
      long mtl = m.findTimeline().map(Timeline::id).orElse(-1L);
      if (!isUp(m.state())) {
        problems.add(m.name() + " is " + m.state().raw());
      } else if (mtl != tl) {
        problems.add(m.name() + " on timeline " + (mtl < 0 ? "?" : mtl) + ", leader on " + tl);
      } else if (streamingFromLeader != null && !streamingFromLeader.contains(m.name())) {
        problems.add(m.name() + " does not stream from " + leader.get().name());
      }
    }
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
  }
}
