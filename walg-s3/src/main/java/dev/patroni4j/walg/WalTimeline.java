package dev.patroni4j.walg;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The WAL archived for one timeline, summarised without keeping one entry per segment: present
 * segments as ranges, so memory grows with the number of gaps, not of objects.
 *
 * @param present ranges of archived segments, ascending, non-adjacent
 * @param segmentCount archived segments (each counted once even if stored under two compressions)
 * @param compressions the compression extensions seen on segments ({@code lz4}, {@code zst},
 *     {@code br}, {@code lzma}, {@code gz}, {@code lzo}; the empty string for none)
 * @param historyKey the {@code TTTTTTTT.history[.ext]} key, or null (timeline 1 has none)
 * @param partialKeys {@code .partial} segments left at promotions
 * @param backupHistoryKeys {@code .backup} files, one per backup
 */
public record WalTimeline(
    long id,
    List<SegmentRange> present,
    long segmentCount,
    Set<String> compressions,
    @Nullable String historyKey,
    List<String> partialKeys,
    List<String> backupHistoryKeys) {

  public WalTimeline {
    present = List.copyOf(present);
    compressions = Set.copyOf(compressions);
    partialKeys = List.copyOf(partialKeys);
    backupHistoryKeys = List.copyOf(backupHistoryKeys);
  }

  /** The lowest archived segment. */
  public Optional<WalSegment> firstSegment() {
    return present.isEmpty() ? Optional.empty() : Optional.of(present.get(0).firstSegment());
  }

  /** The highest archived segment. */
  public Optional<WalSegment> lastSegment() {
    return present.isEmpty() ? Optional.empty() : Optional.of(present.get(present.size() - 1).lastSegment());
  }

  /** Gaps between the first and last archived segment, as {@code wal-show} counts them. */
  public List<SegmentRange> gaps() {
    List<SegmentRange> gaps = new ArrayList<>();
    for (int i = 1; i < present.size(); i++) {
      gaps.add(new SegmentRange(id, present.get(i - 1).last() + 1, present.get(i).first() - 1));
    }
    return gaps;
  }

  /** Whether segment {@code number} of this timeline is archived. */
  public boolean contains(long number) {
    int lo = 0;
    int hi = present.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      SegmentRange r = present.get(mid);
      if (number < r.first()) {
        hi = mid - 1;
      } else if (number > r.last()) {
        lo = mid + 1;
      } else {
        return true;
      }
    }
    return false;
  }

  /** The missing segment ranges within {@code first..last} (inclusive). */
  public List<SegmentRange> missingBetween(long first, long last) {
    List<SegmentRange> missing = new ArrayList<>();
    long next = first;
    for (SegmentRange r : present) {
      if (r.last() < next) {
        continue;
      }
      if (r.first() > last) {
        break;
      }
      if (r.first() > next) {
        missing.add(new SegmentRange(id, next, r.first() - 1));
      }
      next = r.last() + 1;
      if (next > last) {
        break;
      }
    }
    if (next <= last) {
      missing.add(new SegmentRange(id, next, last));
    }
    return missing;
  }
}
