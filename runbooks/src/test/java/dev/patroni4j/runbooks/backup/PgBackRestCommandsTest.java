package dev.patroni4j.runbooks.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.ConfirmationRefusedException;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.PatroniVersion;
import dev.patroni4j.client.model.Timeline;
import dev.patroni4j.runbooks.host.HostActions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The commands PgBackRest builds and how it reads their results, on a recording host. */
class PgBackRestCommandsTest {
  /** Records every command; answers {@code info} with {@link #info}, everything else with exit 0. */
  static final class RecordingHost implements HostActions {
    final List<List<String>> commands = new ArrayList<>();
    String info = PgBackRestInfoTest.REAL;
    String repoLs = "{}";
    int exit = 0;
    String stderr = "";

    @Override public void stopPatroni(String member) {}
    @Override public void startPatroni(String member) {}
    @Override public void switchPatroniInstallation(String member, PatroniVersion version) {}
    @Override public void stopPostgres(String member) {}
    @Override public void moveFile(String member, Path from, Path to) {}
    @Override public void writeFile(String member, Path path, byte[] content) {}
    @Override public Optional<String> readFile(String member, Path path) {
      return Optional.empty();
    }
    @Override public void wipeDataDirectory(String member, Path dataDirectory, Confirmation confirmation) {}

    @Override
    public CommandResult run(String member, List<String> command) {
      commands.add(command);
      if (command.contains("info")) {
        return new CommandResult(0, info, "");
      }
      return command.contains("repo-ls") ? new CommandResult(0, repoLs, "") : new CommandResult(exit, "", stderr);
    }
  }

  private static PgBackRest tool(RecordingHost host) {
    return PgBackRest.builder(host, "demo").configFile(Path.of("/etc/pgbackrest/pgbackrest.conf"))
        .option("log-level-console", "warn")
        .memberOptions(m -> Map.of("pg1-path", "/data/" + m, "pg1-port", "5432")).build();
  }

  @Test
  void memberOptionsGoOnlyToCommandsThatTakeThem() {
    RecordingHost host = new RecordingHost();
    PgBackRest tool = tool(host);
    tool.check("pg1");
    tool.list("pg1");
    assertThat(host.commands.get(0)).containsExactly("pgbackrest", "--config=/etc/pgbackrest/pgbackrest.conf",
        "--stanza=demo", "--log-level-console=warn", "--pg1-path=/data/pg1", "--pg1-port=5432", "check");
    assertThat(host.commands.get(1)).containsExactly("pgbackrest", "--config=/etc/pgbackrest/pgbackrest.conf",
        "--stanza=demo", "--log-level-console=warn", "--output=json", "info");
  }

  @Test
  void restoreTargetsBecomePgBackRestArguments() {
    Instant t = Instant.parse("2026-12-03T10:00:00.123Z");
    assertThat(PgBackRest.restoreArguments(RestoreRequest.latestBackup())).isEmpty();
    assertThat(PgBackRest.restoreArguments(RestoreRequest.to(RecoveryTarget.time(t, false)).withBackup(
        "20261203-093220F").withTimeline(Timeline.of(3)).withoutArchiving()))
        .containsExactly("--set=20261203-093220F", "--type=time", "--target=2026-12-03 10:00:00.123000+00:00",
            "--target-exclusive", "--target-action=promote", "--target-timeline=3", "--archive-mode=off");
    assertThat(PgBackRest.restoreArguments(RestoreRequest.to(RecoveryTarget.xid(74211, true)).pausingAtTarget()))
        .containsExactly("--type=xid", "--target=74211", "--target-action=pause");
    assertThat(PgBackRest.restoreArguments(RestoreRequest.to(RecoveryTarget.lsn(Lsn.parse("0/3000060"), true))))
        .containsExactly("--type=lsn", "--target=0/3000060", "--target-action=promote");
    assertThat(PgBackRest.restoreArguments(RestoreRequest.to(RecoveryTarget.immediate())))
        .containsExactly("--type=immediate", "--target-action=promote");
  }

  @Test
  void restoreNamesTheTargetDirectoryInsteadOfTheMembersOwn() {
    RecordingHost host = new RecordingHost();
    tool(host).restore("pg2", Path.of("/tmp/drill/data"), RestoreRequest.latestBackup().withoutArchiving());
    assertThat(host.commands.get(0)).contains("--pg1-path=/tmp/drill/data", "--archive-mode=off", "restore")
        .doesNotContain("--pg1-path=/data/pg2", "--pg1-port=5432");
  }

