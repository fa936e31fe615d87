package dev.patroni4j.runbooks.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.client.model.PatroniVersion;
import dev.patroni4j.config.SystemdUnit;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.ExecuteOptions;
import dev.patroni4j.runbooks.FileJournal;
import dev.patroni4j.runbooks.Plan;
import dev.patroni4j.runbooks.PlannedStep;
import dev.patroni4j.runbooks.Runbook;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.RunbookRunner;
import dev.patroni4j.runbooks.WriteDowntime;
import dev.patroni4j.runbooks.WriteProbe;
import dev.patroni4j.runbooks.catalogue.GuardrailReport;
import dev.patroni4j.runbooks.catalogue.GuardrailVerdict;
import dev.patroni4j.runbooks.catalogue.Guardrails;
import dev.patroni4j.runbooks.catalogue.PackageMigrationOptions;
import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package migration on a real 3-member cluster, Patroni 4.0.7 to 4.1.5, each member's configuration moved to a
 * new path and its unit rewritten: under pause (uninterrupted with a writer and the run's write probe; SIGKILLed at
 * every member boundary and resumed), with the drain strategy, and refused before anything changes (a unit that stops
 * PostgreSQL, a jump Patroni's release notes warn about, a transaction older than the guardrails allow). The host
 * actions go through {@link HostAgent}, which records what was done.
 */
class PackageMigrationTest {
  private static final String OLD = "4.0.7";
  private static final String NEW = "4.1.5";

  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = LocalPatroniClusterExtension.of(LocalPatroniCluster.builder()
      .members(3).patroniVersion(OLD));

  @TempDir Path dir;

  /** One member's files: its configuration now, where the new service reads it, its unit. */
  record Files3(Path config, Path newConfig, Path unit) {}

  @Test
  void underPauseEveryMemberMovesWithoutAPostgresRestartOrLeaderChangeAndASecondRunChangesNothing() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    Map<String, Files3> files = prepare(cluster, Map.of());
    Map<String, String> pids = postmasterPids(cluster);
    String leader = cluster.leader().name();
    long timeline = timeline(cluster);
    try (HostAgent agent = HostAgent.serve(LocalClusterHostActions.of(cluster))) {
      PatroniRunbooks catalogue = catalogue(cluster, agent);
      RunbookRunner runner = catalogue.runner().build();
      Runbook migration = catalogue.packageMigration(options(files, PackageMigrationOptions.Strategy.PAUSE_CLUSTER)
          .build());
      Plan plan = runner.plan(migration);
      assertThat(step(plan, "preflight").decision()).as(plan.describe()).isEqualTo(Decision.Kind.SATISFIED);
      assertThat(plan.actions().stream().map(PlannedStep::stepId)).as(plan.describe())
          .startsWith("pause", "stop-patroni[pg2]").contains("stop-patroni[pg1]", "resume");

      Writer writer = Writer.start(cluster, "migration_pause");
      writer.awaitRows(50);
      long started = System.nanoTime();
      RunbookResult result = runner.execute(migration, journal(),
          ExecuteOptions.defaults().writeProbe(writeProbe(cluster)));
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      Writer.Report written = writer.stop();
      WriteDowntime downtime = result.findWriteDowntime().orElseThrow();
      System.out.println("package migration under pause: " + tookMs + " ms; writer acknowledged "
          + written.acknowledged() + " rows, failed writes " + written.failures() + ", lost " + written.missing()
          + "; probe " + downtime);

      assertThat(result).as(result.toString()).isInstanceOf(RunbookResult.Succeeded.class);
      assertThat(downtime.failed()).as("the run's write probe: " + downtime).isZero();
      assertThat(downtime.attempted()).as("the probe wrote throughout the run").isGreaterThan(100);
      assertThat(downtime.longestWithoutCommit()).as("writes never stopped: " + downtime)
          .isLessThan(Duration.ofSeconds(1));
      assertMigrated(cluster, catalogue, files);
      assertThat(postmasterPids(cluster)).as("zero PostgreSQL restarts").isEqualTo(pids);
      assertThat(cluster.leader().name()).as("no leader change").isEqualTo(leader);
      assertThat(timeline(cluster)).isEqualTo(timeline);
      assertThat(written.missing()).as("no acknowledged row lost").isEmpty();
      assertThat(written.failures()).as("failed writes").isZero();
      assertThat(onceEach(agent.performed())).as(agent.performed().toString()).isTrue();

      List<String> before = agent.performed();
      RunbookResult again = runner.execute(migration, journal());
      assertThat(again.succeeded()).as(again.toString()).isTrue();
      assertThat(again.actedSteps()).as("a second run changes nothing").isEmpty();
      assertThat(agent.performed()).isEqualTo(before);
      assertThat(catalogue.client().config().paused()).as("not paused by the second run").isFalse();
    }
  }

  @Test
  void aRunnerKilledAtEveryMemberBoundaryResumesWithoutMigratingAMemberTwice() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    Map<String, Files3> files = prepare(cluster, Map.of());
    Map<String, String> pids = postmasterPids(cluster);
    String leader = cluster.leader().name();
    assertThat(leader).isEqualTo("pg1");
    Path journal = dir.resolve("migration.jsonl");
    List<String> killPoints = List.of("end:preflight", "end:pause", "end:start-patroni[pg2]", "end:stop-patroni[pg3]",
        "end:start-patroni[pg3]", "end:move-config[pg1]", "end:start-patroni[pg1]", "end:resume");
    try (HostAgent agent = HostAgent.serve(LocalClusterHostActions.of(cluster))) {
      Writer writer = Writer.start(cluster, "migration_crash");
      writer.awaitRows(50);
      List<String> reached = new ArrayList<>();
      for (String point : killPoints) {
        reached.add(runChild(cluster, agent, files, journal, point));
      }
      String last = runChild(cluster, agent, files, journal, "none");
      Writer.Report written = writer.stop();
      System.out.println("package migration killed at " + killPoints.size() + " boundaries: writer acknowledged "
          + written.acknowledged() + " rows, failed writes " + written.failures() + ", lost " + written.missing());

      assertThat(reached).containsExactlyElementsOf(killPoints.stream().map(p -> "KILLPOINT " + p).toList());
      assertThat(last).startsWith("RESULT Succeeded");
      assertThat(onceEach(agent.performed())).as("no member migrated twice: " + agent.performed()).isTrue();
      assertMigrated(cluster, catalogue(cluster, agent), files);
      assertThat(postmasterPids(cluster)).as("zero PostgreSQL restarts").isEqualTo(pids);
      assertThat(cluster.leader().name()).isEqualTo(leader);
      assertThat(written.missing()).isEmpty();
      assertThat(written.failures()).isZero();
    }
  }

  @Test
  void aUnitThatStopsPostgresAndAJumpTheReleaseNotesWarnAboutAreRefusedBeforeAnythingChanges() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    String unsafe = SystemdUnit.newBuilder().configFile(cluster.node("pg2").configFile()).build().render()
        .replace("KillMode=process", "KillMode=control-group");
    Map<String, Files3> files = prepare(cluster, Map.of("pg2", unsafe));
    Map<String, String> pids = postmasterPids(cluster);
    try (HostAgent agent = HostAgent.serve(LocalClusterHostActions.of(cluster))) {
      PatroniRunbooks catalogue = catalogue(cluster, agent);
      RunbookRunner runner = catalogue.runner().build();
      Runbook migration = catalogue.packageMigration(options(files, PackageMigrationOptions.Strategy.PAUSE_CLUSTER)
          .build());
      Plan plan = runner.plan(migration);
      assertThat(step(plan, "preflight").decision()).isEqualTo(Decision.Kind.BLOCKED);
      assertThat(step(plan, "preflight").reason()).contains("pg2's unit", "KillMode=control-group", "PostgreSQL")
          .doesNotContain("pg3's unit");
      RunbookResult refused = runner.execute(migration, journal());
      assertThat(refused).as(refused.toString()).isInstanceOf(RunbookResult.Refused.class);
      assertThat(((RunbookResult.Refused) refused).findStepId()).contains("preflight");
      assertUnchanged(cluster, catalogue, files, pids, agent, Map.of("pg2", unsafe));

      cluster.switchPatroniVersion(cluster.node("pg3"), "3.0.2");
      Map<String, Files3> safe = prepare(cluster, Map.of());
      Map<String, String> pidsNow = postmasterPids(cluster);
      Runbook risky = catalogue.packageMigration(options(safe, PackageMigrationOptions.Strategy.PAUSE_CLUSTER).build());
      Plan riskyPlan = runner.plan(risky);
      assertThat(step(riskyPlan, "preflight").decision()).isEqualTo(Decision.Kind.BLOCKED);
      assertThat(step(riskyPlan, "preflight").reason()).contains("UPGRADE_TO_4_FROM_BEFORE_3_1",
          "pg3 runs Patroni 3.0.2 -> " + NEW, "3.1.0");
      RunbookResult riskyRun = runner.execute(risky, journal());
      assertThat(riskyRun).as(riskyRun.toString()).isInstanceOf(RunbookResult.Refused.class);
      assertThat(agent.performed()).isEmpty();
      assertThat(postmasterPids(cluster)).isEqualTo(pidsNow);
      assertThat(catalogue.client().config().paused()).isFalse();

      Plan acknowledged = runner.plan(catalogue.packageMigration(options(safe,
          PackageMigrationOptions.Strategy.PAUSE_CLUSTER)
          .acknowledge(PackageMigrationOptions.Risk.UPGRADE_TO_4_FROM_BEFORE_3_1).build()));
      assertThat(step(acknowledged, "preflight").decision()).isEqualTo(Decision.Kind.SATISFIED);
      assertThat(step(acknowledged, "preflight").reason()).as("the plan names the accepted risk")
          .contains("acknowledged", "UPGRADE_TO_4_FROM_BEFORE_3_1", "pg3 runs Patroni 3.0.2");
    }
  }

  @Test
  void aTransactionOlderThanTheGuardrailRefusesTheMigrationAtPlanTimeNamingTheLimitAndItsAge() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    Map<String, Files3> files = prepare(cluster, Map.of());
    Map<String, String> pids = postmasterPids(cluster);
    String leader = cluster.leader().name();
    Duration limit = Duration.ofSeconds(2);
    try (HostAgent agent = HostAgent.serve(LocalClusterHostActions.of(cluster));
        Connection open = cluster.connect(cluster.node(leader))) {
      open.setAutoCommit(false);
      long pid;
      try (Statement s = open.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid(), now()")) {
        rs.next();
        pid = rs.getLong(1);
      }
      Thread.sleep(limit.plusMillis(700).toMillis()); // the transaction grows older than the limit
      PatroniRunbooks catalogue = PatroniRunbooks.builder(client(cluster)).scope(cluster.scope())
          .hostActions(HostAgent.client(agent.port()))
          .postgres((member, host, port) -> cluster.connect(cluster.node(member)))
          .build();
      RunbookRunner runner = catalogue.runner().build();
      Runbook migration = catalogue.packageMigration(options(files, PackageMigrationOptions.Strategy.PAUSE_CLUSTER)
          .guardrails(Guardrails.builder().maxTransactionAge(limit).build()).build());

      Plan plan = runner.plan(migration);
      RunbookResult refused = runner.execute(migration, journal());

      PlannedStep g = step(plan, "guardrails");
      assertThat(g.decision()).as(plan.describe()).isEqualTo(Decision.Kind.BLOCKED);
      assertThat(g.reason()).contains("the longest transaction on " + leader + " (pid " + pid
          + ", idle in transaction) is ").contains(" old, above the limit of 2 s");
      assertThat(GuardrailReport.verdictsIn(g.facts())).filteredOn(v -> v.status() == GuardrailVerdict.Status.VIOLATED)
          .singleElement().isInstanceOfSatisfying(GuardrailVerdict.TransactionAge.class, t -> {
            assertThat(t.member()).isEqualTo(leader);
            assertThat(t.maxAge()).isEqualTo(limit);
            assertThat(t.observedAge()).isGreaterThan(limit);
          });
      assertThat(refused).as(refused.toString()).isInstanceOfSatisfying(RunbookResult.Refused.class, r -> {
        assertThat(r.stepId()).isEqualTo("guardrails");
        assertThat(r.reason()).contains("above the limit of 2 s");
      });
      assertThat(refused.actedSteps()).isEmpty();
      assertUnchanged(cluster, catalogue, files, pids, agent, Map.of());
      assertThat(cluster.leader().name()).isEqualTo(leader);
    }
  }

  @Test
  void theDrainStrategyUpgradesDrainedReplicasSwitchesOverAndMovesTheOldPrimaryLast() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    Map<String, Files3> files = prepare(cluster, Map.of());
    try (HostAgent agent = HostAgent.serve(LocalClusterHostActions.of(cluster))) {
      PatroniRunbooks catalogue = catalogue(cluster, agent);
      RunbookRunner runner = catalogue.runner().build();
      Runbook migration = catalogue.packageMigration(options(files, PackageMigrationOptions.Strategy.DRAIN_REPLICAS)
          .build());
      Writer writer = Writer.start(cluster, "migration_drain");
      writer.awaitRows(50);
      long started = System.nanoTime();
      RunbookResult result = runner.execute(migration, journal());
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      Writer.Report written = writer.stop();
      System.out.println("package migration, drain strategy: " + tookMs + " ms; writer acknowledged "
          + written.acknowledged() + " rows, failed writes " + written.failures() + ", lost " + written.missing());

      assertThat(result).as(result.toString()).isInstanceOf(RunbookResult.Succeeded.class);
      assertThat(result.actedSteps()).containsSubsequence("drain-config[pg2]", "start-patroni[pg2]",
          "undrain-config[pg2]", "drain-config[pg3]", "undrain-config[pg3]", "switchover", "drain-config[pg1]",
          "start-patroni[pg1]", "undrain-config[pg1]");
      assertMigrated(cluster, catalogue, files);
      assertThat(cluster.leader().name()).as("switched over to the first upgraded replica").isEqualTo("pg2");
      assertThat(written.missing()).as("no acknowledged row lost").isEmpty();
      for (PatroniNode n : cluster.nodes()) {
        var tags = catalogue.client().cluster().member(n.name()).tags();
        assertThat(tags.noFailover() || tags.noLoadBalance()).as(n.name() + " undrained").isFalse();
      }
      assertThat(onceEach(agent.performed())).as(agent.performed().toString()).isTrue();

      RunbookResult again = runner.execute(migration, journal());
      assertThat(again.succeeded()).as(again.toString()).isTrue();
      assertThat(again.actedSteps()).as("a second run changes nothing").isEmpty();
    }
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private static void assertMigrated(LocalPatroniCluster cluster, PatroniRunbooks catalogue, Map<String, Files3> files)
      throws IOException {
    PatroniClient client = catalogue.client();
    assertThat(client.config().paused()).as("the cluster ends unpaused").isFalse();
    for (PatroniNode n : cluster.nodes()) {
      MemberStatus s = client.member(n.name()).status();
      assertThat(s.paused()).as(n.name() + " reports not paused").isFalse();
      assertThat(s.findPatroniVersion().map(PatroniVersion::toString)).as(n.name()).contains(NEW);
      assertThat(s.state().isRunning()).as(n.name() + " running").isTrue();
      Files3 f = java.util.Objects.requireNonNull(files.get(n.name()), n.name());
      assertThat(n.configFile()).as("its Patroni reads the moved file").isEqualTo(f.newConfig());
      assertThat(f.config()).doesNotExist();
      assertThat(f.newConfig()).exists();
      assertThat(Files.readString(f.unit())).isEqualTo(MigrationChild.unit(f.newConfig()).render());
    }
  }

  private void assertUnchanged(LocalPatroniCluster cluster, PatroniRunbooks catalogue, Map<String, Files3> files,
      Map<String, String> pids, HostAgent agent, Map<String, String> units) throws IOException {
    assertThat(agent.performed()).as("no host action").isEmpty();
    assertThat(catalogue.client().config().paused()).isFalse();
    assertThat(postmasterPids(cluster)).isEqualTo(pids);
    for (PatroniNode n : cluster.nodes()) {
      assertThat(catalogue.client().member(n.name()).status().findPatroniVersion().map(PatroniVersion::toString))
          .contains(OLD);
      Files3 f = java.util.Objects.requireNonNull(files.get(n.name()), n.name());
      assertThat(f.config()).exists();
      assertThat(f.newConfig()).doesNotExist();
      assertThat(Files.readString(f.unit())).isEqualTo(units.getOrDefault(n.name(), safeUnit(f.config())));
    }
  }

  /** Each member stopped, switched and moved exactly once (whatever the restarts of the runner). */
  private static boolean onceEach(List<String> performed) {
    Map<String, Long> counts = performed.stream().filter(a -> !a.startsWith("writeFile") && !a.startsWith("startPatroni"))
        .collect(Collectors.groupingBy(a -> a, TreeMap::new, Collectors.counting()));
    List<String> expected = new ArrayList<>();
    for (String m : List.of("pg1", "pg2", "pg3")) {
      expected.addAll(List.of("moveFile " + m, "stopPatroni " + m, "switchPatroniInstallation " + m));
    }
    return counts.keySet().equals(new java.util.TreeSet<>(expected)) && counts.values().stream().allMatch(c -> c == 1);
  }

  /**
   * For every member: a directory for the moved configuration (owned by the cluster's user, as a package creates it)
   * and a unit file in the test's directory (safe, reading the current configuration, unless {@code units} gives it).
   */
  private Map<String, Files3> prepare(LocalPatroniCluster cluster, Map<String, String> units) throws IOException {
    Map<String, Files3> out = new LinkedHashMap<>();
    for (PatroniNode n : cluster.nodes()) {
      Path etc = Files.createDirectories(n.directory().resolve("etc-patroni"));
      Files.setOwner(etc, Files.getOwner(n.directory()));
      Path unit = dir.resolve(n.name() + "-" + System.nanoTime() + ".service");
      Files.writeString(unit, units.getOrDefault(n.name(), safeUnit(n.configFile())));
      out.put(n.name(), new Files3(n.configFile(), etc.resolve("patroni.yml"), unit));
    }
    return out;
  }

  private static String safeUnit(Path config) {
    return SystemdUnit.newBuilder().configFile(config).build().render();
  }

  private static PackageMigrationOptions.Builder options(Map<String, Files3> files,
      PackageMigrationOptions.Strategy strategy) {
    PackageMigrationOptions.Builder b = PackageMigrationOptions.builder(PatroniVersion.parse(NEW)).strategy(strategy);
    files.forEach((m, f) -> b.member(PackageMigrationOptions.Member.of(m, f.config(), f.newConfig())
        .withUnit(f.unit(), MigrationChild.unit(f.newConfig()))));
    return b;
  }

  /** The first line of every member's {@code postmaster.pid}. */
  private static Map<String, String> postmasterPids(LocalPatroniCluster cluster) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (PatroniNode n : cluster.nodes()) {
      out.put(n.name(), Files.readAllLines(n.dataDir().resolve("postmaster.pid")).get(0).strip());
    }
    return out;
  }

  /** A write probe to whichever member is the primary, as an application with every member in its URL writes. */
  private static WriteProbe.Settings writeProbe(LocalPatroniCluster cluster) {
    String url = "jdbc:postgresql://" + cluster.nodes().stream().map(n -> "127.0.0.1:" + n.pgPort())
        .collect(Collectors.joining(",")) + "/postgres?targetServerType=primary&connectTimeout=2&socketTimeout=5"
        + "&loginTimeout=3";
    String user = cluster.superuser();
    String password = cluster.superuserPassword();
    return WriteProbe.settings(() -> DriverManager.getConnection(url, user, password));
  }

  private static long timeline(LocalPatroniCluster cluster) {
    return client(cluster).cluster().timeline().orElseThrow().id();
  }

  private static PlannedStep step(Plan plan, String id) {
    return plan.steps().stream().filter(s -> s.stepId().equals(id)).findFirst().orElseThrow();
  }

  private static PatroniClient client(LocalPatroniCluster cluster) {
    return PatroniClient.builder().members(cluster.nodes().stream().map(PatroniNode::restUrl).toList()).build();
  }

  private static PatroniRunbooks catalogue(LocalPatroniCluster cluster, HostAgent agent) {
    return PatroniRunbooks.builder(client(cluster)).scope(cluster.scope()).hostActions(HostAgent.client(agent.port()))
        .build();
  }

  private FileJournal journal() throws IOException {
    return FileJournal.at(Files.createTempFile(dir, "journal", ".jsonl"));
  }

  /** Runs the child until it prints its kill point (then SIGKILLs it) or its result; returns that line. */
  private static String runChild(LocalPatroniCluster cluster, HostAgent agent, Map<String, Files3> files, Path journal,
      String killPoint) throws Exception {
    List<String> command = ChildJvm.command(List.of(), MigrationChild.class, List.of(journal.toString(), killPoint,
        cluster.scope(), cluster.nodes().stream().map(n -> n.restUrl().toString()).collect(Collectors.joining(",")),
        String.valueOf(agent.port()), NEW));
    files.forEach((m, f) -> command.add(m + "|" + f.config() + "|" + f.newConfig() + "|" + f.unit()));
    return ChildJvm.run(command, Map.of(), line -> { });
  }
}
