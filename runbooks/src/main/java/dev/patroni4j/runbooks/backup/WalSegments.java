package dev.patroni4j.runbooks.backup;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Gaps in a list of archived WAL segment names, for 16 MiB segments (PostgreSQL's default {@code wal_segment_size}:
 * 256 segments per log id). Only segments from {@code from} (the oldest backup's first) on count; on each timeline
 * the segments between its first and last archived one must all be present, and the archive must start at {@code
 * from}.
 */
final class WalSegments {
  private static final long SEGMENTS_PER_ID = 0x100;

  private WalSegments() {}

  static ArchiveCheck check(List<String> archived, @Nullable String from, boolean live, String liveDetail) {
    List<String> counted = archived.stream().filter(s -> from == null || s.compareTo(from) >= 0).sorted().toList();
    List<ArchiveCheck.Gap> gaps = new ArrayList<>();
    boolean startsLate = from != null && !counted.isEmpty() && timeline(counted.get(0)) == timeline(from)
        && sequence(counted.get(0)) > sequence(from);
    if (from != null && (counted.isEmpty() || startsLate)) {
      String firstPresent = counted.isEmpty() ? null : counted.get(0);
      gaps.add(new ArchiveCheck.Gap(from, firstPresent == null ? from
          : name(timeline(from), sequence(firstPresent) - 1)));
    }
    for (int i = 1; i < counted.size(); i++) {
      String prev = counted.get(i - 1);
      String cur = counted.get(i);
      if (timeline(prev) == timeline(cur) && sequence(cur) > sequence(prev) + 1) {
        gaps.add(new ArchiveCheck.Gap(name(timeline(cur), sequence(prev) + 1), name(timeline(cur),
            sequence(cur) - 1)));
      }
    }
    String first = counted.isEmpty() ? null : counted.get(0);
    String last = counted.isEmpty() ? null : counted.get(counted.size() - 1);
    return new ArchiveCheck(first, last, counted.size(), gaps, live, liveDetail);
  }

  static long timeline(String segment) {
    return Long.parseLong(segment.substring(0, 8), 16);
  }

  static long sequence(String segment) {
    return Long.parseLong(segment.substring(8, 16), 16) * SEGMENTS_PER_ID + Long.parseLong(segment.substring(16, 24),
        16);
  }

  static String name(long timeline, long sequence) {
    return (hex8(timeline) + hex8(sequence / SEGMENTS_PER_ID) + hex8(sequence % SEGMENTS_PER_ID))
        .toUpperCase(Locale.ROOT);
  }

  private static String hex8(long v) {
    return HexFormat.of().toHexDigits((int) v);
  }
}
