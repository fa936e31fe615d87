package dev.patroni4j.walg.internal;

import dev.patroni4j.walg.RepositoryProblem;
import dev.patroni4j.walg.SegmentRange;
import dev.patroni4j.walg.WalArchive;
import dev.patroni4j.walg.WalSegment;
import dev.patroni4j.walg.WalTimeline;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Accumulates a {@link WalArchive} from a stream of listed objects. Memory grows with timelines,
 * gaps, partials and backup files, never with the number of segments. Not thread-safe.
 */
public final class WalArchiveBuilder {
  private static final int MAX_PROBLEMS = 1000;
  private final long segmentSize;
  private final Map<Long, Timeline> timelines = new TreeMap<>();
  private final List<RepositoryProblem> problems = new ArrayList<>();
  private long deltaFiles;
  private long metadataFiles;
  private long objects;
  private long bytes;
  private long unreportedProblems;

  public WalArchiveBuilder(long segmentSize) {
    this.segmentSize = segmentSize;
  }

  /** Adds one object: {@code name} relative to {@code wal_005/}, {@code key} the full key. */
  public void add(String key, String name, long size) {
    objects++;
    bytes += size;
    WalKeys.WalName n = WalKeys.classifyWal(name);
    switch (n.kind()) {
      case SEGMENT -> {
        Optional<WalSegment> s = WalSegment.tryParse(n.base(), segmentSize);
        if (s.isEmpty()) {
          problem(key, "24-hex name is not a valid segment for " + segmentSize + "-byte segments");
          return;
        }
        Timeline t = timeline(s.get().timeline());
        t.addSegment(s.get().number());
        t.compressions.add(n.extension());
      }
      case HISTORY -> timeline(Long.parseLong(n.base(), 16)).historyKey = key;
      case PARTIAL -> timeline(Long.parseLong(n.base().substring(0, 8), 16)).partials.add(key);
      case BACKUP_HISTORY -> timeline(Long.parseLong(n.base().substring(0, 8), 16)).backupFiles.add(key);
      case DELTA -> deltaFiles++;
      case METADATA -> metadataFiles++;
      case UNKNOWN -> problem(key, "not a WAL-G WAL object name");
    }
  }

  /** A key that is a folder under wal_005/ (WAL-G never makes one). */
  public void addUnexpectedFolder(String prefix) {
    problem(prefix, "unexpected folder under wal_005/");
  }

  public WalArchive build() {
    List<WalTimeline> out = new ArrayList<>();
    timelines.forEach((id, t) -> out.add(t.build(id)));
    List<RepositoryProblem> all = new ArrayList<>(problems);
    if (unreportedProblems > 0) {
      all.add(new RepositoryProblem(WalKeys.WAL, RepositoryProblem.Kind.NOT_WALG_KEY,
          unreportedProblems + " more keys that are not WAL-G's (not listed)"));
    }
    return new WalArchive(segmentSize, out, deltaFiles, metadataFiles, objects, bytes, all);
  }

  private void problem(String key, String detail) {
    if (problems.size() < MAX_PROBLEMS) {
      problems.add(new RepositoryProblem(key, RepositoryProblem.Kind.NOT_WALG_KEY, detail));
    } else {
      unreportedProblems++;
    }
  }

  private Timeline timeline(long id) {
    return timelines.computeIfAbsent(id, k -> new Timeline());
  }

  private static final class Timeline {
    /** start -> end (inclusive) of present ranges. */
    final TreeMap<Long, Long> ranges = new TreeMap<>();
    final TreeSet<String> compressions = new TreeSet<>();
    final List<String> partials = new ArrayList<>();
    final List<String> backupFiles = new ArrayList<>();
    @Nullable String historyKey;
    long count;

    void addSegment(long n) {
      Map.Entry<Long, Long> below = ranges.floorEntry(n);
      if (below != null && below.getValue() >= n) {
        return; // same segment under another compression
      }
      count++;
      Long aboveEnd = ranges.get(n + 1);
      long start = n;
      long end = aboveEnd != null ? aboveEnd : n;
      if (aboveEnd != null) {
        ranges.remove(n + 1);
      }
      if (below != null && below.getValue() == n - 1) {
        start = below.getKey();
      }
      ranges.put(start, end);
    }

    WalTimeline build(long id) {
      List<SegmentRange> present = new ArrayList<>();
      ranges.forEach((s, e) -> present.add(new SegmentRange(id, s, e)));
      return new WalTimeline(id, present, count, compressions, historyKey, partials, backupFiles);
    }
  }
}
