package dev.patroni4j.client.dcs;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The store did not answer within the client's deadline. A write may have been applied ({@link #delivery()}). */
public class DcsTimeoutException extends DcsException {

  private static final long serialVersionUID = 1L;

  private final Duration timeout;

  public DcsTimeoutException(
      String operation, @Nullable String key, Duration timeout, Delivery delivery, @Nullable Throwable cause) {
    super(operation + (key == null ? "" : " " + key) + " got no answer within " + timeout,
        operation, key, delivery, cause);
    this.timeout = Objects.requireNonNull(timeout, "timeout == null");
  }

  /** The deadline that passed. */
  public Duration timeout() {
    return timeout;
  }
}
