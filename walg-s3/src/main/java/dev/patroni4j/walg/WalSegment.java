package dev.patroni4j.walg;

import dev.patroni4j.client.model.Lsn;
import java.util.Locale;
import java.util.Optional;

/**
 * One WAL segment: a timeline and a segment number ({@code lsn / segmentSize}). The file name is
 * PostgreSQL's {@code %08X%08X%08X} of (timeline, number / segmentsPerLogId, number %
 * segmentsPerLogId); with the default 16 MiB segments that is 256 segments per log id.
 *
 * <p>Immutable value. Ordering is WAL-G's retention order: timeline first, then number.
 *
 * <pre>{@code
 * WalSegment s = WalSegment.parse("000000430000030600000060", WalSegment.DEFAULT_SIZE);
 * s.timeline();                      // 0x43
 * s.fileName(WalSegment.DEFAULT_SIZE); // "000000430000030600000060"
 * }</pre>
 */
public record WalSegment(long timeline, long number) implements Comparable<WalSegment> {
  /** PostgreSQL's default segment size, 16 MiB ({@code WALG_PG_WAL_SIZE=16}). */
  public static final long DEFAULT_SIZE = 16L * 1024 * 1024;

  private static final long LOG_ID_SPAN = 0x1_0000_0000L;

  public WalSegment {
    if (timeline < 0 || timeline > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("timeline out of range: " + timeline);
    }
    if (number < 0) {
      throw new IllegalArgumentException("segment number < 0: " + number);
    }
  }

  /** The segment holding {@code lsn} on {@code timeline}. */
  public static WalSegment containing(long timeline, Lsn lsn, long segmentSize) {
    return new WalSegment(timeline, Long.divideUnsigned(lsn.value(), checkSize(segmentSize)));
  }

  /** Parses a 24-hex WAL file name (uppercase, as PostgreSQL and WAL-G write it). */
  public static WalSegment parse(String fileName, long segmentSize) {
    return tryParse(fileName, segmentSize)
        .orElseThrow(() -> new IllegalArgumentException("not a WAL segment name: '" + fileName + "'"));
  }

  /** Like {@link #parse} but empty for anything that is not exactly 24 uppercase hex digits. */
  public static Optional<WalSegment> tryParse(String fileName, long segmentSize) {
    if (fileName.length() != 24 || !isUpperHex(fileName, 0, 24)) {
      return Optional.empty();
    }
    long perLogId = LOG_ID_SPAN / checkSize(segmentSize);
    long timeline = Long.parseLong(fileName.substring(0, 8), 16);
    long logId = Long.parseLong(fileName.substring(8, 16), 16);
    long segId = Long.parseLong(fileName.substring(16, 24), 16);
    if (segId >= perLogId) {
      return Optional.empty();
    }
    return Optional.of(new WalSegment(timeline, logId * perLogId + segId));
  }

  /** The 24-hex file name of this segment for the given segment size. */
  public String fileName(long segmentSize) {
    long perLogId = LOG_ID_SPAN / checkSize(segmentSize);
    return String.format(Locale.ROOT, "%08X%08X%08X", timeline, number / perLogId, number % perLogId);
  }

  /** The first LSN of this segment. */
  public Lsn startLsn(long segmentSize) {
    return Lsn.of(number * checkSize(segmentSize));
  }

  /** The previous segment on the same timeline. */
  public WalSegment previous() {
    return new WalSegment(timeline, number - 1);
  }

  @Override
  public int compareTo(WalSegment other) {
    int byTimeline = Long.compare(timeline, other.timeline);
    return byTimeline != 0 ? byTimeline : Long.compare(number, other.number);
  }

  static boolean isUpperHex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) {
        return false;
      }
    }
    return true;
  }

  private static long checkSize(long segmentSize) {
    if (segmentSize < 1024 * 1024 || Long.bitCount(segmentSize) != 1 || segmentSize > 1024L * 1024 * 1024) {
      throw new IllegalArgumentException("segmentSize must be a power of two between 1 MiB and 1 GiB: " + segmentSize);
    }
    return segmentSize;
  }
}
