package dev.patroni4j.runbooks.catalogue;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Parameters of a planned switchover. Unset {@code from} means "the leader when the plan is made"; unset {@code to}
 * means "the best candidate when the plan is made" (streaming, not {@code nofailover}, the sync standby in
 * synchronous mode, least lag).
 *
 * <pre>{@code SwitchoverOptions.defaults().to("pg2").waitForLagBelow(16L << 20, Duration.ofMinutes(2)) }</pre>
 *
 * <p>Thread-safety: immutable.
 */
public record SwitchoverOptions(@Nullable String from, @Nullable String to, @Nullable Long maxLagBytes,
    Duration lagWait, boolean checkpoint) {
  public SwitchoverOptions {
    if (maxLagBytes != null && maxLagBytes < 0) {
      throw new IllegalArgumentException("maxLagBytes < 0: " + maxLagBytes);
    }
    if (lagWait.isNegative()) {
      throw new IllegalArgumentException("lagWait < 0: " + lagWait);
    }
  }

  /** From the current leader to the best candidate, CHECKPOINT first (when SQL access is configured), no lag wait. */
  public static SwitchoverOptions defaults() {
    return new SwitchoverOptions(null, null, null, Duration.ofMinutes(2), true);
  }

  public SwitchoverOptions from(String leader) {
    return new SwitchoverOptions(leader, to, maxLagBytes, lagWait, checkpoint);
  }

  public SwitchoverOptions to(String candidate) {
    return new SwitchoverOptions(from, candidate, maxLagBytes, lagWait, checkpoint);
  }

  /** Waits (up to {@code wait}) until the candidate's lag is at most {@code bytes} before switching. */
  public SwitchoverOptions waitForLagBelow(long bytes, Duration wait) {
    return new SwitchoverOptions(from, to, bytes, wait, checkpoint);
  }

  public SwitchoverOptions withoutCheckpoint() {
    return new SwitchoverOptions(from, to, maxLagBytes, lagWait, false);
  }

  public Optional<String> findFrom() {
    return Optional.ofNullable(from);
  }

  public Optional<String> findTo() {
    return Optional.ofNullable(to);
  }
}
