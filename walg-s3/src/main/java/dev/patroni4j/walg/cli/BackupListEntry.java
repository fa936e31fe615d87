package dev.patroni4j.walg.cli;

import dev.patroni4j.walg.BackupMetadata;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One backup as {@code wal-g backup-list [--detail] --json} (or the plain table) prints it.
 *
 * @param time the sentinel's LastModified ({@code time} in JSON, {@code modified}/{@code
 *     last_modified} in tables); null for Go's zero time or {@code -}
 * @param walFileName the start segment ({@code wal_file_name}, {@code wal_segment_backup_start}
 *     before v3)
 * @param storageName {@code storage_name} (v3.0.0+), null before
 * @param detail the {@code --detail} fields (null without {@code --detail})
 */
public record BackupListEntry(
    String backupName, @Nullable Instant time, String walFileName, @Nullable String storageName, @Nullable BackupMetadata detail) {

  /** Deltas carry {@code _D_} in their names; the list itself does not say. */
  public boolean isDelta() {
    return backupName.contains("_D_");
  }

  public Optional<BackupMetadata> findDetail() {
    return Optional.ofNullable(detail);
  }
}
