package dev.patroni4j.client;

import java.time.Duration;

/**
 * Waits between polls. Injected so tests advance time instead of sleeping.
 *
 * <pre>{@code
 * PatroniClient.builder().sleeper(Sleeper.system());
 * }</pre>
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Sleeper {
  /** Sleeps for {@code duration}; throws if interrupted. */
  void sleep(Duration duration) throws InterruptedException;

  /** {@link Thread#sleep(long)}. */
  static Sleeper system() {
    return d -> Thread.sleep(Math.max(0, d.toMillis()));
  }
}
