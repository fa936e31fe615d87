package dev.patroni4j.walg;

import dev.patroni4j.client.model.Lsn;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@code basebackups_005/<name>/metadata.json}. Its {@code is_permanent} is authoritative: {@code
 * backup-mark} rewrites this file and WAL-G's delete reads only this file.
 *
 * @param systemIdentifier unsigned 64-bit, or null
 * @param userData {@code user_data} (any JSON, from {@code backup-push --add-user-data}), or null
 */
public record BackupMetadata(
    @Nullable Instant startTime,
    @Nullable Instant finishTime,
    @Nullable String dateFmt,
    @Nullable String hostname,
    @Nullable String dataDir,
    int pgVersion,
    Lsn startLsn,
    Lsn finishLsn,
    boolean isPermanent,
    @Nullable Long systemIdentifier,
    long uncompressedSize,
    long compressedSize,
    @Nullable JsonValue userData) {

  /** {@code user_data}, if any. */
  public Optional<JsonValue> findUserData() {
    return Optional.ofNullable(userData);
  }
}
