package dev.patroni4j.runbooks;

import java.time.Duration;

/**
 * A wait ran past its deadline. Carries what was awaited, for how long, and the last observation, so that a timeout
 * message explains itself ("waited 60s for all members streaming on timeline 3; last: pg3 is starting").
 *
 * <p>Thread-safety: immutable.
 */
public final class WaitTimeoutException extends RunbookException {
  private static final long serialVersionUID = 1L;
  private final String awaited;
  private final Duration timeout;
  private final String lastObserved;

  public WaitTimeoutException(String awaited, Duration timeout, String lastObserved) {
    super("waited " + timeout + " for " + awaited + "; last observed: " + lastObserved);
    this.awaited = awaited;
    this.timeout = timeout;
    this.lastObserved = lastObserved;
  }

  public String awaited() {
    return awaited;
  }

  public Duration timeout() {
    return timeout;
  }

  public String lastObserved() {
    return lastObserved;
  }
}
