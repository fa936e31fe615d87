package dev.patroni4j.runbooks.internal;

import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.util.concurrent.Callable;

/** Runs observations under a Resilience4j retry. Actions never go through here: writes are not retried. */
public final class Reads {
  private Reads() {}

  public static <T> T withRetry(RetryConfig config, String name, Callable<T> read) throws Exception {
    Retry retry = Retry.of(name, config);
    try {
      return Retry.decorateCheckedSupplier(retry, read::call).get();
    } catch (Exception | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }
}
