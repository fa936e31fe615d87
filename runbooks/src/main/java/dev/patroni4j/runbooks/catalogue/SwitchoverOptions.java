package dev.patroni4j.runbooks.catalogue;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Parameters of a planned switchover. Unset {@code from} means "the leader when the plan is made"; unset {@code to}
 * means "the best candidate when the plan is made" (streaming, not {@code nofailover}, the sync standby in
 * synchronous mode, least lag).
 *
 * <p>{@link #guardrails()} are checked when the plan is made (the plan refuses before anything changes) and again
 * right before the switchover request: the candidate's replay lag, the longest running transaction on the leader, a
 * synchronous standby in synchronous mode and, when given, the members' Patroni versions ({@link
 * Guardrails#defaults()} unless set).
 *
 * <pre>{@code
 * SwitchoverOptions options = SwitchoverOptions.defaults().to("pg2").waitForLagBelow(16L << 20, Duration.ofMinutes(2))
 *     .guardrails(Guardrails.builder().maxTransactionAge(Duration.ofSeconds(5)).build());
 * }</pre>
 *
 * <p>With {@link #poolers}, the switchover pauses those PgBouncers (bounded by their drain timeout) right before the
 * switchover request and re-points and resumes them as soon as the new leader leads.
 *
 * <p>Thread-safety: immutable.
 */
public record SwitchoverOptions(@Nullable String from, @Nullable String to, @Nullable Long maxLagBytes,
    Duration lagWait, boolean checkpoint, Guardrails guardrails, PoolerCutover poolers) {
  public SwitchoverOptions {
    java.util.Objects.requireNonNull(lagWait, "lagWait == null");
    java.util.Objects.requireNonNull(guardrails, "guardrails == null");
    java.util.Objects.requireNonNull(poolers, "poolers == null");
    if (maxLagBytes != null && maxLagBytes < 0) {
      throw new IllegalArgumentException("maxLagBytes < 0: " + maxLagBytes);
    }
    if (lagWait.isNegative()) {
      throw new IllegalArgumentException("lagWait < 0: " + lagWait);
    }
  }

  /**
   * From the current leader to the best candidate, CHECKPOINT first (when SQL access is configured), no lag wait,
   * {@link Guardrails#defaults()}.
   */
  public static SwitchoverOptions defaults() {
    return new SwitchoverOptions(null, null, null, Duration.ofMinutes(2), true, Guardrails.defaults(),
        PoolerCutover.none());
  }

  public SwitchoverOptions from(String leader) {
    return new SwitchoverOptions(leader, to, maxLagBytes, lagWait, checkpoint, guardrails, poolers);
  }

  public SwitchoverOptions to(String candidate) {
    return new SwitchoverOptions(from, candidate, maxLagBytes, lagWait, checkpoint, guardrails, poolers);
  }

  /** Waits (up to {@code wait}) until the candidate's lag is at most {@code bytes} before switching. */
  public SwitchoverOptions waitForLagBelow(long bytes, Duration wait) {
    return new SwitchoverOptions(from, to, bytes, wait, checkpoint, guardrails, poolers);
  }

  public SwitchoverOptions withoutCheckpoint() {
    return new SwitchoverOptions(from, to, maxLagBytes, lagWait, false, guardrails, poolers);
  }

  /** The pre-flight guardrails, checked at plan time and again right before the switchover request. */
  public SwitchoverOptions guardrails(Guardrails guardrails) {
    return new SwitchoverOptions(from, to, maxLagBytes, lagWait, checkpoint, guardrails, poolers);
  }

  /**
   * The poolers to pause before the switchover and resume, re-pointed to the new leader, after it ({@link
   * PoolerCutover}); none unless set.
   */
  public SwitchoverOptions poolers(PoolerCutover poolers) {
    return new SwitchoverOptions(from, to, maxLagBytes, lagWait, checkpoint, guardrails, poolers);
  }

  public Optional<String> findFrom() {
    return Optional.ofNullable(from);
  }

  public Optional<String> findTo() {
    return Optional.ofNullable(to);
  }
}
