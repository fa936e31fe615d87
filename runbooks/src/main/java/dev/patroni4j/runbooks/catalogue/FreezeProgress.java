package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.model.Lsn;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How far a frozen replica is behind, read with SQL (Patroni's lag is receive lag, which reads 0 for a frozen
 * replica that receives everything and applies nothing): what it received and replayed, its replay lag in bytes
 * behind the leader's current WAL position and in time since the last transaction it replayed committed, whether
 * replay is paused, and its apply delay.
 *
 * <pre>{@code
 * // given: BlueGreen blueGreen; DeploymentMark mark;
 * FreezeProgress p = blueGreen.progress(mark);
 * System.out.println(p.replica() + " replays " + p.replayLagBytes() + " bytes behind, paused=" + p.replayPaused());
 * }</pre>
 *
 * <p>Thread-safety: immutable.
 *
 * @param replica the frozen replica
 * @param received {@code pg_last_wal_receive_lsn()} on the replica
 * @param replayed {@code pg_last_wal_replay_lsn()} on the replica
 * @param replayLagBytes the leader's {@code pg_current_wal_lsn()} minus {@code replayed}
 * @param replayLag now minus {@code pg_last_xact_replay_timestamp()} (null before the replica replayed any)
 * @param replayPaused {@code pg_is_wal_replay_paused()}
 * @param applyDelay the replica's {@code recovery_min_apply_delay}
 */
public record FreezeProgress(String replica, Lsn received, Lsn replayed, long replayLagBytes,
    @Nullable Duration replayLag, boolean replayPaused, Duration applyDelay) {
  public FreezeProgress {
    Objects.requireNonNull(replica, "replica == null");
    Objects.requireNonNull(received, "received == null");
    Objects.requireNonNull(replayed, "replayed == null");
    Objects.requireNonNull(applyDelay, "applyDelay == null");
  }

  public Optional<Duration> findReplayLag() {
    return Optional.ofNullable(replayLag);
  }

  /** {@code pg2: received 0/3000148, replayed 0/3000060 (232 bytes, 41 s behind), replay paused}. */
  public String describe() {
    return replica + ": received " + received + ", replayed " + replayed + " (" + replayLagBytes + " bytes"
        + (replayLag == null ? "" : ", " + replayLag.toSeconds() + " s") + " behind), replay "
        + (replayPaused ? "paused" : "not paused") + (applyDelay.isZero() ? "" : ", apply delay " + applyDelay);
  }
}
