package dev.patroni4j.walg;

/**
 * A run of consecutive segments with one timeline and one status, as {@code wal-verify integrity}
 * reports them.
 *
 * @param startSegment 24-hex name of the first segment
 * @param endSegment 24-hex name of the last segment
 */
public record SegmentSequence(long timeline, String startSegment, String endSegment, long segmentsCount, Status status) {

  /** WAL-G's segment statuses, with its JSON spelling. */
  public enum Status {
    FOUND,
    /** Missing but within {@code WALG_INTEGRITY_MAX_DELAYED_WALS} of the current segment. */
    MISSING_DELAYED,
    /** Missing but within {@code WALG_UPLOAD_CONCURRENCY} segments of the newest found one. */
    MISSING_UPLOADING,
    /** Missing: a restore through it fails. */
    MISSING_LOST
  }
}
