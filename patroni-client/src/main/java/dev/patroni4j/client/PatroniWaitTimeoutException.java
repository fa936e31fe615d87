package dev.patroni4j.client;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A wait whose condition did not hold before its deadline: the one timeout of every wait in patroni4j (cluster
 * conditions, runbook step verification). Carries what was last seen, typed as the wait observed it, and the last
 * error if nothing could be observed.
 *
 * <pre>{@code
 * // given: PatroniClient client;
 * try {
 *   client.waitUntil(Conditions.leaderIs("pg2"), Duration.ofSeconds(30));
 * } catch (PatroniWaitTimeoutException e) {
 *   System.err.println(e.condition() + " not reached; last seen " + e.lastObserved().map(Object::toString).orElse("nothing"));
 * }
 * }</pre>
 *
 * <p>Immutable.
 */
public class PatroniWaitTimeoutException extends PatroniException {
  private static final long serialVersionUID = 1L;

  private final String condition;
  private final Duration timeout;
  private final transient @Nullable Object lastObservation;

  /** A timed-out wait for a cluster condition. */
  public PatroniWaitTimeoutException(
      String condition, Duration timeout, @Nullable ClusterObservation lastObserved, @Nullable PatroniException lastError) {
    this(condition, timeout, (Object) lastObserved, lastError);
  }

  private PatroniWaitTimeoutException(
      String condition, Duration timeout, @Nullable Object lastObservation, @Nullable PatroniException lastError) {
    super("timed out after " + timeout.toMillis() + " ms waiting for " + condition + "; last observed: "
            + (lastObservation == null ? "nothing" : lastObservation.toString())
            + (lastError == null ? "" : "; last error: " + lastError.getMessage()),
        lastError);
    this.condition = condition;
    this.timeout = timeout;
    this.lastObservation = lastObservation;
  }

  /**
   * A timed-out wait of any kind ({@link Waiter#until}); {@code lastObservation} is what the wait's probe saw last,
   * e.g. a {@link ClusterObservation} or a runbook step's pending verification.
   */
  public static PatroniWaitTimeoutException of(
      String awaited, Duration timeout, @Nullable Object lastObservation, @Nullable PatroniException lastError) {
    return new PatroniWaitTimeoutException(awaited, timeout, lastObservation, lastError);
  }

  /** The condition waited for. */
  public String condition() {
    return condition;
  }

  /** How long it was waited for. */
  public Duration timeout() {
    return timeout;
  }

  /** The last cluster observation, if the wait observed a cluster and any observation succeeded. */
  public Optional<ClusterObservation> lastObserved() {
    return lastObservation(ClusterObservation.class);
  }

  /** The last observation if it is of {@code type} (e.g. a runbook step's {@code Verification.Pending}). */
  public <T> Optional<T> lastObservation(Class<T> type) {
    return type.isInstance(lastObservation) ? Optional.of(type.cast(lastObservation)) : Optional.empty();
  }
}
