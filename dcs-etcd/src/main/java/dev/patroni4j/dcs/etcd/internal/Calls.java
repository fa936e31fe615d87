package dev.patroni4j.dcs.etcd.internal;

import dev.patroni4j.client.PatroniException.Delivery;
import dev.patroni4j.client.Sleeper;
import dev.patroni4j.client.dcs.DcsException;
import dev.patroni4j.client.dcs.DcsTimeoutException;
import dev.patroni4j.client.dcs.DcsUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Runs jetcd calls under a deadline (jetcd has none of its own): reads are retried with exponential backoff while
 * the store is unavailable and time remains; writes run exactly once. Deadlines are measured on the injected
 * {@link Clock}, backoff pauses on the injected {@link Sleeper}, so tests need not sleep. Thread-safe.
 */
public final class Calls {
  private final Duration timeout;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Clock clock;
  private final Sleeper sleeper;

  public Calls(Duration timeout, Duration initialBackoff, Duration maxBackoff, Clock clock, Sleeper sleeper) {
    this.timeout = timeout;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** The sleeper backoffs pause on (watches share it). */
  public Sleeper sleeper() {
    return sleeper;
  }

  public Duration timeout() {
    return timeout;
  }

  /**
   * Runs a read, retrying it while etcd is unavailable, until the deadline. If the deadline passes after etcd was
   * found unavailable, that failure (which says why, e.g. a TLS handshake error) is thrown, with the timeout
   * suppressed in it.
   */
  public <T> T read(String operation, @Nullable String key, Supplier<CompletableFuture<T>> call) {
    Instant deadline = clock.instant().plus(timeout);
    Duration backoff = initialBackoff;
    DcsUnavailableException unavailable = null;
    while (true) {
      try {
        return await(operation, key, call.get(), deadline, false);
      } catch (DcsTimeoutException e) {
        if (unavailable == null) {
          throw e;
        }
        unavailable.addSuppressed(e);
        throw unavailable;
      } catch (DcsUnavailableException e) {
        unavailable = e;
        if (Duration.between(clock.instant(), deadline).compareTo(backoff) <= 0) {
          throw e;
        }
        sleep(operation, key, backoff);
        backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
      }
    }
  }

  /** Runs a write once. A failure that leaves the outcome open says {@link Delivery#POSSIBLY_SENT}. */
  public <T> T write(String operation, @Nullable String key, Supplier<CompletableFuture<T>> call) {
    return await(operation, key, call.get(), clock.instant().plus(timeout), true);
  }

  private <T> T await(String operation, @Nullable String key, CompletableFuture<T> future, Instant deadline,
      boolean write) {
    try {
      return future.get(Math.max(0, Duration.between(clock.instant(), deadline).toNanos()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new DcsTimeoutException(operation, key, timeout, write ? Delivery.POSSIBLY_SENT : Delivery.NOT_SENT, e);
    } catch (ExecutionException e) {
      throw EtcdErrors.map(e.getCause() == null ? e : e.getCause(), operation, key, timeout, write);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new DcsException(operation + " interrupted", operation, key,
          write ? Delivery.POSSIBLY_SENT : Delivery.NOT_SENT, e);
    }
  }

  private void sleep(String operation, @Nullable String key, Duration duration) {
    try {
      sleeper.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DcsException(operation + " interrupted", operation, key, Delivery.NOT_SENT, e);
    }
  }
}
