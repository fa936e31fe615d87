package dev.patroni4j.runbooks.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.dcs.etcd.EtcdDcsClient;
import dev.patroni4j.runbooks.ExecuteOptions;
import dev.patroni4j.runbooks.FileJournal;
import dev.patroni4j.runbooks.Runbook;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.catalogue.BrokenCheckpoint;
import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
import dev.patroni4j.config.SystemdUnit;
import dev.patroni4j.runbooks.catalogue.PostgresConnector;
import dev.patroni4j.runbooks.host.ShellHostActions;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each recognised problem produced for real on one two-member cluster (state restored between tests): the finding
 * appears with its evidence and remedy, and where the remedy is a runbook, running it clears the finding. The last
 * test reinstalls the cluster over the DCS's old state and removes that state.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DiagnosisOnClusterTest {
  private static final String REST_PASSWORD = "diag-rest-Pw-7f3a";

  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = LocalPatroniClusterExtension.of(LocalPatroniCluster.builder()
      .members(2).postgresParameter("archive_mode", "on").postgresParameter("archive_command", "/bin/true")
      .restBasicAuth("patroni", REST_PASSWORD));

  /** Every diagnosis a test acted on, checked for secrets by the last test. */
  private static final List<Diagnosis> SEEN = new CopyOnWriteArrayList<>();

  private static EtcdDcsClient dcs;
  private static PatroniRunbooks catalogue;
  private static ClusterDiagnostics diagnostics;

  @TempDir Path dir;

  @BeforeAll
  static void wire() {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    dcs = EtcdDcsClient.builder().endpoint(cluster.etcdEndpoint()).build();
    ClusterRef ref = ClusterRef.of(cluster.namespace(), cluster.scope());
    PatroniClient client = PatroniClient.builder().members(cluster.nodes().stream().map(PatroniNode::restUrl).toList())
        .basicAuth("patroni", REST_PASSWORD).build();
    PostgresConnector pg = connector(cluster);
    catalogue = PatroniRunbooks.builder(client).scope(cluster.scope()).namespace(cluster.namespace()).dcs(dcs)
        .postgres(pg).build();
    diagnostics = ClusterDiagnostics.builder(client).dcs(ref, dcs).postgres(pg).slotRetentionLimitBytes(1 << 20)
        .build();
  }

  @AfterAll
  static void closeDcs() {
    dcs.close();
  }

  @Test
  @Order(1)
  void aHealthyClusterHasNoFindingsAndEverySourceWasRead() {
    Diagnosis d = seen(diagnostics.diagnose());

    assertThat(d.findings()).as(d.table()).isEmpty();
    assertThat(d.notObserved()).isEmpty();
    assertThat(d.table()).contains("no findings");
  }

  @Test
  @Order(2)
  void aPausedClusterNamesResumeAndResumeClearsIt() throws Exception {
    assertThat(run(catalogue.pause()).succeeded()).isTrue();

    Finding f = await("paused", d -> d.find(Problem.CLUSTER_PAUSED).isPresent()).find(Problem.CLUSTER_PAUSED)
        .orElseThrow();

    assertThat(f.remedy()).isEqualTo(new Remedy.Resume());
    assertThat(f.evidence()).anySatisfy(e -> {
      assertThat(e.source()).isEqualTo(Evidence.Source.DCS);
      assertThat(e.location()).endsWith("/config");
      assertThat(e.value()).isEqualTo("true");
    });
    assertRemedyClears(f);
  }

  @Test
  @Order(3)
  void aPendingRestartNamesTheRollingRestartWhichClearsIt() throws Exception {
    Map<String, Object> lower = Map.of("postgresql", Map.of("parameters", Map.of("max_connections", 90)));
    assertThat(run(catalogue.configChange(lower, false)).succeeded()).isTrue();

    Finding f = await("pending restart", d -> d.find(Problem.PENDING_RESTART).isPresent())
        .find(Problem.PENDING_RESTART).orElseThrow();

    assertThat(f.remedy()).isEqualTo(new Remedy.RollingRestart());
    assertThat(f.evidence()).extracting(Evidence::location).contains("GET /patroni on pg1", "GET /patroni on pg2");
    assertRemedyClears(f);
  }

  @Test
  @Order(4)
  void aReplicaWhosePostgresDoesNotStartIsRecoveredAndTheFindingClears() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode pg2 = cluster.node("pg2");
    cluster.stopPatroni(pg2);
    Files.writeString(pg2.dataDir().resolve("postgresql.auto.conf"), "\nthis is = not ( a setting\n",
        StandardOpenOption.APPEND);
    cluster.startPatroni(pg2);

    Finding f = await("pg2 not starting", d -> d.find(Problem.POSTGRES_NOT_STARTING).isPresent())
        .find(Problem.POSTGRES_NOT_STARTING).orElseThrow();

    assertThat(f.member()).isEqualTo("pg2");
    assertThat(f.remedy()).isEqualTo(new Remedy.RecoverStartFailed("pg2"));
    assertThat(((Remedy.RunbookRemedy) f.remedy()).destructive()).isTrue();
    assertThat(f.evidence()).extracting(Evidence::value).contains("start failed");
    assertRemedyClears(f);
  }

  @Test
  @Order(5)
  void aKilledPatroniIsAMemberNotAnswering() {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    cluster.killPatroni(cluster.node("pg2"));
    try {
      Finding f = await("pg2 not answering", x -> x.find(Problem.MEMBER_NOT_ANSWERING).isPresent())
          .find(Problem.MEMBER_NOT_ANSWERING).orElseThrow();

      assertThat(f.member()).isEqualTo("pg2");
      assertThat(f.evidence()).anySatisfy(e -> {
        assertThat(e.location()).isEqualTo("GET /patroni on pg2");
        assertThat(e.fact()).isEqualTo("error");
      });
      assertThat(f.remedy()).isInstanceOf(Remedy.Manual.class);
    } finally {
      cluster.resetToKnownState();
    }
    await("pg2 answering again", d -> d.findings().isEmpty());
  }

  @Test
  @Order(6)
  void membersOnTwoPatroniReleasesAreFound() {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode pg2 = cluster.node("pg2");
    String other = pg2.patroniVersion().equals("4.0.7") ? "4.1.5" : "4.0.7";
    cluster.switchPatroniVersion(pg2, other);

    Finding f = await("mixed versions", d -> d.find(Problem.MIXED_PATRONI_VERSIONS).isPresent())
        .find(Problem.MIXED_PATRONI_VERSIONS).orElseThrow();

    assertThat(f.evidence()).extracting(Evidence::value).contains(other, cluster.node("pg1").patroniVersion());
    // The manual remedy, as the finding says it: every member on one version (here pg2 back on pg1's).
    assertThat(f.remedy()).isEqualTo(new Remedy.Manual(
        "finish the package migration: move every member to one Patroni version"));
    cluster.resetToKnownState();
    assertThat(seen(diagnostics.diagnose()).find(Problem.MIXED_PATRONI_VERSIONS)).isEmpty();
  }

  @Test
  @Order(7)
  void aPermanentSlotWithoutConsumerRetainsWalAndRemovingItFromTheConfigClearsIt() throws Exception {
    Map<String, Object> slot = Map.of("slots", Map.of("diag_stuck", Map.of("type", "physical")));
    assertThat(run(catalogue.configChange(slot, false)).succeeded()).isTrue();
    await("the slot exists", d -> slotExists("diag_stuck"));
    for (int i = 0; i < 3; i++) {
      sql("CREATE TABLE IF NOT EXISTS diag_fill AS SELECT 1 AS x; INSERT INTO diag_fill SELECT 1; SELECT pg_switch_wal()");
    }

    Finding f = await("slot retaining WAL", d -> d.find(Problem.SLOT_RETAINING_WAL).isPresent())
        .find(Problem.SLOT_RETAINING_WAL).orElseThrow();

    assertThat(f.evidence()).extracting(Evidence::value).contains("diag_stuck (physical, inactive)");
    assertThat(f.remedy()).isInstanceOfSatisfying(Remedy.ConfigChange.class,
        c -> assertThat(c.patch()).containsOnlyKeys("slots"));
    assertRemedyClears(f);
  }

  @Test
  @Order(8)
  void failingWalArchivingIsFoundAndClearsWhenTheCommandWorksAgain() throws Exception {
    assertThat(run(catalogue.configChange(archiveCommand("/bin/false"), false)).succeeded()).isTrue();
    sql("CREATE TABLE IF NOT EXISTS diag_fill AS SELECT 1 AS x; INSERT INTO diag_fill SELECT 1; SELECT pg_switch_wal()");

    Finding f = await("archiving failing", d -> d.find(Problem.ARCHIVING_FAILING).isPresent())
        .find(Problem.ARCHIVING_FAILING).orElseThrow();

    assertThat(f.member()).isEqualTo("pg1");
    assertThat(f.evidence()).extracting(Evidence::fact).contains("failed_count", "last_failed_wal");
    assertThat(f.remedy()).isInstanceOfSatisfying(Remedy.Manual.class, m -> assertThat(m.instruction())
        .contains("pg1's PostgreSQL log", "archive_command", "fix the command or its storage"));
    // The manual remedy, as the finding says it: fix the command.
    assertThat(run(catalogue.configChange(archiveCommand("/bin/true"), false)).succeeded()).isTrue();
    sql("INSERT INTO diag_fill SELECT 1; SELECT pg_switch_wal()");
    await("archiving works again", d -> d.find(Problem.ARCHIVING_FAILING).isEmpty());
  }

  @Test
  @Order(9)
  void synchronousModeWithoutAStandbyIsFoundWhileTheOnlyReplicaIsDownAndClearsWhenItStreamsAgain() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode pg2 = cluster.node("pg2");
    assertThat(run(catalogue.configChange(Map.of("synchronous_mode", true), false)).succeeded()).isTrue();
    try {
      await("pg2 the synchronous standby", d -> d.find(Problem.NO_SYNC_STANDBY).isEmpty()
          && d.notObserved().isEmpty());
      cluster.stopPatroni(pg2);

      Finding f = await("no sync standby", d -> d.find(Problem.NO_SYNC_STANDBY).isPresent())
          .find(Problem.NO_SYNC_STANDBY).orElseThrow();

      assertThat(f.severity()).isEqualTo(Severity.WARNING);
      assertThat(f.remedy()).isInstanceOfSatisfying(Remedy.Manual.class, m -> assertThat(m.instruction())
          .startsWith("bring a replica back to streaming"));
      assertThat(f.evidence()).anySatisfy(e -> {
        assertThat(e.fact()).isEqualTo("synchronous_mode");
        assertThat(e.value()).isEqualTo("true");
        // read from the DCS snapshot, not GET /config
        assertThat(e.source()).isEqualTo(Evidence.Source.DCS);
        assertThat(e.location()).endsWith("/config");
      });
      // The manual remedy, as the finding says it: the replica streams again.
      cluster.startPatroni(pg2);
      await("pg2 the synchronous standby again", d -> d.find(Problem.NO_SYNC_STANDBY).isEmpty());
    } finally {
      if (!pg2.isPatroniRunning()) {
        cluster.startPatroni(pg2);
      }
      assertThat(run(catalogue.configChange(Map.of("synchronous_mode", false), false)).succeeded()).isTrue();
    }
  }

  @Test
  @Order(10)
  void aReplicaPromotedBehindTheLeadersBackIsOnADivergedTimelineAndReinitializingItClearsIt() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode pg2 = cluster.node("pg2");
    // The test kit lets Patroni rewind a diverged member by itself; the field's clusters that get stuck do not.
    assertThat(run(catalogue.configChange(useRewind(false), false)).succeeded()).isTrue();
    cluster.stopPatroni(pg2); // unpaused: PostgreSQL stops with it
    String data = pg2.dataDir().toString();
    // What a split brain or a manual promotion leaves: the replica's own timeline, which the leader never had.
    asPostgres(PG_CTL, "-D", data, "-w", "-l", pg2.directory().resolve("diverge.log").toString(), "start");
    asPostgres(PG_CTL, "-D", data, "-w", "promote");
    asPostgres(PG_CTL, "-D", data, "-w", "-m", "fast", "stop");
    cluster.startPatroni(pg2);

    Finding f;
    try {
      f = await("pg2 on a diverged timeline", d -> d.find(Problem.TIMELINE_DIVERGED).isPresent())
          .find(Problem.TIMELINE_DIVERGED).orElseThrow();
    } catch (AssertionError e) {
      // What Patroni did instead (rewound or rebuilt pg2 by itself?) is in its log.
      String log = Files.readString(pg2.logFile()).lines().filter(l -> !l.contains("no action"))
          .collect(java.util.stream.Collectors.joining("\n"));
      throw new AssertionError(e.getMessage() + "\nGET /cluster: " + catalogue.client().cluster().rawJson()
          + "\npg2's Patroni log:\n" + log, e);
    }

    assertThat(f.member()).isEqualTo("pg2");
    assertThat(f.remedy()).isEqualTo(new Remedy.Reinitialize("pg2"));
    assertThat(f.evidence()).extracting(Evidence::source).contains(Evidence.Source.REST);
    assertRemedyClears(f);
    assertThat(run(catalogue.configChange(useRewind(true), false)).succeeded()).isTrue();
    await("the cluster is clean again", d -> d.findings().isEmpty());
  }

  private static Map<String, Object> useRewind(boolean on) {
    return Map.of("postgresql", Map.of("use_pg_rewind", on));
  }

  @Test
  @Order(11)
  void aReplicaLaggingBeyondMaximumLagOnFailoverLeavesNoCandidateUntilItCatchesUp() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    assertThat(run(catalogue.configChange(Map.of("maximum_lag_on_failover", 1 << 20), false)).succeeded()).isTrue();
    long receiver;
    try (Connection c = cluster.connect(cluster.node("pg2")); Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT pid FROM pg_stat_wal_receiver")) {
      assertThat(rs.next()).as("pg2 has a WAL receiver").isTrue();
      receiver = rs.getLong(1);
    }
    signal("STOP", receiver); // pg2 stops receiving; its Patroni keeps reporting
    try {
      sql("CREATE TABLE IF NOT EXISTS diag_lag (x text); INSERT INTO diag_lag SELECT repeat('x', 1000) FROM "
          + "generate_series(1, 4000)");

      Finding f = await("no failover candidate", d -> d.find(Problem.NO_FAILOVER_CANDIDATE).isPresent())
          .find(Problem.NO_FAILOVER_CANDIDATE).orElseThrow();

      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.evidence()).anySatisfy(e -> {
        assertThat(e.location()).contains("pg2");
        assertThat(e.fact()).isEqualTo("not a candidate");
      }).anySatisfy(e -> {
        assertThat(e.fact()).isEqualTo("maximum_lag_on_failover");
        assertThat(e.value()).isEqualTo(String.valueOf(1 << 20));
        assertThat(e.source()).isEqualTo(Evidence.Source.DCS);
        assertThat(e.location()).endsWith("/config");
      });
      assertThat(f.remedy()).isInstanceOfSatisfying(Remedy.Manual.class, m -> assertThat(m.instruction())
          .startsWith("bring a replica back to streaming within maximum_lag_on_failover"));
    } finally {
      // The manual remedy, as the finding says it: pg2 receives WAL again and catches up.
      signal("CONT", receiver);
    }
    await("pg2 a candidate again", d -> d.find(Problem.NO_FAILOVER_CANDIDATE).isEmpty());
    Map<String, Object> defaultLag = new java.util.HashMap<>();
    defaultLag.put("maximum_lag_on_failover", null);
    assertThat(run(catalogue.configChange(defaultLag, false)).succeeded()).isTrue();
    sql("DROP TABLE diag_lag");
  }

  private static void signal(String signal, long pid) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("kill -" + signal + " " + pid + ": " + out).isZero();
  }

  @Test
  @Order(12)
  void aMembersUnitThatWouldStopPostgresWithPatroniIsReadOnItsHostAndFound() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    // No systemd here: each member's unit is a file on its host, read with the command a user would give.
    for (PatroniNode n : cluster.nodes()) {
      Files.writeString(unitOf(n), SystemdUnit.newBuilder().patroniExecutable(Path.of("/usr/bin/patroni"))
          .configFile(n.configFile()).build().render());
    }
    ClusterDiagnostics withUnits = ClusterDiagnostics.builder(catalogue.client())
        .systemdUnits(ShellHostActions.local().build(), member -> List.of("cat", unitOf(cluster.node(member)).toString()))
        .build();
    assertThat(seen(withUnits.diagnose()).findings()).as("units rendered by patroni-config").isEmpty();

    String safe = Files.readString(unitOf(cluster.node("pg2")));
    Files.writeString(unitOf(cluster.node("pg2")), safe.replace("KillMode=process\n", ""));
    Diagnosis d = seen(withUnits.diagnose());

    assertThat(d.findings()).as(d.table()).singleElement().satisfies(f -> {
      assertThat(f.problem()).isEqualTo(Problem.UNIT_STOPS_POSTGRES);
      assertThat(f.member()).isEqualTo("pg2");
      assertThat(f.evidence()).singleElement().satisfies(e -> {
        assertThat(e.source()).isEqualTo(Evidence.Source.HOST);
        assertThat(e.location()).isEqualTo("cat " + unitOf(cluster.node("pg2")) + " on pg2");
        assertThat(e.value()).isEqualTo("control-group");
      });
      assertThat(f.remedy()).isInstanceOfSatisfying(Remedy.Manual.class, m -> assertThat(m.instruction())
          .startsWith("on pg2, add a drop-in").contains("KillMode=process", "systemctl daemon-reload"));
    });
    assertThat(d.notObserved()).isEmpty();

    // The remedy, as the finding says it: KillMode=process back in pg2's unit.
    Files.writeString(unitOf(cluster.node("pg2")), safe);
    Diagnosis fixed = seen(withUnits.diagnose());
    assertThat(fixed.findings()).as(fixed.table()).isEmpty();
    assertThat(fixed.notObserved()).isEmpty();

    Files.delete(unitOf(cluster.node("pg1")));
    assertThat(seen(withUnits.diagnose()).notObserved()).singleElement().asString().startsWith("unit of pg1: cat ")
        .contains("exited 1");
  }

  private static Path unitOf(PatroniNode node) {
    return node.directory().resolve("patroni.service");
  }

  @Test
  @Order(13)
  void aReinstallOverTheDcsStateIsFoundAndRemovingTheClusterClearsIt() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode pg1 = cluster.node("pg1");
    PatroniNode pg2 = cluster.node("pg2");
    reinstall(cluster, pg2, pg1);
    cluster.startPatroni(pg1);
    cluster.startPatroni(pg2);

    Diagnosis d = await("stale DCS state", x -> x.find(Problem.STALE_DCS_STATE).isPresent());

    Finding f = d.find(Problem.STALE_DCS_STATE).orElseThrow();
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(f.remedy()).isEqualTo(new Remedy.RemoveCluster());
    assertThat(f.evidence()).anySatisfy(e -> assertThat(e.location()).endsWith("/initialize"));
    assertThat(d.find(Problem.NO_LEADER)).as("stale state explains the missing leader").isEmpty();
    // The diagnosis can see the stale keys before Patroni's first HA loop has logged its verdict.
    DiagnosisWaits.until("Patroni to wait for a leader to bootstrap", Duration.ofSeconds(30),
        () -> cluster.logTails(40), tails -> tails.contains("waiting for leader to bootstrap"));

    // The remedy as the finding describes it: stop Patroni everywhere, remove the cluster, start Patroni again.
    cluster.stopPatroni(pg2);
    cluster.stopPatroni(pg1);
    awaitNoMembers();
    Confirmation token = Confirmation.of(catalogue.identitySource().observe());
    RunbookResult removed = run(((Remedy.RunbookRemedy) f.remedy()).runbook(catalogue), token);
    assertThat(removed).as(removed.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    cluster.startPatroni(pg1);
    cluster.awaitLeader("pg1"::equals, Duration.ofMinutes(2));
    cluster.startPatroni(pg2);
    cluster.awaitHealthy(Duration.ofMinutes(2));

    Diagnosis after = await("the rebuilt cluster is clean", x -> x.findings().isEmpty());
    assertThat(after.notObserved()).isEmpty();
  }

  @Test
  @Order(14)
  void aPauseLeftInPatroniDynamicJsonAfterTheDcsWasWipedIsAStalePauseUntilItIsRemovedFromTheFile() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode pg1 = cluster.node("pg1");
    PatroniNode pg2 = cluster.node("pg2");
    Path cache = pg1.dataDir().resolve("patroni.dynamic.json");
    assertThat(run(catalogue.pause()).succeeded()).isTrue();
    awaitFile(cache, text -> text.replace(" ", "").contains("\"pause\":true"));
    // The seed's rollback: Patroni and PostgreSQL stopped everywhere, the cluster's keys removed from the DCS.
    cluster.stopPatroni(pg2);
    cluster.stopPatroni(pg1);
    cluster.stopPostgres(pg2);
    cluster.stopPostgres(pg1);
    awaitNoMembers();
    Confirmation token = Confirmation.of(catalogue.identitySource().observe());
    assertThat(run(catalogue.removeCluster(), token).succeeded()).isTrue();
    cluster.startPatroni(pg1);

    Finding f = await("a stale pause on pg1", d -> d.find(Problem.STALE_PAUSE).isPresent())
        .find(Problem.STALE_PAUSE).orElseThrow();

    assertThat(f.member()).isEqualTo("pg1");
    assertThat(f.evidence()).anySatisfy(e -> {
      assertThat(e.location()).isEqualTo("GET /patroni on pg1");
      assertThat(e.value()).isEqualTo("true");
    }).anySatisfy(e -> assertThat(e.source()).isEqualTo(Evidence.Source.DCS));
    assertThat(f.remedy()).isInstanceOf(Remedy.Manual.class);
    assertThat(f.remedy().description()).contains("patroni.dynamic.json");

    // The manual remedy, as the finding says it.
    cluster.stopPatroni(pg1);
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode dynamic =
        (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(Files.readString(cache));
    dynamic.remove("pause");
    Files.writeString(cache, json.writeValueAsString(dynamic));
    cluster.startPatroni(pg1);
    cluster.awaitLeader("pg1"::equals, Duration.ofMinutes(2));
    cluster.startPatroni(pg2);
    cluster.awaitHealthy(Duration.ofMinutes(2));
    Diagnosis after = await("no stale pause", x -> x.findings().isEmpty());
    assertThat(after.notObserved()).isEmpty();
  }

  @Test
  @Order(15)
  void diagnosingChangesNothingInTheDcsOrTheMembersAndItsSqlSessionCannotWrite() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    ClusterRef ref = ClusterRef.of(cluster.namespace(), cluster.scope());
    List<String> sessions = new CopyOnWriteArrayList<>();
    PostgresConnector pg = connector(cluster);
    // The connection the diagnosis used, probed just before the diagnosis closes it.
    PostgresConnector probed = (member, host, port) -> {
      Connection real = pg.connect(member, host, port);
      return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
          (proxy, method, args) -> {
            if (method.getName().equals("close")) {
              sessions.add(writeAttempt(real));
            }
            try {
              return method.invoke(real, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
    };
    ClusterDiagnostics watching = ClusterDiagnostics.builder(catalogue.client()).dcs(ref, dcs).postgres(probed)
        .slotRetentionLimitBytes(1 << 20).build();
    await("a healthy cluster", d -> d.findings().isEmpty() && d.notObserved().isEmpty());
    ClusterSnapshot before = dcs.snapshot(ref);
    DynamicConfig configBefore = catalogue.client().config();
    List<String> membersBefore = members(catalogue.client().cluster());

    for (int i = 0; i < 5; i++) {
      Diagnosis d = seen(watching.diagnose());
      assertThat(d.findings()).as(d.table()).isEmpty();
      assertThat(d.notObserved()).isEmpty();
    }

    ClusterSnapshot after = dcs.snapshot(ref);
    assertThat(sessions).as("each diagnosis's SQL session refused a write").hasSize(5)
        .allSatisfy(r -> assertThat(r).isEqualTo("read only: 25006"));
    assertThat(after.config()).as("config key, with its modify index").isEqualTo(before.config());
    assertThat(after.initialize()).isEqualTo(before.initialize());
    assertThat(after.history()).isEqualTo(before.history());
    assertThat(after.failover()).isEqualTo(before.failover());
    assertThat(after.sync()).isEqualTo(before.sync());
    assertThat(after.leaderName()).isEqualTo(before.leaderName());
    assertThat(dcsMembers(after)).isEqualTo(dcsMembers(before));
    assertThat(catalogue.client().config().values()).isEqualTo(configBefore.values());
    assertThat(members(catalogue.client().cluster())).isEqualTo(membersBefore);
  }

  @Test
  @Order(16)
  void aReplicaPanickingOnItsCheckpointRecordNamesRecoverStartFailedWhichClearsIt() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode pg2 = cluster.node("pg2");
    await("pg2 a replica of a clean cluster", d -> d.findings().isEmpty()
        && !catalogue.client().cluster().findMember("pg2").orElseThrow().isLeader());
    cluster.stopPatroni(pg2); // unpaused: PostgreSQL stops cleanly with it
    BrokenCheckpoint.breakCheckpointRecord(pg2);
    cluster.startPatroni(pg2);

    Finding f = await("pg2 not starting", d -> d.find(Problem.POSTGRES_NOT_STARTING).isPresent())
        .find(Problem.POSTGRES_NOT_STARTING).orElseThrow();

    assertThat(BrokenCheckpoint.postgresLog(pg2)).as("the field's failure, for real")
        .contains("PANIC:  " + BrokenCheckpoint.PANIC);
    assertThat(f.member()).isEqualTo("pg2");
    assertThat(f.remedy()).isEqualTo(new Remedy.RecoverStartFailed("pg2"));
    assertThat(f.evidence()).extracting(Evidence::value).contains("start failed");
    assertRemedyClears(f);
    await("the cluster is clean again", d -> d.findings().isEmpty());
  }

  /** {@code read only: <SQLSTATE>} if {@code c}'s session is read-only and refuses a write. */
  private static String writeAttempt(Connection c) throws SQLException {
    String readOnly;
    try (Statement s = c.createStatement(); var rs = s.executeQuery("SHOW transaction_read_only")) {
      rs.next();
      readOnly = rs.getString(1);
    }
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE diag_write_probe (x int)");
      return "wrote (transaction_read_only = " + readOnly + ")";
    } catch (SQLException e) {
      return ("on".equals(readOnly) ? "read only: " : "transaction_read_only = " + readOnly + ": ") + e.getSQLState();
    }
  }

  private static List<String> members(ClusterView view) {
    return view.members().stream().map(m -> m.name() + " " + m.role().raw() + " " + m.state().raw() + " tl "
        + m.timeline() + " pending_restart " + m.pendingRestart()).toList();
  }

  private static List<String> dcsMembers(ClusterSnapshot s) {
    return s.members().stream().map(m -> m.name() + " " + m.member().role().raw() + " " + m.member().state().raw()
        + " tl " + m.member().timeline()).toList();
  }

  @Test
  @Order(99)
  void noDiagnosisTheseTestsActedOnCarriedASecret() {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    List<String> secrets = new ArrayList<>(List.of(cluster.superuserPassword(), REST_PASSWORD));
    cluster.clusterSpec().replication().password().ifPresent(p -> secrets.add(p.reveal()));
    cluster.clusterSpec().rewind().flatMap(r -> r.password()).ifPresent(p -> secrets.add(p.reveal()));
    assertThat(secrets).hasSizeGreaterThanOrEqualTo(3).allSatisfy(p -> assertThat(p).hasSizeGreaterThan(5));
    List<Finding> findings = SEEN.stream().flatMap(d -> d.findings().stream()).toList();
    assertThat(findings).extracting(Finding::problem).as("the live tests' findings").contains(
        Problem.CLUSTER_PAUSED, Problem.PENDING_RESTART, Problem.POSTGRES_NOT_STARTING, Problem.MEMBER_NOT_ANSWERING,
        Problem.MIXED_PATRONI_VERSIONS, Problem.SLOT_RETAINING_WAL, Problem.ARCHIVING_FAILING,
        Problem.NO_SYNC_STANDBY, Problem.TIMELINE_DIVERGED, Problem.NO_FAILOVER_CANDIDATE, Problem.UNIT_STOPS_POSTGRES,
        Problem.STALE_DCS_STATE, Problem.STALE_PAUSE);

    for (Diagnosis d : SEEN) {
      StringBuilder all = new StringBuilder(d.table());
      d.notObserved().forEach(n -> all.append('\n').append(n));
      for (Finding f : d.findings()) {
        all.append('\n').append(f.summary()).append('\n').append(f.remedy().description()).append('\n')
            .append(f.remedy());
        f.evidence().forEach(e -> all.append('\n').append(e).append(' ').append(e.value()));
      }
      for (String secret : secrets) {
        assertThat(all.toString()).doesNotContain(secret);
      }
    }
  }

  private static void awaitFile(Path file, Predicate<String> until) {
    DiagnosisWaits.until(file + " to match", Duration.ofSeconds(30), () -> Files.readString(file), until);
  }

  // ------------------------------------------------------------------ helpers

  /** Runs the finding's remedy runbook and waits until the diagnosis no longer shows that finding. */
  private void assertRemedyClears(Finding f) throws Exception {
    Remedy.RunbookRemedy remedy = (Remedy.RunbookRemedy) f.remedy();
    Confirmation token = Confirmation.of(catalogue.identitySource().observe());
    RunbookResult r = remedy.destructive() ? run(remedy.runbook(catalogue), token) : run(remedy.runbook(catalogue));
    assertThat(r).as(r.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    await(f.problem() + " cleared", d -> d.findAll(f.problem()).stream()
        .noneMatch(g -> java.util.Objects.equals(g.member(), f.member())));
  }

  private RunbookResult run(Runbook runbook) throws IOException {
    return catalogue.runner().build().execute(runbook, FileJournal.at(Files.createTempFile(dir, "j", ".jsonl")));
  }

  private RunbookResult run(Runbook runbook, Confirmation token) throws IOException {
    return catalogue.runner().build().execute(runbook, FileJournal.at(Files.createTempFile(dir, "j", ".jsonl")),
        ExecuteOptions.defaults().confirmation(token));
  }

  private static Diagnosis await(String what, Predicate<Diagnosis> until) {
    return seen(DiagnosisWaits.await(diagnostics, what, until));
  }

  private static Diagnosis seen(Diagnosis d) {
    SEEN.add(d);
    return d;
  }

  private static final String PG_CTL = "/usr/lib/postgresql/15/bin/pg_ctl";

  /** Runs a PostgreSQL tool as the cluster's OS user ({@code postgres} when the JVM runs as root). */
  private static void asPostgres(String... command) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      argv.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
    }
    argv.addAll(List.of(command));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
  }

  private static Map<String, Object> archiveCommand(String command) {
    return Map.of("postgresql", Map.of("parameters", Map.of("archive_command", command)));
  }

  private static boolean slotExists(String name) {
    try (Connection c = CLUSTER.cluster().connect(CLUSTER.cluster().leader()); Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + name + "'")) {
      rs.next();
      return rs.getInt(1) == 1;
    } catch (SQLException e) {
      return false;
    }
  }

  private static void sql(String statements) throws SQLException {
    try (Connection c = CLUSTER.cluster().connect(CLUSTER.cluster().leader()); Statement s = c.createStatement()) {
      for (String one : statements.split(";", -1)) {
        if (!one.isBlank()) {
          s.execute(one);
        }
      }
    }
  }

  /** A reinstall: Patroni stopped everywhere (which stops PostgreSQL) and the data directories gone. */
  private static void reinstall(LocalPatroniCluster cluster, PatroniNode... nodes) throws IOException {
    for (PatroniNode n : nodes) {
      cluster.stopPatroni(n);
    }
    for (PatroniNode n : nodes) {
      try (Stream<Path> tree = Files.walk(n.dataDir())) {
        for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  private static void awaitNoMembers() {
    ClusterRef ref = ClusterRef.of(CLUSTER.cluster().namespace(), CLUSTER.cluster().scope());
    DiagnosisWaits.until("member keys expired", Duration.ofSeconds(60), () -> dcs.snapshot(ref).members(),
        java.util.List::isEmpty);
  }

  private static PostgresConnector connector(LocalPatroniCluster cluster) {
    String user = cluster.superuser();
    String password = cluster.superuserPassword();
    return (member, host, port) -> DriverManager.getConnection(
        "jdbc:postgresql://" + host + ":" + port + "/postgres?connectTimeout=5&socketTimeout=30", user, password);
  }
}
