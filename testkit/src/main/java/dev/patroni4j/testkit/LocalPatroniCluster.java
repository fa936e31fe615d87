package dev.patroni4j.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.patroni4j.testkit.consul.ConsulTestServer;
import dev.patroni4j.testkit.internal.Certificates;
import dev.patroni4j.testkit.internal.ConsulDcs;
import dev.patroni4j.testkit.internal.DcsServer;
import dev.patroni4j.testkit.internal.EtcdServer;
import dev.patroni4j.testkit.internal.OsUser;
import dev.patroni4j.testkit.internal.Processes;
import dev.patroni4j.testkit.internal.Ports;
import dev.patroni4j.testkit.internal.RestCalls;
import dev.patroni4j.testkit.internal.RunRegistry;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A throwaway Patroni cluster of real processes: one etcd (or, with {@link Builder#consul()}, the
 * in-process {@link ConsulTestServer}) and N Patroni nodes, each managing a PostgreSQL 15, all on
 * free 127.0.0.1 ports under one directory in {@code java.io.tmpdir}. When the JVM runs as root
 * every process runs as the {@code postgres} OS user.
 *
 * <pre>{@code
 * try (LocalPatroniCluster cluster = LocalPatroniCluster.builder()
 *         .members(3)
 *         .dynamicConfig("synchronous_mode", true)
 *         .postgresParameter("max_connections", 50)
 *         .tags(3, Map.of("nofailover", true))
 *         .restTls(true)
 *         .restBasicAuth("patroni", "s3cret")
 *         .start()) {
 *     PatroniNode leader = cluster.leader();
 *     try (Connection c = cluster.connect(leader)) { ... }
 *     cluster.killPatroni(leader);                    // SIGKILL, PostgreSQL orphaned
 *     cluster.awaitLeader(name -> !name.equals(leader.name()), Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>{@link #start} returns once a leader runs and every replica streams from it (seen in the
 * leader's {@code pg_stat_replication}) on the leader's timeline. {@link #close} kills every
 * process the cluster started and deletes its directory; a JVM that dies without closing leaves
 * processes that the next cluster start in any JVM reaps (see {@link RunRegistry}).
 *
 * <p>Thread-safe: faults and waits may be called from several threads; operations that change
 * processes are serialised.
 */
public final class LocalPatroniCluster implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final System.Logger LOG = System.getLogger(LocalPatroniCluster.class.getName());
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String SUPERUSER = "postgres";

  private final ClusterSettings settings;
  private final String scope;
  private final Path directory;
  private final OsUser osUser;
  private final String superuserPassword = randomToken(16);
  private final String replicationPassword = randomToken(16);
  private final String rewindPassword = randomToken(16);
  private final List<PatroniNode> nodes = new CopyOnWriteArrayList<>();
  private final Map<String, String> originalConfigs = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private final Thread shutdownHook;
  private @Nullable TlsFiles tls;
  private @Nullable DcsServer dcs;
  private @Nullable RestCalls rest;
  private volatile boolean closed;

  private LocalPatroniCluster(ClusterSettings settings, String scope, Path directory, OsUser osUser) {
    this.settings = settings;
    this.scope = scope;
    this.directory = directory;
    this.osUser = osUser;
    this.shutdownHook = new Thread(this::close, "patroni4j-cluster-" + scope + "-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  public static Builder builder() {
    return new Builder();
  }

  static LocalPatroniCluster start(ClusterSettings settings) {
    requireExecutable(settings.patroniBinary(), "patroni", "patroni");
    if (settings.consul().isEmpty()) {
      requireExecutable(settings.etcdBinary(), "etcd", "etcd-server");
    }
    requireExecutable(settings.postgresBinDir().resolve("postgres"), "postgres", "postgresql-15");
    OsUser osUser = OsUser.detect();
    String scope = settings.requestedScope().orElseGet(() -> "p4j-" + randomToken(3));
    Path dir = RunRegistry.newClusterDirectory(scope + "-" + randomToken(4));
    LocalPatroniCluster cluster = new LocalPatroniCluster(settings, scope, dir, osUser);
    long started = System.nanoTime();
    try {
      cluster.boot();
      LOG.log(System.Logger.Level.INFO, "started {0} in {1} ms", cluster,
          Duration.ofNanos(System.nanoTime() - started).toMillis());
      return cluster;
    } catch (RuntimeException e) {
      Path archived = cluster.archiveLogs("start-failure-" + scope);
      String tails = cluster.logTails(25);
      cluster.close();
      throw new TestkitException("the local Patroni cluster '" + scope + "' did not start: " + e.getMessage()
          + "\nlogs kept in " + archived + "\n" + tails, e);
    }
  }

  private static void requireExecutable(Path binary, String what, String debianPackage) {
    if (!Files.isExecutable(binary)) {
      throw new TestkitException(what + " not found at " + binary + ": install the Debian package '" + debianPackage
          + "' (apt-get install " + debianPackage + ") or point the builder at it");
    }
  }

  private void boot() {
    try {
      Files.createDirectories(directory.resolve("etcd"));
      if (settings.restTls()) {
        Path tlsDir = Files.createDirectories(directory.resolve("tls"));
        tls = Certificates.generate(tlsDir, randomToken(12));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    osUser.takeOwnership(directory);
    dcs = settings.consul().isPresent() ? ConsulDcs.start(settings.consul().get())
        : EtcdServer.start(settings.etcdBinary(), directory.resolve("etcd"), osUser.commandPrefix(),
            settings.etcdAuth(), settings.startupTimeout());
    rest = new RestCalls(tls(), settings.restAuth());
    for (int i = 1; i <= settings.members(); i++) {
      nodes.add(createNode(i));
    }
    // The first node bootstraps alone, so that pg1 is the leader of a fresh cluster; the others
    // then clone from it concurrently.
    startPatroni(nodes.get(0));
    awaitLeader(name -> name.equals("pg1"), settings.startupTimeout());
    for (PatroniNode n : nodes.subList(1, nodes.size())) {
      startPatroni(n);
    }
    awaitHealthy(settings.startupTimeout());
  }

  private PatroniNode createNode(int number) {
    String name = "pg" + number;
    Path nodeDir = directory.resolve(name);
    PatroniNode node = new PatroniNode(name, Ports.free(),
        Ports.free(), settings.restTls(), nodeDir,
        settings.tags().getOrDefault(number, Map.of()));
    try {
      Files.createDirectories(nodeDir.resolve("pglog"));
      String config = JSON.writeValueAsString(patroniConfig(node));
      Files.writeString(node.configFile(), config);
      originalConfigs.put(name, config);
    } catch (IOException e) {
      throw new TestkitException("cannot write " + node.configFile() + ": " + e.getMessage(), e);
    }
    osUser.takeOwnership(nodeDir);
    return node;
  }

  private Map<String, Object> patroniConfig(PatroniNode node) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("scope", scope);
    config.put("namespace", settings.namespace());
    config.put("name", node.name());

    Map<String, Object> restapi = new LinkedHashMap<>();
    restapi.put("listen", "127.0.0.1:" + node.restPort());
    restapi.put("connect_address", "127.0.0.1:" + node.restPort());
    Map<String, Object> ctl = new LinkedHashMap<>();
    if (tls != null) {
      restapi.put("certfile", tls.serverCert().toString());
      restapi.put("keyfile", tls.serverKey().toString());
      restapi.put("cafile", tls.caCert().toString());
      restapi.put("verify_client", "required");
      ctl.put("certfile", tls.clientCert().toString());
      ctl.put("keyfile", tls.clientKey().toString());
      ctl.put("cacert", tls.caCert().toString());
    }
    settings.restAuth().ifPresent(c -> restapi.put("authentication",
        Map.of("username", c.username(), "password", c.password())));
    config.put("restapi", restapi);
    if (!ctl.isEmpty()) {
      config.put("ctl", ctl);
    }
    config.put(dcs().patroniSectionName(), dcs().patroniSection());

    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("max_connections", 100);
    parameters.put("max_wal_senders", 10);
    parameters.put("max_replication_slots", 10);
    parameters.put("wal_keep_size", "128MB");
    parameters.put("shared_buffers", "32MB");
    parameters.put("hot_standby", "on");
    // Throwaway clusters: losing data on an OS crash does not matter, start-up speed does.
    parameters.put("fsync", "off");
    parameters.putAll(settings.postgresParameters());
    Map<String, Object> dcsPostgresql = new LinkedHashMap<>();
    dcsPostgresql.put("use_pg_rewind", true);
    dcsPostgresql.put("use_slots", true);
    dcsPostgresql.put("parameters", parameters);
    Map<String, Object> dynamic = new LinkedHashMap<>();
    dynamic.put("ttl", 10);
    dynamic.put("loop_wait", 2);
    dynamic.put("retry_timeout", 3);
    dynamic.put("maximum_lag_on_failover", 1048576);
    dynamic.put("postgresql", dcsPostgresql);
    dynamic.putAll(settings.dynamicConfig());
    config.put("bootstrap", Map.of(
        "dcs", dynamic,
        "initdb", List.of(Map.of("encoding", "UTF8"), "data-checksums", "no-sync")));

    Map<String, Object> postgresql = new LinkedHashMap<>();
    postgresql.put("listen", "127.0.0.1:" + node.pgPort());
    postgresql.put("connect_address", "127.0.0.1:" + node.pgPort());
    postgresql.put("data_dir", node.dataDir().toString());
    postgresql.put("bin_dir", settings.postgresBinDir().toString());
    postgresql.put("pgpass", node.directory().resolve("pgpass").toString());
    postgresql.put("authentication", Map.of(
        "superuser", Map.of("username", SUPERUSER, "password", superuserPassword),
        "replication", Map.of("username", "replicator", "password", replicationPassword),
        "rewind", Map.of("username", "rewind_user", "password", rewindPassword)));
    Map<String, Object> local = new LinkedHashMap<>();
    local.put("unix_socket_directories", node.directory().toString());
    local.put("logging_collector", "on");
    local.put("log_directory", node.directory().resolve("pglog").toString());
    local.put("log_filename", "postgresql.log");
    postgresql.put("parameters", local);
    postgresql.put("pg_hba", List.of(
        "local all all trust",
        "host all all 127.0.0.1/32 scram-sha-256",
        "host replication replicator 127.0.0.1/32 scram-sha-256"));
    postgresql.put("basebackup", List.of(Map.of("checkpoint", "fast")));
    config.put("postgresql", postgresql);
    config.put("tags", new TreeMap<>(node.tags()));
    config.put("watchdog", Map.of("mode", "off"));
    return config;
  }

  // ---------------------------------------------------------------- what a test reads

  public String scope() {
    return scope;
  }

  public String namespace() {
    return settings.namespace();
  }

  /** The members, in start order. */
  public List<PatroniNode> nodes() {
    return List.copyOf(nodes);
  }

  public PatroniNode node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node named " + name + "; nodes are "
            + nodes.stream().map(PatroniNode::name).toList()));
  }

  /** The current leader as Patroni's {@code /cluster} reports it; throws if there is none. */
  public PatroniNode leader() {
    return findLeader().orElseThrow(() -> new TestkitException("the cluster has no leader now; observed: "
        + observe().summary()));
  }

  public Optional<PatroniNode> findLeader() {
    return observe().leader().map(this::node);
  }

  /** Every node that is not the current leader. */
  public List<PatroniNode> replicas() {
    String leader = leader().name();
    return nodes.stream().filter(n -> !n.name().equals(leader)).toList();
  }

  /** JDBC URL of the current leader. */
  public String jdbcUrl() {
    return leader().jdbcUrl();
  }

  public String superuser() {
    return SUPERUSER;
  }

  public String superuserPassword() {
    return superuserPassword;
  }

  /** Opens a superuser connection to a node's PostgreSQL. */
  public Connection connect(PatroniNode node) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", SUPERUSER);
    props.setProperty("password", superuserPassword);
    props.setProperty("connectTimeout", "5");
    props.setProperty("socketTimeout", "30");
    return DriverManager.getConnection(node.jdbcUrl(), props);
  }

  /** Where the cluster's DCS answers: etcd's client URL, or the Consul test server's HTTP address. */
  public URI dcsEndpoint() {
    return dcs().endpoint();
  }

  /** etcd's client URL; only for clusters on etcd (the default). */
  public URI etcdEndpoint() {
    if (dcs instanceof ConsulDcs) {
      throw new IllegalStateException("cluster " + scope + " runs on Consul, not etcd; use dcsEndpoint()");
    }
    return dcs().endpoint();
  }

  public Optional<Credentials> etcdAuth() {
    return settings.etcdAuth();
  }

  /** The Consul test server the cluster runs on, when built with {@link Builder#consul()}. */
  public Optional<ConsulTestServer> consulServer() {
    return dcs instanceof ConsulDcs consul ? Optional.of(consul.server()) : Optional.empty();
  }

  public Optional<Credentials> restAuth() {
    return settings.restAuth();
  }

  public Optional<TlsFiles> tls() {
    return Optional.ofNullable(tls);
  }

  /** The directory holding everything of this cluster. */
  public Path directory() {
    return directory;
  }

  /** Runs {@code patronictl -c <pg1's patroni.yml> args...} as the cluster's OS user. */
  public CommandResult patronictl(String... args) {
    List<String> command = new ArrayList<>(osUser.commandPrefix());
    command.add(settings.patroniBinary().resolveSibling("patronictl").toString());
    command.add("-c");
    command.add(nodes.get(0).configFile().toString());
    command.addAll(List.of(args));
    return Processes.run(command, processEnvironment(nodes.get(0)), Duration.ofSeconds(90));
  }

  // ---------------------------------------------------------------- faults

  /** Starts a stopped node's Patroni; it adopts a PostgreSQL left running. Does not wait. */
  public void startPatroni(PatroniNode node) {
    synchronized (lock) {
      requireOpen();
      if (node.isPatroniRunning()) {
        throw new IllegalStateException(node.name() + "'s Patroni is already running");
      }
      List<String> command = new ArrayList<>(osUser.commandPrefix());
      command.add(settings.patroniBinary().toString());
      command.add(node.configFile().toString());
      node.process(Processes.start(command, processEnvironment(node), node.directory(), node.logFile()));
    }
  }

  /** SIGTERM to Patroni, which stops PostgreSQL and releases the leader key; SIGKILL after 60 s. */
  public void stopPatroni(PatroniNode node) {
    synchronized (lock) {
      Process p = node.process();
      node.stoppedOnPurpose();
      if (p == null || !p.isAlive()) {
        return;
      }
      Processes.signal(p.pid(), "CONT");
      Processes.signal(p.pid(), "TERM");
      if (!awaitExit(p, Duration.ofSeconds(60))) {
        Processes.signal(p.pid(), "KILL");
        awaitExit(p, Duration.ofSeconds(10));
      }
    }
  }

  /** SIGKILL to Patroni: PostgreSQL keeps running, orphaned, and a leader's key expires after ttl. */
  public void killPatroni(PatroniNode node) {
    synchronized (lock) {
      Process p = node.process();
      if (p == null || !p.isAlive()) {
        throw new IllegalStateException(node.name() + "'s Patroni is not running");
      }
      node.stoppedOnPurpose();
      Processes.signal(p.pid(), "KILL");
      awaitExit(p, Duration.ofSeconds(10));
    }
  }

  /** Waits for our own child through Process, so that isAlive() agrees the moment we return. */
  private static boolean awaitExit(Process p, Duration timeout) {
    try {
      return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestkitException("interrupted while waiting for PID " + p.pid() + " to exit", e);
    }
  }

  /** Crashes the postmaster: {@code pg_ctl stop -m immediate}. Patroni sees PostgreSQL die. */
  public CommandResult killPostmaster(PatroniNode node) {
    return pgCtl(node, "stop", "-m", "immediate", "-w");
  }

  /** SIGSTOP to the node's Patroni: it stops answering and stops renewing its key. */
  public void freezePatroni(PatroniNode node) {
    node.patroniPid().ifPresent(pid -> Processes.signal(pid, "STOP"));
  }

  public void thawPatroni(PatroniNode node) {
    node.patroniPid().ifPresent(pid -> Processes.signal(pid, "CONT"));
  }

  /** SIGSTOP to the DCS: clients see timeouts, not refused connections. */
  public void freezeDcs() {
    dcs().freeze();
  }

  public void thawDcs() {
    dcs().thaw();
  }

  /** Stops the node's Patroni gracefully, starts it again and waits until the cluster is healthy. */
  public void restartNode(PatroniNode node) {
    stopPatroni(node);
    startPatroni(node);
    awaitHealthy(settings.startupTimeout());
  }

  /** Adds a node that clones from the leader, and waits until it streams. */
  public PatroniNode addNode() {
    PatroniNode node;
    synchronized (lock) {
      requireOpen();
      node = createNode(nodes.size() + 1);
      nodes.add(node);
    }
    startPatroni(node);
    awaitHealthy(settings.startupTimeout());
    return node;
  }

  private CommandResult pgCtl(PatroniNode node, String... args) {
    List<String> command = new ArrayList<>(osUser.commandPrefix());
    command.add(settings.postgresBinDir().resolve("pg_ctl").toString());
    command.addAll(List.of(args));
    command.add("-D");
    command.add(node.dataDir().toString());
    return Processes.run(command, processEnvironment(node), Duration.ofSeconds(60));
  }

  private Map<String, String> processEnvironment(PatroniNode node) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOME", node.directory().toString());
    env.put("LC_ALL", "C.UTF-8");
    env.put("LANG", "C.UTF-8");
    env.put("PGHOST", node.directory().toString());
    return env;
  }

  // ---------------------------------------------------------------- waits

  /** Waits until a leader runs and every running node streams from it on its timeline. */
  public void awaitHealthy(Duration timeout) {
    await("a running leader and every other running node streaming from it", timeout, Observation::healthy);
  }

  /** Waits until the leader's name satisfies {@code leader}, e.g. {@code name -> !name.equals("pg1")}. */
  public PatroniNode awaitLeader(Predicate<String> leader, Duration timeout) {
    Observation o = await("a leader that satisfies the condition", timeout,
        obs -> obs.leader().filter(leader).isPresent());
    return node(o.leader().orElseThrow());
  }

  /** Waits until the member names in Patroni's topology satisfy {@code members}, e.g. a node dropped out. */
  public void awaitMembers(Predicate<Set<String>> members, Duration timeout) {
    await("the members to satisfy the condition", timeout,
        obs -> obs.cluster() != null && members.test(obs.memberNames()));
  }

  private Observation await(String condition, Duration timeout, Predicate<Observation> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Observation last = observe();
    while (!done.test(last)) {
      for (PatroniNode n : nodes) {
        n.unexpectedExit().ifPresent(code -> {
          throw new TestkitException(n.name() + "'s Patroni exited with code " + code + " while waiting for "
              + condition + "; its log ends:\n" + Processes.tail(n.logFile(), 30));
        });
      }
      if (System.nanoTime() > deadline) {
        throw new ClusterNotReadyException(condition, timeout, last.summary());
      }
      Processes.sleep(Duration.ofMillis(250));
      requireOpen();
      last = observe();
    }
    return last;
  }

  /** What the cluster looks like now, through the REST API of the first node that answers. */
  Observation observe() {
    JsonNode cluster = null;
    String error = "no node answered GET /cluster";
    for (PatroniNode n : nodes) {
      if (!n.isPatroniRunning()) {
        continue;
      }
      RestCalls.Reply r = rest().get(n.restUrl().resolve("/cluster"), Duration.ofSeconds(3));
      if (r.status() == 200) {
        cluster = r.json();
        break;
      }
      error = n.name() + ": " + r.status() + " " + r.body();
    }
    if (cluster == null) {
      return new Observation(null, error, Set.of(), nodes);
    }
    Set<String> streaming = new HashSet<>();
    Optional<String> leader = Observation.leaderOf(cluster);
    if (leader.isPresent()) {
      try (Connection c = connect(node(leader.get()));
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("select application_name from pg_stat_replication where state = 'streaming'")) {
        while (rs.next()) {
          streaming.add(rs.getString(1));
        }
      } catch (SQLException | IllegalArgumentException e) {
        error = "leader's pg_stat_replication: " + e.getMessage();
      }
    }
    return new Observation(cluster, error, streaming, nodes);
  }

  // ---------------------------------------------------------------- known state

  /**
   * Brings a shared cluster back to the state tests expect, cheaply: processes thawed and running,
   * original configuration files (and so tags), no scheduled switchover or restart, not paused,
   * leader on pg1, every node streaming. Nodes added with {@link #addNode} stay.
   */
  public void resetToKnownState() {
    Duration timeout = settings.startupTimeout();
    dcs().thaw();
    for (PatroniNode n : nodes) {
      thawPatroni(n);
      String original = originalConfigs.get(n.name());
      try {
        if (original != null && !original.equals(Files.readString(n.configFile()))) {
          Files.writeString(n.configFile(), original);
          if (n.isPatroniRunning()) {
            rest().post(n.restUrl().resolve("/reload"), Map.of());
          }
        }
      } catch (IOException e) {
        throw new TestkitException("cannot restore " + n.configFile() + ": " + e.getMessage(), e);
      }
      if (!n.isPatroniRunning()) {
        startPatroni(n);
      }
    }
    awaitLeader(name -> true, timeout);
    Observation o = observe();
    PatroniNode leader = node(o.leader().orElseThrow());
    if (o.cluster() != null && o.cluster().has("scheduled_switchover")) {
      rest().delete(leader.restUrl().resolve("/switchover"));
    }
    for (PatroniNode n : nodes) {
      if (o.member(n.name()).map(m -> m.has("scheduled_restart")).orElse(false)) {
        rest().delete(n.restUrl().resolve("/restart"));
      }
    }
    if (o.paused()) {
      RestCalls.Reply r = rest().patch(leader.restUrl().resolve("/config"), Map.of("pause", false));
      if (!r.ok()) {
        throw new TestkitException("cannot resume the cluster: PATCH /config answered " + r.status() + " " + r.body());
      }
      await("the cluster to report it is no longer paused", timeout, obs -> !obs.paused());
    }
    awaitHealthyReinitializingStuckReplicas(timeout);
    if (!"pg1".equals(leader().name())) {
      PatroniNode current = leader();
      RestCalls.Reply r = rest().post(current.restUrl().resolve("/switchover"),
          Map.of("leader", current.name(), "candidate", "pg1"));
      if (r.status() != 200 && r.status() != 503) {
        throw new TestkitException("cannot switch back to pg1: " + r.status() + " " + r.body());
      }
      awaitLeader("pg1"::equals, timeout);
    }
    awaitHealthyReinitializingStuckReplicas(timeout);
  }

  /**
   * A replica can get stuck for good: on Patroni 3.0.2 a leader whose Patroni was frozen past
   * {@code ttl} takes its key back after the thaw, and a replica that already followed the
   * short-lived new leader onto its timeline then waits forever ("highest timeline 1 of the
   * primary is behind recovery timeline 2"), which Patroni does not repair. A shared test cluster
   * must recover from that, so replicas that do not stream within a grace period are
   * reinitialized from the leader.
   */
  private void awaitHealthyReinitializingStuckReplicas(Duration timeout) {
    try {
      awaitHealthy(Duration.ofSeconds(Math.min(30, timeout.toSeconds())));
      return;
    } catch (ClusterNotReadyException stuck) {
      Observation o = observe();
      String leaderName = o.leader().orElseThrow(() -> stuck);
      for (PatroniNode n : nodes) {
        if (!n.name().equals(leaderName) && n.isPatroniRunning() && !o.streaming().contains(n.name())) {
          LOG.log(System.Logger.Level.WARNING, "{0} does not stream from {1}; reinitializing it", n.name(), leaderName);
          rest().post(n.restUrl().resolve("/reinitialize"), Map.of("force", true));
        }
      }
    }
    awaitHealthy(timeout);
  }

  // ---------------------------------------------------------------- logs and clean-up

  /**
   * Copies every log of this cluster (etcd, each Patroni, each PostgreSQL) to {@code
   * logArchiveDir/label} and returns that directory. The JUnit extension calls it when a test fails.
   */
  public Path archiveLogs(String label) {
    Path target = settings.logArchiveDir();
    for (String segment : label.split("/")) {
      target = target.resolve(segment.replaceAll("[^A-Za-z0-9._-]", "_"));
    }
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path log : files.filter(p -> p.toString().endsWith(".log") && Files.isRegularFile(p)).toList()) {
        Path dest = target.resolve(directory.relativize(log).toString().replace(File.separatorChar, '-'));
        Files.createDirectories(dest.getParent());
        Files.copy(log, dest, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | UncheckedIOException e) {
      System.err.println("patroni4j testkit: could not archive all logs to " + target + ": " + e.getMessage());
    }
    return target;
  }

  /** The last lines of every log of this cluster, headed by the log's name. */
  public String logTails(int lines) {
    StringBuilder out = new StringBuilder();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path log : files.filter(p -> p.toString().endsWith(".log") && Files.isRegularFile(p)).sorted().toList()) {
        out.append("==> ").append(directory.relativize(log)).append(" <==\n")
            .append(Processes.tail(log, lines)).append('\n');
      }
    } catch (IOException | UncheckedIOException e) {
      out.append("(could not read logs: ").append(e.getMessage()).append(")\n");
    }
    return out.toString();
  }

  /** Kills every process of this cluster and deletes its directory. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // we are the hook
    }
    for (PatroniNode n : nodes) {
      n.patroniPid().ifPresent(pid -> {
        Processes.signal(pid, "CONT");
        Processes.signal(pid, "KILL");
      });
    }
    for (PatroniNode n : nodes) {
      if (Files.exists(n.dataDir().resolve("postmaster.pid"))) {
        // An immediate stop frees PostgreSQL's shared memory, which a SIGKILL would leak.
        pgCtl(n, "stop", "-m", "immediate", "-w");
      }
    }
    if (dcs != null) {
      dcs.close();
    }
    Processes.killAllMentioning(directory + "/");
    RunRegistry.deleteTree(directory);
  }

  public boolean isClosed() {
    return closed;
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("cluster " + scope + " is closed");
    }
  }

  private DcsServer dcs() {
    return Objects.requireNonNull(dcs, "DCS not started");
  }

  private RestCalls rest() {
    return Objects.requireNonNull(rest, "REST not ready");
  }

  ClusterSettings settings() {
    return settings;
  }

  private static String randomToken(int bytes) {
    StringBuilder sb = new StringBuilder();
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    for (byte x : b) {
      sb.append(String.format("%02x", x));
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "LocalPatroniCluster[scope=" + scope + ", nodes=" + nodes.stream().map(PatroniNode::name).toList()
        + ", dcs=" + (dcs == null ? "-" : dcs.endpoint()) + "]";
  }

  /**
   * Describes a cluster to start. Defaults: 3 members, a random scope {@code p4j-xxxxxx},
   * namespace {@code /service}, {@code ttl: 10}, {@code loop_wait: 2}, {@code retry_timeout: 3},
   * plain HTTP without auth, etcd without auth, Debian's binary locations, logs archived under
   * {@code target/patroni4j-logs}. Not thread-safe; {@link #start()} may be called more than once
   * (each call starts a new cluster, with a new random scope unless one was set, and in its own
   * etcd, so two clusters never share a DCS).
   */
  public static final class Builder {
    private int members = 3;
    private @Nullable String scope;
    private String namespace = "/service";
    private final Map<String, Object> dynamicConfig = new LinkedHashMap<>();
    private final Map<String, Object> postgresParameters = new LinkedHashMap<>();
    private final Map<Integer, Map<String, Object>> tags = new TreeMap<>();
    private boolean restTls;
    private @Nullable Credentials restAuth;
    private @Nullable Credentials etcdAuth;
    private ConsulDcs.@Nullable Options consul;
    private Duration startupTimeout = Duration.ofMinutes(3);
    private Path logArchiveDir = Path.of("target", "patroni4j-logs");
    private @Nullable Path patroniBinary;
    private @Nullable Path etcdBinary;
    private Path postgresBinDir = Path.of("/usr/lib/postgresql/15/bin");

    private Builder() {}

    /** Number of Patroni nodes, 1 to 9. */
    public Builder members(int members) {
      if (members < 1 || members > 9) {
        throw new IllegalArgumentException("members must be between 1 and 9, was " + members);
      }
      this.members = members;
      return this;
    }

    /** Patroni's {@code scope} (the cluster name); letters, digits, '-' and '_'. */
    public Builder scope(String scope) {
      if (!scope.matches("[A-Za-z0-9_-]{1,40}")) {
        throw new IllegalArgumentException("scope must be 1 to 40 letters, digits, '-' or '_', was \"" + scope + "\"");
      }
      this.scope = scope;
      return this;
    }

    /** Patroni's {@code namespace}, e.g. {@code /service}. */
    public Builder namespace(String namespace) {
      if (!namespace.startsWith("/")) {
        throw new IllegalArgumentException("namespace must start with '/', was \"" + namespace + "\"");
      }
      this.namespace = namespace;
      return this;
    }

    /**
     * A key of Patroni's dynamic configuration ({@code bootstrap.dcs}), e.g. {@code ttl}, {@code
     * loop_wait}, {@code synchronous_mode}, {@code maximum_lag_on_failover}. Values are strings,
     * numbers, booleans, or maps and lists of those.
     */
    public Builder dynamicConfig(String key, Object value) {
      requireYamlValue("dynamicConfig '" + key + "'", value);
      dynamicConfig.put(key, value);
      return this;
    }

    /** A PostgreSQL parameter for every member (in {@code bootstrap.dcs.postgresql.parameters}). */
    public Builder postgresParameter(String name, Object value) {
      if (!name.matches("[a-z_][a-z0-9_.]*")) {
        throw new IllegalArgumentException("postgresParameter: \"" + name + "\" is not a PostgreSQL parameter name");
      }
      if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
        throw new IllegalArgumentException("postgresParameter '" + name + "': a value of type "
            + value.getClass().getName() + " is not supported; use a String, Number or Boolean");
      }
      postgresParameters.put(name, value);
      return this;
    }

    /** Tags of member {@code number} (1-based: 1 is pg1), e.g. {@code Map.of("nofailover", true)}. */
    public Builder tags(int number, Map<String, ?> memberTags) {
      if (number < 1) {
        throw new IllegalArgumentException("tags: member numbers start at 1, was " + number);
      }
      memberTags.forEach((k, v) -> requireYamlValue("tag '" + k + "' of member " + number, v));
      tags.put(number, Map.copyOf(memberTags));
      return this;
    }

    /**
     * HTTPS on every REST API with {@code verify_client: required}; the test kit generates the CA,
     * server and client certificates ({@link LocalPatroniCluster#tls()}).
     */
    public Builder restTls(boolean on) {
      this.restTls = on;
      return this;
    }

    /** Basic auth on the REST API's unsafe methods, as Patroni's {@code restapi.authentication}. */
    public Builder restBasicAuth(String username, String password) {
      this.restAuth = new Credentials(username, password);
      return this;
    }

    /** Authentication on etcd: the {@code root} user with this password, and auth enabled. */
    public Builder etcdAuth(String username, String password) {
      this.etcdAuth = new Credentials(username, password);
      return this;
    }

    /**
     * Runs the cluster on an in-process {@link ConsulTestServer} instead of etcd: Patroni gets a {@code consul:}
     * section with {@code register_service: true} ({@link LocalPatroniCluster#consulServer()}).
     */
    public Builder consul() {
      if (consul == null) {
        consul = new ConsulDcs.Options(Optional.empty());
      }
      return this;
    }

    /**
     * Runs the cluster on the Consul test server with ACLs on (default policy deny): {@code token} is the
     * management token, and every Patroni node and {@code patronictl} use it as {@code consul.token}.
     */
    public Builder consulAclToken(String token) {
      Objects.requireNonNull(token, "token");
      if (token.isBlank()) {
        throw new IllegalArgumentException("consulAclToken is blank");
      }
      this.consul = new ConsulDcs.Options(Optional.of(token));
      return this;
    }

    /** How long {@link #start()} and the kit's own waits may take; default 3 minutes. */
    public Builder startupTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("startupTimeout must be positive, was " + timeout);
      }
      this.startupTimeout = timeout;
      return this;
    }

    /** Where logs are copied when a test fails or the start fails; default {@code target/patroni4j-logs}. */
    public Builder logArchiveDir(Path dir) {
      this.logArchiveDir = dir;
      return this;
    }

    /** The {@code patroni} executable; default: found on the PATH. */
    public Builder patroniBinary(Path path) {
      this.patroniBinary = path;
      return this;
    }

    /** The {@code etcd} executable; default: found on the PATH. */
    public Builder etcdBinary(Path path) {
      this.etcdBinary = path;
      return this;
    }

    /** PostgreSQL's bin directory; default Debian's {@code /usr/lib/postgresql/15/bin}. */
    public Builder postgresBinDir(Path dir) {
      this.postgresBinDir = dir;
      return this;
    }

    ClusterSettings settings() {
      if (consul != null && etcdAuth != null) {
        throw new IllegalArgumentException("etcdAuth and consul() exclude each other: a Consul cluster has no etcd");
      }
      for (Integer number : tags.keySet()) {
        if (number > members) {
          throw new IllegalArgumentException("tags given for member " + number + " but the cluster has only "
              + members + " members");
        }
      }
      return new ClusterSettings(members, Optional.ofNullable(scope), namespace,
          Map.copyOf(dynamicConfig), Map.copyOf(postgresParameters), Map.copyOf(tags), restTls,
          Optional.ofNullable(restAuth), Optional.ofNullable(etcdAuth), Optional.ofNullable(consul), startupTimeout, logArchiveDir,
          patroniBinary != null ? patroniBinary : onPath("patroni"),
          etcdBinary != null ? etcdBinary : onPath("etcd"), postgresBinDir);
    }

    /** Starts the cluster and returns once it is healthy; the caller closes it. */
    public LocalPatroniCluster start() {
      return LocalPatroniCluster.start(settings());
    }

    private static Path onPath(String name) {
      String path = Objects.requireNonNullElse(System.getenv("PATH"), "/usr/bin:/bin");
      for (String dir : (path + ":/usr/bin:/usr/sbin").split(":")) {
        Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
      return Path.of("/usr/bin", name);
    }

    private static void requireYamlValue(String what, @Nullable Object value) {
      if (value == null) {
        throw new IllegalArgumentException(what + ": null is not a value; leave the key out instead");
      }
      if (value instanceof Map<?, ?> map) {
        map.forEach((k, v) -> requireYamlValue(what + "." + k, v));
      } else if (value instanceof List<?> list) {
        list.forEach(v -> requireYamlValue(what + "[]", v));
      } else if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
        throw new IllegalArgumentException(what + ": a value of type " + value.getClass().getName()
            + " is not supported; use a String, Number, Boolean, Map or List");
      }
    }
  }

  /** What one look at the cluster showed. */
  record Observation(@Nullable JsonNode cluster, String error, Set<String> streaming, List<PatroniNode> nodes) {
    static Optional<String> leaderOf(JsonNode cluster) {
      for (JsonNode m : cluster.path("members")) {
        String role = m.path("role").asText();
        if ((role.equals("leader") || role.equals("master") || role.equals("standby_leader"))
            && m.path("state").asText().equals("running")) {
          return Optional.of(m.path("name").asText());
        }
      }
      return Optional.empty();
    }

    Optional<String> leader() {
      return cluster == null ? Optional.empty() : leaderOf(cluster);
    }

    Optional<JsonNode> member(String name) {
      if (cluster == null) {
        return Optional.empty();
      }
      for (JsonNode m : cluster.path("members")) {
        if (m.path("name").asText().equals(name)) {
          return Optional.of(m);
        }
      }
      return Optional.empty();
    }

    Set<String> memberNames() {
      Set<String> names = new TreeSet<>();
      if (cluster != null) {
        cluster.path("members").forEach(m -> names.add(m.path("name").asText()));
      }
      return names;
    }

    boolean paused() {
      return cluster != null && cluster.path("pause").asBoolean(false);
    }

    boolean healthy() {
      Optional<String> leader = leader();
      if (leader.isEmpty()) {
        return false;
      }
      long timeline = member(leader.get()).map(m -> m.path("timeline").asLong(-1)).orElse(-1L);
      for (PatroniNode n : nodes) {
        if (n.name().equals(leader.get()) || !n.isPatroniRunning()) {
          continue;
        }
        Optional<JsonNode> m = member(n.name());
        if (m.isEmpty() || !streaming.contains(n.name()) || m.get().path("timeline").asLong(-2) != timeline) {
          return false;
        }
      }
      return true;
    }

    String summary() {
      if (cluster == null) {
        return error;
      }
      StringBuilder sb = new StringBuilder();
      for (JsonNode m : cluster.path("members")) {
        sb.append(m.path("name").asText()).append('=').append(m.path("role").asText()).append('/')
            .append(m.path("state").asText()).append("/tl").append(m.path("timeline").asText("?"));
        if (m.has("lag")) {
          sb.append("/lag").append(m.path("lag").asText());
        }
        sb.append(' ');
      }
      sb.append("streaming=").append(new TreeSet<>(streaming));
      if (paused()) {
        sb.append(" paused");
      }
      return sb.toString();
    }
  }
}
