package dev.patroni4j.runbooks.walg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.ConfirmationRefusedException;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Timeline;
import dev.patroni4j.runbooks.backup.ArchiveCheck;
import dev.patroni4j.runbooks.backup.ArchiveSettings;
import dev.patroni4j.runbooks.backup.BackupInfo;
import dev.patroni4j.runbooks.backup.BackupToolException;
import dev.patroni4j.runbooks.backup.BackupType;
import dev.patroni4j.runbooks.backup.PatroniMethod;
import dev.patroni4j.runbooks.backup.RecoveryTarget;
import dev.patroni4j.runbooks.backup.RestoreRequest;
import dev.patroni4j.runbooks.backup.RetentionPlan;
import dev.patroni4j.runbooks.backup.RetentionPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WAL-G as a BackupTool up to the CLI boundary: a stand-in {@code wal-g} (as walg-s3's WalgCliTest) records its
 * arguments and environment and replays, per sub-command, stdout/stderr/exit code in WAL-G's formats (walg.md 2.x).
 * No WAL-G logic is faked; what the tests prove is what the bridge sends and how it reads what comes back.
 */
class WalgBackupToolTest {
  static final String SECRET = "s3cr3t-Value-That-Must-Not-Leak";
  static final String FULL_A = "base_000000010000000000000002";
  static final String DELTA_A = "base_000000010000000000000004_D_000000010000000000000002";
  static final String FULL_B = "base_000000010000000000000006";
  @TempDir Path dir;
  Path exe;

  @BeforeEach
  void writeStandIn() throws IOException {
    exe = dir.resolve("wal-g");
    Files.writeString(exe, String.join("\n",
        "#!/bin/sh",
        "d=$(dirname \"$0\")",
        "printf '%s\\n' \"$@\" > \"$d/last-args\"",
        "echo \"$*\" >> \"$d/calls\"",
        "env > \"$d/last-env\"",
        "[ \"$1\" = \"--config\" ] && shift 2",
        "c=$1",
        "[ \"$c\" = backup-fetch ] && mkdir -p \"$2\" && echo 'PG_VERSION 15' > \"$2/PG_VERSION\"",
        "[ -f \"$d/$c.err\" ] && cat \"$d/$c.err\" >&2",
        "[ -f \"$d/$c.out\" ] && cat \"$d/$c.out\"",
        "[ -f \"$d/$c.code\" ] && exit \"$(cat \"$d/$c.code\")\"",
        "exit 0", ""));
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwx------"));
  }

  void replay(String command, String stdout, String stderr, int code) throws IOException {
    Files.writeString(dir.resolve(command + ".out"), stdout);
    Files.writeString(dir.resolve(command + ".err"), stderr);
    Files.writeString(dir.resolve(command + ".code"), Integer.toString(code));
  }

  WalgBackupTool tool() {
    return WalgBackupTool.builder(exe.toString()).configFile(dir.resolve("walg.json"))
        .environment(Map.of("WALG_S3_PREFIX", "s3://b/p", "AWS_SECRET_ACCESS_KEY", SECRET))
        .timeout(Duration.ofSeconds(20)).repository("wal-g:demo")
        .member("pg1", Path.of("/pgdata/pg1")).build();
  }

  List<String> lastArgs() throws IOException {
    return Files.readAllLines(dir.resolve("last-args"));
  }

  List<String> calls() throws IOException {
    return Files.readAllLines(dir.resolve("calls"));
  }

  /** One element of {@code backup-list --detail --json} (WAL-G v3 keys, walg.md 2.2). */
  static String entry(String name, String started, long startLsn, long finishLsn) {
    Instant start = Instant.parse(started);
    return "{\"backup_name\":\"" + name + "\",\"time\":\"" + start.plusSeconds(11) + "\",\"wal_file_name\":\""
        + name.substring(5, 29) + "\",\"storage_name\":\"default\",\"start_time\":\"" + start
        + "\",\"finish_time\":\"" + start.plusSeconds(10) + "\",\"date_fmt\":\"%Y-%m-%dT%H:%M:%S.%fZ\","
        + "\"hostname\":\"pg1\",\"data_dir\":\"/pgdata/pg1\",\"pg_version\":150015,\"start_lsn\":" + startLsn
        + ",\"finish_lsn\":" + finishLsn + ",\"is_permanent\":false,\"system_identifier\":7507672962298572862,"
        + "\"uncompressed_size\":928772120,\"compressed_size\":386034756}";
  }

  void listThree() throws IOException {
    // newest first on purpose: the bridge orders by start time itself
    replay("backup-list", "[" + entry(FULL_B, "2026-12-03T12:00:00Z", 0x6000028L, 0x6000100L) + ","
        + entry(DELTA_A, "2026-12-03T11:00:00Z", 0x4000028L, 0x4000100L) + ","
        + entry(FULL_A, "2026-12-03T10:00:00Z", 0x2000028L, 0x2000100L) + "]\n", "", 0);
  }

  @Test
  void listsBackupsOldestFirstWithDeltaChainsLsnsAndSizesAndReadsThemWithConfigNotCommandLine() throws IOException {
    listThree();
    List<BackupInfo> backups = tool().list("pg1");
    assertThat(lastArgs()).containsExactly("--config", dir.resolve("walg.json").toString(), "backup-list",
        "--detail", "--json");
    assertThat(Files.readString(dir.resolve("last-env"))).contains("WALG_S3_PREFIX=s3://b/p");
    assertThat(backups).extracting(BackupInfo::label).containsExactly(FULL_A, DELTA_A, FULL_B);
    BackupInfo delta = backups.get(1);
    assertThat(delta.type()).isEqualTo(BackupType.INCREMENTAL);
    assertThat(delta.findPrior()).contains(FULL_A);
    assertThat(delta.startLsn()).isEqualTo(Lsn.of(0x4000028L));
    assertThat(delta.startWal()).isEqualTo("000000010000000000000004");
    assertThat(delta.stopWal()).isEqualTo("000000010000000000000004");
    assertThat(delta.timeline()).isEqualTo(Timeline.of(1));
    assertThat(delta.size()).isEqualTo(928772120L);
    assertThat(delta.storedSize()).isEqualTo(386034756L);
    assertThat(delta.duration()).isEqualTo(Duration.ofSeconds(10));
    assertThat(backups.get(0).type()).isEqualTo(BackupType.FULL);
    assertThat(tool().latest("pg1").map(BackupInfo::label)).contains(FULL_B);
  }

  @Test
  void backupPushesAFullBackupOfTheMembersDataDirectoryAndReturnsItOnceListed() throws IOException {
    listThree();
    replay("backup-push", "", "INFO: 2026/12/03 12:00:10.795401 Wrote backup with name " + FULL_B
        + " to storage default\n", 0);
    BackupInfo taken = tool().backup("pg1", BackupType.FULL);
    assertThat(taken.label()).isEqualTo(FULL_B);
    assertThat(calls()).contains("--config " + dir.resolve("walg.json") + " backup-push /pgdata/pg1 --full");
    assertThat(String.join(" ", calls())).doesNotContain(SECRET);
  }

  @Test
  void backupFailsTypedWithTheExitCodeAndNoSecretWhenWalgFailsOrTheBackupIsNotListed() throws IOException {
    replay("backup-push", "", "ERROR: 2026/12/03 12:00:10 connect: " + SECRET + " refused\n", 1);
    assertThatThrownBy(() -> tool().backup("pg1", BackupType.FULL))
        .isInstanceOfSatisfying(BackupToolException.class, e -> {
          assertThat(e.kind()).isEqualTo(BackupToolException.Kind.COMMAND_FAILED);
          assertThat(e.exitCode()).isEqualTo(1);
          assertThat(e.member()).isEqualTo("pg1");
        }).message().doesNotContain(SECRET);
    listThree();
    replay("backup-push", "", "INFO: 2026/12/03 12:00:10 Wrote backup with name base_000000010000000000000009"
        + " to storage default\n", 0);
    assertThatThrownBy(() -> tool().backup("pg1", BackupType.FULL))
        .isInstanceOfSatisfying(BackupToolException.class,
            e -> assertThat(e.kind()).isEqualTo(BackupToolException.Kind.UNEXPECTED_RESULT))
        .hasMessageContaining("base_000000010000000000000009");
    assertThatThrownBy(() -> tool().backup("pg9", BackupType.FULL))
        .isInstanceOfSatisfying(BackupToolException.class,
            e -> assertThat(e.kind()).isEqualTo(BackupToolException.Kind.NOT_FOUND));
  }

  @Test
  void retentionIsAPlanDeletedOnlyWithItsTokenThroughWalgDeleteRetainFull() throws IOException {
    listThree();
    replay("delete", "", "INFO: 2024/03/05 14:30:08.495505 Start delete\n"
        + "INFO: 2024/03/05 14:30:08.495505 \twill be deleted: basebackups_005/" + FULL_A
        + "_backup_stop_sentinel.json, from storage: default\n"
        + "INFO: 2024/03/05 14:30:08.495505 Dry run, nothing were deleted\n", 0);
    RetentionPlan plan = tool().planRetention("pg1", RetentionPolicy.keepFull(1));
    assertThat(plan.deletedLabels()).containsExactly(FULL_A, DELTA_A);
    assertThat(plan.kept()).extracting(BackupInfo::label).containsExactly(FULL_B);
    assertThat(plan.repository()).isEqualTo("wal-g:demo");

    assertThatThrownBy(() -> tool().applyRetention("pg1", plan, Confirmation.of("expire-2-wrong")))
        .isInstanceOf(ConfirmationRefusedException.class);
    assertThat(calls()).noneMatch(c -> c.contains("delete"));

    tool().applyRetention("pg1", plan, Confirmation.of(plan.confirmationToken()));
    assertThat(calls()).contains("--config " + dir.resolve("walg.json") + " delete retain FULL 1 --confirm");
    assertThat(calls()).filteredOn(c -> c.contains(" delete ")).hasSize(3); // dry run, repeated dry run, confirm
  }

  @Test
  void aConfirmedPlanIsRefusedWhenABackupWasTakenSince() throws IOException {
    listThree();
    RetentionPlan plan = tool().planRetention("pg1", RetentionPolicy.keepFull(2));
    assertThat(plan.isEmpty()).isTrue();
    replay("backup-list", "[" + entry(FULL_A, "2026-12-03T10:00:00Z", 0x2000028L, 0x2000100L) + ","
        + entry(FULL_B, "2026-12-03T12:00:00Z", 0x6000028L, 0x6000100L) + ","
        + entry("base_000000010000000000000008", "2026-12-03T13:00:00Z", 0x8000028L, 0x8000100L) + "]", "", 0);
    assertThatThrownBy(() -> tool().applyRetention("pg1", plan, Confirmation.of(plan.confirmationToken())))
        .isInstanceOf(ConfirmationRefusedException.class);
    assertThat(calls()).noneMatch(c -> c.contains("delete"));
  }

  @Test
  void patroniSettingsArchiveThroughWalPushRestoreThroughWalFetchAndCreateReplicasWithBackupFetch() {
    WalgBackupTool walg = WalgBackupTool.builder("wal-g").member("pg1", Path.of("/pgdata/pg1")).build();
    ArchiveSettings archive = walg.archiveSettings();
    assertThat(archive.archiveCommand()).isEqualTo("wal-g wal-push %p");
    assertThat(archive.restoreCommand()).isEqualTo("wal-g wal-fetch %f %p");
    assertThat(archive.parameters()).containsEntry("archive_mode", "on")
        .containsEntry("archive_command", "wal-g wal-push %p");
    PatroniMethod replica = walg.replicaMethod("pg1");
    assertThat(replica.name()).isEqualTo("walg");
    assertThat(replica.command()).isEqualTo("wal-g backup-fetch /pgdata/pg1 LATEST");
    assertThat(replica.settings()).containsEntry("no_params", true);

    PatroniMethod bootstrap = walg.bootstrapMethod("pg1",
        RestoreRequest.to(RecoveryTarget.xid(74_211L, true)).withBackup(FULL_B).withTimeline(Timeline.of(2)));
    assertThat(bootstrap.name()).isEqualTo("walg_pitr");
    assertThat(bootstrap.command()).isEqualTo("wal-g backup-fetch /pgdata/pg1 " + FULL_B);
    assertThat(bootstrap.settings().get("recovery_conf")).isEqualTo(Map.of(
        "restore_command", "wal-g wal-fetch %f %p", "recovery_target_xid", "74211",
        "recovery_target_inclusive", "true", "recovery_target_action", "promote",
        "recovery_target_timeline", "2"));
  }

  @Test
  void restoreFetchesTheNewestBackupBeforeATimeTargetAndWritesTheRecoverySettings() throws IOException {
    listThree();
    Path target = dir.resolve("restored");
    tool().restore("pg1", target, RestoreRequest.to(
        RecoveryTarget.time(Instant.parse("2026-12-03T11:30:00Z"), false)).pausingAtTarget().withoutArchiving());
    assertThat(lastArgs()).containsExactly("--config", dir.resolve("walg.json").toString(), "backup-fetch",
        target.toString(), DELTA_A);
    String conf = Files.readString(target.resolve("postgresql.auto.conf"));
    assertThat(conf).contains("restore_command = '" + exe + " --config " + dir.resolve("walg.json")
        + " wal-fetch %f %p'")
        .contains("recovery_target_time = '2026-12-03 11:30:00.000000+00:00'")
        .contains("recovery_target_inclusive = 'false'")
        .contains("recovery_target_action = 'pause'")
        .contains("recovery_target_timeline = 'latest'")
        .contains("archive_mode = 'off'");
    assertThat(target.resolve("recovery.signal")).exists();

    assertThatThrownBy(() -> tool().restore("pg1", target, RestoreRequest.latestBackup()))
        .isInstanceOf(BackupToolException.class).hasMessageContaining("not empty");
    assertThatThrownBy(() -> tool().restore("pg1", dir.resolve("early"), RestoreRequest.to(
        RecoveryTarget.time(Instant.parse("2026-12-03T09:00:00Z"), false))))
        .isInstanceOfSatisfying(BackupToolException.class,
            e -> assertThat(e.kind()).isEqualTo(BackupToolException.Kind.NOT_FOUND));
  }

  @Test
  void archiveCheckNamesTheLostSegmentsWalVerifyReportsEvenThoughItExitsZero() throws IOException {
    // [real] wal-g exporter testdata (walg.md 2.8): FAILURE with exit 0
    replay("wal-verify", "{\"integrity\":{\"status\":\"FAILURE\",\"details\":[{\"timeline_id\":67,"
        + "\"start_segment\":\"000000430000030600000060\",\"end_segment\":\"000000430000030600000060\","
        + "\"segments_count\":1,\"status\":\"MISSING_LOST\"},{\"timeline_id\":67,\"start_segment\":"
        + "\"000000430000030600000061\",\"end_segment\":\"0000004300000388000000C2\",\"segments_count\":33379,"
        + "\"status\":\"FOUND\"}]}}", "", 0);
    ArchiveCheck check = tool().checkArchive("pg1");
    assertThat(lastArgs()).endsWith("wal-verify", "integrity", "--json");
    assertThat(check.continuous()).isFalse();
    assertThat(check.gaps()).containsExactly(
        new ArchiveCheck.Gap("000000430000030600000060", "000000430000030600000060"));
    assertThat(check.segments()).isEqualTo(33379);
    assertThat(check.findLast()).contains("0000004300000388000000C2");
    assertThat(check.liveCheckDetail()).contains("FAILURE");
  }
}
