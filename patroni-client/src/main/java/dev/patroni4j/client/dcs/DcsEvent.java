package dev.patroni4j.client.dcs;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A change a {@link DcsWatch} saw in a cluster's keys. Every event carries the store revision at which the change
 * was observed.
 *
 * <pre>{@code
 * // given: DcsEvent event;
 * if (event instanceof DcsEvent.LeaderChanged c) {
 *   System.out.println("leader is now " + c.current());
 * } else if (event instanceof DcsEvent.LeaderLost l) {
 *   System.out.println("no leader, was " + l.previous());
 * }
 * }</pre>
 */
public sealed interface DcsEvent {

  /** The store revision at which the change was observed. */
  long revision();

  /**
   * The leader key now names {@code current}; {@code previous} is null if there was no leader before.
   *
   * @param revision the revision of the change
   * @param previous the former leader, or null
   * @param current the new leader
   */
  record LeaderChanged(long revision, @Nullable String previous, String current) implements DcsEvent {
    public LeaderChanged {
      Objects.requireNonNull(current, "current == null");
    }
  }

  /**
   * The leader key is gone: the leader stepped down or its lease/session expired.
   *
   * @param revision the revision of the change
   * @param previous the former leader
   */
  record LeaderLost(long revision, String previous) implements DcsEvent {
    public LeaderLost {
      Objects.requireNonNull(previous, "previous == null");
    }
  }

  /**
   * A member key appeared.
   *
   * @param revision the revision of the change
   * @param member the new member
   */
  record MemberAdded(long revision, DcsMember member) implements DcsEvent {
    public MemberAdded {
      Objects.requireNonNull(member, "member == null");
    }
  }

  /**
   * A member key was rewritten with different content.
   *
   * @param revision the revision of the change
   * @param previous the member before
   * @param current the member now
   */
  record MemberChanged(long revision, DcsMember previous, DcsMember current) implements DcsEvent {
    public MemberChanged {
      Objects.requireNonNull(previous, "previous == null");
      Objects.requireNonNull(current, "current == null");
    }
  }

  /**
   * A member key disappeared (Patroni stopped, or its lease/session expired).
   *
   * @param revision the revision of the change
   * @param previous the member as last seen
   */
  record MemberRemoved(long revision, DcsMember previous) implements DcsEvent {
    public MemberRemoved {
      Objects.requireNonNull(previous, "previous == null");
    }
  }

  /**
   * The dynamic configuration changed, appeared or disappeared.
   *
   * @param revision the revision of the change
   * @param previous the configuration before, or null
   * @param current the configuration now, or null if the key was removed
   */
  record ConfigChanged(long revision, @Nullable DcsConfig previous, @Nullable DcsConfig current)
      implements DcsEvent {}

  /**
   * A switchover or failover was requested: the failover key now holds a non-empty request.
   *
   * @param revision the revision of the change
   * @param failover the request
   */
  record FailoverSet(long revision, DcsFailover failover) implements DcsEvent {
    public FailoverSet {
      Objects.requireNonNull(failover, "failover == null");
    }
  }

  /**
   * The pending switchover or failover is gone: done, cancelled, or the key was removed.
   *
   * @param revision the revision of the change
   * @param previous the request that was pending
   */
  record FailoverCleared(long revision, DcsFailover previous) implements DcsEvent {
    public FailoverCleared {
      Objects.requireNonNull(previous, "previous == null");
    }
  }

  /**
   * The {@code initialize} key changed: a new system identifier, or the key was removed.
   *
   * @param revision the revision of the change
   * @param previous the key before, or null
   * @param current the key now, or null
   */
  record InitializeChanged(long revision, @Nullable DcsInitialize previous, @Nullable DcsInitialize current)
      implements DcsEvent {}

  /**
   * The watch lost its place in the store's change stream (history compacted, connection lost) and re-read the
   * cluster. The events that follow are the net changes between the last state delivered and the state re-read,
   * so no change is lost, though intermediate values of a key may be skipped.
   *
   * @param revision the revision of the re-read snapshot
   * @param reason why the watch re-read, e.g. {@code "compacted"}
   */
  record Resynchronized(long revision, String reason) implements DcsEvent {
    public Resynchronized {
      Objects.requireNonNull(reason, "reason == null");
    }
  }
}
