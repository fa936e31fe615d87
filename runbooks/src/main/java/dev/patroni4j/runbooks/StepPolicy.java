package dev.patroni4j.runbooks;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a step's verification may take, how often it is observed, and how often an observation ({@link
 * Step#decide}, {@link Step#verify}'s reads) is tried before it counts as failed. Actions are never retried: an
 * action that failed ambiguously is resolved by observation, not by sending it again. Pauses go through the run's
 * injected {@link dev.patroni4j.client.Sleeper}.
 *
 * <pre>{@code
 * StepPolicy slow = StepPolicy.custom().verifyTimeout(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(2))
 *     .readRetry(5, Duration.ofSeconds(1)).build();
 * }</pre>
 *
 * <p>Thread-safety: immutable.
 *
 * @param verifyTimeout how long a step may take to reach its goal after acting
 * @param pollInterval the pause between observations while verifying
 * @param readAttempts how often a read is tried (at least 1); typed {@link RunbookException}s are not retried
 * @param readRetryWait the pause between two attempts of a read
 */
public record StepPolicy(Duration verifyTimeout, Duration pollInterval, int readAttempts, Duration readRetryWait) {
  public StepPolicy {
    if (verifyTimeout.isNegative() || verifyTimeout.isZero()) {
      throw new IllegalArgumentException("verifyTimeout <= 0: " + verifyTimeout);
    }
    if (pollInterval.isNegative()) {
      throw new IllegalArgumentException("pollInterval < 0: " + pollInterval);
    }
    if (readAttempts < 1) {
      throw new IllegalArgumentException("readAttempts < 1: " + readAttempts);
    }
    if (readRetryWait.isNegative()) {
      throw new IllegalArgumentException("readRetryWait < 0: " + readRetryWait);
    }
  }

  /** Two minutes to verify, observed every 500 ms, reads tried three times 200 ms apart. */
  public static StepPolicy ofDefaults() {
    return custom().build();
  }

  public static Builder custom() {
    return new Builder();
  }

  public static Builder from(StepPolicy base) {
    return new Builder().verifyTimeout(base.verifyTimeout).pollInterval(base.pollInterval)
        .readRetry(base.readAttempts, base.readRetryWait);
  }

  /** Builder for {@link StepPolicy}; not thread-safe. */
  public static final class Builder {
    private Duration verifyTimeout = Duration.ofMinutes(2);
    private Duration pollInterval = Duration.ofMillis(500);
    private int readAttempts = 3;
    private Duration readRetryWait = Duration.ofMillis(200);

    private Builder() {}

    public Builder verifyTimeout(Duration verifyTimeout) {
      this.verifyTimeout = Objects.requireNonNull(verifyTimeout, "verifyTimeout == null");
      return this;
    }

    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval == null");
      return this;
    }

    /** A read is tried up to {@code attempts} times, {@code wait} apart. */
    public Builder readRetry(int attempts, Duration wait) {
      this.readAttempts = attempts;
      this.readRetryWait = Objects.requireNonNull(wait, "wait == null");
      return this;
    }

    public StepPolicy build() {
      return new StepPolicy(verifyTimeout, pollInterval, readAttempts, readRetryWait);
    }
  }
}
