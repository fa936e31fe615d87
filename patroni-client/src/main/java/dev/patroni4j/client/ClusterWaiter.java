package dev.patroni4j.client;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Blocks until a {@link ClusterCondition} holds, with a deadline, polling (sleeping between
 * reads) or reacting (the observer blocks until a change). A timeout throws {@link
 * PatroniWaitTimeoutException} with the last observation.
 *
 * <pre>{@code
 * // given: ClusterObserver observer;
 * ClusterWaiter waiter = ClusterWaiter.polling(observer, Duration.ofSeconds(1), Clock.systemUTC(), Sleeper.system());
 * ClusterObservation o = waiter.waitUntil(Conditions.leaderIs("pg2"), Duration.ofMinutes(1));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class ClusterWaiter {
  private final ClusterObserver observer;
  private final @Nullable Duration pollInterval;
  private final Clock clock;
  private final Sleeper sleeper;

  private ClusterWaiter(ClusterObserver observer, @Nullable Duration pollInterval, Clock clock, Sleeper sleeper) {
    this.observer = Objects.requireNonNull(observer, "observer == null");
    this.pollInterval = pollInterval;
    this.clock = Objects.requireNonNull(clock, "clock == null");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper == null");
  }

  /** Reads, then sleeps {@code pollInterval}, until the condition holds. */
  public static ClusterWaiter polling(ClusterObserver observer, Duration pollInterval, Clock clock, Sleeper sleeper) {
    PatroniClient.checkPositive(pollInterval, "pollInterval");
    return new ClusterWaiter(observer, pollInterval, clock, sleeper);
  }

  /** Lets the observer block until a change; sleeps only after an observer error. */
  public static ClusterWaiter reacting(ClusterObserver observer, Clock clock, Sleeper sleeper) {
    return new ClusterWaiter(observer, null, clock, sleeper);
  }

  /**
   * Waits until {@code condition} holds and returns the observation in which it did.
   *
   * @throws PatroniWaitTimeoutException if it does not hold within {@code timeout}
   * @throws PatroniException if interrupted (the interrupt flag is restored)
   */
  public ClusterObservation waitUntil(ClusterCondition condition, Duration timeout) {
    Objects.requireNonNull(condition, "condition == null");
    Waiter waiter = pollInterval != null ? Waiter.polling(pollInterval, clock, sleeper) : Waiter.reacting(clock, sleeper);
    return waiter.until(condition.describe(), timeout, remaining -> {
      ClusterObservation o;
      try {
        o = observer.next(condition.needsMemberStatuses(), remaining);
      } catch (PatroniException e) {
        return Waiter.Attempt.failed(e);
      }
      return condition.test(o) ? Waiter.Attempt.done(o) : Waiter.Attempt.pending(o);
    });
  }
}
