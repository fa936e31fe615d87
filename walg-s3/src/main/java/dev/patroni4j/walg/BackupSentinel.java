package dev.patroni4j.walg;

import dev.patroni4j.client.model.Lsn;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Every field of a {@code <name>_backup_stop_sentinel.json}, typed. The sentinel is the "backup
 * complete" marker WAL-G writes last. All three shapes are read: v1.x (no {@code Version}, legacy
 * {@code DeltaFromLSN}, inline {@code Files}), v2 ({@code Version: 2}) and WAL-E's ({@code spec}).
 * Absent optional fields are {@code null}; sizes are unsigned.
 *
 * <p>{@link #isPermanentAtPush()} is the value at push time only: {@code backup-mark} rewrites
 * {@code metadata.json}, never the sentinel, so use {@link Backup#isPermanent()}.
 *
 * @param version {@code Version}: 2 for v2.0+, 0 when absent (v1.x and WAL-E)
 * @param systemIdentifier unsigned 64-bit; compare with {@link Long#compareUnsigned}
 * @param userData {@code UserData} (any JSON, from {@code backup-push --add-user-data}), or null
 * @param raw the whole sentinel as read, for fields a future WAL-G adds; the inline file lists of
 *     v1.x ({@code Files}, {@code TarFileSets}) are skipped while reading and appear as JSON null
 */
public record BackupSentinel(
    Lsn startLsn,
    @Nullable Lsn deltaLsn,
    @Nullable String deltaFrom,
    @Nullable String deltaFullName,
    @Nullable Integer deltaCount,
    int pgVersion,
    @Nullable Lsn finishLsn,
    @Nullable Long systemIdentifier,
    long uncompressedSize,
    long compressedSize,
    @Nullable Long dataCatalogSize,
    @Nullable TablespaceSpec spec,
    @Nullable JsonValue userData,
    boolean filesMetadataDisabled,
    @Nullable Long chkpNum,
    @Nullable Long deltaChkpNum,
    int version,
    @Nullable Instant startTime,
    @Nullable Instant finishTime,
    @Nullable String dateFmt,
    @Nullable String hostname,
    @Nullable String dataDir,
    boolean isPermanentAtPush,
    JsonValue.JsonObject raw) {

  /** The highest sentinel {@code Version} this library knows; a higher one is reported, not guessed. */
  public static final int NEWEST_KNOWN_VERSION = 2;

  /** True iff this backup is a delta ({@code DeltaFrom} present and non-empty). */
  public boolean isDelta() {
    return deltaFrom != null && !deltaFrom.isEmpty();
  }

  /** {@code UserData}, if any. */
  public Optional<JsonValue> findUserData() {
    return Optional.ofNullable(userData);
  }

  /**
   * Tablespace layout ({@code Spec}): PGDATA's base prefix and, per tablespace OID, its location
   * and link.
   */
  public record TablespaceSpec(@Nullable String basePrefix, Map<String, Tablespace> tablespaces) {
    public TablespaceSpec {
      tablespaces = Map.copyOf(tablespaces);
    }
  }

  /** One tablespace of a {@link TablespaceSpec}. */
  public record Tablespace(String location, String link) {}
}
