package dev.patroni4j.walg.cli;

import dev.patroni4j.walg.SegmentSequence;
import dev.patroni4j.walg.WalIntegrityReport;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@code wal-g wal-verify ... --json}. WAL-G exits 0 whatever the status: read it here.
 *
 * @param integrity null unless the integrity check ran
 * @param timeline null unless the timeline check ran
 */
public record WalVerifyResult(@Nullable Integrity integrity, @Nullable Timeline timeline) {

  public Optional<Integrity> findIntegrity() {
    return Optional.ofNullable(integrity);
  }

  public Optional<Timeline> findTimeline() {
    return Optional.ofNullable(timeline);
  }

  /** The integrity check: status and segment runs. */
  public record Integrity(WalIntegrityReport.Status status, List<SegmentSequence> details) {
    public Integrity {
      details = List.copyOf(details);
    }
  }

  /** The timeline check: OK iff the cluster's timeline is the highest in storage. */
  public record Timeline(WalIntegrityReport.Status status, long currentTimelineId, long highestStorageTimelineId) {}
}
