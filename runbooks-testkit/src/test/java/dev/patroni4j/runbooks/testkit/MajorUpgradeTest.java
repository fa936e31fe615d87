package dev.patroni4j.runbooks.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.model.PatroniVersion;
import dev.patroni4j.config.PatroniConfig;
import dev.patroni4j.dcs.etcd.EtcdDcsClient;
import dev.patroni4j.runbooks.ExecuteOptions;
import dev.patroni4j.runbooks.FileJournal;
import dev.patroni4j.runbooks.RunbookEvent;
import dev.patroni4j.runbooks.RunbookListener;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.catalogue.Guardrails;
import dev.patroni4j.runbooks.catalogue.MajorUpgrade;
import dev.patroni4j.runbooks.catalogue.MajorUpgradeOptions;
import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
import dev.patroni4j.runbooks.host.HostActions;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The major upgrade with {@code pg_upgrade} on a real 3-member cluster, 15 to 15 (the only major version installed
 * here): every test upgrades from the layout the cluster has now to a new data directory per member. The cluster is
 * this class's own (its scope), since an upgrade changes its data directories and system identifier for good; no
 * reset between tests, each leaves the cluster streaming with every member.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MajorUpgradeTest {
  private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = LocalPatroniClusterExtension.of(LocalPatroniCluster.builder()
      .members(3).scope("p4j-major-upgrade")).withoutResetBeforeEach();

  private static EtcdDcsClient dcs;

  @TempDir Path dir;

  @BeforeAll
  static void dcs() throws SQLException {
    dcs = EtcdDcsClient.builder().endpoint(CLUSTER.cluster().etcdEndpoint()).build();
    try (Connection c = CLUSTER.cluster().connect(CLUSTER.cluster().leader()); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE accounts (id bigint PRIMARY KEY, owner text NOT NULL, balance numeric(12, 2))");
      s.execute("INSERT INTO accounts SELECT g, 'owner ' || g, g * 1.5 FROM generate_series(1, 20000) g");
      s.execute("CREATE INDEX accounts_owner ON accounts (owner)");
      s.execute("CREATE TABLE events (id bigserial PRIMARY KEY, payload jsonb, at timestamptz DEFAULT now())");
      s.execute("INSERT INTO events (payload) SELECT jsonb_build_object('n', g, 'tags', jsonb_build_array(g % 7))"
          + " FROM generate_series(1, 5000) g");
      s.execute("CREATE SCHEMA audit");
      s.execute("CREATE TABLE audit.log (line text)");
      s.execute("INSERT INTO audit.log SELECT md5(g::text) FROM generate_series(1, 3000) g");
    }
  }

  @AfterAll
  static void stopCluster() {
    dcs.close();
    LocalPatroniCluster cluster = CLUSTER.cluster();
    // unpaused, a stopping Patroni stops its PostgreSQL on whichever data directory it runs now
    cluster.nodes().forEach(n -> {
      if (n.isPatroniRunning()) {
        cluster.stopPatroni(n);
      }
    });
    cluster.close();
  }

  @Test
  @Order(1)
  void linkModeUpgradeKeepsEveryTableOnEveryMemberAndTheClusterStreamsOnTheNewSystem() throws Exception {
    long t0 = System.nanoTime();
    LocalPatroniCluster cluster = CLUSTER.cluster();
    MajorUpgradeOptions options = options(cluster, "u1", MajorUpgradeOptions.Mode.LINK).build();
    MajorUpgrade upgrade = MajorUpgrade.of(catalogue(cluster, LocalClusterHostActions.of(cluster)), options);
    Map<String, String> before = content(cluster, cluster.leader());
    String oldSystem = systemId(cluster, cluster.leader());

    RunbookResult rehearsal = upgrade.runner().build().execute(upgrade.rehearsal(), journal());
    assertThat(rehearsal).as(rehearsal.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(rehearsal.actedSteps()).isEmpty();
    assertThat(rehearsal.toString()).contains("pg_upgrade --link").contains("point of no return: start-primary");
    for (MajorUpgradeOptions.Layout l : options.members().values()) {
      assertThat(l.newDataDir()).as("the rehearsal creates no new data directory").doesNotExist();
    }

    String token = catalogue(cluster, LocalClusterHostActions.of(cluster)).identitySource().observe()
        .confirmationToken();
    long u0 = System.nanoTime();
    RunbookResult done = upgrade.runner().build().execute(upgrade.upgrade(), journal(),
        ExecuteOptions.defaults().confirmation(Confirmation.of(token)));
    double upgradeSeconds = (System.nanoTime() - u0) / 1e9;
    assertThat(done).as(done.toString()).isInstanceOf(RunbookResult.Succeeded.class);

    assertUpgraded(cluster, options, oldSystem, before);
    RunbookResult again = upgrade.runner().build().execute(upgrade.upgrade(), journal(),
        ExecuteOptions.defaults().confirmation(Confirmation.of(token)));
    assertThat(again).as(again.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(again.actedSteps()).as("a second run acts on nothing").isEmpty();
    System.out.printf("[MajorUpgradeTest] link-mode upgrade %.1f s (test %.1f s), tables %s%n", upgradeSeconds,
        (System.nanoTime() - t0) / 1e9, before.keySet());
  }

  @Test
  @Order(2)
  void aPgUpgradeFailingBeforeThePointOfNoReturnIsRolledBackToTheOldClusterWithItsData() throws Exception {
    long t0 = System.nanoTime();
    LocalPatroniCluster cluster = CLUSTER.cluster();
    MajorUpgradeOptions options = options(cluster, "u2", MajorUpgradeOptions.Mode.COPY).build();
    MajorUpgrade upgrade = MajorUpgrade.of(catalogue(cluster, LocalClusterHostActions.of(cluster)), options);
    Map<String, String> files = configTexts(cluster);
    String oldSystem = systemId(cluster, cluster.leader());
    String token = catalogue(cluster, LocalClusterHostActions.of(cluster)).identitySource().observe()
        .confirmationToken();
    // After the rehearsal passed: a column of a reg* type, which pg_upgrade cannot carry over, makes the real
    // pg_upgrade fail in its own checks, with the cluster stopped and the new data directory made.
    RunbookListener blocker = new RunbookListener() {
      @Override
      public void stepVerified(RunbookEvent.StepVerified e) {
        if (e.stepId().equals("pause")) {
          try (Connection c = cluster.connect(cluster.node(options.primary())); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE upgrade_blocker (f regproc)");
            s.execute("INSERT INTO upgrade_blocker VALUES ('now'::regproc)");
          } catch (SQLException ex) {
            throw new IllegalStateException(ex);
          }
        }
      }
    };
    Map<String, String> before;
    RunbookResult failed = upgrade.runner().listener(blocker).build().execute(upgrade.upgrade(), journal(),
        ExecuteOptions.defaults().confirmation(Confirmation.of(token)));
    assertThat(failed).as(failed.toString()).isInstanceOf(RunbookResult.Failed.class);
    RunbookResult.Failed f = (RunbookResult.Failed) failed;
    assertThat(f.stepId()).isEqualTo("pg-upgrade[" + options.primary() + "]");
    assertThat(f.reason()).contains("pg_upgrade on " + options.primary() + " failed").contains("reg*");
    assertThat(failed.actedSteps()).contains("initdb[" + options.primary() + "]")
        .doesNotContain("reset-dcs");

    long r0 = System.nanoTime();
    RunbookResult rolledBack = upgrade.runner().build().execute(upgrade.rollback(), journal(),
        ExecuteOptions.defaults().confirmation(Confirmation.of(token)));
    double rollbackSeconds = (System.nanoTime() - r0) / 1e9;
    assertThat(rolledBack).as(rolledBack.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(rolledBack.actedSteps()).contains("restore-dcs", "strip-pause[" + options.primary() + "]",
        "start-old-primary[" + options.primary() + "]", "discard-new[" + options.primary() + "]");

    PatroniClient client = client(cluster);
    assertThat(client.cluster().leader().name()).isEqualTo(options.primary());
    assertThat(client.config().paused()).isFalse();
    assertThat(dcs.snapshot(dev.patroni4j.client.dcs.ClusterRef.of("/service", cluster.scope()))
        .systemIdentifier()).contains(oldSystem);
    assertThat(configTexts(cluster)).as("every patroni.yml as before").isEqualTo(files);
    before = content(cluster, cluster.node(options.primary()));
    assertThat(before).containsKey("public.upgrade_blocker");
    for (PatroniNode n : cluster.nodes()) {
      assertThat(systemId(cluster, n)).as(n.name() + " runs the old system").isEqualTo(oldSystem);
      assertThat(awaitContent(cluster, n, before)).as("tables on " + n.name()).isEqualTo(before);
      assertThat(options.layout(n.name()).newDataDir()).as("no leftover of the new cluster")
          .satisfies(p -> assertThat(!Files.exists(p) || isEmpty(p)).isTrue());
    }
    assertThat(streamingReplicas(cluster, options.primary())).containsExactlyInAnyOrderElementsOf(
        options.members().keySet().stream().filter(m -> !m.equals(options.primary())).toList());
    try (Connection c = cluster.connect(cluster.node(options.primary())); Statement s = c.createStatement()) {
      s.execute("DROP TABLE upgrade_blocker");
    }
    System.out.printf("[MajorUpgradeTest] failed pg_upgrade + rollback: %.1f s (rollback %.1f s)%n",
        (System.nanoTime() - t0) / 1e9, rollbackSeconds);
  }

  @Test
  @Order(3)
  void aTransactionOpenLongerThanTheGuardrailAllowsRefusesTheUpgradeBeforeAnythingChanges() throws Exception {
    long t0 = System.nanoTime();
    LocalPatroniCluster cluster = CLUSTER.cluster();
    MajorUpgradeOptions options = options(cluster, "u3", MajorUpgradeOptions.Mode.LINK)
        .guardrails(Guardrails.builder().maxTransactionAge(Duration.ofSeconds(1)).build()).build();
    MajorUpgrade upgrade = MajorUpgrade.of(catalogue(cluster, LocalClusterHostActions.of(cluster)), options);
    Unchanged before = Unchanged.observe(cluster, options);
    String token = catalogue(cluster, LocalClusterHostActions.of(cluster)).identitySource().observe()
        .confirmationToken();
    RunbookResult refused;
    try (Connection c = cluster.connect(cluster.node(options.primary())); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("SELECT txid_current()");
      Thread.sleep(1500);
      refused = upgrade.runner().build().execute(upgrade.upgrade(), journal(),
          ExecuteOptions.defaults().confirmation(Confirmation.of(token)));
      c.rollback();
    }
    assertThat(refused).as(refused.toString()).isInstanceOf(RunbookResult.Refused.class);
    assertThat(((RunbookResult.Refused) refused).reason()).contains("transaction-age")
        .contains("on " + options.primary());
    assertThat(refused.actedSteps()).isEmpty();
    assertThat(Unchanged.observe(cluster, options)).as("nothing changed").isEqualTo(before);
    System.out.printf("[MajorUpgradeTest] long transaction refused: %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  @Test
  @Order(4)
  void aReplicaStoppedBeforeThePrimaryShutdownCheckpointIsRefusedWithEveryCheckpointAndRollbackRestartsTheCluster()
      throws Exception {
    long t0 = System.nanoTime();
    LocalPatroniCluster cluster = CLUSTER.cluster();
    MajorUpgradeOptions options = options(cluster, "u4", MajorUpgradeOptions.Mode.LINK).build();
    LocalClusterHostActions hosts = LocalClusterHostActions.of(cluster);
    MajorUpgrade upgrade = MajorUpgrade.of(catalogue(cluster, hosts), options);
    Unchanged before = Unchanged.observe(cluster, options);
    Map<String, String> content = content(cluster, cluster.node(options.primary()));
    String token = catalogue(cluster, hosts).identitySource().observe().confirmationToken();
    String unclean = options.members().keySet().stream().filter(m -> !m.equals(options.primary())).reduce((a, b) -> b)
        .orElseThrow();
    // While the cluster is paused: the replica's PostgreSQL stops before the primary's, which writes on
    RunbookListener stopEarly = new RunbookListener() {
      @Override
      public void stepVerified(RunbookEvent.StepVerified e) {
        if (e.stepId().equals("pause")) {
          HostActions.CommandResult r = hosts.run(unclean, List.of(BIN.resolve("pg_ctl").toString(), "stop", "-m",
              "fast", "-w", "-D", options.layout(unclean).oldDataDir().toString()));
          assertThat(r.succeeded()).as(r.stderr()).isTrue();
          try (Connection c = cluster.connect(cluster.node(options.primary())); Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
          } catch (SQLException ex) {
            throw new IllegalStateException(ex);
          }
        }
      }
    };
    RunbookResult refused = upgrade.runner().listener(stopEarly).build().execute(upgrade.upgrade(), journal(),
        ExecuteOptions.defaults().confirmation(Confirmation.of(token)));
    assertThat(refused).as(refused.toString()).isInstanceOf(RunbookResult.Refused.class);
    RunbookResult.Refused r = (RunbookResult.Refused) refused;
    assertThat(r.stepId()).isEqualTo("checkpoints");
    assertThat(r.reason()).contains("an unclean replica cannot be reused").contains(unclean + "'s latest checkpoint is at");
    assertThat(r.evidence().toString()).contains(options.primary()).contains(unclean).contains("shut down in recovery");
    assertThat(refused.actedSteps()).as("only pausing and stopping").allMatch(s -> s.equals("pause")
        || s.startsWith("stop-"));
    for (MajorUpgradeOptions.Layout l : options.members().values()) {
      assertThat(l.newDataDir()).as("no new data directory").doesNotExist();
    }
    assertThat(configTexts(cluster)).isEqualTo(before.files());
    assertThat(dcs.snapshot(dev.patroni4j.client.dcs.ClusterRef.of("/service", cluster.scope())).systemIdentifier())
        .contains(before.system());

    RunbookResult rolledBack = upgrade.runner().build().execute(upgrade.rollback(), journal(),
        ExecuteOptions.defaults().confirmation(Confirmation.of(token)));
    assertThat(rolledBack).as(rolledBack.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(Unchanged.observe(cluster, options)).as("the old cluster back as it was").isEqualTo(before);
    for (PatroniNode n : cluster.nodes()) {
      assertThat(awaitContent(cluster, n, content)).as("tables on " + n.name()).isEqualTo(content);
    }
    System.out.printf("[MajorUpgradeTest] checkpoint mismatch refused + rollback: %.1f s%n",
        (System.nanoTime() - t0) / 1e9);
  }

  @Test
  @Order(5)
  void anUpgradeKilledAtEveryStepBoundaryResumesWithoutRepeatingADestructiveStep() throws Exception {
    long t0 = System.nanoTime();
    LocalPatroniCluster cluster = CLUSTER.cluster();
    MajorUpgradeOptions options = options(cluster, "u5", MajorUpgradeOptions.Mode.COPY).build();
    CountingHosts hosts = new CountingHosts(LocalClusterHostActions.of(cluster));
    MajorUpgrade upgrade = MajorUpgrade.of(catalogue(cluster, hosts), options);
    Map<String, String> before = content(cluster, cluster.leader());
    String oldSystem = systemId(cluster, cluster.leader());
    String token = catalogue(cluster, hosts).identitySource().observe().confirmationToken();
    Path journal = Files.createTempFile(dir, "journal", ".jsonl");
    int crashes;
    try (HostAgent agent = HostAgent.serve(hosts)) {
      crashes = runKilledAtEveryBoundary(cluster, agent, options, token, journal);
    }
    assertThat(crashes).as("killed runs").isGreaterThanOrEqualTo(20);
    assertThat(hosts.commands(options.primary(), "pg_upgrade",
        "-D " + options.layout(options.primary()).newDataDir() + " ")).as("one pg_upgrade").isEqualTo(1);
    assertThat(hosts.commands(options.primary(), "initdb",
        "-D " + options.layout(options.primary()).newDataDir() + " "))
        .as("one initdb of the new data directory").isEqualTo(1);
    assertThat(hosts.starts).as("one Patroni start per member").containsExactlyInAnyOrderElementsOf(
        options.members().keySet());
    assertThat(hosts.stops).as("one Patroni stop per member").containsExactlyInAnyOrderElementsOf(
        options.members().keySet());
    assertUpgraded(cluster, options, oldSystem, before);
    RunbookResult again = upgrade.runner().build().execute(upgrade.upgrade(), journal(),
        ExecuteOptions.defaults().confirmation(Confirmation.of(token)));
    assertThat(again.actedSteps()).as("a second run acts on nothing").isEmpty();
    System.out.printf("[MajorUpgradeTest] copy-mode upgrade killed %d times: %.1f s%n", crashes,
        (System.nanoTime() - t0) / 1e9);
  }

  // ------------------------------------------------------------------ helpers

  /** What an upgrade changes, observed on a healthy cluster: files, system, leader, pause, streaming, new dirs. */
  private record Unchanged(Map<String, String> files, String system, String leader, boolean paused,
      List<String> streaming, List<Boolean> newDirs) {
    static Unchanged observe(LocalPatroniCluster cluster, MajorUpgradeOptions options) throws Exception {
      PatroniClient client = client(cluster);
      String leader = client.cluster().leader().name();
      List<String> streaming = new ArrayList<>(streamingReplicas(cluster, leader));
      streaming.sort(null);
      List<Boolean> dirs = options.members().values().stream().map(l -> Files.exists(l.newDataDir())).toList();
      return new Unchanged(configTexts(cluster), dcs.snapshot(dev.patroni4j.client.dcs.ClusterRef.of("/service",
          cluster.scope())).systemIdentifier().orElse(""), leader, client.config().paused(), streaming, dirs);
    }
  }

  /** Host actions that count Patroni stops and starts and the commands run, delegating everything. */
  private static final class CountingHosts implements HostActions {
    private final HostActions hosts;
    final List<String> starts = new CopyOnWriteArrayList<>();
    final List<String> stops = new CopyOnWriteArrayList<>();
    final List<String> commands = new CopyOnWriteArrayList<>();

    CountingHosts(HostActions hosts) {
      this.hosts = hosts;
    }

    /** Commands run on {@code member} whose program ends with {@code tool} and whose arguments contain {@code text}. */
    long commands(String member, String tool, String text) {
      return commands.stream().filter(c -> c.startsWith(member + " "))
          .filter(c -> java.util.Arrays.stream(c.split(" ", -1)).anyMatch(a -> a.endsWith("/" + tool)))
          .filter(c -> (c + " ").contains(text)).count();
    }

    @Override public void stopPatroni(String member) {
      stops.add(member);
      hosts.stopPatroni(member);
    }
    @Override public void startPatroni(String member) {
      starts.add(member);
      hosts.startPatroni(member);
    }
    @Override public void switchPatroniInstallation(String member, PatroniVersion version) {
      hosts.switchPatroniInstallation(member, version);
    }
    @Override public void stopPostgres(String member) { hosts.stopPostgres(member); }
    @Override public void moveFile(String member, Path from, Path to) { hosts.moveFile(member, from, to); }
    @Override public void writeFile(String member, Path path, byte[] content) {
      hosts.writeFile(member, path, content);
    }
    @Override public Optional<String> readFile(String member, Path path) { return hosts.readFile(member, path); }
    @Override public void wipeDataDirectory(String member, Path dataDirectory, Confirmation confirmation) {
      hosts.wipeDataDirectory(member, dataDirectory, confirmation);
    }
    @Override public CommandResult run(String member, List<String> command) {
      commands.add(member + " " + String.join(" ", command));
      return hosts.run(member, command);
    }
  }

  /**
   * Runs the upgrade on one journal in child JVMs ({@link UpgradeChild}), the n-th SIGKILLed at its n-th step boundary
   * (a step skipped, acted or verified), until one completes; returns the number of killed children.
   */
  private static int runKilledAtEveryBoundary(LocalPatroniCluster cluster, HostAgent agent,
      MajorUpgradeOptions options, String token, Path journal) throws Exception {
    for (int attempt = 1; attempt < 120; attempt++) {
      String last = runChild(cluster, agent, options, token, journal, attempt);
      if (last.startsWith("RESULT ")) {
        assertThat(last).startsWith("RESULT Succeeded");
        return attempt - 1;
      }
      assertThat(last).isEqualTo("KILLPOINT " + attempt);
    }
    throw new AssertionError("the runbook never completed");
  }

  /** Runs the child until it prints its kill point (then SIGKILLs it) or its result; returns that line. */
  private static String runChild(LocalPatroniCluster cluster, HostAgent agent, MajorUpgradeOptions options,
      String token, Path journal, int killAt) throws Exception {
    List<String> command = ChildJvm.command(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), UpgradeChild.class,
        List.of(journal.toString(), String.valueOf(killAt), cluster.scope(),
        String.join(",", cluster.nodes().stream().map(n -> n.restUrl().toString()).toList()),
        String.valueOf(agent.port()), cluster.etcdEndpoint().toString(), cluster.superuser(), token,
        options.primary(), options.oldBinDir().toString(), options.newBinDir().toString(), options.mode().name(),
        String.valueOf(options.port()), options.memberTimeout().toString()));
    options.members().forEach((name, l) -> command.add(String.join("|", name, l.configFile().toString(),
        l.oldDataDir().toString(), l.newDataDir().toString())));
    return ChildJvm.run(command, Map.of(UpgradeChild.PASSWORD_VARIABLE, cluster.superuserPassword()), line -> { });
  }

  private static void assertUpgraded(LocalPatroniCluster cluster, MajorUpgradeOptions options, String oldSystem,
      Map<String, String> before) throws Exception {
    PatroniClient client = client(cluster);
    assertThat(client.cluster().leader().name()).isEqualTo(options.primary());
    assertThat(client.config().paused()).isFalse();
    String newSystem = systemId(cluster, cluster.node(options.primary()));
    assertThat(newSystem).isNotEqualTo(oldSystem);
    assertThat(dcs.snapshot(dev.patroni4j.client.dcs.ClusterRef.of("/service", cluster.scope())).systemIdentifier())
        .as("the DCS holds the new system").contains(newSystem);
    for (PatroniNode n : cluster.nodes()) {
      MajorUpgradeOptions.Layout l = options.layout(n.name());
      PatroniConfig.Postgresql pg = PatroniConfig.parse(Files.readString(n.configFile()), n.configFile().toString())
          .postgresql();
      assertThat(pg.dataDir()).contains(l.newDataDir().toString());
      assertThat(systemId(cluster, n)).as(n.name() + " runs the new system").isEqualTo(newSystem);
      try (Connection c = cluster.connect(n); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT current_setting('data_directory')")) {
        rs.next();
        assertThat(Path.of(rs.getString(1))).isEqualTo(l.newDataDir());
      }
      assertThat(awaitContent(cluster, n, before)).as("tables on " + n.name()).isEqualTo(before);
    }
    assertThat(streamingReplicas(cluster, options.primary())).containsExactlyInAnyOrderElementsOf(
        options.members().keySet().stream().filter(m -> !m.equals(options.primary())).toList());
  }

  /** From the data directories the members' patroni.yml name now to {@code <node dir>/data-<tag>}. */
  private static MajorUpgradeOptions.Builder options(LocalPatroniCluster cluster, String tag,
      MajorUpgradeOptions.Mode mode) throws IOException {
    MajorUpgradeOptions.Builder b = MajorUpgradeOptions.builder(cluster.leader().name(), BIN, BIN).mode(mode)
        .port(freePort()).memberTimeout(Duration.ofMinutes(2));
    for (PatroniNode n : cluster.nodes()) {
      String dataDir = PatroniConfig.parse(Files.readString(n.configFile()), n.configFile().toString()).postgresql()
          .dataDir().orElseThrow();
      b.member(n.name(), n.configFile(), Path.of(dataDir), n.directory().resolve("data-" + tag));
    }
    return b;
  }

  /** Per table (every user table): its row count and the md5 of its rows in order. */
  private static Map<String, String> content(LocalPatroniCluster cluster, PatroniNode node) throws SQLException {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = cluster.connect(node); Statement s = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT format('%I.%I', schemaname, tablename) FROM pg_tables"
          + " WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String t : tables) {
        try (ResultSet rs = s.executeQuery("SELECT count(*), coalesce(md5(string_agg(x::text, E'\\n' ORDER BY"
            + " x::text)), '-') FROM " + t + " x")) {
          rs.next();
          out.put(t, rs.getLong(1) + " rows, md5 " + rs.getString(2));
        }
      }
    }
    return out;
  }

  /** A replica's content once it replayed up to the expected tables (a fresh clone may be a moment behind). */
  private static Map<String, String> awaitContent(LocalPatroniCluster cluster, PatroniNode node,
      Map<String, String> expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Map<String, String> now = content(cluster, node);
    while (!now.equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      now = content(cluster, node);
    }
    return now;
  }

  private static String systemId(LocalPatroniCluster cluster, PatroniNode node) throws SQLException {
    try (Connection c = cluster.connect(node); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT system_identifier::text FROM pg_control_system()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static List<String> streamingReplicas(LocalPatroniCluster cluster, String leader) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      List<String> names = new ArrayList<>();
      try (Connection c = cluster.connect(cluster.node(leader)); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'")) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
      if (names.size() == cluster.nodes().size() - 1 || System.nanoTime() > deadline) {
        return names;
      }
      Thread.sleep(200);
    }
  }

  private static Map<String, String> configTexts(LocalPatroniCluster cluster) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (PatroniNode n : cluster.nodes()) {
      out.put(n.name(), Files.readString(n.configFile()));
    }
    return out;
  }

  private static boolean isEmpty(Path dir) {
    try (var s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static PatroniRunbooks catalogue(LocalPatroniCluster cluster, HostActions hosts) {
    String user = cluster.superuser();
    String password = cluster.superuserPassword();
    return PatroniRunbooks.builder(client(cluster)).scope(cluster.scope())
        .postgres((member, host, port) -> DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port
            + "/postgres?connectTimeout=5&socketTimeout=60", user, password))
        .dcs(dcs)
        .hostActions(hosts)
        .build();
  }

  private static PatroniClient client(LocalPatroniCluster cluster) {
    return PatroniClient.builder().members(cluster.nodes().stream().map(PatroniNode::restUrl).toList()).build();
  }

  private FileJournal journal() throws IOException {
    return FileJournal.at(Files.createTempFile(dir, "journal", ".jsonl"));
  }
}
