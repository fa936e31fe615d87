package dev.patroni4j.client;

import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberState;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.client.model.ReplicationConnection;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.client.model.ScheduledSwitchover;
import dev.patroni4j.client.model.Timeline;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The usual {@link ClusterCondition}s.
 *
 * <pre>{@code
 * // given: PatroniClient client; Duration d;
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

  /** Some member holds the leader lock and its PostgreSQL runs. */
  public static ClusterCondition runningLeader() {
    return new ClusterCondition() {
      @Override public boolean test(ClusterObservation o) { return o.view().findLeader().filter(l -> l.state().isRunning()).isPresent(); }
      @Override public String describe() { return "a running leader"; }
      @Override public String whyNot(ClusterObservation o) {
        return o.view().findLeader().map(l -> "leader " + l.name() + " is " + l.state().raw()).orElse("no leader");
      }
    };
  }

  /**
   * The leader is a primary, in {@code /cluster} and by its own {@code GET /patroni} (role {@code primary} or {@code
   * master}, PostgreSQL running): the cluster is not, or no longer, a standby cluster.
   */
  public static ClusterCondition primaryLeader() {
    return leaderWithRole(Role.Kind.PRIMARY, "a running primary leader", s -> true);
  }

  /**
   * The leader is a {@code standby_leader}, in {@code /cluster} and by its own {@code GET /patroni}, and its
   * PostgreSQL runs in recovery: streaming where Patroni reports the replication state (3.0.4 and later), else
   * reporting a received or replayed WAL position. {@code /cluster} names the lock holder a standby leader as soon
   * as the configuration says so, before a demoted primary has restarted as a standby: this waits for the restart.
   */
  public static ClusterCondition standbyLeader() {
    return leaderWithRole(Role.Kind.STANDBY_LEADER, "a standby leader running in recovery",
        s -> s.replicationState() != null ? s.replicationState().isStreaming()
            : s.receivedLocation() != null || s.replayedLocation() != null);
  }

  private static ClusterCondition leaderWithRole(Role.Kind role, String description, Predicate<MemberStatus> more) {
    return new ClusterCondition() {
      @Override public boolean test(ClusterObservation o) { return problem(o).isEmpty(); }
      @Override public String describe() { return description; }
      @Override public String whyNot(ClusterObservation o) { return problem(o).orElse("holds"); }
      @Override public boolean needsMemberStatuses() { return true; }

      private Optional<String> problem(ClusterObservation o) {
        Optional<Member> leader = o.view().findLeader();
        if (leader.isEmpty()) {
          return Optional.of("no leader");
        }
        Member l = leader.get();
        if (l.role().kind() != role || !l.state().isRunning()) {
          return Optional.of("/cluster shows leader " + l.name() + " as " + l.role().raw() + "/" + l.state().raw());
        }
        Optional<MemberStatus> s = o.status(l.name());
        if (s.isEmpty()) {
          PatroniException e = o.unreachable().get(l.name());
          return Optional.of("leader " + l.name() + (e != null ? " did not answer: " + e.getMessage() : " was not asked"));
        }
        MemberStatus st = s.get();
        if (st.role().kind() != role || !st.state().isRunning() || !more.test(st)) {
          return Optional.of("leader " + l.name() + " reports itself " + st.role().raw() + "/" + st.state().raw()
              + (st.replicationState() != null ? ", replication " + st.replicationState().raw() : ""));
        }
        return Optional.empty();
      }
    };
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

  /**
   * {@code member} is a replica that streams, on the leader's timeline, from its upstream, and is at most {@code
   * maxLagBytes} behind the leader as Patroni reports it (an unknown lag is never within the bound). Its upstream is
   * the member its {@code replicatefrom} tag names when that member runs, else the leader (where Patroni lets it
   * fall back). Streaming is confirmed from the upstream's WAL senders ({@code replication} in its {@code GET
   * /patroni}, which Patroni reports on replicas too), so a replica streaming from anyone else does not count. What
   * "a new replica is done" means.
   *
   * <pre>{@code
   * // given: PatroniClient client;
   * client.waitUntil(Conditions.replicaStreamingWithin("pg4", 16L * 1024 * 1024), Duration.ofMinutes(5));
   * }</pre>
   *
   * @throws IllegalArgumentException for a negative bound
   */
  public static ClusterCondition replicaStreamingWithin(String member, long maxLagBytes) {
    Objects.requireNonNull(member, "member == null");
    if (maxLagBytes < 0) {
      throw new IllegalArgumentException("maxLagBytes < 0: " + maxLagBytes);
    }
    return new ClusterCondition() {
      @Override
      public boolean test(ClusterObservation o) {
        return problem(o).isEmpty();
      }

      @Override
      public String describe() {
        return member + " streams from its upstream on the leader's timeline, at most " + maxLagBytes
            + " bytes behind";
      }

      @Override
      public String whyNot(ClusterObservation o) {
        return problem(o).orElse("holds");
      }

      @Override
      public boolean needsMemberStatuses() {
        return true;
      }

      private Optional<String> problem(ClusterObservation o) {
        Optional<Member> found = o.view().findMember(member);
        if (found.isEmpty()) {
          return Optional.of(member + " is missing from the cluster");
        }
        Optional<Member> leader = o.view().findLeader();
        if (leader.isEmpty()) {
          return Optional.of("no leader");
        }
        Member l = leader.get();
        Member m = found.get();
        if (l.name().equals(member)) {
          return Optional.of(member + " is the leader, not a replica");
        }
        if (!l.state().isRunning() || l.timeline() == null) {
          return Optional.of("leader " + l.name() + " is " + l.state().raw());
        }
        if (!m.state().isRunning()) {
          return Optional.of(member + " is " + m.state().raw());
        }
        if (!Objects.equals(m.timeline(), l.timeline())) {
          return Optional.of(member + " on timeline " + (m.timeline() == null ? "?" : m.timeline()) + ", leader on "
              + l.timeline());
        }
        Member upstream = m.tags().replicateFrom().flatMap(n -> o.view().findMember(n))
            .filter(u -> u.state().isRunning()).orElse(l);
        boolean seen = o.status(upstream.name()).map(MemberStatus::replication).orElse(List.of()).stream()
            .anyMatch(s -> s.applicationName().equals(member) && s.isStreaming());
        if (!seen) {
          return Optional.of(member + " does not stream from " + upstream.name());
        }
        if (!m.lag().isAtMost(maxLagBytes)) {
          return Optional.of(member + "'s lag behind the leader is " + m.lag() + " (bound " + maxLagBytes + " B)");
        }
        return Optional.empty();
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

  /**
   * {@code member}'s PostgreSQL runs, as its own Patroni reports it ({@code GET /patroni}: {@code running},
   * {@code streaming} or {@code in archive recovery}).
   */
  public static ClusterCondition memberRunning(String member) {
    return statusCondition(member + " is running", member, s -> s.state().isRunning(),
        s -> member + " is " + s.state().raw());
  }

  /** {@code member} itself reports no {@code pending_restart}. */
  public static ClusterCondition memberNotPendingRestart(String member) {
    return statusCondition(member + " has no pending restart", member, s -> !s.pendingRestart(),
        s -> member + " has a pending restart");
  }

  /**
   * {@code member}'s postmaster started at another time than {@code previous}, the start time seen before a restart
   * was asked for: PostgreSQL was restarted since.
   */
  public static ClusterCondition memberPostmasterRestartedSince(String member, Instant previous) {
    Objects.requireNonNull(previous, "previous == null");
    return statusCondition(member + "'s postmaster restarted since " + previous, member,
        s -> s.postmasterStartTime() != null && !s.postmasterStartTime().toInstant().equals(previous),
        s -> member + "'s postmaster " + (s.postmasterStartTime() == null ? "reports no start time"
            : "still started at " + s.postmasterStartTime()));
  }

  /** {@code member}'s postmaster started after {@code instant} (e.g. when a reinitialize was asked for). */
  public static ClusterCondition memberPostmasterStartedAfter(String member, Instant instant) {
    Objects.requireNonNull(instant, "instant == null");
    return statusCondition(member + "'s postmaster started after " + instant, member,
        s -> s.postmasterStartTime() != null && s.postmasterStartTime().toInstant().isAfter(instant),
        s -> member + "'s postmaster " + (s.postmasterStartTime() == null ? "reports no start time"
            : "started at " + s.postmasterStartTime()));
  }

  /** {@code member} itself reports a restart scheduled at {@code at}. */
  public static ClusterCondition scheduledRestartIs(String member, Instant at) {
    Objects.requireNonNull(at, "at == null");
    return statusCondition("restart of " + member + " scheduled at " + at, member,
        s -> s.scheduledRestart() != null && s.scheduledRestart().schedule().toInstant().equals(at),
        s -> s.scheduledRestart() == null ? "no restart scheduled on " + member
            : "restart of " + member + " scheduled at " + s.scheduledRestart().schedule());
  }

  /** {@code member} itself reports no scheduled restart. */
  public static ClusterCondition scheduledRestartAbsent(String member) {
    return statusCondition("no restart scheduled on " + member, member, s -> s.scheduledRestart() == null,
        s -> "restart still scheduled on " + member + " at " + Objects.requireNonNull(s.scheduledRestart()).schedule());
  }

  /** A switchover is scheduled at {@code at}. */
  public static ClusterCondition switchoverScheduledAt(Instant at) {
    Objects.requireNonNull(at, "at == null");
    return new ClusterCondition() {
      @Override public boolean test(ClusterObservation o) {
        ScheduledSwitchover s = o.view().scheduledSwitchover();
        return s != null && s.at().toInstant().equals(at);
      }
      @Override public String describe() { return "switchover scheduled at " + at; }
      @Override public String whyNot(ClusterObservation o) {
        ScheduledSwitchover s = o.view().scheduledSwitchover();
        return s == null ? "no switchover scheduled" : "switchover scheduled at " + s.at();
      }
    };
  }

  /** All of the conditions. */
  public static ClusterCondition allOf(ClusterCondition... conditions) {
    List<ClusterCondition> list = List.of(conditions);
    return new ClusterCondition() {
      @Override public boolean test(ClusterObservation o) { return list.stream().allMatch(c -> c.test(o)); }
      @Override public String describe() {
        return String.join(" and ", list.stream().map(ClusterCondition::describe).toList());
      }
      @Override public String whyNot(ClusterObservation o) {
        return list.stream().filter(c -> !c.test(o)).findFirst().map(c -> c.whyNot(o)).orElse("holds");
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
    return statusCondition(description, member, p, s -> "not yet: " + description);
  }

  private static ClusterCondition statusCondition(String description, String member, Predicate<MemberStatus> p,
      Function<MemberStatus, String> whyNot) {
    Objects.requireNonNull(member, "member == null");
    return new ClusterCondition() {
      @Override public boolean test(ClusterObservation o) { return o.status(member).filter(p).isPresent(); }
      @Override public String describe() { return description; }
      @Override public String whyNot(ClusterObservation o) {
        Optional<MemberStatus> s = o.status(member);
        if (s.isPresent()) {
          return p.test(s.get()) ? "holds" : whyNot.apply(s.get());
        }
        PatroniException e = o.unreachable().get(member);
        return e != null ? member + " did not answer: " + e.getMessage()
            : o.view().findMember(member).isPresent() ? member + " was not asked for its status"
            : member + " is not in the member list";
      }
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
