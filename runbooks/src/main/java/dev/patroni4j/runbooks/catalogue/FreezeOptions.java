package dev.patroni4j.runbooks.catalogue;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How {@link BlueGreen#freeze} freezes a replica for a deployment window: the {@link Mode}, the replica (or the best
 * qualifying one), the apply delay of the managed mode, how far behind a replica may be to qualify, and how long the
 * freeze may take to show.
 *
 * <pre>{@code
 * FreezeOptions paused = FreezeOptions.builder(FreezeOptions.Mode.PAUSE_CLUSTER).replica("pg2").build();
 * FreezeOptions managed = FreezeOptions.builder(FreezeOptions.Mode.MANAGED)
 *     .applyDelay(Duration.ofHours(4))   // longer than the deployment window
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class FreezeOptions {
  /** How the replica is kept from applying what the deployment writes. */
  public enum Mode {
    /**
     * The cluster is paused for the whole window (Patroni resumes a paused replay on PostgreSQL 14+ unless it is),
     * then {@code pg_wal_replay_pause()} on the replica. Costs: no automatic failover for the whole cluster until
     * commit or rollback; nothing to clean up on the host.
     */
    PAUSE_CLUSTER,
    /**
     * The cluster stays managed: the replica's own {@code patroni.yml} gets {@code tags.nofailover: true} and {@code
     * postgresql.recovery_conf.recovery_min_apply_delay}, then a reload. Costs: a local configuration change to undo
     * (commit or rollback does); the freeze lasts only as long as the delay, after which replay goes past the mark.
     */
    MANAGED
  }

  private final Mode mode;
  private final @Nullable String replica;
  private final Duration applyDelay;
  private final long maxLagBytes;
  private final Duration timeout;

  private FreezeOptions(Builder b) {
    this.mode = b.mode;
    this.replica = b.replica;
    this.applyDelay = b.applyDelay;
    this.maxLagBytes = b.maxLagBytes;
    this.timeout = b.timeout;
  }

  public static Builder builder(Mode mode) {
    return new Builder(mode);
  }

  public Mode mode() {
    return mode;
  }

  /** The replica to freeze; empty: the qualifying replica with the least lag. */
  public Optional<String> replica() {
    return Optional.ofNullable(replica);
  }

  /** {@link Mode#MANAGED}'s {@code recovery_min_apply_delay} (default 12 hours, whole seconds). */
  public Duration applyDelay() {
    return applyDelay;
  }

  /** A replica lagging more (Patroni's lag, bytes) does not qualify (default 16 MiB). */
  public long maxLagBytes() {
    return maxLagBytes;
  }

  /** How long each step may take to show its effect (default 1 minute). */
  public Duration timeout() {
    return timeout;
  }

  @Override
  public String toString() {
    return "FreezeOptions[mode=" + mode + ", replica=" + (replica == null ? "(best)" : replica) + ", applyDelay="
        + applyDelay + ", maxLagBytes=" + maxLagBytes + ", timeout=" + timeout + "]";
  }

  /** Builds {@link FreezeOptions}; not thread-safe. */
  public static final class Builder {
    private final Mode mode;
    private @Nullable String replica;
    private Duration applyDelay = Duration.ofHours(12);
    private long maxLagBytes = 16L << 20;
    private Duration timeout = Duration.ofMinutes(1);

    private Builder(Mode mode) {
      this.mode = Objects.requireNonNull(mode, "mode == null");
    }

    public Builder replica(String replica) {
      this.replica = Objects.requireNonNull(replica, "replica == null");
      return this;
    }

    /**
     * The managed mode's apply delay: longer than the deployment window.
     *
     * @throws IllegalArgumentException unless at least one second, in whole seconds
     */
    public Builder applyDelay(Duration applyDelay) {
      if (applyDelay.compareTo(Duration.ofSeconds(1)) < 0 || applyDelay.toNanosPart() != 0) {
        throw new IllegalArgumentException("applyDelay must be whole seconds, at least 1 s: " + applyDelay);
      }
      this.applyDelay = applyDelay;
      return this;
    }

    public Builder maxLagBytes(long maxLagBytes) {
      if (maxLagBytes < 0) {
        throw new IllegalArgumentException("maxLagBytes < 0: " + maxLagBytes);
      }
      this.maxLagBytes = maxLagBytes;
      return this;
    }

    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    public FreezeOptions build() {
      return new FreezeOptions(this);
    }
  }
}
