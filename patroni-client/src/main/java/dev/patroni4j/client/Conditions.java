package dev.patroni4j.client;

import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberState;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.client.model.ReplicationConnection;
import dev.patroni4j.client.model.Timeline;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The usual {@link ClusterCondition}s.
 *
 * <pre>{@code
 * client.waitUntil(Conditions.leaderIs("pg2"), Duration.ofMinutes(1));
 * client.waitUntil(Conditions.allMembersStreamingOn(Timeline.of(3)), Duration.ofMinutes(2));
 * client.waitUntil(Conditions.allOf(Conditions.allMembersPaused(), Conditions.noPendingRestart()), d);
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class Conditions {
  private Conditions() {}

  /** Some member holds the leader lock. */
  public static ClusterCondition hasLeader() {
    return ClusterCondition.of("the cluster has a leader", o -> o.view().findLeader().isPresent());
  }

  /** {@code name} holds the leader lock and PostgreSQL runs there. */
  public static ClusterCondition leaderIs(String name) {
    Objects.requireNonNull(name, "name == null");
    return ClusterCondition.of("leader is " + name + " and running",
        o -> o.view().findLeader().filter(l -> l.name().equals(name) && l.state().isRunning()).isPresent());
  }

  /** The cluster has exactly {@code count} members. */
  public static ClusterCondition memberCount(int count) {
    return ClusterCondition.of(count + " members", o -> o.view().members().size() == count);
  }

  /** Every member's PostgreSQL runs ({@code running}, {@code streaming} or {@code in archive recovery}). */
  public static ClusterCondition allMembersRunning() {
    return ClusterCondition.of("all members running", o -> !o.view().members().isEmpty()
        && o.view().members().stream().allMatch(m -> m.state().isRunning()));
  }

  /** {@code member} is in the given state. */
  public static ClusterCondition memberState(String member, MemberState.Kind state) {
    return ClusterCondition.of(member + " is " + state,
        o -> o.view().findMember(member).filter(m -> m.state().is(state)).isPresent());
  }

  /**
   * There is a running leader on {@code timeline}, and every other member is on that timeline and
   * streaming from it. Where Patroni does not report replication state (before 3.0.4 a replica
   * shows {@code running}), streaming is confirmed from the leader's WAL senders.
   */
  public static ClusterCondition allMembersStreamingOn(Timeline timeline) {
    Objects.requireNonNull(timeline, "timeline == null");
    return new ClusterCondition() {
      @Override
      public boolean test(ClusterObservation o) {
        Optional<Member> leader = o.view().findLeader();
        if (leader.isEmpty() || !leader.get().state().isRunning() || !timeline.equals(leader.get().timeline())) {
          return false;
        }
        List<ReplicationConnection> senders =
            o.status(leader.get().name()).map(MemberStatus::replication).orElse(List.of());
        for (Member m : o.view().replicas()) {
          if (!timeline.equals(m.timeline())) {
            return false;
          }
          boolean streaming = m.state().isStreaming()
              || (m.state().is(MemberState.Kind.RUNNING)
                  && senders.stream().anyMatch(s -> s.applicationName().equals(m.name()) && s.isStreaming()));
          if (!streaming) {
            return false;
          }
        }
        return true;
      }

      @Override
      public String describe() {
        return "all members streaming on timeline " + timeline;
      }

      @Override
      public boolean needsMemberStatuses() {
        return true;
      }
    };
  }

  /**
   * A running leader other than {@code oldLeader}, on a timeline after {@code before}: a switchover or failover away
   * from {@code oldLeader} took effect.
   */
  public static ClusterCondition leaderChangedFrom(String oldLeader, Timeline before) {
    Objects.requireNonNull(oldLeader, "oldLeader == null");
    Objects.requireNonNull(before, "before == null");
    return new ClusterCondition() {
      @Override
      public boolean test(ClusterObservation o) {
        return o.view().findLeader().filter(l -> !l.name().equals(oldLeader) && l.state().isRunning()
            && l.timeline() != null && l.timeline().isAfter(before)).isPresent();
      }

      @Override
      public String describe() {
        return "a running leader other than " + oldLeader + " on a timeline after " + before;
      }

      @Override
      public String whyNot(ClusterObservation o) {
        return o.view().findLeader().map(l -> "leader " + l.name() + " " + l.state().raw() + " on timeline "
            + (l.timeline() == null ? "?" : l.timeline())).orElse("no leader");
      }
    };
  }

  /**
   * Every member in {@code expected} is in the topology, the leader runs, and every other member (expected or not)
   * runs on the leader's timeline and streams from it. A member of {@code expected} that left the topology keeps
   * this from holding: "all members stream" is claimed only for all of them. Streaming is confirmed from the
   * leader's WAL senders where Patroni does not report replication state (before 3.0.4).
   */
  public static ClusterCondition allStreaming(Collection<String> expected) {
    return streaming(expected, false,
        "members " + new TreeSet<>(expected) + " all present and streaming from the leader on its timeline");
  }

  /**
   * {@link #allStreaming(Collection)} holds and every replica has replayed everything the leader wrote, as Patroni
   * reports it (lag known and 0 bytes): what a runbook waits for before it touches the leader.
   */
  public static ClusterCondition allCaughtUp(Collection<String> expected) {
    ClusterCondition streaming = allStreaming(expected);
    return new ClusterCondition() {
      @Override
      public boolean test(ClusterObservation o) {
        return streaming.test(o) && behind(o).isEmpty();
      }

      @Override
      public String describe() {
        return streaming.describe() + ", every replica caught up";
      }

      @Override
      public String whyNot(ClusterObservation o) {
        return !streaming.test(o) ? streaming.whyNot(o) : behind(o).isEmpty() ? "holds" : String.join(", ", behind(o));
      }

      @Override
      public boolean needsMemberStatuses() {
        return true;
      }

      private List<String> behind(ClusterObservation o) {
        return o.view().replicas().stream().filter(m -> !m.lag().isAtMost(0)).map(m -> m.name() + " lag " + m.lag())
            .toList();
      }
    };
  }

  /** {@code member} is in the topology and streams from a running leader on its timeline (or is that leader). */
  public static ClusterCondition memberStreaming(String member) {
    Objects.requireNonNull(member, "member == null");
    return streaming(List.of(member), true, member + " streams from the leader on its timeline");
  }

  private static ClusterCondition streaming(Collection<String> expected, boolean onlyExpected, String description) {
    Set<String> names = new TreeSet<>(expected);
    return new ClusterCondition() {
      @Override
      public boolean test(ClusterObservation o) {
        return problems(o).isEmpty();
      }

      @Override
      public String describe() {
        return description;
      }

      @Override
      public String whyNot(ClusterObservation o) {
        List<String> p = problems(o);
        return p.isEmpty() ? "holds" : String.join("; ", p);
      }

      @Override
      public boolean needsMemberStatuses() {
        return true;
      }

      private List<String> problems(ClusterObservation o) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
          if (o.view().findMember(n).isEmpty()) {
            out.add(n + " is missing from the cluster");
          }
        }
        Optional<Member> leader = o.view().findLeader();
        if (leader.isEmpty()) {
          out.add("no leader");
          return out;
        }
        Member l = leader.get();
        if (!l.state().isRunning()) {
          out.add("leader " + l.name() + " is " + l.state().raw());
          return out;
        }
        List<ReplicationConnection> senders = o.status(l.name()).map(MemberStatus::replication).orElse(List.of());
        for (Member m : o.view().replicas()) {
          if (onlyExpected && !names.contains(m.name())) {
            continue;
          }
          if (!m.state().isRunning()) {
            out.add(m.name() + " is " + m.state().raw());
          } else if (!Objects.equals(m.timeline(), l.timeline())) {
            out.add(m.name() + " on timeline " + (m.timeline() == null ? "?" : m.timeline()) + ", leader on "
                + (l.timeline() == null ? "?" : l.timeline()));
          } else if (!m.state().isStreaming()
              && senders.stream().noneMatch(s -> s.applicationName().equals(m.name()) && s.isStreaming())) {
            out.add(m.name() + " does not stream from " + l.name());
          }
        }
        return out;
      }
    };
  }

  /** The topology says the cluster is paused (the {@code pause} flag in the DCS). */
  public static ClusterCondition clusterPaused() {
    return ClusterCondition.of("cluster paused", o -> o.view().paused());
  }

  /** The topology says the cluster is not paused. */
  public static ClusterCondition clusterResumed() {
    return ClusterCondition.of("cluster not paused", o -> !o.view().paused());
  }

  /** {@code member} itself reports the pause ({@code pause} in its {@code /patroni}). */
  public static ClusterCondition memberPaused(String member) {
    return statusCondition(member + " reports paused", member, MemberStatus::paused);
  }

  /** Every member itself reports the pause: maintenance mode is in effect everywhere. */
  public static ClusterCondition allMembersPaused() {
    return allStatuses("every member reports paused", MemberStatus::paused);
  }

  /** No member itself reports the pause any more. */
  public static ClusterCondition allMembersResumed() {
    return allStatuses("no member reports paused", s -> !s.paused());
  }

  /** No member has {@code pending_restart}. */
  public static ClusterCondition noPendingRestart() {
    return ClusterCondition.of("no member has a pending restart",
        o -> o.view().members().stream().noneMatch(Member::pendingRestart));
  }

  /** No member has a scheduled restart. */
  public static ClusterCondition noScheduledRestart() {
    return ClusterCondition.of("no member has a scheduled restart",
        o -> o.view().members().stream().allMatch(m -> m.scheduledRestart() == null));
  }

  /** No switchover is scheduled. */
  public static ClusterCondition noScheduledSwitchover() {
    return ClusterCondition.of("no switchover scheduled", o -> o.view().scheduledSwitchover() == null);
  }

  /** All of the conditions. */
  public static ClusterCondition allOf(ClusterCondition... conditions) {
    List<ClusterCondition> list = List.of(conditions);
    return new ClusterCondition() {
      @Override public boolean test(ClusterObservation o) { return list.stream().allMatch(c -> c.test(o)); }
      @Override public String describe() {
        return String.join(" and ", list.stream().map(ClusterCondition::describe).toList());
      }
      @Override public boolean needsMemberStatuses() { return list.stream().anyMatch(ClusterCondition::needsMemberStatuses); }
    };
  }

  /** The negation. */
  public static ClusterCondition not(ClusterCondition c) {
    return new ClusterCondition() {
      @Override public boolean test(ClusterObservation o) { return !c.test(o); }
      @Override public String describe() { return "not (" + c.describe() + ")"; }
      @Override public boolean needsMemberStatuses() { return c.needsMemberStatuses(); }
    };
  }

  private static ClusterCondition statusCondition(String description, String member, Predicate<MemberStatus> p) {
    return new ClusterCondition() {
      @Override public boolean test(ClusterObservation o) { return o.status(member).filter(p).isPresent(); }
      @Override public String describe() { return description; }
      @Override public boolean needsMemberStatuses() { return true; }
    };
  }

  private static ClusterCondition allStatuses(String description, Predicate<MemberStatus> p) {
    return new ClusterCondition() {
      @Override
      public boolean test(ClusterObservation o) {
        return !o.view().members().isEmpty()
            && o.view().members().stream().allMatch(m -> o.status(m.name()).filter(p).isPresent());
      }
      @Override public String describe() { return description; }
      @Override public boolean needsMemberStatuses() { return true; }
    };
  }
}
