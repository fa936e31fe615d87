package dev.patroni4j.runbooks.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.config.ClusterSpec;
import dev.patroni4j.config.MemberHost;
import dev.patroni4j.config.PatroniConfig;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.ExecuteOptions;
import dev.patroni4j.runbooks.FileJournal;
import dev.patroni4j.runbooks.Impact;
import dev.patroni4j.runbooks.Plan;
import dev.patroni4j.runbooks.PlannedStep;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.RunbookRunner;
import dev.patroni4j.runbooks.catalogue.AddReplicaOptions;
import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The add-replica runbook on a real test kit cluster: a member added on an empty host (a node the test kit prepared
 * without configuration or process), one tagged {@code replicatefrom} an existing replica (cascading), and one whose
 * data directory is left from another real cluster.
 */
class AddReplicaTest {
  private static final String BIN_DIR = "/usr/lib/postgresql/15/bin";

  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = LocalPatroniClusterExtension.of(LocalPatroniCluster.builder()
      .members(2));

  @TempDir Path dir;

  @Test
  void aMemberOnAnEmptyHostIsConfiguredStartedAndStreamsAndASecondRunChangesNothing() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode node = cluster.prepareNode();
    PatroniRunbooks catalogue = catalogue(cluster);
    RunbookRunner runner = catalogue.runner().build();
    AddReplicaOptions options = options(cluster, node);

    Plan plan = runner.plan(catalogue.addReplica(options));
    assertThat(plan.requiresConfirmation()).as(plan.describe()).isFalse();
    RunbookResult added = runner.execute(catalogue.addReplica(options), journal());

    assertThat(added).as(added.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(added.actedSteps()).as("a missing data directory is left to Patroni's clone")
        .startsWith("config[" + node.name() + "]", "start[" + node.name() + "]")
        .doesNotContain("data-directory[" + node.name() + "]");
    assertThat(Conditions.replicaStreamingWithin(node.name(), options.maxLagBytes())
        .test(catalogue.client().observe(true))).isTrue();
    assertThat(PatroniConfig.read(node.configFile()).asMap()).as("written through the generator for a joining member")
        .doesNotContainKey("bootstrap").containsEntry("name", node.name());
    assertReplicates(cluster, catalogue, node, "added_on_empty_host");

    OffsetDateTime postmaster = status(catalogue, node).postmasterStartTime();
    java.nio.file.attribute.FileTime configWritten = Files.getLastModifiedTime(node.configFile());
    RunbookResult again = runner.execute(catalogue.addReplica(options), journal());
    assertThat(again.succeeded()).as(again.toString()).isTrue();
    assertThat(again.actedSteps()).as("a second run changes nothing").isEmpty();
    assertThat(Files.getLastModifiedTime(node.configFile())).isEqualTo(configWritten);
    assertThat(status(catalogue, node).postmasterStartTime()).as("not restarted").isEqualTo(postmaster);
  }

  @Test
  void aMemberTaggedReplicatefromAReplicaIsDoneOnlyWhenItStreamsFromThatReplica() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    String upstream = cluster.nodes().stream().map(PatroniNode::name)
        .filter(n -> !n.equals(cluster.leader().name())).findFirst().orElseThrow();
    PatroniNode node = cluster.prepareNode();
    PatroniRunbooks catalogue = catalogue(cluster);
    RunbookRunner runner = catalogue.runner().build();
    AddReplicaOptions options = options(cluster, node, Map.of("replicatefrom", upstream));

