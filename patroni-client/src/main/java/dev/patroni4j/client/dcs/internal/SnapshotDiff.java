package dev.patroni4j.client.dcs.internal;

import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsConfig;
import dev.patroni4j.client.dcs.DcsEvent;
import dev.patroni4j.client.dcs.DcsFailover;
import dev.patroni4j.client.dcs.DcsMember;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The events between two snapshots of one cluster. Stateless and thread-safe. */
public final class SnapshotDiff {

  private SnapshotDiff() {}

  /** The changes from {@code before} to {@code after}, stamped with {@code after}'s revision. */
  public static List<DcsEvent> between(ClusterSnapshot before, ClusterSnapshot after) {
    long revision = after.revision();
    List<DcsEvent> events = new ArrayList<>();

    String previousLeader = before.leaderName().orElse(null);
    String currentLeader = after.leaderName().orElse(null);
    if (!Objects.equals(previousLeader, currentLeader)) {
      events.add(currentLeader == null
          ? new DcsEvent.LeaderLost(revision, Objects.requireNonNull(previousLeader))
          : new DcsEvent.LeaderChanged(revision, previousLeader, currentLeader));
    }

    Map<String, DcsMember> previousMembers = byName(before.members());
    Map<String, DcsMember> currentMembers = byName(after.members());
    for (DcsMember current : currentMembers.values()) {
      DcsMember previous = previousMembers.get(current.name());
      if (previous == null) {
        events.add(new DcsEvent.MemberAdded(revision, current));
      } else if (!previous.member().equals(current.member()) || !Objects.equals(previous.owner(), current.owner())) {
        events.add(new DcsEvent.MemberChanged(revision, previous, current));
      }
    }
    for (DcsMember previous : previousMembers.values()) {
      if (!currentMembers.containsKey(previous.name())) {
        events.add(new DcsEvent.MemberRemoved(revision, previous));
      }
    }

    DcsConfig previousConfig = before.config();
    DcsConfig currentConfig = after.config();
    if (version(previousConfig) != version(currentConfig)) {
      events.add(new DcsEvent.ConfigChanged(revision, previousConfig, currentConfig));
    }

    DcsFailover previousFailover = pending(before.failover());
    DcsFailover currentFailover = pending(after.failover());
    if (currentFailover != null
        && (previousFailover == null || previousFailover.version() != currentFailover.version())) {
      events.add(new DcsEvent.FailoverSet(revision, currentFailover));
    } else if (currentFailover == null && previousFailover != null) {
      events.add(new DcsEvent.FailoverCleared(revision, previousFailover));
    }

    if (!Objects.equals(before.initialize(), after.initialize())) {
      events.add(new DcsEvent.InitializeChanged(revision, before.initialize(), after.initialize()));
    }
    return events;
  }

  private static Map<String, DcsMember> byName(List<DcsMember> members) {
    Map<String, DcsMember> byName = new LinkedHashMap<>();
    members.forEach(m -> byName.put(m.name(), m));
    return byName;
  }

  private static long version(@Nullable DcsConfig config) {
    return config == null ? 0 : config.version();
  }

  private static @Nullable DcsFailover pending(@Nullable DcsFailover failover) {
    return failover == null || failover.isEmpty() ? null : failover;
  }
}
