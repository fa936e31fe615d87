package dev.patroni4j.walg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.model.Lsn;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * WAL listing and gap detection on {@link MainRepository} in S3Proxy. Expected sequences follow
 * WAL-G's wal-verify integrity algorithm (internal/databases/postgres/integrity_check_runner.go,
 * wal_segment_runner.go, wal_segment_scanner.go; reference/walg.md 2.8): scan back from the current
 * segment, switch to the parent timeline at each switch segment of the current timeline's history,
 * stop at the earliest backup on that history; missing segments within WALG_UPLOAD_CONCURRENCY (16)
 * of the start are MISSING_UPLOADING, older ones MISSING_LOST.
 */
class WalArchiveTest {
  static MainRepository main;
  static WalArchive wal;
  static BackupCatalog catalog;

  @BeforeAll
  static void list() {
    main = MainRepository.get();
    wal = main.repository.walArchive();
    catalog = main.repository.catalog();
  }

  @Test
  void segmentsArePerTimelineWithCompressionAndSideFiles() {
    assertThat(wal.timelines()).extracting(WalTimeline::id).containsExactly(1L, 2L, 3L);
    WalTimeline t1 = wal.timeline(1).orElseThrow();
    assertThat(t1.present()).containsExactly(new SegmentRange(1, 1, 7));
    assertThat(t1.segmentCount()).isEqualTo(7);
    assertThat(t1.compressions()).containsExactly("lz4");
    assertThat(t1.partialKeys()).containsExactly(main.layout.key("wal_005/000000010000000000000008.partial.lz4"));
    assertThat(t1.backupHistoryKeys()).hasSize(2);
    assertThat(t1.historyKey()).isNull();

    WalTimeline t2 = wal.timeline(2).orElseThrow();
    assertThat(t2.present()).containsExactly(new SegmentRange(2, 8, 0x14), new SegmentRange(2, 0x16, 0x20));
    assertThat(t2.gaps()).containsExactly(new SegmentRange(2, 0x15, 0x15));
    assertThat(t2.historyKey()).isEqualTo(main.layout.key("wal_005/00000002.history.lz4"));

    WalTimeline t3 = wal.timeline(3).orElseThrow();
    assertThat(t3.present()).containsExactly(new SegmentRange(3, 0x21, 0x25));
    assertThat(t3.segmentCount()).as("0x21 stored as .zst and .lz4 counts once").isEqualTo(5);
    assertThat(t3.compressions()).isEqualTo(Set.of("zst", "lz4", ""));
    assertThat(wal.problems()).isEmpty();
    assertThat(wal.objectCount()).isEqualTo(main.layout.keys(k -> k.startsWith("wal_005/")).size());
  }

  @Test
  void timelineHistoriesAreReadFromLz4Frames() {
    assertThat(main.repository.timelineHistory(1)).isEmpty();
    assertThat(main.repository.timelineHistory(3)).hasValue(List.of(
        new TimelineSwitch(1, Lsn.parse("0/80000A0"), "no recovery target specified"),
        new TimelineSwitch(2, Lsn.parse("0/21000000"), "no recovery target specified")));
  }

  @Test
  void integrityScanFindsTheMissingSegmentAcrossTimelines() {
    WalIntegrityReport r = main.repository.verifyIntegrity(catalog, wal, IntegrityOptions.defaults());
    assertThat(r.currentSegment()).isEqualTo(new WalSegment(3, 0x26));
    assertThat(r.earliestBackup()).isEqualTo(MainRepository.B1.name());
    assertThat(r.sequences()).containsExactly(
        new SegmentSequence(1, "000000010000000000000002", "000000010000000000000007", 6, SegmentSequence.Status.FOUND),
        new SegmentSequence(2, "000000020000000000000008", "000000020000000000000014", 13, SegmentSequence.Status.FOUND),
        new SegmentSequence(2, "000000020000000000000015", "000000020000000000000015", 1, SegmentSequence.Status.MISSING_LOST),
        new SegmentSequence(2, "000000020000000000000016", "000000020000000000000020", 11, SegmentSequence.Status.FOUND),
        new SegmentSequence(3, "000000030000000000000021", "000000030000000000000025", 5, SegmentSequence.Status.FOUND));
    assertThat(r.status()).isEqualTo(WalIntegrityReport.Status.FAILURE);
    assertThat(r.problems()).isEmpty();
  }

  @Test
  void aGapInsideTheUploadWindowIsOnlyAWarning() {
    // current = 2/0x17: the 16 segments below it (0x07..0x16, crossing to TLI 1 at 0x08) are "uploading"
    WalIntegrityReport r = main.repository.verifyIntegrity(catalog, wal,
        IntegrityOptions.defaults().withCurrent(new WalSegment(2, 0x17)));
    assertThat(r.missing()).extracting(SegmentSequence::status).containsExactly(SegmentSequence.Status.MISSING_UPLOADING);
    assertThat(r.status()).isEqualTo(WalIntegrityReport.Status.WARNING);
  }

  @Test
  void eachBackupKnowsWhetherTheWalItNeedsIsComplete() {
    // D2 starts in 2/10 and stops in 2/15, which is missing: it cannot reach consistency
    assertThat(wal.check(catalog.get(MainRepository.D2.name())).missing()).containsExactly(new SegmentRange(2, 0x15, 0x15));
    assertThat(catalog.backups()).filteredOn(b -> !wal.check(b).isComplete()).extracting(Backup::name)
        .containsExactly(MainRepository.D2.name());
  }

  @Test
  void integrityDownToANamedBackupOnly() {
    // --backup-name: the scan stops at that backup's start segment (B3 at 2/1C)
    WalIntegrityReport r = main.repository.verifyIntegrity(catalog, wal, IntegrityOptions.defaults().withBackupName(MainRepository.B3.name()));
    assertThat(r.earliestBackup()).isEqualTo(MainRepository.B3.name());
    assertThat(r.sequences()).containsExactly(
        new SegmentSequence(2, "00000002000000000000001C", "000000020000000000000020", 5, SegmentSequence.Status.FOUND),
        new SegmentSequence(3, "000000030000000000000021", "000000030000000000000025", 5, SegmentSequence.Status.FOUND));
    assertThat(r.status()).isEqualTo(WalIntegrityReport.Status.OK);
  }

  @Test
  void anUnreadableHistoryIsReportedAndTheScanStaysOnItsTimeline() {
    S3ProxyServer server = S3ProxyServer.shared();
    WalgLayout l = new WalgLayout(server.client(), "walg-zst-history", "pg");
    l.wal(1, 1, 3, "lz4");
    String history = l.put("wal_005/00000002.history.zst", new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD});
    l.wal(2, 3, 5, "zst");
    try (WalgRepository repo = WalgRepository.builder(server.settings("walg-zst-history", "pg")).build()) {
      WalIntegrityReport r = repo.verifyIntegrity(IntegrityOptions.defaults().withUploadConcurrency(0));
      assertThat(r.problems()).singleElement().satisfies(p -> {
        assertThat(p.kind()).isEqualTo(RepositoryProblem.Kind.UNREADABLE_HISTORY);
        assertThat(p.detail()).contains(history);
      });
      // without the history the walk cannot switch to timeline 1: 2/01..02 are reported lost
      assertThat(r.missing()).containsExactly(
          new SegmentSequence(2, "000000020000000000000001", "000000020000000000000002", 2, SegmentSequence.Status.MISSING_LOST));
    }
  }
}
