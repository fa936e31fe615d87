package dev.patroni4j.walg;

import dev.patroni4j.client.model.Lsn;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A complete backup: its sentinel exists. Immutable value.
 *
 * <pre>{@code
 * // given: BackupCatalog catalog;
 * Backup b = catalog.latest().orElseThrow();
 * if (b.isDelta()) System.out.println(b.name() + " needs " + b.deltaFrom().orElseThrow());
 * }</pre>
 *
 * @param name e.g. {@code base_000000020000000000000029_D_000000020000000000000024}
 * @param sentinelKey the full S3 key of the sentinel
 * @param lastModified the sentinel's S3 LastModified: WAL-G's LATEST and plain listing order
 * @param startSegment the segment in the name (first 24 hex): WAL-G's retention order key
 * @param metadata {@code metadata.json}, or null when it is absent or unreadable (see the catalog's
 *     problems); WAL-G then treats the backup as not permanent
 */
public record Backup(
    String name,
    String sentinelKey,
    Instant lastModified,
    WalSegment startSegment,
    BackupSentinel sentinel,
    @Nullable BackupMetadata metadata) {

  /** The timeline the backup was taken on (from the name, as WAL-G parses it). */
  public long timeline() {
    return startSegment.timeline();
  }

  /** Full or delta. */
  public boolean isDelta() {
    return sentinel.isDelta();
  }

  /** The immediate parent of a delta ({@code DeltaFrom}). */
  public Optional<String> deltaFrom() {
    return isDelta() ? Optional.ofNullable(sentinel.deltaFrom()) : Optional.empty();
  }

  /** The full backup at the root of this delta's chain ({@code DeltaFullName}). */
  public Optional<String> deltaFullName() {
    return isDelta() ? Optional.ofNullable(sentinel.deltaFullName()) : Optional.empty();
  }

  /** Permanence as WAL-G's delete sees it: {@code metadata.json}'s {@code is_permanent}. */
  public boolean isPermanent() {
    return metadata != null && metadata.isPermanent();
  }

  /** {@code metadata.json}, if it was present and readable. */
  public Optional<BackupMetadata> findMetadata() {
    return Optional.ofNullable(metadata);
  }

  /** The segment holding the stop LSN, or the start segment if the sentinel has no FinishLSN. */
  public WalSegment finishSegment(long segmentSize) {
    Lsn finish = sentinel.finishLsn();
    return finish == null
        ? startSegment
        : WalSegment.containing(startSegment.timeline(), finish, segmentSize);
  }
}
