package dev.patroni4j.runbooks.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.ConfigPatch;
import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.Outcome;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.SwitchoverRequest;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.PatroniVersion;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.dcs.etcd.EtcdDcsClient;
import dev.patroni4j.runbooks.ClusterIdentity;
import dev.patroni4j.runbooks.ExecuteOptions;
import dev.patroni4j.runbooks.FileJournal;
import dev.patroni4j.runbooks.Journal;
import dev.patroni4j.runbooks.Runbook;
import dev.patroni4j.runbooks.RunbookEvent;
import dev.patroni4j.runbooks.RunbookListener;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.catalogue.BlueGreen;
import dev.patroni4j.runbooks.catalogue.DeploymentMark;
import dev.patroni4j.runbooks.catalogue.FreezeOptions;
import dev.patroni4j.runbooks.catalogue.FreezeProgress;
import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
import dev.patroni4j.runbooks.host.HostActions;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blue-green deployments on a real 3-member cluster: freeze pg2 in each mode, write after the mark, then commit (pg2
 * catches up and is a candidate again) or roll back (rows before the mark kept, rows after it gone, on every member);
 * a freeze of a replica that does not qualify (lagging, the synchronous standby) is refused before anything changes.
 */
class BlueGreenTest {
  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = LocalPatroniClusterExtension.of(LocalPatroniCluster.builder()
      .members(3));

  private static EtcdDcsClient dcs;

  @TempDir Path dir;

  @BeforeAll
  static void dcs() {
    dcs = EtcdDcsClient.builder().endpoint(CLUSTER.cluster().etcdEndpoint()).build();
  }

  @AfterAll
  static void closeDcs() {
    dcs.close();
  }