    try {
      RunbookResult added = runner.execute(catalogue.addReplica(options), journal());

      assertThat(added).as(added.toString()).isInstanceOf(RunbookResult.Succeeded.class);
      assertThat(added.actedSteps()).contains("start[" + node.name() + "]");
      assertThat(catalogue.client().cluster().member(node.name()).tags().replicateFrom()).contains(upstream);
      assertThat(walSenderClients(cluster, cluster.node(upstream))).as("streams from " + upstream)
          .contains(node.name() + " streaming");
      assertThat(walSenderClients(cluster, cluster.leader())).as("not from the leader")
          .noneMatch(c -> c.startsWith(node.name() + " "));
      assertReplicates(cluster, catalogue, node, "added_from_a_replica");
    } finally {
      streamFromTheLeaderAgain(catalogue, node, options.maxLagBytes());
    }
  }

  /**
   * The shared cluster's reset between tests wants every replica streaming from the leader: the tag is removed from
   * the member's file and Patroni reloaded, which points its PostgreSQL at the leader.
   */
  private static void streamFromTheLeaderAgain(PatroniRunbooks catalogue, PatroniNode node, long maxLagBytes)
      throws IOException {
    if (!Files.exists(node.configFile())) {
      return;
    }
    dev.patroni4j.config.ConfigDocument doc = dev.patroni4j.config.ConfigDocument.parse(
        Files.readString(node.configFile())).remove("tags.replicatefrom");
    java.util.Optional<Object> left = doc.config().get("tags");
    if (left.isEmpty() || (left.get() instanceof Map<?, ?> m && m.isEmpty())) {
      doc = doc.remove("tags"); // no "tags:" without a value left behind
    }
    Files.writeString(node.configFile(), doc.text());
    catalogue.client().member(node.name()).reload();
    catalogue.client().waitUntil(Conditions.allOf(ClusterCondition.of(node.name() + " without replicatefrom",
        o -> o.view().findMember(node.name()).map(m -> m.tags().replicateFrom().isEmpty()).orElse(true)),
        Conditions.replicaStreamingWithin(node.name(), maxLagBytes)), Duration.ofMinutes(1));
  }

  /** {@code application_name state} of every walsender on {@code node}, from its {@code pg_stat_replication}. */
  private static List<String> walSenderClients(LocalPatroniCluster cluster, PatroniNode node) throws SQLException {
    List<String> out = new java.util.ArrayList<>();
    try (Connection c = cluster.connect(node); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT application_name, state FROM pg_stat_replication")) {
      while (rs.next()) {
        out.add(rs.getString(1) + " " + rs.getString(2));
      }
    }
    return out;
  }

  @Test
  void aDataDirectoryLeftByAnotherClusterIsRefusedUntouchedAndWipedOnlyWithTheToken() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode node = cluster.prepareNode();
    String otherSystem;
    try (LocalPatroniCluster other = LocalPatroniCluster.builder().members(1).start()) {
      PatroniNode stale = other.node("pg1");
      other.stopPatroni(stale); // unpaused: Patroni stops PostgreSQL cleanly, leaving a complete data directory
      otherSystem = systemIdentifier(stale.dataDir());
      run("cp", "-a", stale.dataDir().toString(), node.dataDir().toString());
    }
    String thisSystem = systemIdentifier(cluster.leader().dataDir());
    assertThat(otherSystem).as("two real clusters").isNotEqualTo(thisSystem);
    Map<String, String> before = snapshot(node.dataDir());

    PatroniRunbooks catalogue = catalogue(cluster);
    RunbookRunner runner = catalogue.runner().build();
    AddReplicaOptions options = options(cluster, node);
    Plan plan = runner.plan(catalogue.addReplica(options));
    PlannedStep wipe = plan.steps().stream().filter(s -> s.stepId().equals("data-directory[" + node.name() + "]"))
        .findFirst().orElseThrow();
    assertThat(wipe.impact()).isEqualTo(Impact.DESTRUCTIVE);
    assertThat(wipe.decision()).isEqualTo(Decision.Kind.NEEDS_ACTION);
    assertThat(wipe.reason()).as("the plan names both systems").contains(otherSystem).contains(thisSystem);

    RunbookResult refused = runner.execute(catalogue.addReplica(options), journal());
    assertThat(refused).isInstanceOfSatisfying(RunbookResult.Refused.class,
        r -> assertThat(r.reason()).contains("destructive steps need a confirmation token"));
    assertThat(refused.actedSteps()).isEmpty();
    assertThat(snapshot(node.dataDir())).as("the stale directory is untouched").isEqualTo(before);
    assertThat(node.configFile()).as("nothing was written").doesNotExist();
    assertThat(catalogue.client().cluster().findMember(node.name())).as("nothing was started").isEmpty();

    RunbookResult added = runner.execute(catalogue.addReplica(options), journal(),
        ExecuteOptions.defaults().confirmation(Confirmation.of(plan.confirmationToken())));
    assertThat(added).as(added.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(added.actedSteps()).startsWith("data-directory[" + node.name() + "]", "config[" + node.name() + "]",
        "start[" + node.name() + "]");
    assertThat(systemIdentifier(node.dataDir())).as("cloned from this cluster").isEqualTo(thisSystem);
    assertReplicates(cluster, catalogue, node, "added_over_a_stale_directory");

    RunbookResult again = runner.execute(catalogue.addReplica(options), journal());
    assertThat(again.succeeded()).as(again.toString()).isTrue();
    assertThat(again.actedSteps()).as("a second run, even without a token, changes nothing").isEmpty();
  }

  @Test
  void aDataDirectoryOfThisClusterOnATimelineTheLeaderNeverHadIsRefusedUntouched() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode node = cluster.prepareNode();
    PatroniNode leader = cluster.leader();
    ClusterSpec running = ClusterSpec.fromMemberConfig(PatroniConfig.read(leader.configFile()));
    // A base backup of this cluster, started on its own and promoted: same system identifier, a new timeline.
    String data = node.dataDir().toString();
    runAsPostgres(Map.of("PGPASSWORD", running.replication().password().orElseThrow().reveal()),
        BIN_DIR + "/pg_basebackup", "-h", "127.0.0.1", "-p", String.valueOf(leader.pgPort()),
        "-U", running.replication().username(), "-D", data, "-X", "stream", "-c", "fast");
    runAsPostgres(Map.of(), "touch", node.dataDir().resolve("standby.signal").toString());
    // -l: the server's output goes to a file, not to the pipe this test reads until pg_ctl is done
    runAsPostgres(Map.of(), BIN_DIR + "/pg_ctl", "-D", data, "-l", node.directory().resolve("diverged.log").toString(),
        "-w", "-t", "60", "-o",
        "-p " + node.pgPort() + " -c listen_addresses='' -c unix_socket_directories=" + node.directory()
            + " -c logging_collector=off -c primary_conninfo='' -c restore_command=''", "start");
    runAsPostgres(Map.of(), BIN_DIR + "/pg_ctl", "-D", data, "-w", "-t", "60", "promote");
    runAsPostgres(Map.of(), BIN_DIR + "/pg_ctl", "-D", data, "-w", "-t", "60", "-m", "fast", "stop");
    assertThat(systemIdentifier(node.dataDir())).isEqualTo(systemIdentifier(leader.dataDir()));
    Map<String, String> before = snapshot(node.dataDir());

    PatroniRunbooks catalogue = catalogue(cluster);
    RunbookRunner runner = catalogue.runner().build();
    AddReplicaOptions options = options(cluster, node);
    PlannedStep wipe = runner.plan(catalogue.addReplica(options)).steps().stream()
        .filter(s -> s.stepId().equals("data-directory[" + node.name() + "]")).findFirst().orElseThrow();
    assertThat(wipe.decision()).isEqualTo(Decision.Kind.NEEDS_ACTION);
    assertThat(wipe.reason()).contains("ahead of the leader's");

    RunbookResult refused = runner.execute(catalogue.addReplica(options), journal());
    assertThat(refused).isInstanceOfSatisfying(RunbookResult.Refused.class,
        r -> assertThat(r.reason()).contains("destructive steps need a confirmation token"));
    assertThat(snapshot(node.dataDir())).as("the diverged directory is untouched").isEqualTo(before);
    assertThat(node.configFile()).doesNotExist();
  }

  /** Runs a PostgreSQL tool as the cluster's OS user ({@code postgres} when the JVM is root). */
  private static void runAsPostgres(Map<String, String> environment, String... command) throws Exception {
    List<String> argv = new java.util.ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      argv.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"));
    }
    argv.addAll(List.of(command));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().putAll(environment);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
  }

  /** What a user writes: the running cluster's shared settings from a member's file, and the new host. */
  private static AddReplicaOptions options(LocalPatroniCluster cluster, PatroniNode node) {
    return options(cluster, node, Map.of());
  }

  /** As {@link #options(LocalPatroniCluster, PatroniNode)}, the member tagged with {@code tags}. */
  private static AddReplicaOptions options(LocalPatroniCluster cluster, PatroniNode node, Map<String, Object> tags) {
    ClusterSpec running = ClusterSpec.fromMemberConfig(PatroniConfig.read(cluster.node("pg1").configFile()));
    MemberHost.Builder host = MemberHost.builder(node.name()).address("127.0.0.1")
        .restApiPort(node.restPort()).postgresPort(node.pgPort())
        .dataDir(node.dataDir().toString()).binDir(BIN_DIR)
        .pgpass(node.directory().resolve("pgpass").toString())
        .parameter("unix_socket_directories", node.directory().toString())
        .parameter("logging_collector", "on")
        .parameter("log_directory", node.directory().resolve("pglog").toString())
        .parameter("log_filename", "postgresql.log");
    tags.forEach(host::tag);
    return AddReplicaOptions.builder(running, host.build(), node.configFile())
        .setting("postgresql.basebackup", List.of(Map.of("checkpoint", "fast")))
        .setting("watchdog", Map.of("mode", "off"))
        .streamTimeout(Duration.ofMinutes(3))
        .build();
  }

  private static PatroniRunbooks catalogue(LocalPatroniCluster cluster) {
    PatroniClient client = PatroniClient.builder().members(cluster.nodes().stream().map(PatroniNode::restUrl).toList())
        .build();
    return PatroniRunbooks.builder(client).scope(cluster.scope()).hostActions(LocalClusterHostActions.of(cluster))
        .build();
  }

  /** A row written on the leader now is read on the new member, which is in recovery. */
  private static void assertReplicates(LocalPatroniCluster cluster, PatroniRunbooks catalogue, PatroniNode node,
      String table) throws Exception {
    try (Connection c = cluster.connect(cluster.leader()); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + table + " AS SELECT 42 AS answer");
    }
    catalogue.client().waitUntil(ClusterCondition.of(table + " replayed on " + node.name(),
        o -> replicaReads(cluster, node, table)), Duration.ofSeconds(30));
  }

  private static boolean replicaReads(LocalPatroniCluster cluster, PatroniNode node, String table) {
    try (Connection c = cluster.connect(node); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT answer, pg_is_in_recovery() FROM " + table)) {
      return rs.next() && rs.getInt(1) == 42 && rs.getBoolean(2);
    } catch (SQLException e) {
      return false; // not replayed yet
    }
  }

  private static MemberStatus status(PatroniRunbooks catalogue, PatroniNode node) {
    return catalogue.client().member(node.name()).status();
  }

  private static String systemIdentifier(Path dataDir) throws Exception {
    String out = run(BIN_DIR + "/pg_controldata", "-D", dataDir.toString());
    Matcher m = Pattern.compile("^Database system identifier:\\s+(\\d+)$", Pattern.MULTILINE).matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return m.group(1);
  }

  /** Every file's path with its size, modification time and content digest. */
  private static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.toList()) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        String digest = a.isRegularFile() ? digest(p) : "dir";
        out.put(root.relativize(p).toString(), a.size() + "|" + a.lastModifiedTime() + "|" + digest);
      }
    }
    assertThat(out).as("a real data directory").containsKey("global/pg_control");
    return out;
  }

  private static String digest(Path file) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    return out;
  }

  private FileJournal journal() throws IOException {
    return FileJournal.at(Files.createTempFile(dir, "journal", ".jsonl"));
  }
}
