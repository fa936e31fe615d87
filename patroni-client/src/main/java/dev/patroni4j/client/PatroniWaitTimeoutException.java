package dev.patroni4j.client;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A wait whose condition did not hold before its deadline. Carries what was last seen, and the
 * last error if the cluster could not be observed.
 *
 * <pre>{@code
 * try {
 *   client.waitUntil(Conditions.leaderIs("pg2"), Duration.ofSeconds(30));
 * } catch (PatroniWaitTimeoutException e) {
 *   log.warn(e.condition() + " not reached; last seen " + e.lastObserved().map(Object::toString).orElse("nothing"));
 * }
 * }</pre>
 *
 * <p>Immutable.
 */
public class PatroniWaitTimeoutException extends PatroniException {
  private static final long serialVersionUID = 1L;

  private final String condition;
  private final Duration timeout;
  private final transient @Nullable ClusterObservation lastObserved;

  public PatroniWaitTimeoutException(
      String condition, Duration timeout, @Nullable ClusterObservation lastObserved, @Nullable PatroniException lastError) {
    super("timed out after " + timeout.toMillis() + " ms waiting for " + condition + "; last observed: "
            + (lastObserved == null ? "nothing" : lastObserved.toString())
            + (lastError == null ? "" : "; last error: " + lastError.getMessage()),
        lastError);
    this.condition = condition;
    this.timeout = timeout;
    this.lastObserved = lastObserved;
  }

  /** The condition waited for. */
  public String condition() {
    return condition;
  }

  /** How long it was waited for. */
  public Duration timeout() {
    return timeout;
  }

  /** The last observation, if any succeeded. */
  public Optional<ClusterObservation> lastObserved() {
    return Optional.ofNullable(lastObserved);
  }
}
