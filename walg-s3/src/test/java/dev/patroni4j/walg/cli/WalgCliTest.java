package dev.patroni4j.walg.cli;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.ConfirmationRefusedException;
import dev.patroni4j.walg.JsonValue;
import dev.patroni4j.walg.RetentionPolicy;
import dev.patroni4j.walg.WalIntegrityReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Process plumbing only (arguments, environment, exit codes, stderr) against a stand-in {@code
 * wal-g} written by the test: it records its arguments and environment and replays, per
 * sub-command, the stdout/stderr/exit code the test put next to it. No WAL-G logic is faked: what
 * it replays are WAL-G's verbatim outputs from {@link WalgOutputTest}.
 */
class WalgCliTest {
  static final String SECRET = "s3cr3t-Value-That-Must-Not-Leak";
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
        "[ -f \"$d/$c.err\" ] && cat \"$d/$c.err\" >&2",
        "[ -f \"$d/$c.out\" ] && cat \"$d/$c.out\"",
        "[ -f \"$d/$c.sleep\" ] && exec sleep \"$(cat \"$d/$c.sleep\")\"",
        "[ -f \"$d/$c.code\" ] && exit \"$(cat \"$d/$c.code\")\"",
        "exit 0", ""));
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwx------"));
  }

  void replay(String command, String stdout, String stderr, int code) throws IOException {
    Files.writeString(dir.resolve(command + ".out"), stdout);
    Files.writeString(dir.resolve(command + ".err"), stderr);
    Files.writeString(dir.resolve(command + ".code"), Integer.toString(code));
  }

  WalgCli cli() {
    return WalgCli.builder(exe).configFile(dir.resolve("walg.json"))
        .environment(Map.of("WALG_S3_PREFIX", "s3://b/p", "AWS_SECRET_ACCESS_KEY", SECRET, "AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"))
        .timeout(Duration.ofSeconds(20)).build();
  }

  List<String> lastArgs() throws IOException {
    return Files.readAllLines(dir.resolve("last-args"));
  }

  @Test
  void configGoesThroughConfigFileAndEnvironmentNeverTheCommandLine() throws IOException {
    replay("backup-list", "[" + WalgOutputTest.DETAIL_ELEMENT + "]\n", "INFO: 2024/05/25 09:03:52.466361 List backups from storages: [default]\n", 0);
    List<BackupListEntry> list = cli().backupList();
    assertThat(list).hasSize(1);
    assertThat(lastArgs()).containsExactly("--config", dir.resolve("walg.json").toString(), "backup-list", "--detail", "--json");
    assertThat(Files.readString(dir.resolve("last-env"))).contains("AWS_SECRET_ACCESS_KEY=" + SECRET).contains("WALG_S3_PREFIX=s3://b/p");
    assertThat(String.join(" ", lastArgs())).doesNotContain(SECRET);
    assertThat(cli().toString()).doesNotContain(SECRET);
  }

  @Test
  void backupPushReturnsTheNameFromTheLogAndPassesFlags() throws IOException {
    replay("backup-push", "", "INFO: 2024/03/05 14:55:53.795401 Wrote backup with name base_000000020000000000000024 to storage default\n", 0);
    String name = cli().backupPush(Path.of("/pgdata"), BackupPushOptions.defaults().withFull().withPermanent());
    assertThat(name).isEqualTo("base_000000020000000000000024");
    assertThat(lastArgs()).endsWith("backup-push", "/pgdata", "--full", "--permanent");
  }

  @Test
  void backupPushPassesUserDataAsOneCompactJsonArgument() throws IOException {
    replay("backup-push", "", "INFO: 2024/03/05 14:55:53.795401 Wrote backup with name base_000000020000000000000024 to storage default\n", 0);
    JsonValue userData = JsonValue.parse("{ \"backup_id\" : \"nightly 42\", \"note\": \"a \\\"quoted\\\" word\" }");
    cli().backupPush(Path.of("/pgdata"), BackupPushOptions.defaults().withUserData(userData));
    assertThat(lastArgs()).endsWith("backup-push", "/pgdata", "--add-user-data",
        "{\"backup_id\":\"nightly 42\",\"note\":\"a \\\"quoted\\\" word\"}");
  }

  @Test
  void walFetchExit74IsAMissingSegment() throws IOException {
    replay("wal-fetch", "", "ERROR: 2024/03/05 14:55:53.795401 Archive '000000010000000000000099' does not exist.\n", 74);
    assertThatThrownBy(() -> cli().walFetch("000000010000000000000099", dir.resolve("x")))
        .isInstanceOfSatisfying(WalSegmentNotInArchiveException.class, e -> {
          assertThat(e.exitCode()).isEqualTo(74);
          assertThat(e.walName()).isEqualTo("000000010000000000000099");
          assertThat(e.stderrTail()).contains("does not exist");
        });
  }

  @Test
  void otherFailuresCarryExitCodeAndMaskedStderr() throws IOException {
    replay("backup-fetch", "", "ERROR: 2024/03/05 14:55:53.795401 Backup 'nope' does not exist. key=" + SECRET + "\n", 1);
    assertThatThrownBy(() -> cli().backupFetch(dir.resolve("restore"), "nope"))
        .isInstanceOfSatisfying(WalgCliException.class, e -> {
          assertThat(e.exitCode()).isEqualTo(1);
          assertThat(e.getMessage()).contains("exit code 1").contains("Backup 'nope' does not exist").doesNotContain(SECRET);
          assertThat(e.stderrTail()).doesNotContain(SECRET).contains("***");
          assertThat(e.arguments()).contains("backup-fetch", "nope");
        });
    assertThatThrownBy(() -> cli().backupFetch(dir, "--help")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void walVerifyExitsZeroOnFailureAndTheStatusComesFromTheJson() throws IOException {
    replay("wal-verify", WalgOutputTest.WAL_VERIFY, "", 0);
    WalVerifyResult r = cli().walVerify(EnumSet.allOf(WalgCli.VerifyCheck.class), 68L, "388/E9000000");
    assertThat(requireNonNull(r.integrity()).status()).isEqualTo(WalIntegrityReport.Status.FAILURE);
    assertThat(lastArgs()).endsWith("wal-verify", "integrity", "timeline", "--json", "--timeline", "68", "--lsn", "388/E9000000");
  }

  static final String WOULD_DELETE_ONE = "INFO: 2025/06/01 10:00:00.000002 Object marked for deletion: wal_005/000000010000000000000001.lz4 storage=default\n"
      + "INFO: 2025/06/01 10:00:00.000003 Dry run: objects would be deleted count=1, Run with --confirm to execute\n";

  List<String> calls() throws IOException {
    Path calls = dir.resolve("calls");
    return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
  }

  @Test
  void aDryRunReportsWhatWouldGoAndDeletesNothing() throws IOException {
    replay("delete", "", WOULD_DELETE_ONE, 0);
    DeleteDryRun dry = cli().deleteDryRun(RetentionPolicy.retain(RetentionPolicy.Modifier.FULL, 2), RetentionPolicy.Order.NAME);
    assertThat(lastArgs()).endsWith("delete", "retain", "FULL", "2");
    assertThat(dry.keys()).containsExactly("wal_005/000000010000000000000001.lz4");
    assertThat(dry.confirmationToken()).startsWith("wal-g-delete-1-");
    assertThat(dry.confirmationSubject()).isEqualTo("wal-g delete retain FULL 2 (1 objects, order NAME)");
    assertThat(calls()).noneMatch(c -> c.contains("--confirm"));
  }

  @Test
  void deleteRunsWithConfirmOnlyWithTheConfirmationOfItsDryRun() throws IOException {
    replay("delete", "", WOULD_DELETE_ONE, 0);
    RetentionPolicy policy = RetentionPolicy.before(RetentionPolicy.Modifier.FIND_FULL, "base_000000010000000000000002");
    DeleteDryRun dry = cli().deleteDryRun(policy, RetentionPolicy.Order.START_TIME);
    DeleteDryRun other = cli().deleteDryRun(policy, RetentionPolicy.Order.NAME);
    assertThat(other.confirmationToken()).as("another order is another target").isNotEqualTo(dry.confirmationToken());
    for (Confirmation wrong : List.of(Confirmation.of("yes"), Confirmation.of(other))) {
      assertThatThrownBy(() -> cli().delete(dry, wrong)).isInstanceOfSatisfying(ConfirmationRefusedException.class, e -> {
        assertThat(e.action()).isEqualTo("wal-g delete");
        assertThat(e.subject()).isEqualTo(dry.confirmationSubject());
        assertThat(e.getMessage()).endsWith("nothing was changed");
      });
    }
    assertThat(calls()).noneMatch(c -> c.contains("--confirm"));
    DeleteOutput deleted = cli().delete(dry, Confirmation.of(dry.confirmationToken()));
    assertThat(lastArgs()).endsWith("delete", "before", "FIND_FULL", "base_000000010000000000000002", "--use-sentinel-time", "--confirm");
    assertThat(deleted.keys()).containsExactlyElementsOf(dry.keys());
    assertThat(calls()).filteredOn(c -> c.contains("--confirm")).hasSize(1);
  }

  @Test
  void aConfirmedDryRunThatNoLongerHoldsIsRefusedBeforeAnythingIsDeleted() throws IOException {
    replay("delete", "", WOULD_DELETE_ONE, 0);
    DeleteDryRun dry = cli().deleteDryRun(RetentionPolicy.retain(RetentionPolicy.Modifier.FULL, 2), RetentionPolicy.Order.NAME);
    // a backup was pushed since: wal-g would now delete another segment too
    replay("delete", "", WOULD_DELETE_ONE.replace("Dry run", "Object marked for deletion: wal_005/000000010000000000000002.lz4 storage=default\n"
        + "INFO: 2025/06/01 10:00:00.000004 Dry run"), 0);
    assertThatThrownBy(() -> cli().delete(dry, Confirmation.of(dry))).isInstanceOfSatisfying(ConfirmationRefusedException.class,
        e -> assertThat(e.subject()).contains("(2 objects"));
    assertThat(calls()).noneMatch(c -> c.contains("--confirm"));
  }

  @Test
  void backupMarkBothWays() throws IOException {
    cli().backupMark("base_000000010000000000000002", true);
    assertThat(lastArgs()).endsWith("backup-mark", "base_000000010000000000000002");
    cli().backupMark("base_000000010000000000000002", false);
    assertThat(lastArgs()).endsWith("backup-mark", "-i", "base_000000010000000000000002");
  }

  @Test
  void aHangingCommandIsStoppedAtTheTimeout() throws IOException {
    Files.writeString(dir.resolve("backup-push.sleep"), "30");
    WalgCli quick = WalgCli.builder(exe).timeout(Duration.ofMillis(300)).build();
    long start = System.nanoTime();
    assertThatThrownBy(() -> quick.backupPush(dir, BackupPushOptions.defaults()))
        .isInstanceOfSatisfying(WalgCliException.class, e -> assertThat(e.exitCode()).isEqualTo(-1))
        .hasMessageContaining("did not finish");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aMissingExecutableIsATypedError() {
    assertThatThrownBy(() -> WalgCli.builder(dir.resolve("nope")).build().backupList())
        .isInstanceOfSatisfying(WalgCliException.class, e -> assertThat(e.exitCode()).isEqualTo(-1))
        .hasMessageContaining("cannot start");
  }
}
