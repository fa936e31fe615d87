package dev.patroni4j.client.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.PatroniException;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.config.ClusterSpec;
import dev.patroni4j.config.ConfigGenerator;
import dev.patroni4j.config.ConfigValidator;
import dev.patroni4j.config.MemberHost;
import dev.patroni4j.config.PatroniConfig;
import dev.patroni4j.config.PatroniVersion;
import dev.patroni4j.config.Secret;
import dev.patroni4j.config.StandaloneServer;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniInstallation;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Configurations written by patroni-config's {@link ConfigGenerator} are accepted by the real
 * {@code patroni --validate-config} of 3.0.2 and 4.1.5 and started by real Patroni: a new cluster
 * bootstraps (on 3.0.2), a new member joins a running test-kit cluster and streams, and a standalone
 * PostgreSQL initdb'd here comes under Patroni with its data and its settings (both on the test
 * kit cluster's release).
 *
 * <p>The members listen on 127.0.0.2: Patroni's validator refuses 127.0.0.1 and localhost as a
 * {@code connect_address}, and the whole of 127.0.0.0/8 is this host's loopback.
 */
class GeneratedConfigStartTest {
  @RegisterExtension static final LocalPatroniClusterExtension CLUSTER =
      LocalPatroniClusterExtension.of(PatroniUnderTest.builder().members(1));

  static final String HOST = "127.0.0.2";
  static final String BIN_DIR = "/usr/lib/postgresql/15/bin";
  static final boolean ROOT = "root".equals(System.getProperty("user.name"));

  private static LocalPatroniCluster cluster;
  private static ClusterSpec running;
  private final List<Process> started = new ArrayList<>();
  private final List<Path> dataDirs = new ArrayList<>();

  @BeforeAll
  static void readTheRunningCluster() {
    cluster = CLUSTER.cluster();
    running = ClusterSpec.fromMemberConfig(PatroniConfig.read(cluster.node("pg1").configFile()));
  }

