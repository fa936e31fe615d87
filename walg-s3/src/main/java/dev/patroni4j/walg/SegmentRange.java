package dev.patroni4j.walg;

/**
 * Consecutive segment numbers {@code first..last} (inclusive) on one timeline.
 *
 * <pre>{@code new SegmentRange(2, 0x10, 0x1F).count() // 16}</pre>
 */
public record SegmentRange(long timeline, long first, long last) {
  public SegmentRange {
    if (first > last) {
      throw new IllegalArgumentException("first > last: " + first + " > " + last);
    }
  }

  public long count() {
    return last - first + 1;
  }

  public WalSegment firstSegment() {
    return new WalSegment(timeline, first);
  }

  public WalSegment lastSegment() {
    return new WalSegment(timeline, last);
  }

  /** {@code FIRST..LAST} as 24-hex file names. */
  public String describe(long segmentSize) {
    return firstSegment().fileName(segmentSize) + ".." + lastSegment().fileName(segmentSize);
  }
}
