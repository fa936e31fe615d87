package dev.patroni4j.runbooks.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.dcs.etcd.EtcdDcsClient;
import dev.patroni4j.runbooks.ExecuteOptions;
import dev.patroni4j.runbooks.FileJournal;
import dev.patroni4j.runbooks.Runbook;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
import dev.patroni4j.runbooks.catalogue.PostgresConnector;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
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
  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = LocalPatroniClusterExtension.of(LocalPatroniCluster.builder()
      .members(2).postgresParameter("archive_mode", "on").postgresParameter("archive_command", "/bin/true"));

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
        .build();
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
    Diagnosis d = diagnostics.diagnose();

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
  void aReplicaWhosePostgresDoesNotStartIsReinitializedAndTheFindingClears() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode pg2 = cluster.node("pg2");
    cluster.stopPatroni(pg2);
    Files.writeString(pg2.dataDir().resolve("postgresql.auto.conf"), "\nthis is = not ( a setting\n",
        StandardOpenOption.APPEND);
    cluster.startPatroni(pg2);

    Finding f = await("pg2 not starting", d -> d.find(Problem.POSTGRES_NOT_STARTING).isPresent())
        .find(Problem.POSTGRES_NOT_STARTING).orElseThrow();

    assertThat(f.member()).isEqualTo("pg2");
    assertThat(f.remedy()).isEqualTo(new Remedy.Reinitialize("pg2"));
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
    cluster.resetToKnownState();
    assertThat(diagnostics.diagnose().find(Problem.MIXED_PATRONI_VERSIONS)).isEmpty();
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
    assertThat(run(catalogue.configChange(archiveCommand("/bin/true"), false)).succeeded()).isTrue();
    sql("INSERT INTO diag_fill SELECT 1; SELECT pg_switch_wal()");
    await("archiving works again", d -> d.find(Problem.ARCHIVING_FAILING).isEmpty());
  }

  @Test
  @Order(9)
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
    assertThat(cluster.logTails(40)).contains("waiting for leader to bootstrap");

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
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    Diagnosis last = diagnostics.diagnose();
    while (!until.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "; last diagnosis:\n" + last.table());
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      last = diagnostics.diagnose();
    }
    return last;
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

  private static void awaitNoMembers() throws InterruptedException {
    ClusterRef ref = ClusterRef.of(CLUSTER.cluster().namespace(), CLUSTER.cluster().scope());
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!dcs.snapshot(ref).members().isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("member keys never expired");
      }
      Thread.sleep(500);
    }
  }

  private static PostgresConnector connector(LocalPatroniCluster cluster) {
    String user = cluster.superuser();
    String password = cluster.superuserPassword();
    return (member, host, port) -> DriverManager.getConnection(
        "jdbc:postgresql://" + host + ":" + port + "/postgres?connectTimeout=5&socketTimeout=30", user, password);
  }
}
