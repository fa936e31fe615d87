package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Member;
import java.util.Comparator;
import java.util.Optional;
import dev.patroni4j.client.model.Timeline;

/** Readings of a {@link ClusterView} that several steps share. */
final class Views {
  private Views() {}

  static Optional<String> leaderName(ClusterView view) {
    return view.findLeader().map(Member::name);
  }

  /** The leader's timeline, or the highest timeline any member reports when there is no leader. */
  static Optional<Timeline> timeline(ClusterView view) {
    return view.timeline().or(() -> view.members().stream().flatMap(m -> m.findTimeline().stream())
        .max(Comparator.naturalOrder()));
  }

  static String text(Optional<Timeline> t) {
    return t.map(Timeline::toString).orElse("?");
  }
}
