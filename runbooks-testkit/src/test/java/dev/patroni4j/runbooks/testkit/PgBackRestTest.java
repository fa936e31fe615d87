package dev.patroni4j.runbooks.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.ConfirmationRefusedException;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.runbooks.FileJournal;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.RunbookRunner;
import dev.patroni4j.runbooks.StepReport;
import dev.patroni4j.runbooks.backup.ArchiveCheck;
import dev.patroni4j.runbooks.backup.BackupRunbooks;
import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
import dev.patroni4j.runbooks.backup.DrillReport;
import dev.patroni4j.runbooks.backup.RestoreDrill;
import java.io.RandomAccessFile;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import dev.patroni4j.runbooks.backup.BackupInfo;
import dev.patroni4j.runbooks.backup.BackupToolException;
import dev.patroni4j.runbooks.backup.BackupType;
import dev.patroni4j.runbooks.backup.PgBackRest;
import dev.patroni4j.runbooks.backup.RecoveryTarget;
import dev.patroni4j.runbooks.backup.ReplicaFromBackup;
import dev.patroni4j.runbooks.catalogue.AddReplicaOptions;
import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.Conditions;
import dev.patroni4j.config.ClusterSpec;
import dev.patroni4j.config.MemberHost;
import dev.patroni4j.config.PatroniConfig;
import java.util.Map;
import dev.patroni4j.runbooks.backup.RestoreRequest;
import dev.patroni4j.runbooks.backup.RetentionPlan;
import dev.patroni4j.runbooks.backup.RetentionPolicy;
import dev.patroni4j.runbooks.host.HostActions;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * pgBackRest for real on a test kit cluster: WAL archived through Patroni's archive_command, a full backup listed,
 * a restore to a point in time between two commits, retention as a plan deleted only with its token, and the
 * archive continuity check finding a segment removed from the repository.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PgBackRestTest {
  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = LocalPatroniClusterExtension.of(LocalPatroniCluster.builder()
      .members(2).postgresParameter("archive_mode", "on"));

  private static PgBackRest tool() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    HostActions hosts = LocalClusterHostActions.of(cluster);
    PatroniClient client = PatroniClient.builder().members(cluster.nodes().stream().map(PatroniNode::restUrl)
        .toList()).build();
    return Backrest.setUp(cluster, hosts, client);
  }

  @Test
  @Order(1)
  void walIsArchivedThroughPatroniABackupIsListedAndARestoreStopsAtTheTargetTime() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PgBackRest tool = tool();
    String leader = cluster.leader().name();
    tool.check(leader); // a WAL switch archived through the archive_command Patroni set

    Backrest.sql(cluster, "CREATE TABLE IF NOT EXISTS pitr (id int PRIMARY KEY, at timestamptz DEFAULT now())",
        "INSERT INTO pitr (id) VALUES (1)");
    BackupInfo full = tool.backup(leader, BackupType.FULL);
    assertThat(full.type()).isEqualTo(BackupType.FULL);
    assertThat(full.complete()).isTrue();
    assertThat(full.size()).isPositive();
    assertThat(tool.list(leader)).extracting(BackupInfo::label).contains(full.label());
    assertThat(tool.latest(leader)).map(BackupInfo::label).contains(full.label());

    Backrest.sql(cluster, "INSERT INTO pitr (id) VALUES (2)");
    Instant target = Instant.parse(Backrest.query(cluster,
        "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
    Thread.sleep(1100);
    Backrest.sql(cluster, "INSERT INTO pitr (id) VALUES (3)", "SELECT pg_switch_wal()");
    tool.check(leader); // waits until the segment holding both inserts is archived

    PatroniNode host = cluster.node("pg2");
    Path dir = cluster.directory().resolve("pitr-restore");
    RestoreRequest request = RestoreRequest.to(RecoveryTarget.time(target, true)).withBackup(full.label())
        .withoutArchiving();
    tool.restore(host.name(), dir, request);
    List<String> rows = Throwaway.query(LocalClusterHostActions.of(cluster), host.name(), dir, freePort(),
        "SELECT string_agg(id::text, ',' ORDER BY id) FROM pitr");
    assertThat(rows).as("rows before the target time restored, the one after it not").containsExactly("1,2");
  }

  @Test
  @Order(2)
  void retentionIsAPlanAndDeletesOnlyWithItsTokenAndOnlyWhatItSays() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PgBackRest tool = tool();
    String leader = cluster.leader().name();
    BackupInfo first = tool.backup(leader, BackupType.FULL);
    BackupInfo incremental = tool.backup(leader, BackupType.INCREMENTAL);
    assertThat(incremental.findPrior()).contains(first.label());
    BackupInfo second = tool.backup(leader, BackupType.FULL);
    List<String> before = tool.list(leader).stream().map(BackupInfo::label).toList();

    RetentionPlan plan = tool.planRetention(leader, RetentionPolicy.keepFull(1));
    assertThat(plan.deletedLabels()).contains(first.label(), incremental.label()).doesNotContain(second.label());
    assertThat(plan.kept()).extracting(BackupInfo::label).containsExactly(second.label());

    assertThatThrownBy(() -> tool.applyRetention(leader, plan, Confirmation.of("yes")))
        .isInstanceOf(ConfirmationRefusedException.class);
    assertThat(tool.list(leader).stream().map(BackupInfo::label).toList()).as("nothing deleted").isEqualTo(before);

    tool.applyRetention(leader, plan, Confirmation.of(plan.confirmationToken()));
    assertThat(tool.list(leader)).extracting(BackupInfo::label).containsExactly(second.label());

    RetentionPlan stale = tool.planRetention(leader, RetentionPolicy.keepFull(1));
    assertThat(stale.isEmpty()).isTrue();
    tool.backup(leader, BackupType.FULL);
    assertThatThrownBy(() -> tool.applyRetention(leader, stale, Confirmation.of(stale.confirmationToken())))
        .as("a plan made before the newest backup confirms nothing now")
        .isInstanceOf(ConfirmationRefusedException.class);
    assertThat(tool.list(leader)).hasSize(2);
  }

  @Test
  @Order(3)
  void theArchiveCheckPassesAndNamesASegmentMissingFromTheRepository() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PgBackRest tool = tool();
    String leader = cluster.leader().name();
    Backrest.sql(cluster, "SELECT pg_switch_wal()", "CREATE TABLE IF NOT EXISTS gap (id int)",
        "INSERT INTO gap VALUES (1)", "SELECT pg_switch_wal()", "INSERT INTO gap VALUES (2)");
    tool.check(leader);
    ArchiveCheck ok = tool.checkArchive(leader);
    assertThat(ok.continuous()).as(ok.toString()).isTrue();
    assertThat(ok.segments()).isGreaterThanOrEqualTo(3);

    String victim = secondToLast(Backrest.home(cluster).resolve("repo/archive/" + Backrest.STANZA), ok);
    ArchiveCheck gap = tool.checkArchive(leader);
    assertThat(gap.continuous()).isFalse();
    assertThat(gap.gaps()).containsExactly(new ArchiveCheck.Gap(victim, victim));
  }

  @Test
  @Order(4)
  void garbageAndMissingThingsAreTypedErrors() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    tool();
    PgBackRest other = PgBackRest.builder(LocalClusterHostActions.of(cluster), "no-such-stanza")
        .configFile(Backrest.home(cluster).resolve("pgbackrest.conf")).build();
    assertThatThrownBy(() -> other.list("pg1")).isInstanceOfSatisfying(BackupToolException.class,
        e -> assertThat(e.kind()).isEqualTo(BackupToolException.Kind.NOT_FOUND));
    assertThatThrownBy(() -> other.check(cluster.leader().name())).isInstanceOfSatisfying(BackupToolException.class,
        e -> assertThat(e.exitCode()).isPositive());
  }

  @Test
  @Order(5)
  void theOnDemandBackupSwitchesWalFirstIsDoneWhenListedCompleteAndOnlyPlansRetention() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PgBackRest tool = tool();
    String leader = cluster.leader().name();
    PatroniClient client = PatroniClient.builder().members(cluster.nodes().stream().map(PatroniNode::restUrl)
        .toList()).build();
    String user = cluster.superuser();
    String password = cluster.superuserPassword();
    BackupRunbooks backups = BackupRunbooks.builder(client, tool).postgres((member, host, port) ->
        DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", user, password)).build();
    RunbookRunner runner = PatroniRunbooks.builder(client).scope(cluster.scope()).build().runner().build();
    List<String> before = tool.list(leader).stream().map(BackupInfo::label).toList();
    assertThat(before).as("earlier tests left backups").isNotEmpty();
    Lsn current = Lsn.parse(Backrest.query(cluster, "SELECT pg_current_wal_lsn()::text"));

    RunbookResult r = runner.execute(backups.onDemandBackup(BackupType.FULL, RetentionPolicy.keepFull(1)),
        FileJournal.at(Files.createTempFile(cluster.directory(), "journal", ".jsonl")));

    assertThat(r).as(r.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(r.actedSteps()).containsExactly("switch-wal", "backup");
    List<StepReport> steps = ((RunbookResult.Succeeded) r).steps();
    Lsn switched = report(steps, "switch-wal").facts().get(BackupRunbooks.SWITCHED_AT);
    assertThat(switched).as("switched at the WAL position of the request").isGreaterThanOrEqualTo(current);
    String label = report(steps, "backup").facts().get(BackupRunbooks.LABEL);
    BackupInfo taken = tool.list(leader).stream().filter(b -> b.label().equals(label)).findFirst().orElseThrow();
    assertThat(taken.complete()).isTrue();
    assertThat(taken.startLsn()).as("the backup starts after the switch").isGreaterThan(switched);
    StepReport retention = report(steps, "retention-plan");
    assertThat(retention.facts().get(BackupRunbooks.WOULD_DELETE)).as("every older backup would go")
        .containsExactlyElementsOf(before);
    assertThat(retention.facts().get(BackupRunbooks.RETENTION_TOKEN))
        .isEqualTo(backups.retentionPlan(RetentionPolicy.keepFull(1)).confirmationToken());
    assertThat(tool.list(leader).stream().map(BackupInfo::label).toList()).as("nothing deleted")
        .containsAll(before).contains(label);
  }

  @Test
  @Order(6)
  void aDrillOfAGoodBackupPassesReportsTimesAndSizesAndLeavesTheClusterAlone() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PgBackRest tool = tool();
    String leader = cluster.leader().name();
    Backrest.sql(cluster, "CREATE TABLE IF NOT EXISTS drilled (id int PRIMARY KEY, v text)",
        "INSERT INTO drilled SELECT g, md5(g::text) FROM generate_series(1, 5000) g ON CONFLICT DO NOTHING",
        "CREATE INDEX IF NOT EXISTS drilled_v ON drilled (v)");
    BackupInfo backup = tool.backup(leader, BackupType.FULL);
    List<String> backupsBefore = tool.list(leader).stream().map(BackupInfo::label).toList();
    List<String> membersBefore = members(cluster);
    int port = freePort();
    Path dir = cluster.directory().resolve("p4j-drill-" + port);

    DrillReport report = drill(cluster, tool, port).run(RestoreRequest.to(RecoveryTarget.immediate()));
    System.out.println(report.describe());

    assertThat(report.passed()).as(report.describe()).isTrue();
    assertThat(report.backup()).isEqualTo(backup.label());
    assertThat(report.databases()).contains("postgres", "template1");
    assertThat(report.indexesChecked()).as("catalog indexes too").isGreaterThan(100);
    assertThat(report.restoreTime()).isPositive();
    assertThat(report.recoveryTime()).isPositive();
    assertThat(report.checkTime()).isPositive();
    assertThat(report.restoredSize()).isPositive();
    assertThat(report.removed()).isTrue();
    assertThat(dir).doesNotExist();
    assertThat(tool.list(leader).stream().map(BackupInfo::label).toList()).isEqualTo(backupsBefore);
    assertThat(members(cluster)).as("same members, roles, timeline").isEqualTo(membersBefore);
    try (Stream<Path> files = Files.walk(Backrest.home(cluster).resolve("repo/archive"))) {
      assertThat(files.map(p -> p.getFileName().toString())).as("the promoted drill archived nothing")
          .noneMatch(n -> n.endsWith(".history"));
    }

    // the same drill as a journaled runbook: done, the instance removed, and a second run on the journal acts on nothing
    RestoreDrill journaled = drill(cluster, tool, port);
    RunbookRunner runner = PatroniRunbooks.builder(PatroniClient.builder().members(cluster.nodes().stream()
        .map(PatroniNode::restUrl).toList()).build()).scope(cluster.scope()).build().runner().build();
    Path journal = Files.createTempFile(cluster.directory(), "drill-journal", ".jsonl");
    RunbookResult r = runner.execute(journaled.runbook(RestoreRequest.to(RecoveryTarget.immediate())),
        FileJournal.at(journal));
    assertThat(r).as(r.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(r.actedSteps()).containsExactly("drill-restore", "drill-recover", "drill-check", "drill-remove",
        "drill-report");
    StepReport drilled = report(((RunbookResult.Succeeded) r).steps(), "drill-report");
    System.out.println(drilled.reason());
    assertThat(drilled.facts().get(RestoreDrill.DRILL_BACKUP)).isEqualTo(backup.label());
    assertThat(drilled.facts().get(RestoreDrill.FAILURES)).isEmpty();
    assertThat(drilled.facts().get(RestoreDrill.INDEXES_CHECKED)).isGreaterThan(100L);
    assertThat(drilled.facts().get(RestoreDrill.RESTORED_SIZE)).isPositive();
    assertThat(dir).doesNotExist();
    assertThat(members(cluster)).as("same members, roles, timeline").isEqualTo(membersBefore);
    RunbookResult again = runner.execute(journaled.runbook(RestoreRequest.to(RecoveryTarget.immediate())),
        FileJournal.at(journal));
    assertThat(again.actedSteps()).as("a completed drill resumed acts on nothing").isEmpty();

    // a crash (an Error nothing catches, as SIGKILL leaves it) when the checks start: the resumed run neither
    // restores nor starts the instance again, it checks, removes and reports
    List<String> commands = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean crash = new java.util.concurrent.atomic.AtomicBoolean(true);
    HostActions crashing = recording(LocalClusterHostActions.of(cluster), commands, crash);
    RestoreDrill crashingDrill = RestoreDrill.builder(tool, crashing, "pg2").directory(cluster.directory())
        .port(port).recoveryTimeout(java.time.Duration.ofMinutes(2)).build();
    Path crashJournal = Files.createTempFile(cluster.directory(), "drill-crash", ".jsonl");
    assertThatThrownBy(() -> runner.execute(crashingDrill.runbook(RestoreRequest.to(RecoveryTarget.immediate())),
        FileJournal.at(crashJournal))).isInstanceOf(Crash.class);
    assertThat(dir).as("the instance is left as the crash left it").exists();
    commands.clear();
    crash.set(false);
    RunbookResult resumed = runner.execute(crashingDrill.runbook(RestoreRequest.to(RecoveryTarget.immediate())),
        FileJournal.at(crashJournal));
    assertThat(resumed).as(resumed.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(resumed.actedSteps()).containsExactly("drill-check", "drill-remove", "drill-report");
    assertThat(commands).as("no second restore (mkdir of the directory) and no second start")
        .noneMatch(c -> c.startsWith("mkdir ") || c.endsWith(" start"));
    assertThat(dir).doesNotExist();
  }

  /** Stands in for SIGKILL inside a step: nothing after it is journaled. */
  static final class Crash extends Error {
    private static final long serialVersionUID = 1L;
  }

  /** {@code hosts}, recording each command; while {@code crash} is set, pg_dumpall crashes the run. */
  private static HostActions recording(HostActions hosts, List<String> commands,
      java.util.concurrent.atomic.AtomicBoolean crash) {
    return new HostActions() {
      @Override
      public void stopPatroni(String member) {
        hosts.stopPatroni(member);
      }

      @Override
      public void startPatroni(String member) {
        hosts.startPatroni(member);
      }

      @Override
      public void switchPatroniInstallation(String member, dev.patroni4j.client.model.PatroniVersion version) {
        hosts.switchPatroniInstallation(member, version);
      }

      @Override
      public void stopPostgres(String member) {
        hosts.stopPostgres(member);
      }

      @Override
      public void moveFile(String member, Path from, Path to) {
        hosts.moveFile(member, from, to);
      }

      @Override
      public void writeFile(String member, Path path, byte[] content) {
        hosts.writeFile(member, path, content);
      }

      @Override
      public java.util.Optional<String> readFile(String member, Path path) {
        return hosts.readFile(member, path);
      }

      @Override
      public void wipeDataDirectory(String member, Path dataDirectory, Confirmation confirmation) {
        hosts.wipeDataDirectory(member, dataDirectory, confirmation);
      }

      @Override
      public CommandResult run(String member, List<String> command) {
        String line = String.join(" ", command);
        commands.add(command.get(0).replaceAll(".*/", "") + line.substring(command.get(0).length()));
        if (crash.get() && command.get(0).endsWith("pg_dumpall")) {
          throw new Crash();
        }
        return hosts.run(member, command);
      }
    };
  }

  @Test
  @Order(7)
  void aDrillOfABackupWithACorruptedBTreePageFailsNamingTheDatabaseAndTheIndex() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PgBackRest tool = tool();
    PatroniNode leader = cluster.leader();
    Backrest.sql(cluster, "DROP DATABASE IF EXISTS drill_bad", "CREATE DATABASE drill_bad");
    try {
      String file;
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + leader.pgPort()
          + "/drill_bad", cluster.superuser(), cluster.superuserPassword()); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE accounts (id int PRIMARY KEY, owner text)");
        s.execute("INSERT INTO accounts SELECT g, 'owner ' || g FROM generate_series(1, 20000) g");
        s.execute("CHECKPOINT");
        try (ResultSet rs = s.executeQuery("SELECT pg_relation_filepath('accounts_pkey')")) {
          rs.next();
          file = rs.getString(1);
        }
      }
      // a torn write in the middle of the index's first leaf page (block 1), on disk, before the backup reads it
      try (RandomAccessFile index = new RandomAccessFile(leader.dataDir().resolve(file).toFile(), "rw")) {
        index.seek(8192 + 3000);
        index.write(new byte[] {0x13, 0x37, 0x13, 0x37, 0x13, 0x37, 0x13, 0x37, 0x13, 0x37, 0x13, 0x37});
      }
      BackupInfo backup = tool.backup(leader.name(), BackupType.FULL);

      DrillReport report = drill(cluster, tool, freePort()).run(RestoreRequest.to(RecoveryTarget.immediate())
          .withBackup(backup.label()));
      System.out.println(report.describe());

      assertThat(report.passed()).isFalse();
      assertThat(report.failures()).as(report.describe()).hasSize(1).first().satisfies(f -> {
        assertThat(f.database()).isEqualTo("drill_bad");
        assertThat(f.schema()).isEqualTo("public");
        assertThat(f.index()).isEqualTo("accounts_pkey");
        assertThat(f.error()).isNotBlank();
      });
      assertThat(report.dumpError()).as("the table itself is readable").isEmpty();
      assertThat(report.backupPageErrors()).as("pgBackRest saw the checksum too").isTrue();
      assertThat(report.removed()).isTrue();

      int port = freePort();
      RunbookRunner runner = PatroniRunbooks.builder(PatroniClient.builder().members(cluster.nodes().stream()
          .map(PatroniNode::restUrl).toList()).build()).scope(cluster.scope()).build().runner().build();
      RunbookResult r = runner.execute(drill(cluster, tool, port).runbook(RestoreRequest.to(RecoveryTarget.immediate())
          .withBackup(backup.label())), FileJournal.at(Files.createTempFile(cluster.directory(), "drill", ".jsonl")));
      assertThat(r).as(r.toString()).isInstanceOfSatisfying(RunbookResult.Failed.class, failed -> {
        assertThat(failed.findStepId()).contains("drill-report");
        assertThat(failed.reason()).contains("drill_bad", "accounts_pkey");
      });
      assertThat(r.actedSteps()).as("removed before the report").contains("drill-remove");
      assertThat(cluster.directory().resolve("p4j-drill-" + port)).doesNotExist();
    } finally {
      Backrest.sql(cluster, "DROP DATABASE IF EXISTS drill_bad WITH (FORCE)");
    }
  }

  @Test
  @Order(8)
  void aReplicaAddedFromABackupIsRestoredFromTheRepositoryNotClonedAndThenStreams() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PgBackRest tool = tool();
    String leader = cluster.leader().name();
    Backrest.sql(cluster, "CREATE TABLE IF NOT EXISTS from_backup (id int PRIMARY KEY)",
        "INSERT INTO from_backup VALUES (1) ON CONFLICT DO NOTHING");
    BackupInfo backup = tool.backup(leader, BackupType.FULL);
    Backrest.sql(cluster, "INSERT INTO from_backup VALUES (2) ON CONFLICT DO NOTHING", "SELECT pg_switch_wal()");
    PatroniNode node = cluster.prepareNode();
    PatroniClient client = PatroniClient.builder().members(cluster.nodes().stream().map(PatroniNode::restUrl)
        .toList()).build();
    HostActions hosts = LocalClusterHostActions.of(cluster);
    PatroniRunbooks catalogue = PatroniRunbooks.builder(client).scope(cluster.scope()).hostActions(hosts).build();
    ClusterSpec running = ClusterSpec.fromMemberConfig(PatroniConfig.read(cluster.node("pg1").configFile()));
    MemberHost host = MemberHost.builder(node.name()).address("127.0.0.1")
        .restApiPort(node.restPort()).postgresPort(node.pgPort())
        .dataDir(node.dataDir().toString()).binDir("/usr/lib/postgresql/15/bin")
        .pgpass(node.directory().resolve("pgpass").toString())
        .parameter("unix_socket_directories", node.directory().toString()).build();
    AddReplicaOptions.Builder options = AddReplicaOptions.builder(running, host, node.configFile())
        .setting("watchdog", Map.of("mode", "off")).streamTimeout(java.time.Duration.ofMinutes(3));
    RunbookRunner runner = catalogue.runner().build();

    RunbookResult r = runner.execute(ReplicaFromBackup.runbook(catalogue, tool, hosts, options),
        FileJournal.at(Files.createTempFile(cluster.directory(), "journal", ".jsonl")));

    assertThat(r).as(r.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    List<StepReport> steps = ((RunbookResult.Succeeded) r).steps();
    assertThat(report(steps, "backup-listed[" + node.name() + "]").facts().get(ReplicaFromBackup.BACKUP))
        .isEqualTo(backup.label());
    String startedFrom = report(steps, "restored-from-backup[" + node.name() + "]").facts()
        .get(ReplicaFromBackup.STARTED_FROM);
    assertThat(startedFrom).as("the backup pgBackRest took, not pg_basebackup").startsWith("pgBackRest backup");
    assertThat(PatroniConfig.read(node.configFile()).get("postgresql.create_replica_methods"))
        .as("the backup tool's method alone, no basebackup fallback").contains(List.of("pgbackrest"));
    assertThat(Conditions.replicaStreamingWithin(node.name(), AddReplicaOptions.DEFAULT_MAX_LAG_BYTES)
        .test(client.observe(true))).as("streams from the leader").isTrue();
    try (Connection c = cluster.connect(cluster.leader()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT string_agg(application_name || ' ' || state, ',')"
            + " FROM pg_stat_replication")) {
      rs.next();
      assertThat(rs.getString(1)).contains(node.name() + " streaming");
    }
    Backrest.sql(cluster, "INSERT INTO from_backup VALUES (3) ON CONFLICT DO NOTHING");
    client.waitUntil(ClusterCondition.of("row 3 replayed on " + node.name(),
        o -> rowsOn(cluster, node).equals("1,2,3")), java.time.Duration.ofSeconds(30));
    assertThat(rowsOn(cluster, node)).as("the backup's row, the archived WAL's, the streamed one").isEqualTo("1,2,3");
  }

  @Test
  @Order(9)
  void theRecoveryPointGuardRefusesASwitchoverOverAStaleBackupWithTheFiguresAndLetsItThroughWhenFresh()
      throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PgBackRest tool = tool();
    String leader = cluster.leader().name();
    // test 3 cut a segment out of the archive of the older backups; keeping only the newest drops them and that WAL
    RetentionPlan older = tool.planRetention(leader, RetentionPolicy.keepFull(1));
    tool.applyRetention(leader, older, Confirmation.of(older.confirmationToken()));
    BackupInfo newest = tool.latest(leader).orElseThrow();
    PatroniClient client = PatroniClient.builder().members(cluster.nodes().stream().map(PatroniNode::restUrl)
        .toList()).build();
    PatroniRunbooks catalogue = PatroniRunbooks.builder(client).scope(cluster.scope())
        .backupTool(tool, java.time.Duration.ofHours(1)).build();
    List<String> before = members(cluster);

    // the same backup seen two hours later: older than the one-hour bound
    RunbookResult stale = catalogue.runner().clock(java.time.Clock.offset(java.time.Clock.systemUTC(),
        java.time.Duration.ofHours(2))).build().execute(catalogue.plannedSwitchover(
            dev.patroni4j.runbooks.catalogue.SwitchoverOptions.defaults()),
        FileJournal.at(Files.createTempFile(cluster.directory(), "journal", ".jsonl")));

    assertThat(stale).as(stale.toString()).isInstanceOfSatisfying(RunbookResult.Refused.class, refused -> {
      assertThat(refused.findStepId()).contains("recovery-point");
      assertThat(refused.reason()).contains(newest.label(), "older than the bound of 60 min")
          .containsPattern("finished \\S+, 1[23][0-9] min ago");
    });
    assertThat(stale.actedSteps()).isEmpty();
    assertThat(members(cluster)).as("nothing done: same leader, same timelines").isEqualTo(before);

    // pgBackRest's live check switches WAL, and the replicas' lag in Patroni's view then reads one segment (16 MiB)
    // until their next loop: above the default maximum_lag_on_failover (1 MiB) the candidate step refuses (seen in
    // one of three runs), so this cluster allows one segment while the guarded switchover runs
    client.patchConfig(dev.patroni4j.client.ConfigPatch.builder().set("maximum_lag_on_failover", 32L << 20).build())
        .orThrow();
    RunbookResult fresh;
    try {
      fresh = catalogue.runner().build().execute(catalogue.plannedSwitchover(
          dev.patroni4j.runbooks.catalogue.SwitchoverOptions.defaults()),
          FileJournal.at(Files.createTempFile(cluster.directory(), "journal", ".jsonl")));
    } finally {
      client.patchConfig(dev.patroni4j.client.ConfigPatch.builder().remove("maximum_lag_on_failover").build())
          .orThrow();
    }

    assertThat(fresh).as(fresh.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    StepReport guard = report(((RunbookResult.Succeeded) fresh).steps(), "recovery-point");
    assertThat(guard.facts().get(dev.patroni4j.runbooks.backup.RecoveryPointGuard.LAST_BACKUP))
        .isEqualTo(newest.label());
    assertThat(guard.facts().get(dev.patroni4j.runbooks.backup.RecoveryPointGuard.GAPS)).isEmpty();
    assertThat(client.cluster().members().stream().filter(m -> m.role().isLeader()).map(m -> m.name())
        .toList()).as("switched over").doesNotContain(leader).hasSize(1);
  }

  private static String rowsOn(LocalPatroniCluster cluster, PatroniNode node) {
    try (Connection c = cluster.connect(node); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT string_agg(id::text, ',' ORDER BY id) FROM from_backup")) {
      rs.next();
      return String.valueOf(rs.getString(1));
    } catch (java.sql.SQLException e) {
      return String.valueOf(e.getMessage());
    }
  }

  private static RestoreDrill drill(LocalPatroniCluster cluster, PgBackRest tool, int port) {
    return RestoreDrill.builder(tool, LocalClusterHostActions.of(cluster), "pg2").directory(cluster.directory())
        .port(port).recoveryTimeout(java.time.Duration.ofMinutes(2)).build();
  }

  /**
   * Each member's name, role, state and timeline, read through the REST API. Positions and lag are
   * left out: they move with any WAL the leader writes (a checkpoint is enough), which is not a change
   * to the cluster the drill promises to leave alone.
   */
  private static List<String> members(LocalPatroniCluster cluster) {
    PatroniClient client = PatroniClient.builder().members(cluster.nodes().stream().map(PatroniNode::restUrl)
        .toList()).build();
    return client.cluster().members().stream()
        .map(m -> m.name() + " " + m.role() + " " + m.state().kind() + " " + m.timeline())
        .sorted().toList();
  }

  private static StepReport report(List<StepReport> steps, String id) {
    return steps.stream().filter(s -> s.stepId().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("no step " + id + " in " + steps));
  }

  /** Deletes the archived segment before the newest from the repository (as a lost upload would leave it). */
  private static String secondToLast(Path archive, ArchiveCheck ok) throws IOException {
    String last = ok.findLast().orElseThrow();
    try (Stream<Path> files = Files.walk(archive)) {
      List<Path> segments = files.filter(p -> p.getFileName().toString().matches("[0-9A-F]{24}-[0-9a-f]{40}.*"))
          .sorted().toList();
      Path victim = segments.get(segments.size() - 2);
      String name = victim.getFileName().toString().substring(0, 24);
      assertThat(name).isLessThan(last);
      Files.delete(victim);
      return name;
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
