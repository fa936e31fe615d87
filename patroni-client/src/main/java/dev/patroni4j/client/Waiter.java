package dev.patroni4j.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The one deadline loop of patroni4j: asks a {@link Probe} until it reports done, sleeping between attempts on the
 * injected {@link Sleeper} and measuring the deadline on the injected {@link Clock}. A wait that runs out throws
 * {@link PatroniWaitTimeoutException} carrying the last thing the probe observed, typed as the probe produced it.
 * {@link ClusterWaiter} waits for {@link ClusterCondition}s with it; the runbook engine verifies steps with it.
 *
 * <pre>{@code
 * import dev.patroni4j.client.model.MemberStatus;
 * // given: PatroniClient client;
 * Waiter waiter = Waiter.polling(Duration.ofSeconds(1), Clock.systemUTC(), Sleeper.system());
 * MemberStatus s = waiter.until("pg2 running", Duration.ofMinutes(1), remaining -> {
 *   MemberStatus now = client.member("pg2").status();
 *   return now.state().isRunning() ? Waiter.Attempt.done(now) : Waiter.Attempt.pending(now);
 * });
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class Waiter {
  private static final Duration AFTER_ERROR = Duration.ofMillis(200);

  private final @Nullable Duration pollInterval;
  private final Clock clock;
  private final Sleeper sleeper;

  private Waiter(@Nullable Duration pollInterval, Clock clock, Sleeper sleeper) {
    this.pollInterval = pollInterval;
    this.clock = Objects.requireNonNull(clock, "clock == null");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper == null");
  }

  /** Sleeps {@code pollInterval} between attempts. */
  public static Waiter polling(Duration pollInterval, Clock clock, Sleeper sleeper) {
    PatroniClient.checkPositive(pollInterval, "pollInterval");
    return new Waiter(pollInterval, clock, sleeper);
  }

  /** Asks again at once (the probe itself blocks until something changes); sleeps only after a failed attempt. */
  public static Waiter reacting(Clock clock, Sleeper sleeper) {
    return new Waiter(null, clock, sleeper);
  }

  /** The clock deadlines are measured on. */
  public Clock clock() {
    return clock;
  }

  /** One attempt of a wait. Implementations must be side-effect free as far as the waited-for state goes. */
  @FunctionalInterface
  public interface Probe<T> {
    /**
     * Observes once.
     *
     * @param remaining the time left until the deadline (a reacting probe may block that long)
     */
    Attempt<T> attempt(Duration remaining) throws InterruptedException;
  }

  /**
   * What one attempt saw: {@link Done} with the value the wait returns, or {@link Pending} with the observation
   * (or the error) that a timeout will report.
   *
   * @param <T> the type of the value a successful wait returns
   */
  public sealed interface Attempt<T> {
    /** The awaited state holds; {@code value} is returned by the wait. */
    record Done<T>(T value) implements Attempt<T> {
      public Done {
        Objects.requireNonNull(value, "value == null");
      }
    }

    /**
     * Not yet.
     *
     * @param observation what was seen, reported by a timeout; null if nothing could be observed
     * @param error why nothing could be observed, if so
     */
    record Pending<T>(@Nullable Object observation, @Nullable PatroniException error) implements Attempt<T> {}

    /** The awaited state holds. */
    static <T> Attempt<T> done(T value) {
      return new Done<>(value);
    }

    /** Not yet; {@code observation} is what a timeout reports as last observed. */
    static <T> Attempt<T> pending(Object observation) {
      return new Pending<>(observation, null);
    }

    /** Could not observe; the wait goes on and a timeout reports {@code error}. */
    static <T> Attempt<T> failed(PatroniException error) {
      return new Pending<>(null, error);
    }
  }

  /**
   * Asks {@code probe} until it is done and returns its value.
   *
   * @param awaited what is waited for, for the timeout's message, e.g. {@code leader is pg2}
   * @throws PatroniWaitTimeoutException at the deadline, with the last observation (kept across failed attempts)
   *     and the last error
   * @throws PatroniException if interrupted (the interrupt flag is restored)
   */
  public <T> T until(String awaited, Duration timeout, Probe<T> probe) {
    Objects.requireNonNull(awaited, "awaited == null");
    Objects.requireNonNull(probe, "probe == null");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout < 0");
    }
    Instant deadline = clock.instant().plus(timeout);
    Object last = null;
    PatroniException lastError = null;
    try {
      while (true) {
        Duration remaining = Duration.between(clock.instant(), deadline);
        Attempt<T> a = probe.attempt(remaining.isNegative() ? Duration.ZERO : remaining);
        if (a instanceof Attempt.Done<T> done) {
          return done.value();
        }
        Attempt.Pending<T> pending = (Attempt.Pending<T>) a;
        if (pending.observation() != null) {
          last = pending.observation();
        }
        lastError = pending.error();
        remaining = Duration.between(clock.instant(), deadline);
        if (remaining.isNegative() || remaining.isZero()) {
          throw PatroniWaitTimeoutException.of(awaited, timeout, last, lastError);
        }
        if (pollInterval != null || lastError != null) {
          Duration step = pollInterval != null ? pollInterval : AFTER_ERROR;
          sleeper.sleep(step.compareTo(remaining) < 0 ? step : remaining);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PatroniException("interrupted while waiting for " + awaited, e);
    }
  }
}
