package dev.patroni4j.runbooks.catalogue;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Pre-flight guardrails of the disruptive runbooks: numeric thresholds that a run checks when its plan is made (the
 * plan refuses before anything changes, naming each threshold and the value observed) and again in the disruptive
 * step right before it acts (the cluster may have changed since the plan), see {@link GuardrailVerdict} for each
 * check:
 * <ul>
 *   <li><b>replay lag</b> of the members the operation depends on (a switchover's candidate; every replica before a
 *       rolling restart) at most {@link #maxReplayLagBytes()} bytes: Patroni's reported {@code replay_lag} (4.1+) or
 *       {@code lag}, and the leader's {@code pg_stat_replication} when SQL access is configured, whichever is larger;
 *       an unknown lag is refused;</li>
 *   <li><b>the longest running transaction</b> on the members the action interrupts (the leader before a switchover,
 *       the member before its restart), by {@code xact_start} in {@code pg_stat_activity}, idle sessions, walsenders
 *       and Patroni's own connections excluded, at most {@link #maxTransactionAge()}; needs {@link
 *       PatroniRunbooks.Builder#postgres}, whose role must see other sessions (superuser or {@code
 *       pg_read_all_stats}); without it the check is reported as not made, never as passed;</li>
 *   <li><b>a synchronous standby</b> present whenever {@code synchronous_mode} is on (or {@code quorum}), when {@link
 *       #syncStandbyRequired()};</li>
 *   <li><b>every member on an expected Patroni version</b> ({@code GET /patroni}), when versions are given: {@code
 *       4.1.5} matches exactly, {@code 4.1} any 4.1.x.</li>
 * </ul>
 * The defaults are the figures of a widely used Ansible automation: at most 100 MiB of lag, no transaction older than
 * 15 s, a synchronous standby required in synchronous mode, any Patroni version. A check that could not be made (no
 * SQL access, a member that does not answer) is reported in the plan and the step's reason; it refuses the run only
 * with {@link Builder#refuseUnchecked}.
 *
 * <p><b>Which runbooks check them</b>, and on whom:
 * <ul>
 *   <li>{@link PatroniRunbooks#plannedSwitchover}: the candidate's lag and the leader's transactions, at plan time
 *       and right before the switchover request;</li>
 *   <li>{@link PatroniRunbooks#rollingRestart(Guardrails)} (and {@link PatroniRunbooks#configChange} with a restart,
 *       with the defaults): every replica's lag and the transactions of every member with a pending restart at plan
 *       time; that member's transactions right before each restart; the switchover's scope before it;</li>
 *   <li>{@link PatroniRunbooks#packageMigration} ({@link PackageMigrationOptions#guardrails()}): every replica's lag
 *       (a replica is promoted if the leader fails while members run different releases) and the transactions of
 *       every member to migrate at plan time; that member's transactions right before its Patroni is stopped; the
 *       switchover's scope before the drain strategy's switchover. Expected versions also accept the target
 *       release.</li>
 * </ul>
 * {@link PatroniRunbooks#reinitialize} and {@link PatroniRunbooks#recoverStartFailed} do not check them: the member
 * they rebuild is a replica whose data is discarded and cloned anew, so its replay lag is no risk, it runs no
 * transaction worth keeping (a {@code start failed} member runs none), the leader is neither stopped nor moved, and no
 * version changes. The synchronous-standby guardrail is left to Patroni, which does not count a member that does not
 * stream as a synchronous standby. {@link PatroniRunbooks#drain} and {@link PatroniRunbooks#addReplica} stop no
 * PostgreSQL and move no leader.
 *
 * <pre>{@code
 * import dev.patroni4j.runbooks.Runbook;
 * // given: PatroniRunbooks catalogue;
 * Guardrails strict = Guardrails.builder()
 *     .maxReplayLagBytes(16L << 20)                      // 16 MiB
 *     .maxTransactionAge(Duration.ofSeconds(5))
 *     .expectPatroniVersions(List.of("4.1.5"))
 *     .refuseUnchecked(true)
 *     .build();
 * Runbook switchover = catalogue.plannedSwitchover(SwitchoverOptions.defaults().guardrails(strict));
 * Runbook restart = catalogue.rollingRestart(Guardrails.defaults());
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class Guardrails {
  /** 100 MiB, the default limit of replay lag. */
  public static final long DEFAULT_MAX_REPLAY_LAG_BYTES = 100L << 20;
  /** 15 s, the default limit of a running transaction's age. */
  public static final Duration DEFAULT_MAX_TRANSACTION_AGE = Duration.ofSeconds(15);

  private static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+){0,2}");
  private static final Guardrails DEFAULTS = new Builder().build();
  private static final Guardrails NONE = new Builder().noReplayLagLimit().noTransactionAgeLimit()
      .syncStandbyRequired(false).build();

  private final @Nullable Long maxReplayLagBytes;
  private final @Nullable Duration maxTransactionAge;
  private final boolean syncStandbyRequired;
  private final Set<String> expectedPatroniVersions;
  private final boolean refuseUnchecked;

  private Guardrails(Builder b) {
    this.maxReplayLagBytes = b.maxReplayLagBytes;
    this.maxTransactionAge = b.maxTransactionAge;
    this.syncStandbyRequired = b.syncStandbyRequired;
    this.expectedPatroniVersions = Collections.unmodifiableSet(new LinkedHashSet<>(b.expectedPatroniVersions));
    this.refuseUnchecked = b.refuseUnchecked;
  }

  /** 100 MiB of lag, 15 s of transaction age, a synchronous standby in synchronous mode, any Patroni version. */
  public static Guardrails defaults() {
    return DEFAULTS;
  }

  /** No guardrail at all: every check is off. */
  public static Guardrails none() {
    return NONE;
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these guardrails. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxReplayLagBytes = maxReplayLagBytes;
    b.maxTransactionAge = maxTransactionAge;
    b.syncStandbyRequired = syncStandbyRequired;
    b.expectedPatroniVersions.addAll(expectedPatroniVersions);
    b.refuseUnchecked = refuseUnchecked;
    return b;
  }

  /** The replay lag limit in bytes; empty when lag is not checked. */
  public OptionalLong maxReplayLagBytes() {
    return maxReplayLagBytes == null ? OptionalLong.empty() : OptionalLong.of(maxReplayLagBytes);
  }

  /** The limit of the longest running transaction's age; empty when not checked. */
  public Optional<Duration> maxTransactionAge() {
    return Optional.ofNullable(maxTransactionAge);
  }

  /** True when synchronous mode without a synchronous standby refuses the run. */
  public boolean syncStandbyRequired() {
    return syncStandbyRequired;
  }

  /** The accepted Patroni versions ({@code 4.1.5} or {@code 4.1}); empty: any version. */
  public Set<String> expectedPatroniVersions() {
    return expectedPatroniVersions;
  }

  /** True when a check that could not be made refuses the run instead of being reported only. */
  public boolean refuseUnchecked() {
    return refuseUnchecked;
  }

  /** True when no check is on. */
  public boolean isNone() {
    return maxReplayLagBytes == null && maxTransactionAge == null && !syncStandbyRequired
        && expectedPatroniVersions.isEmpty();
  }

  /**
   * The thresholds in words, e.g. {@code replay lag <= 104857600 bytes (100 MiB); transaction age <= 15 s; sync
   * standby required in synchronous mode; Patroni version any}.
   */
  public String describe() {
    return (maxReplayLagBytes == null ? "replay lag not checked" : "replay lag <= " + GuardrailVerdict.bytes(
        maxReplayLagBytes))
        + "; " + (maxTransactionAge == null ? "transaction age not checked" : "transaction age <= "
            + GuardrailVerdict.seconds(maxTransactionAge))
        + "; " + (syncStandbyRequired ? "sync standby required in synchronous mode" : "sync standby not checked")
        + "; Patroni version " + (expectedPatroniVersions.isEmpty() ? "any" : String.join(" or ",
            expectedPatroniVersions))
        + (refuseUnchecked ? "; a check not made refuses" : "");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Guardrails g && Objects.equals(g.maxReplayLagBytes, maxReplayLagBytes)
        && Objects.equals(g.maxTransactionAge, maxTransactionAge) && g.syncStandbyRequired == syncStandbyRequired
        && g.expectedPatroniVersions.equals(expectedPatroniVersions) && g.refuseUnchecked == refuseUnchecked;
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxReplayLagBytes, maxTransactionAge, syncStandbyRequired, expectedPatroniVersions,
        refuseUnchecked);
  }

  @Override
  public String toString() {
    return "Guardrails[" + describe() + "]";
  }

  /** Builder for {@link Guardrails}, starting from the defaults; not thread-safe. */
  public static final class Builder {
    private @Nullable Long maxReplayLagBytes = DEFAULT_MAX_REPLAY_LAG_BYTES;
    private @Nullable Duration maxTransactionAge = DEFAULT_MAX_TRANSACTION_AGE;
    private boolean syncStandbyRequired = true;
    private final Set<String> expectedPatroniVersions = new LinkedHashSet<>();
    private boolean refuseUnchecked;

    private Builder() {}

    /** Refuse when a member the operation depends on lags more than {@code bytes} (0 or more). */
    public Builder maxReplayLagBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("maxReplayLagBytes < 0: " + bytes);
      }
      this.maxReplayLagBytes = bytes;
      return this;
    }

    /** Do not check replay lag. */
    public Builder noReplayLagLimit() {
      this.maxReplayLagBytes = null;
      return this;
    }

    /** Refuse when a transaction on a member the action interrupts is older than {@code age} (0 or more). */
    public Builder maxTransactionAge(Duration age) {
      Objects.requireNonNull(age, "age == null");
      if (age.isNegative()) {
        throw new IllegalArgumentException("maxTransactionAge < 0: " + age);
      }
      this.maxTransactionAge = age;
      return this;
    }

    /** Do not check running transactions. */
    public Builder noTransactionAgeLimit() {
      this.maxTransactionAge = null;
      return this;
    }

    /** Whether synchronous mode without a synchronous standby refuses the run (default true). */
    public Builder syncStandbyRequired(boolean required) {
      this.syncStandbyRequired = required;
      return this;
    }

    /**
     * Every member must run one of {@code versions}: {@code 4.1.5} exactly, or {@code 4.1} for any 4.1.x; empty
     * accepts any version (the default).
     *
     * @throws IllegalArgumentException if a version is not one to three dot-separated numbers
     */
    public Builder expectPatroniVersions(Collection<String> versions) {
      List<String> copy = List.copyOf(versions);
      for (String v : copy) {
        if (!VERSION.matcher(v).matches()) {
          throw new IllegalArgumentException("expected Patroni version '" + v + "' is not like 4.1.5 or 4.1");
        }
      }
      expectedPatroniVersions.clear();
      expectedPatroniVersions.addAll(copy);
      return this;
    }

    /** Whether a check that could not be made (no SQL access, a member not answering) refuses (default false). */
    public Builder refuseUnchecked(boolean refuse) {
      this.refuseUnchecked = refuse;
      return this;
    }

    public Guardrails build() {
      return new Guardrails(this);
    }
  }
}