  @Test
  void patroniGetsArchiveReplicaAndBootstrapSettings() {
    PgBackRest tool = tool(new RecordingHost());
    ArchiveSettings archive = tool.archiveSettings();
    assertThat(archive.archiveCommand()).isEqualTo("pgbackrest --config=/etc/pgbackrest/pgbackrest.conf "
        + "--stanza=demo --log-level-console=warn archive-push \"$PWD/%p\"");
    assertThat(archive.restoreCommand()).endsWith("--pg1-path=\"$PWD\" archive-get %f \"$PWD/%p\"");
    assertThat(archive.configPatch().asTree()).isEqualTo(Map.of("postgresql", Map.of("parameters",
        Map.of("archive_mode", "on", "archive_command", archive.archiveCommand()), "recovery_conf",
        Map.of("restore_command", archive.restoreCommand()))));
    PatroniMethod replica = tool.replicaMethod("pg3");
    assertThat(replica.name()).isEqualTo("pgbackrest");
    assertThat(replica.command()).contains("--pg1-path=/data/pg3").endsWith("--delta --type=standby restore");
    assertThat(replica.settings()).containsEntry("keep_data", true).containsEntry("no_params", true);
    PatroniMethod bootstrap = tool.bootstrapMethod("pg1", RestoreRequest.to(RecoveryTarget.time(
        Instant.parse("2026-12-03T10:00:00Z"), true)));
    assertThat(bootstrap.command()).contains("'--target=2026-12-03 10:00:00.000000+00:00'").endsWith(" restore");
    assertThat(bootstrap.settings()).containsEntry("keep_existing_recovery_conf", true);
  }

  @Test
  void secretsAreRefusedAsOptionsAndNeverShown() {
    RecordingHost host = new RecordingHost();
    for (String name : List.of("repo1-s3-key", "repo1-s3-key-secret", "repo1-cipher-pass", "repo1-azure-key",
        "repo1-s3-token")) {
      assertThatThrownBy(() -> PgBackRest.builder(host, "demo").option(name, "hunter2"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("hunter2");
    }
    PgBackRest tool = PgBackRest.builder(host, "demo").memberOptions(m -> Map.of("repo1-s3-key-secret", "hunter2"))
        .build();
    assertThatThrownBy(() -> tool.check("pg1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("hunter2");
    assertThat(host.commands).as("nothing ran").isEmpty();
    assertThat(tool(host).toString()).isEqualTo("PgBackRest[stanza=demo, config=/etc/pgbackrest/pgbackrest.conf, "
        + "options=[log-level-console]]");
  }

  @Test
  void failuresAreTypedWithTheToolsMessageTail() {
    RecordingHost host = new RecordingHost();
    host.exit = 82;
    host.stderr = "ERROR: [082]: WAL segment 000000010000000000000001 was not archived before the 60000ms timeout";
    assertThatThrownBy(() -> tool(host).check("pg1")).isInstanceOfSatisfying(BackupToolException.class, e -> {
      assertThat(e.kind()).isEqualTo(BackupToolException.Kind.COMMAND_FAILED);
      assertThat(e.exitCode()).isEqualTo(82);
      assertThat(e.member()).isEqualTo("pg1");
      assertThat(e.getMessage()).contains("was not archived");
    });
    host.info = "[{\"name\":\"demo\",\"status\":{\"code\":1,\"message\":\"missing stanza path\"}}]";
    assertThatThrownBy(() -> tool(host).list("pg1")).isInstanceOfSatisfying(BackupToolException.class,
        e -> assertThat(e.kind()).isEqualTo(BackupToolException.Kind.NOT_FOUND));
    host.info = "not json";
    assertThatThrownBy(() -> tool(host).list("pg1")).isInstanceOfSatisfying(BackupToolException.class,
        e -> assertThat(e.kind()).isEqualTo(BackupToolException.Kind.UNPARSEABLE_OUTPUT));
  }

  @Test
  void aRetentionPlanIsAppliedOnlyWithItsTokenAndOnlyWhileTheRepositoryIsAsPlanned() {
    RecordingHost host = new RecordingHost();
    PgBackRest tool = tool(host);
    RetentionPlan plan = tool.planRetention("pg1", RetentionPolicy.keepFull(1));
    assertThat(plan.isEmpty()).as("one full backup, kept").isTrue();
    RetentionPlan forged = new RetentionPlan(tool.repository(), RetentionPolicy.keepFull(1), List.of(),
        tool.list("pg1"));
    assertThatThrownBy(() -> tool.applyRetention("pg1", forged, Confirmation.of(forged.confirmationToken())))
        .as("the repository is not what the plan says").isInstanceOf(ConfirmationRefusedException.class);
    assertThatThrownBy(() -> tool.applyRetention("pg1", plan, Confirmation.of("expire-0-nope")))
        .isInstanceOf(ConfirmationRefusedException.class);
    assertThat(host.commands).noneMatch(c -> c.contains("expire"));
    assertThat(plan.confirmationToken()).isNotEqualTo(forged.confirmationToken()).startsWith("expire-0-");
  }
}
