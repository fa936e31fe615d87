package dev.patroni4j.walg.internal;

import dev.patroni4j.walg.Backup;
import dev.patroni4j.walg.IntegrityOptions;
import dev.patroni4j.walg.RepositoryProblem;
import dev.patroni4j.walg.SegmentSequence;
import dev.patroni4j.walg.SegmentSequence.Status;
import dev.patroni4j.walg.TimelineSwitch;
import dev.patroni4j.walg.WalArchive;
import dev.patroni4j.walg.WalIntegrityReport;
import dev.patroni4j.walg.WalSegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * WAL-G's {@code wal-verify integrity} over an already listed archive: walk back from the current
 * segment, switching to the parent timeline at each switch segment of the current timeline's
 * history, down to the earliest backup that lies on that history. Memory: one entry per run of
 * equal status, not per segment.
 */
public final class IntegrityScanner {
  private IntegrityScanner() {}

  public static WalIntegrityReport scan(
      WalArchive archive,
      List<Backup> backups,
      WalSegment current,
      List<TimelineSwitch> history,
      IntegrityOptions options,
      List<RepositoryProblem> problems) {
    long segmentSize = archive.segmentSize();
    // segment number of each switch -> the parent timeline to continue on below it
    Map<Long, Long> switchBySegment = new HashMap<>();
    Map<Long, Long> switchSegmentByParent = new HashMap<>();
    for (TimelineSwitch s : history) {
      long segNo = Long.divideUnsigned(s.switchLsn().value(), segmentSize);
      switchBySegment.put(segNo, s.parentTimeline());
      switchSegmentByParent.put(s.parentTimeline(), segNo);
    }

    @Nullable Backup stopBackup = null;
    if (options.backupName() != null) {
      for (Backup b : backups) {
        if (b.name().equals(options.backupName())) {
          stopBackup = b;
        }
      }
      if (stopBackup == null) {
        throw new IllegalArgumentException("no complete backup named '" + options.backupName() + "'");
      }
    } else {
      for (Backup b : backups) {
        if (isOnHistory(b, current.timeline(), switchSegmentByParent)
            && (stopBackup == null || b.startSegment().number() < stopBackup.startSegment().number())) {
          stopBackup = b;
        }
      }
    }
    long stop = stopBackup == null ? 1 : stopBackup.startSegment().number();

    Walk walk = new Walk(archive, current, stop, switchBySegment);
    List<Run> runs = new ArrayList<>();
    // 1. up to maxDelayed segments until the first found one: missing ones are "delayed"
    for (int i = 0; i < options.maxDelayedSegments(); i++) {
      Status s = walk.next(Status.MISSING_DELAYED);
      if (s == null) {
        break;
      }
      record(runs, walk, s);
      if (s == Status.FOUND) {
        break;
      }
    }
    // 2. the upload window: missing ones are "uploading"
    for (int i = 0; i < options.uploadConcurrency(); i++) {
      Status s = walk.next(Status.MISSING_UPLOADING);
      if (s == null) {
        break;
      }
      record(runs, walk, s);
    }
    // 3. everything down to the stop segment: missing ones are lost
    Status s;
    while ((s = walk.next(Status.MISSING_LOST)) != null) {
      record(runs, walk, s);
    }

    Collections.reverse(runs);
    List<SegmentSequence> sequences = new ArrayList<>(runs.size());
    WalIntegrityReport.Status status = WalIntegrityReport.Status.OK;
    for (Run r : runs) {
      sequences.add(new SegmentSequence(r.timeline,
          new WalSegment(r.timeline, r.low).fileName(segmentSize),
          new WalSegment(r.timeline, r.high).fileName(segmentSize),
          r.high - r.low + 1, r.status));
      if (r.status == Status.MISSING_LOST) {
        status = WalIntegrityReport.Status.FAILURE;
      } else if (r.status != Status.FOUND && status == WalIntegrityReport.Status.OK) {
        status = WalIntegrityReport.Status.WARNING;
      }
    }
    return new WalIntegrityReport(status, sequences, current, stopBackup == null ? null : stopBackup.name(), problems);
  }

  /** WAL-G's checkBackupIsCorrect: the backup's start lies on the history of the current timeline. */
  private static boolean isOnHistory(Backup b, long currentTimeline, Map<Long, Long> switchSegmentByParent) {
    if (switchSegmentByParent.isEmpty()) {
      return true;
    }
    long tli = b.timeline();
    long start = b.startSegment().number();
    Long timelineStart = switchSegmentByParent.get(tli - 1);
    if (tli > 1 && timelineStart != null && start < timelineStart) {
      return false;
    }
    if (tli == currentTimeline) {
      return true;
    }
    Long timelineEnd = switchSegmentByParent.get(tli);
    return timelineEnd != null && start < timelineEnd;
  }

  private static void record(List<Run> runs, Walk walk, Status status) {
    Run last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
    if (last != null && last.status == status && last.timeline == walk.timeline && last.low == walk.number + 1) {
      last.low = walk.number;
    } else {
      runs.add(new Run(walk.timeline, walk.number, status));
    }
  }

  private static final class Run {
    final long timeline;
    final Status status;
    final long high;
    long low;

    Run(long timeline, long number, Status status) {
      this.timeline = timeline;
      this.high = number;
      this.low = number;
      this.status = status;
    }
  }

  private static final class Walk {
    final WalArchive archive;
    final long stop;
    final Map<Long, Long> switchBySegment;
    long timeline;
    long number;

    Walk(WalArchive archive, WalSegment current, long stop, Map<Long, Long> switchBySegment) {
      this.archive = archive;
      this.stop = stop;
      this.switchBySegment = switchBySegment;
      this.timeline = current.timeline();
      this.number = current.number();
    }

    /** Steps one segment back; its status, or null at the stop segment. */
    @Nullable Status next(Status ifMissing) {
      if (number <= stop) {
        return null;
      }
      long prevTimeline = timeline;
      long prev = number - 1;
      Long parent = switchBySegment.get(number);
      // A history record the archive contradicts (segment present on this timeline) is skipped, as WAL-G does.
      if (parent != null && !archive.contains(new WalSegment(timeline, prev))) {
        prevTimeline = parent;
      }
      timeline = prevTimeline;
      number = prev;
      return archive.contains(new WalSegment(timeline, number)) ? Status.FOUND : ifMissing;
    }
  }
}
