package dev.patroni4j.walg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.model.Lsn;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The catalog read from a real S3 server (S3Proxy) holding {@link MainRepository}. Expected values
 * follow WAL-G's documented rules: a backup is complete iff its sentinel exists (reference/walg.md
 * 1.2, 1.9), permanence comes from metadata.json (1.5), LATEST is the newest sentinel LastModified
 * and delete orders by (timeline, segment) of the name (1.11).
 */
class BackupCatalogTest {
  static MainRepository main;
  static BackupCatalog catalog;

  @BeforeAll
  static void readCatalog() {
    main = MainRepository.get();
    catalog = main.repository.catalog();
  }

  @Test
  void completeBackupsAreThoseWithSentinelsInPushOrder() {
    assertThat(catalog.backups()).extracting(Backup::name).containsExactly(
        MainRepository.B1.name(), MainRepository.D1.name(), MainRepository.B2.name(), MainRepository.D2.name(),
        MainRepository.D3.name(), MainRepository.B3.name(), MainRepository.B4.name());
    assertThat(catalog.latest()).map(Backup::name).contains(MainRepository.B4.name());
    assertThat(catalog.problems()).isEmpty();
  }

  @Test
  void incompleteBackupFolderIsReportedSeparatelyAndNeverAsABackup() {
    assertThat(catalog.incomplete()).singleElement().satisfies(i -> {
      assertThat(i.name()).isEqualTo(MainRepository.INCOMPLETE);
      assertThat(i.prefix()).isEqualTo(MainRepository.ROOT + "/basebackups_005/" + MainRepository.INCOMPLETE + "/");
      assertThat(i.objectCount()).isEqualTo(1);
      assertThat(i.totalBytes()).isEqualTo("tar 1".length());
    });
    assertThat(catalog.find(MainRepository.INCOMPLETE)).isEmpty();
  }

  @Test
  void everySentinelFieldIsTyped() {
    Backup d3 = catalog.get(MainRepository.D3.name());
    BackupSentinel s = d3.sentinel();
    assertThat(s.startLsn()).isEqualTo(Lsn.of(0x18000028L));
    assertThat(s.deltaLsn()).isEqualTo(Lsn.of(0x10000028L));
    assertThat(s.deltaFrom()).isEqualTo(MainRepository.D2.name());
    assertThat(s.deltaFullName()).isEqualTo(MainRepository.B2.name());
    assertThat(s.deltaCount()).isEqualTo(2);
    assertThat(s.pgVersion()).isEqualTo(150015);
    assertThat(s.finishLsn()).isEqualTo(Lsn.of(0x18000100L));
    assertThat(s.systemIdentifier()).isEqualTo(7507672962298572862L);
    assertThat(s.uncompressedSize()).isEqualTo(2604967632L);
    assertThat(s.compressedSize()).isEqualTo(858502390L);
    assertThat(s.dataCatalogSize()).isEqualTo(2604900000L);
    assertThat(s.chkpNum()).isNull();
    assertThat(s.version()).isEqualTo(2);
    assertThat(s.startTime()).isEqualTo(MainRepository.D3.startTime());
    assertThat(s.finishTime()).isEqualTo(MainRepository.D3.startTime().plusSeconds(17));
    assertThat(s.dateFmt()).isEqualTo("%Y-%m-%dT%H:%M:%S.%fZ");
    assertThat(s.hostname()).isEqualTo("superpg");
    assertThat(s.dataDir()).isEqualTo("/pgroot/data");
    assertThat(s.isPermanentAtPush()).isFalse();
    assertThat(d3.timeline()).isEqualTo(2);
    assertThat(d3.startSegment()).isEqualTo(new WalSegment(2, 0x18));
    assertThat(d3.finishSegment(WalSegment.DEFAULT_SIZE)).isEqualTo(new WalSegment(2, 0x18));
    assertThat(d3.findMetadata()).hasValueSatisfying(m -> {
      assertThat(m.startLsn()).isEqualTo(Lsn.of(0x18000028L));
      assertThat(m.hostname()).isEqualTo("superpg");
    });
  }

  @Test
  void permanenceComesFromMetadataJson() {
    assertThat(catalog.permanent()).extracting(Backup::name).containsExactly(MainRepository.B1.name());
  }

  @Test
  void fullAndDeltaBackupsAndTheirChains() {
    assertThat(catalog.backups()).filteredOn(Backup::isDelta).extracting(Backup::name)
        .containsExactly(MainRepository.D1.name(), MainRepository.D2.name(), MainRepository.D3.name());
    assertThat(catalog.deltaChain(MainRepository.D3.name())).extracting(Backup::name)
        .containsExactly(MainRepository.B2.name(), MainRepository.D2.name(), MainRepository.D3.name());
    assertThat(catalog.deltaChain(MainRepository.B4.name())).extracting(Backup::name).containsExactly(MainRepository.B4.name());
    assertThat(catalog.deltasOf(MainRepository.B2.name())).extracting(Backup::name).containsExactly(MainRepository.D2.name());
    assertThat(catalog.chains().get(MainRepository.B2.name())).extracting(Backup::name)
        .containsExactlyInAnyOrder(MainRepository.B2.name(), MainRepository.D2.name(), MainRepository.D3.name());
  }

