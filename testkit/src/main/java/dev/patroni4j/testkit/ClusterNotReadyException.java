package dev.patroni4j.testkit;

import java.time.Duration;

/**
 * A wait on a local cluster ran past its deadline. Carries what the wait was for, how long it
 * waited, and the last state it observed (the members as Patroni's {@code /cluster} reported them
 * and the replication rows the leader reported), so that a failing test says why.
 */
public final class ClusterNotReadyException extends TestkitException {
  private static final long serialVersionUID = 1L;

  private final String condition;
  private final Duration waited;
  private final String lastObserved;

  public ClusterNotReadyException(String condition, Duration waited, String lastObserved) {
    super("timed out after " + waited.toSeconds() + " s waiting for " + condition
        + "; last observed: " + lastObserved);
    this.condition = condition;
    this.waited = waited;
    this.lastObserved = lastObserved;
  }

  /** What the wait was for, e.g. {@code "a leader and 2 streaming replicas"}. */
  public String condition() {
    return condition;
  }

  public Duration waited() {
    return waited;
  }

  /** The last state observed before the deadline, as text. */
  public String lastObserved() {
    return lastObserved;
  }
}