  @Test
  void pausedFreezeHoldsReplayWhileWalArrivesAndCommitCatchesUpToACandidateAfterWhichTheMarkCannotBeRolledBackTo()
      throws Exception {
    long t0 = System.nanoTime();
    LocalPatroniCluster cluster = CLUSTER.cluster();
    BlueGreen blueGreen = blueGreen(cluster);
    createTable(cluster, "bg_commit", 50);
    RunbookResult leaderRefused = blueGreen.runner().build().execute(blueGreen.freeze(
        FreezeOptions.builder(FreezeOptions.Mode.PAUSE_CLUSTER).replica("pg1").build()), journal());
    assertThat(leaderRefused).as(leaderRefused.toString()).isInstanceOf(RunbookResult.Refused.class);
    assertThat(leaderRefused.actedSteps()).isEmpty();

    RunbookResult frozen = blueGreen.runner().build().execute(blueGreen.freeze(
        FreezeOptions.builder(FreezeOptions.Mode.PAUSE_CLUSTER).replica("pg2").build()), journal());
    assertThat(frozen).as(frozen.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    DeploymentMark mark = DeploymentMark.from(frozen);
    assertThat(mark.replica()).isEqualTo("pg2");
    assertThat(mark.leader()).isEqualTo("pg1");
    insert(cluster, "bg_commit", 51, 150);

    FreezeProgress during = awaitReceived(blueGreen, mark);
    assertThat(during.replayPaused()).isTrue();
    assertThat(during.replayLagBytes()).as(during.describe()).isPositive();
    assertThat(during.replayed()).isLessThanOrEqualTo(mark.lsn());
    Member pg2 = client(cluster).cluster().member("pg2");
    System.out.println("[BlueGreenTest] frozen: " + during.describe() + "; Patroni's lag for pg2: " + pg2.lag());
    assertThat(rowCount(cluster, cluster.node("pg2"), "bg_commit")).as("pg2 applies nothing while frozen")
        .isEqualTo(50);

    RunbookResult pausedAgain = blueGreen.runner().build().execute(blueGreen.freeze(
        FreezeOptions.builder(FreezeOptions.Mode.PAUSE_CLUSTER).replica("pg2").build()), journal());
    assertThat(pausedAgain).as("pg2's replay is paused already").isInstanceOf(RunbookResult.Refused.class);
    assertThat(((RunbookResult.Refused) pausedAgain).reason()).contains("replay paused already");

    RunbookResult committed = blueGreen.runner().build().execute(blueGreen.commit(mark), journal());
    assertThat(committed).as(committed.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(committed.actedSteps()).containsExactly("resume-replay", "resume");
    assertThat(rowCount(cluster, cluster.node("pg2"), "bg_commit")).isEqualTo(150);
    assertThat(client(cluster).config().paused()).isFalse();
    assertThat(client(cluster).cluster().member("pg2").tags().noFailover()).isFalse();

    RunbookResult committedAgain = blueGreen.runner().build().execute(blueGreen.commit(mark), journal());
    assertThat(committedAgain.succeeded()).as(committedAgain.toString()).isTrue();
    assertThat(committedAgain.actedSteps()).isEmpty();

    ClusterIdentity identity = catalogue(cluster).identitySource().observe();
    RunbookResult stale = blueGreen.runner().build().execute(blueGreen.rollback(mark), journal(),
        ExecuteOptions.defaults().confirmation(Confirmation.of(identity.confirmationToken())));
    assertThat(stale).as(stale.toString()).isInstanceOf(RunbookResult.Refused.class);
    assertThat(((RunbookResult.Refused) stale).reason()).contains("the mark is older than the WAL pg2 applied");
    assertThat(stale.actedSteps()).isEmpty();
    assertThat(cluster.leader().name()).isEqualTo("pg1");
    System.out.printf("[BlueGreenTest] paused freeze + commit: %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  @Test
  void pausedRollbackKilledAtEveryStepBoundaryKeepsEveryRowAcknowledgedBeforeTheMarkAndNoneAfterOnEveryMember()
      throws Exception {
    long t0 = System.nanoTime();
    LocalPatroniCluster cluster = CLUSTER.cluster();
    BlueGreen blueGreen = blueGreen(cluster);
    AtomicReference<Set<Long>> beforeMark = new AtomicReference<>();
    AtomicReference<Set<Long>> atMark = new AtomicReference<>();
    DeploymentMark mark;
    Set<Long> acknowledged;
    Set<Long> kept;
    Set<Long> marked;
    try (Writer writer = Writer.start(cluster, "bg_writer")) {
      writer.awaitRows(100);
      RunbookListener marks = new RunbookListener() {
        @Override
        public void stepStarted(RunbookEvent.StepStarted e) {
          if (e.stepId().equals("mark")) {
            beforeMark.set(writer.acknowledged());
          }
        }

        @Override
        public void stepActed(RunbookEvent.StepActed e) {
          if (e.stepId().equals("mark")) {
            atMark.set(writer.acknowledged());
          }
        }
      };
      RunbookResult frozen = blueGreen.runner().listener(marks).build().execute(blueGreen.freeze(
          FreezeOptions.builder(FreezeOptions.Mode.PAUSE_CLUSTER).build()), journal());
      assertThat(frozen).as(frozen.toString()).isInstanceOf(RunbookResult.Succeeded.class);
      mark = DeploymentMark.from(frozen);
      kept = java.util.Objects.requireNonNull(beforeMark.get());
      marked = java.util.Objects.requireNonNull(atMark.get());
      writer.awaitRows(marked.size() + 200); // the deployment writes
      Writer.Report report = writer.stop();
      assertThat(report.missing()).isEmpty();
      acknowledged = writer.acknowledged();
    }
    Set<Long> afterMark = new HashSet<>(acknowledged);
    afterMark.removeAll(marked);
    assertThat(afterMark).hasSizeGreaterThanOrEqualTo(200);

    Runbook rollback = blueGreen.rollback(mark);
    RunbookResult noToken = blueGreen.runner().build().execute(rollback, journal());
    assertThat(noToken).as(noToken.toString()).isInstanceOf(RunbookResult.Refused.class);
    assertThat(((RunbookResult.Refused) noToken).reason()).contains("confirmation");
    ClusterIdentity identity = catalogue(cluster).identitySource().observe();
    String otherLeader = identity.scope() + ":" + identity.systemIdentifier() + ":pg3";
    RunbookResult wrongLeader = blueGreen.runner().build().execute(rollback, journal(),
        ExecuteOptions.defaults().confirmation(Confirmation.of(otherLeader)));
    assertThat(wrongLeader).as(wrongLeader.toString()).isInstanceOf(RunbookResult.Refused.class);
    assertThat(wrongLeader.actedSteps()).isEmpty();
    assertThat(blueGreen.progress(mark).replayPaused()).as("nothing changed").isTrue();
    assertThat(cluster.leader().name()).isEqualTo("pg1");

    long r0 = System.nanoTime();
    Journal journal = journal();
    CountingHosts hosts = new CountingHosts(LocalClusterHostActions.of(cluster));
    BlueGreen counted = blueGreen(cluster, hosts);
    int crashes = runCrashingAtEveryBoundary(counted, counted.rollback(mark), journal,
        ExecuteOptions.defaults().confirmation(Confirmation.of(identity.confirmationToken())));
    double rollbackSeconds = (System.nanoTime() - r0) / 1e9;
    assertThat(crashes).as("killed runs").isGreaterThanOrEqualTo(10);
    assertThat(countRecoveries(cluster.node("pg2"), mark)).as("one recovery to the mark").isEqualTo(1);
    assertThat(hosts.recoveryStarts.get()).as("pg_ctl start of the recovery").isEqualTo(1);
    assertThat(hosts.wipes).as("one wipe of each other member").containsExactlyInAnyOrder("pg1", "pg3");

    assertRolledBack(cluster, mark, "bg_writer", kept, afterMark);
    RunbookResult again = blueGreen.runner().build().execute(blueGreen.rollback(mark), journal());
    assertThat(again.succeeded()).as(again.toString()).isTrue();
    assertThat(again.actedSteps()).as("a second rollback acts on nothing").isEmpty();
    System.out.printf("[BlueGreenTest] paused rollback killed %d times: %.1f s (rollback %.1f s), %d rows before"
        + " the mark kept, %d after it discarded%n", crashes, (System.nanoTime() - t0) / 1e9, rollbackSeconds,
        kept.size(), afterMark.size());
  }

  @Test
  void managedFreezeTagsTheReplicaSoItCannotBePromotedAndRollbackRestoresTheMarkOnEveryMember() throws Exception {
    long t0 = System.nanoTime();
    LocalPatroniCluster cluster = CLUSTER.cluster();
    BlueGreen blueGreen = blueGreen(cluster);
    String original = Files.readString(cluster.node("pg2").configFile());
    createTable(cluster, "bg_managed", 100);
    RunbookResult frozen = blueGreen.runner().build().execute(blueGreen.freeze(
        FreezeOptions.builder(FreezeOptions.Mode.MANAGED).replica("pg2").build()), journal());
    assertThat(frozen).as(frozen.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    DeploymentMark mark = DeploymentMark.from(frozen);
    insert(cluster, "bg_managed", 101, 300);
    assertThat(client(cluster).config().paused()).as("the cluster stays managed").isFalse();
    assertThat(client(cluster).cluster().member("pg2").tags().noFailover()).isTrue();
    Outcome toFrozen = client(cluster).switchover(SwitchoverRequest.from("pg1").to("pg2"));
    assertThat(toFrozen.kind()).as(toFrozen.toString()).isEqualTo(Outcome.Kind.REFUSED);
    FreezeProgress during = awaitReceived(blueGreen, mark);
    assertThat(during.applyDelay()).isEqualTo(java.time.Duration.ofHours(12));
    assertThat(during.replayLagBytes()).isPositive();
    assertThat(rowCount(cluster, cluster.node("pg2"), "bg_managed")).isEqualTo(100);

    RunbookResult taggedAgain = blueGreen.runner().build().execute(blueGreen.freeze(
        FreezeOptions.builder(FreezeOptions.Mode.MANAGED).replica("pg2").build()), journal());
    assertThat(taggedAgain).isInstanceOf(RunbookResult.Refused.class);
    assertThat(((RunbookResult.Refused) taggedAgain).reason()).contains("tagged nofailover already");

    long r0 = System.nanoTime();
    ClusterIdentity identity = catalogue(cluster).identitySource().observe();
    RunbookResult rolledBack = blueGreen.runner().build().execute(blueGreen.rollback(mark), journal(),
        ExecuteOptions.defaults().confirmation(Confirmation.of(identity.confirmationToken())));
    double rollbackSeconds = (System.nanoTime() - r0) / 1e9;
    assertThat(rolledBack).as(rolledBack.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertRolledBack(cluster, mark, "bg_managed", ids(1, 100), ids(101, 300));
    assertThat(Files.readString(cluster.node("pg2").configFile())).as("the freeze is gone from pg2's patroni.yml")
        .isEqualTo(original);
    assertThat(client(cluster).cluster().member("pg2").tags().noFailover()).isFalse();
    System.out.printf("[BlueGreenTest] managed freeze + rollback: %.1f s (rollback %.1f s)%n",
        (System.nanoTime() - t0) / 1e9, rollbackSeconds);
  }

  @Test
  void freezeOfAReplicaLaggingBeyondTheLimitIsRefusedAndWithEveryReplicaLaggingSoIsAFreezeNamingNone()
      throws Exception {
    long t0 = System.nanoTime();
    LocalPatroniCluster cluster = CLUSTER.cluster();
    BlueGreen blueGreen = blueGreen(cluster);
    PatroniClient client = client(cluster);
    long limit = 1L << 20;
    List<Long> receivers = List.of(walReceiver(cluster, "pg2"), walReceiver(cluster, "pg3"));
    try {
      signal("STOP", receivers); // they stop receiving; their Patroni keeps reporting the position
      try (Connection c = cluster.connect(cluster.leader()); Statement s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS bg_lag");
        s.execute("CREATE TABLE bg_lag AS SELECT repeat('x', 1000) AS x FROM generate_series(1, 4000)");
      }
      client.waitUntil(ClusterCondition.of("Patroni reports pg2 and pg3 lagging more than " + limit + " bytes",
          o -> o.view().replicas().size() == 2 && o.view().replicas().stream().noneMatch(m -> m.lag().isAtMost(limit))),
          Duration.ofSeconds(30));
      Unfrozen before = Unfrozen.observe(cluster);

      RunbookResult named = blueGreen.runner().build().execute(blueGreen.freeze(
          FreezeOptions.builder(FreezeOptions.Mode.PAUSE_CLUSTER).replica("pg3").maxLagBytes(limit).build()), journal());
      assertThat(named).as(named.toString()).isInstanceOf(RunbookResult.Refused.class);
      assertThat(((RunbookResult.Refused) named).reason()).startsWith("pg3 does not qualify for the freeze: it lags ")
          .endsWith(" bytes, more than " + limit);
      assertThat(named.actedSteps()).isEmpty();

      RunbookResult unnamed = blueGreen.runner().build().execute(blueGreen.freeze(
          FreezeOptions.builder(FreezeOptions.Mode.MANAGED).maxLagBytes(limit).build()), journal());
      assertThat(unnamed).as(unnamed.toString()).isInstanceOf(RunbookResult.Refused.class);
      assertThat(((RunbookResult.Refused) unnamed).reason()).startsWith("no replica qualifies for the freeze: ")
          .containsPattern("pg2 lags [0-9]+ bytes, more than " + limit)
          .containsPattern("pg3 lags [0-9]+ bytes, more than " + limit);
      assertThat(unnamed.actedSteps()).isEmpty();
      assertThat(Unfrozen.observe(cluster)).as("nothing changed").isEqualTo(before);
    } finally {
      signal("CONT", receivers);
    }
    client.waitUntil(Conditions.allCaughtUp(List.of("pg1", "pg2", "pg3")), Duration.ofSeconds(60));
    System.out.printf("[BlueGreenTest] lagging replicas refused: %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  @Test
  void freezeOfTheSynchronousStandbyIsRefusedWhileSynchronousModeIsOn() throws Exception {
    long t0 = System.nanoTime();
    LocalPatroniCluster cluster = CLUSTER.cluster();
    BlueGreen blueGreen = blueGreen(cluster);
    PatroniClient client = client(cluster);
    assertThat(client.patchConfig(ConfigPatch.builder().set("synchronous_mode", true).build()).kind())
        .isEqualTo(Outcome.Kind.DONE);
    try {
      String standby = client.waitUntil(ClusterCondition.of("a synchronous standby", o -> o.view().members().stream()
          .anyMatch(m -> m.role().is(Role.Kind.SYNC_STANDBY))), Duration.ofSeconds(30)).view().members().stream()
          .filter(m -> m.role().is(Role.Kind.SYNC_STANDBY)).findFirst().orElseThrow().name();
      Unfrozen before = Unfrozen.observe(cluster);

      RunbookResult refused = blueGreen.runner().build().execute(blueGreen.freeze(
          FreezeOptions.builder(FreezeOptions.Mode.PAUSE_CLUSTER).replica(standby).build()), journal());
      assertThat(refused).as(refused.toString()).isInstanceOf(RunbookResult.Refused.class);
      assertThat(((RunbookResult.Refused) refused).reason()).isEqualTo(standby
          + " does not qualify for the freeze: it is the synchronous standby (synchronous mode is on)");
      assertThat(refused.actedSteps()).isEmpty();
      assertThat(Unfrozen.observe(cluster)).as("nothing changed").isEqualTo(before);
    } finally {
      assertThat(client.patchConfig(ConfigPatch.builder().remove("synchronous_mode").build()).kind())
          .isEqualTo(Outcome.Kind.DONE);
      client.waitUntil(ClusterCondition.of("synchronous mode off and no synchronous standby",
          o -> client.config().synchronousMode().isEmpty()
              && o.view().members().stream().noneMatch(m -> m.role().is(Role.Kind.SYNC_STANDBY))),
          Duration.ofSeconds(30));
    }
    System.out.printf("[BlueGreenTest] synchronous standby refused: %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  // ------------------------------------------------------------------ helpers

  /**
   * What a freeze changes, observed: the dynamic configuration, each member's {@code patroni.yml}, its tag
   * against failover and (replicas) whether its replay is paused; constructed only when nothing is frozen.
   */
  private record Unfrozen(Map<String, Object> config, Map<String, String> files, Map<String, Boolean> noFailover,
      Map<String, Boolean> replayPaused) {
    static Unfrozen observe(LocalPatroniCluster cluster) throws Exception {
      PatroniClient client = client(cluster);
      var config = client.config();
      assertThat(config.paused()).as("the cluster is paused").isFalse();
      Map<String, String> files = new LinkedHashMap<>();
      Map<String, Boolean> noFailover = new LinkedHashMap<>();
      Map<String, Boolean> replayPaused = new LinkedHashMap<>();
      for (Member m : client.cluster().members()) {
        PatroniNode n = cluster.node(m.name());
        files.put(m.name(), Files.readString(n.configFile()));
        noFailover.put(m.name(), m.tags().noFailover());
        if (!m.isLeader()) {
          try (Connection c = cluster.connect(n); Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT pg_is_wal_replay_paused()")) {
            rs.next();
            replayPaused.put(m.name(), rs.getBoolean(1));
          }
        }
      }
      assertThat(noFailover).as("nofailover tags").doesNotContainValue(true);
      assertThat(replayPaused).as("paused replays").hasSize(2).doesNotContainValue(true);
      return new Unfrozen(config.values(), files, noFailover, replayPaused);
    }
  }

  private static long walReceiver(LocalPatroniCluster cluster, String member) throws SQLException {
    try (Connection c = cluster.connect(cluster.node(member)); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_wal_receiver")) {
      assertThat(rs.next()).as(member + " has a WAL receiver").isTrue();
      return rs.getLong(1);
    }
  }

  private static void signal(String signal, List<Long> pids) throws IOException, InterruptedException {
    for (long pid : pids) {
      Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor()).as("kill -" + signal + " " + pid + ": " + out).isZero();
    }
  }

  /** Every member holds exactly the rows before the mark, pg2 leads on a newer timeline and only it takes writes. */
  private static void assertRolledBack(LocalPatroniCluster cluster, DeploymentMark mark, String table,
      Set<Long> kept, Set<Long> discarded) throws Exception {
    PatroniClient client = client(cluster);
    assertThat(client.cluster().leader().name()).isEqualTo("pg2");
    assertThat(client.cluster().timeline().orElseThrow().id()).isGreaterThan(mark.timeline().id());
    assertThat(client.config().paused()).isFalse();
    for (PatroniNode n : cluster.nodes()) {
      Set<Long> rows = awaitRows(cluster, n, table, kept);
      assertThat(rows).as("rows before the mark on " + n.name()).containsAll(kept);
      assertThat(rows).as("rows after the mark on " + n.name()).doesNotContainAnyElementsOf(discarded);
    }
  }

  private static Set<Long> awaitRows(LocalPatroniCluster cluster, PatroniNode node, String table, Set<Long> kept)
      throws Exception {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    while (true) {
      Set<Long> rows = new HashSet<>();
      try (Connection c = cluster.connect(node); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT id FROM " + table)) {
        while (rs.next()) {
          rows.add(rs.getLong(1));
        }
      }
      if (rows.containsAll(kept) || System.nanoTime() > deadline) {
        return rows;
      }
      Thread.sleep(200);
    }
  }

  /** Waits until the frozen replica received the mark (and what was written after it). */
  private static FreezeProgress awaitReceived(BlueGreen blueGreen, DeploymentMark mark)
      throws Exception {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
    FreezeProgress p = blueGreen.progress(mark);
    while (p.received().compareTo(mark.lsn()) <= 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      p = blueGreen.progress(mark);
    }
    return p;
  }

  /** How often the member's rollback log says its recovery stopped at the mark. */
  private static long countRecoveries(PatroniNode node, DeploymentMark mark) throws IOException {
    Path log = node.dataDir().resolveSibling(node.dataDir().getFileName() + "-rollback.log");
    String stopped = "recovery stopping after commit of transaction " + mark.shortXid() + ",";
    try (var lines = Files.lines(log)) {
      return lines.filter(l -> l.contains(stopped)).count();
    }
  }

  /** Host actions that count the recovery's {@code pg_ctl start} and the wipes, delegating everything. */
  private static final class CountingHosts implements HostActions {
    private final HostActions hosts;
    final AtomicInteger recoveryStarts = new AtomicInteger();
    final java.util.List<String> wipes = new java.util.concurrent.CopyOnWriteArrayList<>();

    CountingHosts(HostActions hosts) {
      this.hosts = hosts;
    }

    @Override public void stopPatroni(String member) { hosts.stopPatroni(member); }
    @Override public void startPatroni(String member) { hosts.startPatroni(member); }
    @Override public void switchPatroniInstallation(String member, PatroniVersion version) {
      hosts.switchPatroniInstallation(member, version);
    }
    @Override public void stopPostgres(String member) { hosts.stopPostgres(member); }
    @Override public void moveFile(String member, Path from, Path to) { hosts.moveFile(member, from, to); }
    @Override public void writeFile(String member, Path path, byte[] content) {
      hosts.writeFile(member, path, content);
    }
    @Override public Optional<String> readFile(String member, Path path) { return hosts.readFile(member, path); }

    @Override
    public void wipeDataDirectory(String member, Path dataDirectory, Confirmation confirmation) {
      wipes.add(member);
      hosts.wipeDataDirectory(member, dataDirectory, confirmation);
    }

    @Override
    public CommandResult run(String member, java.util.List<String> command) {
      if (command.size() > 1 && command.get(0).endsWith("pg_ctl") && command.get(1).equals("start")) {
        recoveryStarts.incrementAndGet();
      }
      return hosts.run(member, command);
    }
  }

  /** Stands in for SIGKILL of the runner: an Error thrown at a step boundary, which nothing after it journals. */
  private static final class Killed extends Error {
    private static final long serialVersionUID = 1L;
  }

  /**
   * Runs {@code runbook} on one journal, the n-th attempt killed at its n-th step boundary (a step skipped, acted or
   * verified), until an attempt completes; returns the number of killed attempts.
   */
  private static int runCrashingAtEveryBoundary(BlueGreen blueGreen, Runbook runbook, Journal journal,
      ExecuteOptions options) {
    for (int attempt = 1; attempt < 80; attempt++) {
      AtomicInteger boundaries = new AtomicInteger();
      int killAt = attempt;
      RunbookListener killer = new RunbookListener() {
        private void boundary() {
          if (boundaries.incrementAndGet() == killAt) {
            throw new Killed();
          }
        }

        @Override public void stepSkipped(RunbookEvent.StepSkipped e) { boundary(); }
        @Override public void stepActed(RunbookEvent.StepActed e) { boundary(); }
        @Override public void stepVerified(RunbookEvent.StepVerified e) { boundary(); }
      };
      try {
        RunbookResult r = blueGreen.runner().listener(killer).build().execute(runbook, journal, options);
        assertThat(r).as(r.toString()).isInstanceOf(RunbookResult.Succeeded.class);
        return attempt - 1;
      } catch (Killed expected) {
        // resumed by the next attempt on the same journal
      }
    }
    throw new AssertionError("the runbook never completed");
  }

  private static BlueGreen blueGreen(LocalPatroniCluster cluster) {
    return blueGreen(cluster, LocalClusterHostActions.of(cluster));
  }

  private static BlueGreen blueGreen(LocalPatroniCluster cluster, HostActions hosts) {
    Map<String, Path> files = new LinkedHashMap<>();
    cluster.nodes().forEach(n -> files.put(n.name(), n.configFile()));
    return BlueGreen.of(catalogue(cluster, hosts), files);
  }

  private static PatroniRunbooks catalogue(LocalPatroniCluster cluster) {
    return catalogue(cluster, LocalClusterHostActions.of(cluster));
  }

  private static PatroniRunbooks catalogue(LocalPatroniCluster cluster, HostActions hosts) {
    String user = cluster.superuser();
    String password = cluster.superuserPassword();
    return PatroniRunbooks.builder(client(cluster)).scope(cluster.scope())
        .postgres((member, host, port) -> DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port
            + "/postgres?connectTimeout=5&socketTimeout=30", user, password))
        .dcs(dcs)
        .hostActions(hosts)
        .build();
  }

  private static PatroniClient client(LocalPatroniCluster cluster) {
    return PatroniClient.builder().members(cluster.nodes().stream().map(PatroniNode::restUrl).toList()).build();
  }

  private static void createTable(LocalPatroniCluster cluster, String table, int rows) throws SQLException {
    try (Connection c = cluster.connect(cluster.leader()); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table);
      s.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY)");
    }
    insert(cluster, table, 1, rows);
  }

  private static void insert(LocalPatroniCluster cluster, String table, int from, int to) throws SQLException {
    try (Connection c = cluster.connect(cluster.leader()); Statement s = c.createStatement()) {
      s.execute("INSERT INTO " + table + " SELECT generate_series(" + from + ", " + to + ")");
    }
  }

  private static long rowCount(LocalPatroniCluster cluster, PatroniNode node, String table) throws SQLException {
    try (Connection c = cluster.connect(node); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Set<Long> ids(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().collect(Collectors.toSet());
  }

  private FileJournal journal() throws IOException {
    return FileJournal.at(Files.createTempFile(dir, "journal", ".jsonl"));
  }
}
