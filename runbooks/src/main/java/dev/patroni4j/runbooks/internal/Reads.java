package dev.patroni4j.runbooks.internal;

import dev.patroni4j.client.Sleeper;
import dev.patroni4j.runbooks.RunbookException;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Runs observations with a few attempts, pausing on the run's injected {@link Sleeper}. Actions never go through
 * here: writes are not retried. A {@link RunbookException} (the step's own verdict) and an interrupt are not
 * retried; after the last attempt its failure is thrown, the earlier ones suppressed in it.
 */
public final class Reads {
  private Reads() {}

  public static <T> T withRetry(int attempts, Duration wait, Sleeper sleeper, Callable<T> read) throws Exception {
    Exception failure = null;
    for (int attempt = 1; ; attempt++) {
      try {
        return read.call();
      } catch (RunbookException | InterruptedException e) {
        throw e;
      } catch (Exception e) {
        if (failure != null && failure != e) {
          e.addSuppressed(failure);
        }
        failure = e;
        if (attempt >= attempts) {
          throw failure;
        }
      }
      sleeper.sleep(wait);
    }
  }
}
