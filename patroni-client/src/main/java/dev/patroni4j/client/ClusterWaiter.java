package dev.patroni4j.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Blocks until a {@link ClusterCondition} holds, with a deadline, polling (sleeping between
 * reads) or reacting (the observer blocks until a change). A timeout throws {@link
 * PatroniWaitTimeoutException} with the last observation.
 *
 * <pre>{@code
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
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout < 0");
    }
    Instant deadline = clock.instant().plus(timeout);
    ClusterObservation last = null;
    PatroniException lastError = null;
    try {
      while (true) {
        Duration remaining = Duration.between(clock.instant(), deadline);
        try {
          ClusterObservation o = observer.next(condition.needsMemberStatuses(), remaining.isNegative() ? Duration.ZERO : remaining);
          last = o;
          lastError = null;
          if (condition.test(o)) {
            return o;
          }
        } catch (PatroniException e) {
          lastError = e;
        }
        remaining = Duration.between(clock.instant(), deadline);
        if (remaining.isNegative() || remaining.isZero()) {
          throw new PatroniWaitTimeoutException(condition.describe(), timeout, last, lastError);
        }
        if (pollInterval != null || lastError != null) {
          Duration step = pollInterval != null ? pollInterval : Duration.ofMillis(200);
          sleeper.sleep(step.compareTo(remaining) < 0 ? step : remaining);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PatroniException("interrupted while waiting for " + condition.describe(), e);
    }
  }
}
