package dev.patroni4j.dcs.etcd.internal;

import dev.patroni4j.client.PatroniException.Delivery;
import dev.patroni4j.client.dcs.DcsException;
import dev.patroni4j.client.dcs.DcsTimeoutException;
import dev.patroni4j.client.dcs.DcsUnavailableException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Runs jetcd calls under a deadline (jetcd has none of its own): reads are retried with exponential backoff while
 * the store is unavailable and time remains; writes run exactly once. Thread-safe.
 */
public final class Calls {

  /** Sleeps between read attempts; replaceable so that tests need not sleep. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final Duration timeout;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Sleeper sleeper;

  public Calls(Duration timeout, Duration initialBackoff, Duration maxBackoff, Sleeper sleeper) {
    this.timeout = timeout;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.sleeper = sleeper;
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
    long deadline = System.nanoTime() + timeout.toNanos();
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
        long left = deadline - System.nanoTime();
        if (left <= backoff.toNanos()) {
          throw e;
        }
        sleep(operation, key, backoff);
        backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
      }
    }
  }

  /** Runs a write once. A failure that leaves the outcome open says {@link Delivery#POSSIBLY_SENT}. */
  public <T> T write(String operation, @Nullable String key, Supplier<CompletableFuture<T>> call) {
    return await(operation, key, call.get(), System.nanoTime() + timeout.toNanos(), true);
  }

  private <T> T await(String operation, @Nullable String key, CompletableFuture<T> future, long deadline,
      boolean write) {
    try {
      return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
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
