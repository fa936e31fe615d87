package dev.patroni4j.runbooks.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.dcs.etcd.EtcdDcsClient;
import dev.patroni4j.runbooks.ClusterIdentity;
import dev.patroni4j.runbooks.ExecuteOptions;
import dev.patroni4j.runbooks.FileJournal;
import dev.patroni4j.runbooks.Journal;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.backup.BackupInfo;
import dev.patroni4j.runbooks.backup.BackupType;
import dev.patroni4j.runbooks.backup.PgBackRest;
import dev.patroni4j.runbooks.backup.PointInTimeRestore;
import dev.patroni4j.runbooks.backup.RecoveryTarget;
import dev.patroni4j.runbooks.backup.RestoreRequest;
import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
import dev.patroni4j.runbooks.catalogue.PostgresConnector;
import dev.patroni4j.runbooks.host.HostActions;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Point-in-time restore of a whole real cluster (two members, etcd, pgBackRest) through Patroni's own bootstrap:
 * refused without the restore's own token; restored to a time between two commits, with the runner crashed at every
 * step boundary and resumed on the same journal, never wiping a data directory twice.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PointInTimeRestoreTest {
  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = LocalPatroniClusterExtension.of(LocalPatroniCluster.builder()
      .members(2).postgresParameter("archive_mode", "on"));

  private static EtcdDcsClient dcs;

  @BeforeAll
  static void dcs() {
    dcs = EtcdDcsClient.builder().endpoint(CLUSTER.cluster().etcdEndpoint()).build();
  }

  @AfterAll
  static void closeDcs() {
    dcs.close();
  }

  @Test
  @Order(1)
  void withoutTheRestoresTokenOrWithTheTokenOfAnotherTargetNothingIsStoppedRemovedOrWiped() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    HostActions hosts = LocalClusterHostActions.of(cluster);
    PatroniClient client = client(cluster);
    Backrest.setUp(cluster, hosts, client);
    PatroniRunbooks catalogue = catalogue(cluster, client, hosts);
    PointInTimeRestore pitr = restore(cluster, catalogue, Backrest.tool(cluster, hosts), hosts);
    backupIfNone(cluster, Backrest.tool(cluster, hosts));
    RestoreRequest request = RestoreRequest.to(RecoveryTarget.time(Instant.now(), true));
    PointInTimeRestore.Target target = pitr.confirmationTarget(request);
    String other = pitr.confirmationTarget(request.withTarget(RecoveryTarget.time(Instant.now().minusSeconds(60),
        true))).confirmationToken();
    ClusterIdentity identity = catalogue.identitySource().observe();
    List<String> before = members(client);
    String config = String.valueOf(dcs.snapshot(ref(cluster)).config());

    for (Optional<Confirmation> given : List.of(Optional.<Confirmation>empty(), Optional.of(Confirmation.of(other)),
        Optional.of(Confirmation.of(identity.confirmationToken())))) {
      Journal journal = journal(cluster);
      ExecuteOptions options = given.map(c -> ExecuteOptions.defaults().confirmation(c))
          .orElse(ExecuteOptions.defaults());
      RunbookResult r = pitr.runner(journal).build().execute(pitr.runbook(request), journal, options);

      assertThat(r).as(r.toString()).isInstanceOfSatisfying(RunbookResult.Refused.class, refused ->
          assertThat(refused.reason()).contains("confirmation refused").contains(given.isEmpty()
              ? target.confirmationToken() : "does not confirm point-in-time restore of cluster " + cluster.scope()));
      assertThat(r.actedSteps()).as("nothing done with " + given).isEmpty();
      assertThat(members(client)).as("both members still run as before").isEqualTo(before);
      assertThat(String.valueOf(dcs.snapshot(ref(cluster)).config())).as("the cluster is still in the DCS")
          .isEqualTo(config);
      for (PatroniNode n : cluster.nodes()) {
        assertThat(n.dataDir().resolve("PG_VERSION")).as("data of " + n.name() + " in place").exists();
        assertThat(keep(cluster, n.name())).as("nothing kept for " + n.name()).doesNotExist();
      }
    }
    assertThat(other).as("another target, another token").isNotEqualTo(target.confirmationToken());
    assertThat(target.confirmationToken()).startsWith(cluster.scope() + ":" + identity.systemIdentifier() + ":");
  }

  @Test
  @Order(2)
  void theClusterIsRestoredToTheTargetOnEveryMemberAndARunnerKilledAtEveryStepBoundaryNeverWipesTwice()
      throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    HostActions real = LocalClusterHostActions.of(cluster);
    PatroniClient client = client(cluster);
    PgBackRest tool = Backrest.setUp(cluster, real, client);
    String leader = cluster.leader().name();
    assertThat(leader).isEqualTo("pg1");
    long timelineBefore = client.cluster().timeline().orElseThrow().id();
    Backrest.sql(cluster, "CREATE TABLE pitr (id int PRIMARY KEY)", "INSERT INTO pitr VALUES (1)");
    BackupInfo backup = tool.backup(leader, BackupType.FULL);
    Backrest.sql(cluster, "INSERT INTO pitr VALUES (2)");
    Instant target = Instant.parse(Backrest.query(cluster,
        "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
    Thread.sleep(1100);
    Backrest.sql(cluster, "INSERT INTO pitr VALUES (3)", "INSERT INTO pitr VALUES (4)");
    String afterTarget = Backrest.query(cluster, "SELECT pg_walfile_name(pg_current_wal_lsn())");
    Backrest.sql(cluster, "SELECT pg_switch_wal()");
    tool.check(leader); // the segment with every insert is archived
    for (PatroniNode n : cluster.nodes()) {
      awaitRows(cluster, n, "1,2,3,4");
    }

    RestoreRequest request = RestoreRequest.to(RecoveryTarget.time(target, true)).withBackup(backup.label());
    String token = restore(cluster, catalogue(cluster, client, real), tool, real).confirmationTarget(request)
        .confirmationToken();
    Path journal = cluster.directory().resolve("pitr-killed.jsonl");
    Path marker = cluster.node(leader).dataDir().resolve("p4j-test-restored");
    // every step's end, and right after the destructive actions and the bootstrap's start were journaled
    List<String> killPoints = List.of("end:preflight", "end:stop[pg2]", "end:stop-leader", "acted:remove-cluster",
        "end:remove-cluster", "end:keep-old-data[pg1]", "end:keep-old-data[pg2]", "acted:wipe[pg1]", "end:wipe[pg1]",
        "end:wipe[pg2]", "end:bootstrap-config", "acted:bootstrap", "end:bootstrap", "end:bootstrap-config-restored",
        "end:rebuild[pg2]", "end:restored");
    List<String> reached = new ArrayList<>();
    String last;
    List<String> performed;
    Instant started = Instant.now();
    try (HostAgent agent = HostAgent.serve(real)) {
      for (String point : killPoints) {
        reached.add(runChild(cluster, agent, journal, point, target, backup.label(), token));
        if (point.equals("end:bootstrap")) {
          // the restored data directory gets a file no restore brings: a second wipe would remove it
          real.writeFile(leader, marker, "restored once\n".getBytes(StandardCharsets.UTF_8));
        }
      }
      last = runChild(cluster, agent, journal, "none", target, backup.label(), token);
      performed = agent.performed();
    }
    Duration took = Duration.between(started, Instant.now());
    System.out.println("point-in-time restore, runner SIGKILLed at " + killPoints.size() + " boundaries, took "
        + took.toMillis() + " ms; host actions " + performed);

    assertThat(reached).containsExactlyElementsOf(killPoints.stream().map(p -> "KILLPOINT " + p).toList());
    assertThat(last).startsWith("RESULT Succeeded acted=[]");
    assertThat(performed.stream().filter(a -> a.startsWith("wipeDataDirectory")))
        .as("each data directory wiped exactly once").containsExactlyInAnyOrder("wipeDataDirectory pg1",
            "wipeDataDirectory pg2");
    assertThat(performed.stream().filter(a -> a.startsWith("stopPatroni") || a.startsWith("startPatroni")))
        .as("replica stopped first, each Patroni stopped and started once").containsExactly("stopPatroni pg2",
            "stopPatroni pg1", "startPatroni pg1", "startPatroni pg2");
    assertThat(marker).as("the restored data directory was never wiped again").exists();

    for (PatroniNode n : cluster.nodes()) {
      assertThat(rows(cluster, n)).as("rows before the target on " + n.name() + ", none after it")
          .isEqualTo("1,2");
    }
    assertThat(client.cluster().findLeader()).map(m -> m.name()).contains(leader);
    assertThat(client.cluster().timeline().orElseThrow().id()).as("a new timeline").isGreaterThan(timelineBefore);
    Backrest.sql(cluster, "INSERT INTO pitr VALUES (5)");
    awaitRows(cluster, cluster.node("pg2"), "1,2,5");

    for (PatroniNode n : cluster.nodes()) {
      Path kept = keep(cluster, n.name()).resolve("pg_wal");
      assertThat(kept).as("old pg_wal of " + n.name() + " kept where asked").isDirectory();
      if (n.name().equals(leader)) {
        assertThat(segments(kept)).as("the old leader's segment with the rows after the target").contains(afterTarget);
      }
    }
    assertThat(cluster.node(leader).configFile().resolveSibling(cluster.node(leader).configFile().getFileName()
        + ".before-pitr")).as("the configuration file is back as it was").doesNotExist();
    assertThat(Files.readString(cluster.node(leader).configFile())).doesNotContain("method: pgbackrest");
    assertThat(Backrest.show(cluster, cluster.node(leader), "archive_command"))
        .as("the dynamic configuration came back with the bootstrap").isEqualTo(tool.archiveSettings()
            .archiveCommand());
  }

  /** Runs the child until it prints its kill point (then SIGKILLs it) or its result; returns that line. */
  private static String runChild(LocalPatroniCluster cluster, HostAgent agent, Path journal, String killPoint,
      Instant target, String backup, String token) throws Exception {
    // a child lives seconds: no optimising compiler, no parallel collector threads competing with the cluster
    List<String> command = ChildJvm.command(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"),
        RestoreChild.class, List.of(journal.toString(), killPoint,
        cluster.scope(), cluster.namespace(), cluster.etcdEndpoint().toString(),
        String.join(",", cluster.nodes().stream().map(n -> n.restUrl().toString()).toList()),
        String.valueOf(agent.port()), Backrest.home(cluster).resolve("pgbackrest.conf").toString(), target.toString(),
        backup, token, cluster.directory().toString()));
    for (PatroniNode n : cluster.nodes()) {
      command.add(n.name() + "|" + n.dataDir() + "|" + n.configFile() + "|" + n.pgPort() + "|" + n.directory());
    }
    return ChildJvm.run(command,
        Map.of("P4J_PG_USER", cluster.superuser(), "P4J_PG_PASSWORD", cluster.superuserPassword()), line -> { });
  }

  @Test
  @Order(3)
  void aRestoreKeepingTheWholeOldDataDirectoriesRebuildsTheReplicasFromTheBackupAndEndsStreaming() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    HostActions hosts = LocalClusterHostActions.of(cluster);
    PatroniClient client = client(cluster);
    PgBackRest tool = Backrest.setUp(cluster, hosts, client);
    String leader = cluster.leader().name();
    Backrest.sql(cluster, "CREATE TABLE IF NOT EXISTS again (id int PRIMARY KEY)", "INSERT INTO again VALUES (1)");
    BackupInfo backup = tool.backup(leader, BackupType.FULL);
    Backrest.sql(cluster, "INSERT INTO again VALUES (2)");
    String archived = Backrest.query(cluster, "SELECT pg_walfile_name(pg_current_wal_lsn())");
    Backrest.sql(cluster, "SELECT pg_switch_wal()");
    tool.check(leader);
    long timelineBefore = client.cluster().timeline().orElseThrow().id();
    PointInTimeRestore.Builder b = PointInTimeRestore.builder(catalogue(cluster, client, hosts), tool, hosts, dcs,
            ref(cluster))
        .keepOldData(member -> cluster.directory().resolve("whole-" + member)).replicasFromBackup()
        .postgres(connector(cluster))
        .stopTimeout(Duration.ofMinutes(2)).restoreTimeout(Duration.ofMinutes(3)).rebuildTimeout(Duration.ofMinutes(3));
    for (PatroniNode n : cluster.nodes()) {
      b.member(n.name(), n.dataDir(), n.configFile());
    }
    PointInTimeRestore pitr = b.build();
    RestoreRequest request = RestoreRequest.latestBackup();
    Journal journal = journal(cluster);
    Instant started = Instant.now();

    RunbookResult r = pitr.runner(journal).build().execute(pitr.runbook(request), journal,
        ExecuteOptions.defaults().confirmation(Confirmation.of(pitr.confirmationTarget(request))));
    System.out.println("restore to the end of the archive, replicas from the backup, took "
        + Duration.between(started, Instant.now()).toMillis() + " ms");

    assertThat(r).as(r.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    for (PatroniNode n : cluster.nodes()) {
      assertThat(cluster.directory().resolve("whole-" + n.name()).resolve("PG_VERSION"))
          .as("the whole old data directory of " + n.name() + " kept").exists();
      try (Connection c = cluster.connect(n); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT string_agg(id::text, ',' ORDER BY id) FROM again")) {
        rs.next();
        assertThat(rs.getString(1)).as("every archived row on " + n.name()).isEqualTo("1,2");
      }
    }
    assertThat(client.cluster().timeline().orElseThrow().id()).isGreaterThan(timelineBefore);
    String replica = cluster.nodes().stream().map(PatroniNode::name).filter(m -> !m.equals(leader)).findFirst()
        .orElseThrow();
    assertThat(Files.readString(cluster.node(replica).dataDir().resolve("backup_label.old")))
        .as("the replica was restored from the backup, not cloned").contains("LABEL: pgBackRest backup");

    // the restore_command every member gets reads the archive as PostgreSQL runs it: a shell in the data directory
    Path data = cluster.node(replica).dataDir();
    String fetch = tool.archiveSettings().restoreCommand().replace("%f", archived).replace("%p", "p4j-fetched");
    HostActions.CommandResult fetched = hosts.run(replica, List.of("sh", "-c", "cd '" + data + "' && " + fetch));
    assertThat(fetched.exitCode()).as(fetched.stderr()).isZero();
    assertThat(Files.size(data.resolve("p4j-fetched"))).as(archived + " fetched from the archive")
        .isEqualTo(16L << 20);
    Files.delete(data.resolve("p4j-fetched"));
    assertThat(backup.complete()).isTrue();
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private static PointInTimeRestore restore(LocalPatroniCluster cluster, PatroniRunbooks catalogue, PgBackRest tool,
      HostActions hosts) {
    PointInTimeRestore.Builder b = PointInTimeRestore.builder(catalogue, tool, hosts, dcs, ref(cluster))
        .keepOldData(member -> keep(cluster, member)).keepOnlyWal()
        .postgres(connector(cluster))
        .stopTimeout(Duration.ofMinutes(2)).restoreTimeout(Duration.ofMinutes(3)).rebuildTimeout(Duration.ofMinutes(3));
    for (PatroniNode n : cluster.nodes()) {
      b.member(n.name(), n.dataDir(), n.configFile());
    }
    return b.build();
  }

  private static Path keep(LocalPatroniCluster cluster, String member) {
    return cluster.directory().resolve("before-restore-" + member);
  }

  private static void backupIfNone(LocalPatroniCluster cluster, PgBackRest tool) {
    String leader = cluster.leader().name();
    if (tool.latest(leader).isEmpty()) {
      tool.backup(leader, BackupType.FULL);
    }
  }

  private static PatroniRunbooks catalogue(LocalPatroniCluster cluster, PatroniClient client, HostActions hosts) {
    return PatroniRunbooks.builder(client).scope(cluster.scope()).hostActions(hosts).dcs(dcs).build();
  }

  private static ClusterRef ref(LocalPatroniCluster cluster) {
    return ClusterRef.of(cluster.namespace(), cluster.scope());
  }

  private static PatroniClient client(LocalPatroniCluster cluster) {
    return PatroniClient.builder().members(cluster.nodes().stream().map(PatroniNode::restUrl).toList()).build();
  }

  private static PostgresConnector connector(LocalPatroniCluster cluster) {
    String user = cluster.superuser();
    String password = cluster.superuserPassword();
    return (member, host, port) -> DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port
        + "/postgres", user, password);
  }

  private static FileJournal journal(LocalPatroniCluster cluster) throws Exception {
    return FileJournal.at(Files.createTempFile(cluster.directory(), "pitr", ".jsonl"));
  }

  private static List<String> members(PatroniClient client) {
    return client.cluster().members().stream()
        .map(m -> m.name() + " " + m.role() + " " + m.state().kind() + " " + m.timeline()).sorted().toList();
  }

  private static String rows(LocalPatroniCluster cluster, PatroniNode node) {
    try (Connection c = cluster.connect(node); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT string_agg(id::text, ',' ORDER BY id) FROM pitr")) {
      rs.next();
      return String.valueOf(rs.getString(1));
    } catch (java.sql.SQLException e) {
      return String.valueOf(e.getMessage());
    }
  }

  private static void awaitRows(LocalPatroniCluster cluster, PatroniNode node, String expected) throws Exception {
    Instant until = Instant.now().plusSeconds(30);
    while (!rows(cluster, node).equals(expected) && Instant.now().isBefore(until)) {
      Thread.sleep(100);
    }
    assertThat(rows(cluster, node)).as("rows on " + node.name()).isEqualTo(expected);
  }

  private static List<String> segments(Path walDir) throws Exception {
    try (Stream<Path> files = Files.list(walDir)) {
      return files.map(p -> p.getFileName().toString()).filter(f -> f.matches("[0-9A-F]{24}")).sorted().toList();
    }
  }
}
