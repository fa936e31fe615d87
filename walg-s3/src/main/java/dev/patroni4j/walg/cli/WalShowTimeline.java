package dev.patroni4j.walg.cli;

import dev.patroni4j.client.model.Lsn;
import java.util.List;

/**
 * One timeline of {@code wal-g wal-show --detailed-json}.
 *
 * @param status {@code OK} or {@code LOST_SEGMENTS}
 */
public record WalShowTimeline(
    long id,
    long parentId,
    Lsn switchPointLsn,
    String startSegment,
    String endSegment,
    long segmentsCount,
    List<String> missingSegments,
    List<BackupListEntry> backups,
    long segmentRangeSize,
    String status) {

  public WalShowTimeline {
    missingSegments = List.copyOf(missingSegments);
    backups = List.copyOf(backups);
  }
}
