package dev.patroni4j.runbooks;

import java.time.Duration;

/**
 * How the engine waits between observations; injected so that tests do not sleep.
 *
 * <pre>{@code RunbookRunner.builder().sleeper(Sleeper.system()) }</pre>
 *
 * <p>Thread-safety: implementations must be thread-safe.
 */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration duration) throws InterruptedException;

  /** Sleeps the calling thread. */
  static Sleeper system() {
    return d -> Thread.sleep(d.toMillis());
  }
}
