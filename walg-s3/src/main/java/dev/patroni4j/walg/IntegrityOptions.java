package dev.patroni4j.walg;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Inputs of an integrity scan, as WAL-G's settings and flags name them. Immutable.
 *
 * <pre>{@code
 * IntegrityOptions o = IntegrityOptions.defaults().withCurrent(new WalSegment(3, 0x1234));
 * }</pre>
 *
 * @param current the segment PostgreSQL is writing ({@code --timeline}/{@code --lsn}); when null
 *     the segment after the newest archived one on the highest timeline
 * @param uploadConcurrency {@code WALG_UPLOAD_CONCURRENCY} (16): the window of "probably uploading"
 * @param maxDelayedSegments {@code WALG_INTEGRITY_MAX_DELAYED_WALS} (0)
 * @param backupName {@code --backup-name}: scan down to this backup's start instead of the earliest
 */
public record IntegrityOptions(
    @Nullable WalSegment current, int uploadConcurrency, int maxDelayedSegments, @Nullable String backupName) {

  public IntegrityOptions {
    if (uploadConcurrency < 0 || maxDelayedSegments < 0) {
      throw new IllegalArgumentException("uploadConcurrency and maxDelayedSegments must be >= 0");
    }
  }

  public static IntegrityOptions defaults() {
    return new IntegrityOptions(null, 16, 0, null);
  }

  public IntegrityOptions withCurrent(WalSegment segment) {
    return new IntegrityOptions(segment, uploadConcurrency, maxDelayedSegments, backupName);
  }

  public IntegrityOptions withUploadConcurrency(int n) {
    return new IntegrityOptions(current, n, maxDelayedSegments, backupName);
  }

  public IntegrityOptions withMaxDelayedSegments(int n) {
    return new IntegrityOptions(current, uploadConcurrency, n, backupName);
  }

  public IntegrityOptions withBackupName(String name) {
    return new IntegrityOptions(current, uploadConcurrency, maxDelayedSegments, name);
  }

  public Optional<WalSegment> findCurrent() {
    return Optional.ofNullable(current);
  }
}