  @AfterEach
  void stopWhatWasStarted() throws Exception {
    for (Process p : started) {
      p.destroy();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    for (Path data : dataDirs) {
      if (Files.exists(data.resolve("postmaster.pid"))) {
        run(asPostgres(List.of(BIN_DIR + "/pg_ctl", "stop", "-m", "immediate", "-D", data.toString())));
      }
    }
  }

  @Test
  void aGeneratedMemberJoinsTheRunningClusterAndStreams() throws Exception {
    PatroniClient client = TestClusters.clientFor(cluster);
    ClusterView view = client.cluster();
    Path dir = memberDirectory("gen-member");
    MemberHost host = host("gen2", dir);
    PatroniConfig config = ConfigGenerator.newMember(running, view.memberNames(), host)
        // a site's own choice, carried through the model like any other key
        .with("postgresql.basebackup", List.of(Map.of("checkpoint", "fast")));
    assertThat(config.asMap()).doesNotContainKey("bootstrap");
    Path file = acceptedByPatroni(config, dir);

    start(file, dir);
    PatroniClient withMember = client.newBuilder().member(URI.create("http://" + HOST + ":" + port(host.restApiListen())))
        .build();
    withMember.waiter().waitUntil(Conditions.memberStreaming("gen2"), Duration.ofMinutes(2));
    try (Connection leader = cluster.connect(cluster.leader()); Statement st = leader.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS generated_member (v text)");
      st.execute("INSERT INTO generated_member VALUES ('from the leader')");
    }
    try (Connection replica = connect(port(host.postgresListen()), running);
        Statement st = replica.createStatement()) {
      assertThat(awaitRow(st, "SELECT v FROM generated_member")).isEqualTo("from the leader");
      assertThat(scalar(st, "SELECT pg_is_in_recovery()::text")).isEqualTo("true");
    } finally {
      try (Connection leader = cluster.connect(cluster.leader()); Statement st = leader.createStatement()) {
        st.execute("DROP TABLE generated_member");
      }
    }
  }

  @Test
  void aGeneratedNewClusterBootstrapsAndLeads() throws Exception {
    Path dir = memberDirectory("gen-new");
    ClusterSpec spec = ClusterSpec.builder("generated-new").namespace(cluster.namespace())
        .dcs(running.dcsType(), running.dcs())
        .superuser("postgres", Secret.of("gen-su-pw")).replication("replicator", Secret.of("gen-rep-pw"))
        .rewind("rewind_user", Secret.of("gen-rew-pw"))
        .pgHba("local all all trust").pgHba("host all all 127.0.0.0/8 scram-sha-256")
        .pgHba("host replication replicator 127.0.0.0/8 scram-sha-256")
        // the smallest values Patroni 4's validator accepts, so that the test is quick
        .dynamicConfig("ttl", 20L).dynamicConfig("loop_wait", 2L).dynamicConfig("retry_timeout", 5L)
        .postgresParameter("max_connections", 42L)
        .initdb(List.of(Map.of("encoding", "UTF8"), "data-checksums", "no-sync"))
        .build();
    MemberHost host = host("gen1", dir);
    Path file = acceptedByPatroni(ConfigGenerator.newCluster(spec, host), dir);

    // the oldest release here (the others start on the cluster's, the newest by default in this module)
    start(file, dir, PatroniInstallation.of(PatroniInstallation.SYSTEM).requireInstalled());
    PatroniClient client = PatroniClient.builder().member(URI.create("http://" + HOST + ":" + port(host.restApiListen())))
        .pollInterval(Duration.ofMillis(250)).build();
    client.waiter().waitUntil(Conditions.leaderIs("gen1"), Duration.ofMinutes(2));
    assertThat(client.cluster().scope()).isIn("generated-new", null);
    assertThat(client.config().values()).containsEntry("ttl", 20L);
    try (Connection c = connect(port(host.postgresListen()), spec); Statement st = c.createStatement()) {
      assertThat(scalar(st, "SHOW max_connections")).isEqualTo("42");
      assertThat(scalar(st, "SELECT pg_is_in_recovery()::text")).isEqualTo("false");
    }
  }

  @Test
  void aStandalonePostgresqlComesUnderPatroniWithItsDataAndSettings() throws Exception {
    Path dir = memberDirectory("gen-standalone");
    Path data = dir.resolve("data");
    int pgPort = freePort();
    Path pwfile = Files.writeString(dir.resolve("pw"), "sa-su-pw\n");
    chownToPostgres(dir);
    run(asPostgres(List.of(BIN_DIR + "/initdb", "-D", data.toString(), "-U", "postgres", "--pwfile", pwfile.toString(),
        "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync")));
    Files.writeString(data.resolve("postgresql.conf"), "\nlisten_addresses = '" + HOST + "'\nport = " + pgPort
        + "\nunix_socket_directories = '" + dir + "'\nmax_connections = 37\nwork_mem = '7MB'\n"
        + "shared_buffers = '32MB'\nwal_level = replica\nfsync = off\n", java.nio.file.StandardOpenOption.APPEND);
    Files.writeString(data.resolve("pg_hba.conf"), "host all all 127.0.0.0/8 scram-sha-256 # the DBA's rule\n",
        java.nio.file.StandardOpenOption.APPEND);
    dataDirs.add(data);
    run(asPostgres(List.of(BIN_DIR + "/pg_ctl", "start", "-w", "-D", data.toString(), "-l",
        dir.resolve("standalone.log").toString())));

    ClusterSpec spec = ClusterSpec.builder("generated-standalone").namespace(cluster.namespace())
        .dcs(running.dcsType(), running.dcs())
        .superuser("postgres", Secret.of("sa-su-pw")).replication("replicator", Secret.of("sa-rep-pw"))
        .rewind("rewind_user", Secret.of("sa-rew-pw"))
        .pgHba("host replication replicator 127.0.0.0/8 scram-sha-256")
        .dynamicConfig("ttl", 20L).dynamicConfig("loop_wait", 2L).dynamicConfig("retry_timeout", 5L)
        .build();
    StandaloneServer server;
    try (Connection c = connect(pgPort, spec); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE kept (v text)");
      st.execute("INSERT INTO kept VALUES ('written before Patroni')");
      // the users Patroni needs must exist before it starts (the conversion runbook creates them)
      st.execute("CREATE ROLE replicator LOGIN REPLICATION PASSWORD 'sa-rep-pw'");
      st.execute("CREATE ROLE rewind_user LOGIN PASSWORD 'sa-rew-pw'");
      server = StandaloneServer.read(c);
    }
    assertThat(server.dataDir()).isEqualTo(data.toString());
    assertThat(server.port()).isEqualTo(pgPort);
    assertThat(server.majorVersion()).isEqualTo(15);
    assertThat(server.hbaLines()).contains("host all all 127.0.0.0/8 scram-sha-256");
    assertThat(server.settings()).extracting(StandaloneServer.Setting::name).contains("work_mem", "max_connections");

    MemberHost host = MemberHost.builder("gen-sa").address(HOST).restApiPort(freePort()).postgresPort(pgPort)
        .dataDir(data.toString()).binDir(BIN_DIR).pgpass(dir.resolve("pgpass").toString()).build();
    PatroniConfig config = ConfigGenerator.standalone(spec, server, host);
    // Patroni 3.0's validator refuses a listen port in use: validate and start with the server stopped
    run(asPostgres(List.of(BIN_DIR + "/pg_ctl", "stop", "-m", "fast", "-w", "-D", data.toString())));
    Path file = acceptedByPatroni(config, dir);

    start(file, dir);
    PatroniClient client = PatroniClient.builder().member(URI.create("http://" + HOST + ":" + port(host.restApiListen())))
        .pollInterval(Duration.ofMillis(250)).build();
    client.waiter().waitUntil(Conditions.leaderIs("gen-sa"), Duration.ofMinutes(2));
    Member leader = client.cluster().leader();
    assertThat(leader.state().isRunning()).isTrue();
    try (Connection c = connect(pgPort, spec); Statement st = c.createStatement()) {
      assertThat(scalar(st, "SELECT v FROM kept")).isEqualTo("written before Patroni");
      // max_connections reached Patroni through bootstrap.dcs, work_mem through postgresql.parameters
      assertThat(scalar(st, "SHOW max_connections")).isEqualTo("37");
      assertThat(scalar(st, "SHOW work_mem")).isEqualTo("7MB");
    }
    assertThat(storedConfig(client).postgresqlParameters()).containsEntry("max_connections", 37L);
  }

  /** The new leader stores the dynamic config a moment after it took the lock; until then 4.x answers 502. */
  private static DynamicConfig storedConfig(PatroniClient client) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        return client.config();
      } catch (PatroniException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(250);
      }
    }
  }

  // ---------------------------------------------------------------------- helpers

  private static MemberHost host(String name, Path dir) throws IOException {
    return MemberHost.builder(name).address(HOST).restApiPort(freePort()).postgresPort(freePort())
        .dataDir(dir.resolve("data").toString()).binDir(BIN_DIR).pgpass(dir.resolve("pgpass").toString())
        .parameter("unix_socket_directories", dir.toString()).build();
  }

  /** Writes the file and checks that our validator and the real 3.0.2 and 4.1.5 accept it. */
  private static Path acceptedByPatroni(PatroniConfig config, Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("patroni.yml"), config.toYaml());
    assertThat(ConfigValidator.forVersion(PatroniVersion.V3_0).validate(config)).isEmpty();
    assertThat(ConfigValidator.forVersion(PatroniVersion.V4_1).validate(config)).isEmpty();
    for (String release : List.of("3.0.2", "4.1.5")) {
      PatroniInstallation patroni = PatroniInstallation.of(release).requireInstalled();
      List<String> command = new ArrayList<>(patroni.patroniCommand(file));
      command.add(command.size() - 1, "--validate-config");
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.environment().putAll(patroni.environment());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
      assertThat(p.exitValue()).as("patroni %s --validate-config: %s", release, out).isZero();
    }
    chownToPostgres(dir);
    return file;
  }

  private Path memberDirectory(String name) throws IOException {
    // under the cluster's directory: the test kit's teardown kills anything left running there
    Path dir = Files.createDirectories(cluster.directory().resolve(name));
    dataDirs.add(dir.resolve("data"));
    return dir;
  }

  /** Starts Patroni on the release the test kit's cluster runs. */
  private void start(Path config, Path dir) throws IOException {
    start(config, dir, PatroniInstallation.of(cluster.node("pg1").patroniVersion()));
  }

  private void start(Path config, Path dir, PatroniInstallation patroni) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(asPostgres(patroni.patroniCommand(config)))
        .redirectErrorStream(true).redirectOutput(dir.resolve("patroni.log").toFile()).directory(dir.toFile());
    pb.environment().putAll(patroni.environment());
    pb.environment().put("HOME", dir.toString());
    started.add(pb.start());
  }

  private static Connection connect(int port, ClusterSpec spec) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", spec.superuser().username());
    props.setProperty("password", spec.superuser().password().orElseThrow().reveal());
    return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + port + "/postgres", props);
  }

  private static String awaitRow(Statement st, String sql) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return scalar(st, sql);
      } catch (SQLException | AssertionError e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200); // replay on the replica: nothing to observe but the row itself
      }
    }
  }

  private static String scalar(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      assertThat(rs.next()).as(sql).isTrue();
      return rs.getString(1);
    }
  }

  private static int port(String hostPort) {
    return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getAllByName(HOST)[0])) {
      return s.getLocalPort();
    }
  }

  private static List<String> asPostgres(List<String> command) {
    if (!ROOT) {
      return command;
    }
    List<String> out = new ArrayList<>(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
    out.addAll(command);
    return out;
  }

  private static void chownToPostgres(Path dir) throws Exception {
    if (ROOT) {
      run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
    }
  }

  private static void run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", command, out).isZero();
  }
}