  @Test
  void retentionOrderIsTimelineThenSegment() {
    assertThat(catalog.inRetentionOrder()).extracting(Backup::startSegment).isSorted();
    assertThat(catalog.inRetentionOrder().get(0).name()).isEqualTo(MainRepository.B1.name());
  }

  @Test
  void afterPgUpgradeLatestFollowsModificationTimeNotNameAndNameRetentionIsRefused() throws Exception {
    // wal-g issue #636: a new cluster in the same prefix restarts at timeline 1.
    S3ProxyServer server = S3ProxyServer.shared();
    WalgLayout l = new WalgLayout(server.client(), "walg-upgrade", "pg");
    WalgLayout.Spec old = l.backup(WalgLayout.Spec.full(2, 0x30000028L, 0x30000100L, Instant.parse("2026-02-01T00:00:00Z")).systemId(111));
    l.wal(2, 0x30, 0x31, "lz4");
    Thread.sleep(1100); // S3 LastModified has one-second resolution on S3Proxy
    WalgLayout.Spec upgraded = l.backup(WalgLayout.Spec.full(1, 0x2000028L, 0x2000100L, Instant.parse("2026-03-01T00:00:00Z")).systemId(222));
    l.wal(1, 1, 3, "lz4");
    try (WalgRepository repo = WalgRepository.builder(server.settings("walg-upgrade", "pg")).build()) {
      BackupCatalog c = repo.catalog();
      assertThat(c.latest()).map(Backup::name).contains(upgraded.name());
      assertThat(c.inRetentionOrder()).extracting(Backup::name).containsExactly(upgraded.name(), old.name());
      assertThat(c.systemIdentifiers()).containsExactly(111L, 222L);
      assertThat(c.problems()).extracting(RepositoryProblem::kind).containsExactly(RepositoryProblem.Kind.MIXED_CLUSTERS);

      assertThatThrownBy(() -> repo.planRetention(RetentionPolicy.retain(RetentionPolicy.Modifier.NONE, 1)))
          .isInstanceOf(RetentionException.class).hasMessageContaining("START_TIME");
      // --use-sentinel-time: backups by metadata start_time, WAL by segment number only (delete.go makeLessFunc)
      DeletionPlan plan = repo.planRetention(RetentionPolicy.retain(RetentionPolicy.Modifier.NONE, 1), RetentionPolicy.Order.START_TIME);
      assertThat(plan.order()).isEqualTo(RetentionPolicy.Order.START_TIME);
      assertThat(plan.targetBackup()).isEqualTo(upgraded.name());
      List<String> expected = new java.util.ArrayList<>(l.keysOf(old.name()));
      expected.add(l.key("wal_005/000000010000000000000001.lz4")); // segNo 1 < 2, timeline ignored
      assertThat(plan.keys()).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  void badDataIsReportedWithItsKeyAndTheListingGoesOn() {
    S3ProxyServer server = S3ProxyServer.shared();
    WalgLayout l = new WalgLayout(server.client(), "walg-bad", "pg");
    WalgLayout.Spec good = l.backup(WalgLayout.Spec.full(1, 0x2000028L, 0x2000100L, Instant.parse("2026-02-01T00:00:00Z")));
    String truncated = l.put("basebackups_005/base_000000010000000000000004_backup_stop_sentinel.json", "{\"LSN\":67108904,\"PgVersion\":1500");
    String future = l.put("basebackups_005/base_000000010000000000000006_backup_stop_sentinel.json",
        "{\"LSN\":100663336,\"PgVersion\":150015,\"Version\":3,\"IsPermanent\":false}");
    String noLsn = l.put("basebackups_005/base_000000010000000000000007_backup_stop_sentinel.json", "{\"PgVersion\":150015}");
    String foreign = l.put("basebackups_005/notes.txt", "hello");
    String foreignSentinel = l.put("basebackups_005/mybackup_backup_stop_sentinel.json", "{}");
    String impossibleSegment = l.put("basebackups_005/base_0000000100000000000001FF_backup_stop_sentinel.json",
        "{\"LSN\":1,\"PgVersion\":150015}"); // segment id 0x1FF does not exist with 16 MiB segments
    String badMeta = l.put("basebackups_005/base_000000010000000000000008/metadata.json", "{\"is_permanent\":\"yes\"}");
    WalgLayout.Spec withBadMeta = WalgLayout.Spec.full(1, 0x8000028L, 0x8000100L, Instant.parse("2026-02-02T00:00:00Z"));
    l.put("basebackups_005/" + withBadMeta.name() + "_backup_stop_sentinel.json", withBadMeta.sentinelJson());
    // a v1.x sentinel: no Version, legacy DeltaFromLSN, inline Files (reference/walg.md 1.4)
    l.put("basebackups_005/base_00000001000000000000000E_backup_stop_sentinel.json",
        "{\"LSN\": 234881064, \"PgVersion\": 100000, \"FinishLSN\": 234881240, \"Spec\": null, \"Files\": {\"/base/1\": {\"IsSkipped\": true}}}");
    l.put("basebackups_005/base_000000010000000000000018_D_00000001000000000000000E_backup_stop_sentinel.json",
        "{\"LSN\": 385876008, \"DeltaFromLSN\": 234881240, \"DeltaFrom\": \"base_00000001000000000000000E\", \"DeltaFullName\": \"base_00000001000000000000000E\", \"DeltaCount\": 1, \"PgVersion\": 100000, \"FinishLSN\": 385876224, \"SystemIdentifier\": 6952858960630391265, \"UncompressedSize\": 262872348, \"CompressedSize\": 1338, \"Spec\": null}");

    try (WalgRepository repo = WalgRepository.builder(server.settings("walg-bad", "pg")).build()) {
      BackupCatalog c = repo.catalog();
      assertThat(c.backups()).extracting(Backup::name).containsExactlyInAnyOrder(good.name(), withBadMeta.name(),
          "base_00000001000000000000000E", "base_000000010000000000000018_D_00000001000000000000000E");
      assertThat(c.problems()).extracting(RepositoryProblem::key, RepositoryProblem::kind).containsExactlyInAnyOrder(
          org.assertj.core.groups.Tuple.tuple(truncated, RepositoryProblem.Kind.MALFORMED_JSON),
          org.assertj.core.groups.Tuple.tuple(future, RepositoryProblem.Kind.UNSUPPORTED_SENTINEL_VERSION),
          org.assertj.core.groups.Tuple.tuple(noLsn, RepositoryProblem.Kind.INVALID_SENTINEL),
          org.assertj.core.groups.Tuple.tuple(foreign, RepositoryProblem.Kind.NOT_WALG_KEY),
          org.assertj.core.groups.Tuple.tuple(foreignSentinel, RepositoryProblem.Kind.NOT_WALG_KEY),
          org.assertj.core.groups.Tuple.tuple(impossibleSegment, RepositoryProblem.Kind.NOT_WALG_KEY),
          org.assertj.core.groups.Tuple.tuple(badMeta, RepositoryProblem.Kind.INVALID_METADATA),
          // the v1.x fixture comes from another cluster: reported, as after a pg_upgrade
          org.assertj.core.groups.Tuple.tuple(l.key("basebackups_005/"), RepositoryProblem.Kind.MIXED_CLUSTERS));
      assertThat(c.get(withBadMeta.name()).findMetadata()).isEmpty();
      assertThat(c.get(withBadMeta.name()).isPermanent()).isFalse();
      Backup legacyDelta = c.get("base_000000010000000000000018_D_00000001000000000000000E");
      assertThat(legacyDelta.sentinel().deltaLsn()).isEqualTo(Lsn.of(234881240L));
      assertThat(legacyDelta.sentinel().version()).isZero();
      assertThat(c.deltaChain(legacyDelta.name())).extracting(Backup::name)
          .containsExactly("base_00000001000000000000000E", legacyDelta.name());
      // unusable sentinels are not "incomplete backups": their sentinel exists
      assertThat(c.incomplete()).isEmpty();
    }
  }

  @Test
  void aWrongSecretIsAStorageErrorWhoseMessagesShowNoSecret() {
    S3ProxyServer server = S3ProxyServer.shared();
    String wrong = "wrong-secret-" + Long.toHexString(System.nanoTime());
    WalgS3Settings settings = server.settings(MainRepository.BUCKET, MainRepository.ROOT).toBuilder()
        .credentials(S3Credentials.staticKeys(S3ProxyServer.ACCESS_KEY, wrong)).build();
    assertThat(settings.toString()).doesNotContain(wrong);
    try (WalgRepository repo = WalgRepository.builder(settings).build()) {
      assertThatThrownBy(repo::catalog).isInstanceOfSatisfying(WalgStorageException.class, e -> {
        assertThat(e.operation()).isEqualTo("ListObjectsV2");
        assertThat(e.getMessage()).contains("403");
        for (Throwable t = e; t != null; t = t.getCause()) {
          assertThat(t.toString()).doesNotContain(wrong).doesNotContain(S3ProxyServer.SECRET_KEY);
        }
      });
    }
  }
}
