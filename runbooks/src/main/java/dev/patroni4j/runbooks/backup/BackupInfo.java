package dev.patroni4j.runbooks.backup;

import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Timeline;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One backup in a tool's catalogue, as the tool lists it: its label, type, when it ran, the WAL range it needs, its
 * sizes, the backup it depends on, and whether it is complete and usable.
 *
 * <pre>{@code
 * // given: BackupTool tool;
 * BackupInfo last = tool.list("pg1").stream().filter(BackupInfo::complete).reduce((a, b) -> b).orElseThrow();
 * System.out.println(last.label() + " " + last.type() + " " + last.size() + " bytes, took " + last.duration());
 * }</pre>
 *
 * <p>Immutable.
 *
 * @param label the tool's name of the backup ({@code 20261203-093220F}, {@code base_000000010000000000000004})
 * @param type full, differential or incremental
 * @param started when the backup started
 * @param stopped when it finished
 * @param startLsn the WAL position the backup starts at (recovery begins there)
 * @param stopLsn the WAL position at which the backup is consistent
 * @param startWal the WAL segment holding {@code startLsn}
 * @param stopWal the WAL segment holding {@code stopLsn}
 * @param timeline the timeline of {@code startWal}
 * @param size bytes of the database the backup covers
 * @param storedSize bytes the backup takes in the repository (compressed, deduplicated)
 * @param prior the backup this one depends on (differential and incremental), null for a full one
 * @param complete whether the backup finished (a tool lists finished backups only, so usually true)
 * @param pageErrors whether the tool found page checksum errors while copying (the data may be corrupt)
 */
public record BackupInfo(String label, BackupType type, Instant started, Instant stopped, Lsn startLsn, Lsn stopLsn,
    String startWal, String stopWal, Timeline timeline, long size, long storedSize, @Nullable String prior,
    boolean complete, boolean pageErrors) {
  public BackupInfo {
    Objects.requireNonNull(label, "label == null");
    Objects.requireNonNull(type, "type == null");
    Objects.requireNonNull(started, "started == null");
    Objects.requireNonNull(stopped, "stopped == null");
    Objects.requireNonNull(startLsn, "startLsn == null");
    Objects.requireNonNull(stopLsn, "stopLsn == null");
    Objects.requireNonNull(startWal, "startWal == null");
    Objects.requireNonNull(stopWal, "stopWal == null");
    Objects.requireNonNull(timeline, "timeline == null");
  }

  /** The backup this one depends on, empty for a full backup. */
  public Optional<String> findPrior() {
    return Optional.ofNullable(prior);
  }

  /** How long the backup took. */
  public Duration duration() {
    return Duration.between(started, stopped);
  }
}
