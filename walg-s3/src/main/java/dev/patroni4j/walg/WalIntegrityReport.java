package dev.patroni4j.walg;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The result of an integrity scan, computed as {@code wal-verify integrity} does: from the current
 * segment backwards, following the current timeline's history, down to the start segment of the
 * earliest backup that belongs to that history.
 *
 * @param status {@code OK}, {@code WARNING} (only delayed/uploading gaps) or {@code FAILURE}
 * @param sequences ascending by segment number
 * @param currentSegment where the scan started (exclusive)
 * @param earliestBackup the backup whose start bounded the scan, or null if none qualified (the
 *     scan then runs to segment 1)
 * @param problems e.g. an unreadable history file
 */
public record WalIntegrityReport(
    Status status,
    List<SegmentSequence> sequences,
    WalSegment currentSegment,
    @Nullable String earliestBackup,
    List<RepositoryProblem> problems) {

  public WalIntegrityReport {
    sequences = List.copyOf(sequences);
    problems = List.copyOf(problems);
  }

  /** WAL-G's check statuses. */
  public enum Status { OK, WARNING, FAILURE }

  /** Sequences that are missing (any MISSING_* status). */
  public List<SegmentSequence> missing() {
    return sequences.stream().filter(s -> s.status() != SegmentSequence.Status.FOUND).toList();
  }

  public Optional<String> findEarliestBackup() {
    return Optional.ofNullable(earliestBackup);
  }
}
