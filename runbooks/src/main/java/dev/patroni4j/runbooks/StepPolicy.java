package dev.patroni4j.runbooks;

import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * How long a step's verification may take, how often it is observed, and how observations ({@link Step#decide},
 * {@link Step#verify}) are retried. Actions are never retried: an action that failed ambiguously is resolved by
 * observation, not by sending it again.
 *
 * <pre>{@code
 * StepPolicy slow = StepPolicy.custom().verifyTimeout(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(2)).build();
 * }</pre>
 *
 * <p>Thread-safety: immutable.
 */
public record StepPolicy(Duration verifyTimeout, Duration pollInterval, RetryConfig readRetry) {
  public StepPolicy {
    Objects.requireNonNull(readRetry, "readRetry == null");
    if (verifyTimeout.isNegative() || verifyTimeout.isZero()) {
      throw new IllegalArgumentException("verifyTimeout <= 0: " + verifyTimeout);
    }
    if (pollInterval.isNegative()) {
      throw new IllegalArgumentException("pollInterval < 0: " + pollInterval);
    }
  }

  /** Two minutes to verify, observed every 500 ms, reads tried three times 200 ms apart (typed
   * {@link RunbookException}s are not retried). */
  public static StepPolicy ofDefaults() {
    return custom().build();
  }

  public static Builder custom() {
    return new Builder();
  }

  public static Builder from(StepPolicy base) {
    return new Builder().verifyTimeout(base.verifyTimeout).pollInterval(base.pollInterval).readRetry(base.readRetry);
  }

  /** Builder for {@link StepPolicy}; not thread-safe. */
  public static final class Builder {
    private Duration verifyTimeout = Duration.ofMinutes(2);
    private Duration pollInterval = Duration.ofMillis(500);
    private RetryConfig readRetry =
        RetryConfig.custom()
            .maxAttempts(3)
            .waitDuration(Duration.ofMillis(200))
            .ignoreExceptions(RunbookException.class, InterruptedException.class)
            .build();

    private Builder() {}

    public Builder verifyTimeout(Duration verifyTimeout) {
      this.verifyTimeout = Objects.requireNonNull(verifyTimeout, "verifyTimeout == null");
      return this;
    }

    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval == null");
      return this;
    }

    public Builder readRetry(RetryConfig readRetry) {
      this.readRetry = Objects.requireNonNull(readRetry, "readRetry == null");
      return this;
    }

    public StepPolicy build() {
      return new StepPolicy(verifyTimeout, pollInterval, readRetry);
    }
  }
}
