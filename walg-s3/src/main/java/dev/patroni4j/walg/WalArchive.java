package dev.patroni4j.walg;

import java.util.List;
import java.util.Optional;

/**
 * What {@code wal_005/} holds, read in one streamed listing. Immutable value.
 *
 * <p>Classification follows WAL-G's names: segments ({@code <24 hex>[.<ext>]}), timeline histories
 * ({@code <8 hex>.history[.<ext>]}), {@code .partial} segments, {@code .backup} history files,
 * WAL-delta files ({@code _delta}) and WAL metadata ({@code .json}). Deliberate difference from
 * {@code wal-show}: a {@code <segment>.json} metadata file is not counted as the segment itself.
 *
 * <pre>{@code
 * // given: WalgRepository repository;
 * WalArchive wal = repository.walArchive();
 * for (WalTimeline t : wal.timelines()) System.out.println(t.id() + ": " + t.gaps());
 * }</pre>
 *
 * @param timelines by id ascending
 * @param deltaFileCount {@code _delta} objects
 * @param metadataFileCount {@code .json} WAL metadata objects
 * @param objectCount every object under {@code wal_005/}
 * @param totalBytes their total size
 * @param problems keys that are not WAL-G's
 */
public record WalArchive(
    long segmentSize,
    List<WalTimeline> timelines,
    long deltaFileCount,
    long metadataFileCount,
    long objectCount,
    long totalBytes,
    List<RepositoryProblem> problems) {

  public WalArchive {
    timelines = List.copyOf(timelines);
    problems = List.copyOf(problems);
  }

  public Optional<WalTimeline> timeline(long id) {
    return timelines.stream().filter(t -> t.id() == id).findFirst();
  }

  /** Whether this exact segment is archived. */
  public boolean contains(WalSegment segment) {
    return timeline(segment.timeline()).map(t -> t.contains(segment.number())).orElse(false);
  }

  /** The highest timeline with archived segments. */
  public Optional<WalTimeline> highestTimeline() {
    for (int i = timelines.size() - 1; i >= 0; i--) {
      if (!timelines.get(i).present().isEmpty()) {
        return Optional.of(timelines.get(i));
      }
    }
    return Optional.empty();
  }

  /**
   * The WAL a backup needs to reach consistency (its start segment through the segment of its stop
   * LSN, on its timeline) and what of it is missing. A backup with missing WAL cannot be restored.
   */
  public BackupWalCheck check(Backup backup) {
    WalSegment first = backup.startSegment();
    WalSegment last = backup.finishSegment(segmentSize);
    List<SegmentRange> missing = timeline(first.timeline())
        .map(t -> t.missingBetween(first.number(), last.number()))
        .orElse(List.of(new SegmentRange(first.timeline(), first.number(), last.number())));
    return new BackupWalCheck(backup.name(), first, last, missing);
  }

  /**
   * The WAL one backup needs and what of it is missing.
   *
   * @param missing empty when the backup's WAL is complete
   */
  public record BackupWalCheck(String backupName, WalSegment firstNeeded, WalSegment lastNeeded, List<SegmentRange> missing) {
    public BackupWalCheck {
      missing = List.copyOf(missing);
    }

    public boolean isComplete() {
      return missing.isEmpty();
    }
  }
}
