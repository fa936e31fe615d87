package dev.patroni4j.testkit;

import dev.patroni4j.config.ClusterSpec;
import dev.patroni4j.testkit.consul.ConsulTestServer;
import dev.patroni4j.testkit.internal.Certificates;
import dev.patroni4j.testkit.internal.ConsulDcs;
import dev.patroni4j.testkit.internal.DcsServer;
import dev.patroni4j.testkit.internal.EtcdServer;
import dev.patroni4j.testkit.internal.OsUser;
import dev.patroni4j.testkit.internal.Processes;
import dev.patroni4j.testkit.internal.RestCalls;
import dev.patroni4j.testkit.internal.RunRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
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
 *     try (Connection c = cluster.connect(leader)) {
 *         c.createStatement().execute("CREATE TABLE t (id int)");
 *     }
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
  private static final System.Logger LOG = System.getLogger(LocalPatroniCluster.class.getName());

  private final ClusterSettings settings;
  private final String scope;
  private final Path directory;
  private final Passwords passwords;
  private final Optional<TlsFiles> tls;
  private final DcsServer dcs;
  private final Optional<EtcdInstallation> etcd;
  private final ClusterMembers members;
  private final NodeProcesses processes;
  private final Readiness readiness;
  private final RestCalls rest;
  private final Faults faults;
  private final KnownStateReset reset;
  private final ClusterLifecycle lifecycle;
  private final ClusterLogs logs;
  private final PatroniConfigWriter configs;
  private final Thread shutdownHook;

  private LocalPatroniCluster(ClusterSettings settings, String scope, Path directory, OsUser osUser,
      Passwords passwords, Optional<TlsFiles> tls, DcsServer dcs, Optional<EtcdInstallation> etcd, ClusterLogs logs) {
    this.settings = settings;
    this.scope = scope;
    this.directory = directory;
    this.passwords = passwords;
    this.tls = tls;
    this.dcs = dcs;
    this.etcd = etcd;
    this.logs = logs;
    this.members = new ClusterMembers(scope);
    this.rest = new RestCalls(tls, settings.restAuth());
    this.configs = new PatroniConfigWriter(settings, scope, dcs, tls, passwords);
    this.processes = new NodeProcesses(settings, osUser, members);
    this.readiness = new Readiness(members, rest, this::connect);
    this.faults = new Faults(processes, dcs);
    this.reset = new KnownStateReset(members, configs, processes, readiness, rest, dcs, settings.startupTimeout());
    this.lifecycle = new ClusterLifecycle(settings, directory, osUser, members, configs, processes, readiness, dcs);
    this.shutdownHook = new Thread(this::close, "patroni4j-cluster-" + scope + "-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  public static Builder builder() {
    return new Builder();
  }

  static LocalPatroniCluster start(ClusterSettings settings) {
    // Everything a cluster needs is checked before anything starts, so that a missing installation
    // fails in milliseconds with the command that provides it.
    for (int number = 1; number <= settings.members(); number++) {
      settings.patroniFor(number).requireInstalled();
    }
    Optional<EtcdInstallation> etcd = settings.consul().isPresent() ? Optional.empty()
        : Optional.of(settings.etcd().requireInstalled());
    requireExecutable(settings.postgresBinDir().resolve("postgres"), "postgres", "postgresql-15");
    OsUser osUser = OsUser.detect();
    String scope = settings.requestedScope().orElseGet(() -> "p4j-" + Passwords.randomToken(3));
    Path dir = RunRegistry.newClusterDirectory(scope + "-" + Passwords.randomToken(4));
    ClusterLogs logs = new ClusterLogs(dir, settings.logArchiveDir());
    long started = System.nanoTime();
    @Nullable DcsServer dcs = null;
    @Nullable LocalPatroniCluster cluster = null;
    try {
      Optional<TlsFiles> tls = Optional.empty();
      Files.createDirectories(dir.resolve("etcd"));
      if (settings.restTls()) {
        tls = Optional.of(Certificates.generate(Files.createDirectories(dir.resolve("tls")), Passwords.randomToken(12)));
      }
      osUser.takeOwnership(dir);
      dcs = etcd.isEmpty() ? ConsulDcs.start(settings.consul().orElseThrow())
          : EtcdServer.start(etcd.get().etcd(), dir.resolve("etcd"), osUser.commandPrefix(),
              settings.etcdAuth(), settings.startupTimeout());
      // A standby cluster is a copy of its primary: same roles, same passwords.
      Passwords passwords = settings.standbyOf().map(s -> s.primary().passwords).orElseGet(Passwords::random);
      settings.standbyOf().ifPresent(s -> s.primary().addPermanentSlot(s.slotName()));
      cluster = new LocalPatroniCluster(settings, scope, dir, osUser, passwords, tls, dcs, etcd, logs);
      cluster.lifecycle.boot(passwords);
      LOG.log(System.Logger.Level.INFO, "started {0} in {1} ms", cluster,
          Duration.ofNanos(System.nanoTime() - started).toMillis());
      return cluster;
    } catch (IOException | RuntimeException e) {
      Path archived = logs.archive("start-failure-" + scope);
      String tails = logs.tails(25);
      if (cluster != null) {
        cluster.close();
      } else {
        if (dcs != null) {
          dcs.close();
        }
        Processes.killAllMentioning(dir + "/");
        RunRegistry.deleteTree(dir);
      }
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

  // ---------------------------------------------------------------- what a test reads

  public String scope() {
    return scope;
  }

  public String namespace() {
    return settings.namespace();
  }

  /** The members, in start order. */
  public List<PatroniNode> nodes() {
    return members.all();
  }

  public PatroniNode node(String name) {
    return members.byName(name);
  }

  /** The current leader as Patroni's {@code /cluster} reports it; throws if there is none. */
  public PatroniNode leader() {
    return findLeader().orElseThrow(() -> new TestkitException("the cluster has no leader now; observed: "
        + readiness.observe().summary()));
  }

  public Optional<PatroniNode> findLeader() {
    return readiness.observe().leader().map(members::byName);
  }

  /** Every node that is not the current leader. */
  public List<PatroniNode> replicas() {
    String leader = leader().name();
    return members.all().stream().filter(n -> !n.name().equals(leader)).toList();
  }

  /** JDBC URL of the current leader. */
  public String jdbcUrl() {
    return leader().jdbcUrl();
  }

  public String superuser() {
    return PatroniConfigWriter.SUPERUSER;
  }

  public String superuserPassword() {
    return passwords.superuser();
  }

  /**
   * What every member's {@code patroni.yml} shares (scope, namespace, DCS section, the superuser, replication and
   * rewind users with their passwords, {@code pg_hba} rules, dynamic configuration), as patroni-config's {@code
   * ClusterSpec}: the input a test gives a conversion of {@link Builder#standalone()} servers.
   */
  public ClusterSpec clusterSpec() {
    return configs.clusterSpec();
  }

  /** Opens a superuser connection to a node's PostgreSQL. */
  public Connection connect(PatroniNode node) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", PatroniConfigWriter.SUPERUSER);
    props.setProperty("password", passwords.superuser());
    props.setProperty("connectTimeout", "5");
    props.setProperty("socketTimeout", "30");
    return DriverManager.getConnection(node.jdbcUrl(), props);
  }

  /** Where the cluster's DCS answers: etcd's client URL, or the Consul test server's HTTP address. */
  public URI dcsEndpoint() {
    return dcs.endpoint();
  }

  /** etcd's client URL; only for clusters on etcd (the default). */
  public URI etcdEndpoint() {
    if (dcs instanceof ConsulDcs) {
      throw new IllegalStateException("cluster " + scope + " runs on Consul, not etcd; use dcsEndpoint()");
    }
    return dcs.endpoint();
  }

  /** The etcd release the cluster's DCS runs; empty for a cluster on Consul. */
  public Optional<EtcdInstallation> etcdInstallation() {
    return etcd;
  }

  /**
   * The version etcd itself reports ({@code GET /version}'s {@code etcdserver}), e.g. {@code
   * 3.5.16}; only for clusters on etcd.
   */
  public String etcdVersion() {
    if (!(dcs instanceof EtcdServer server)) {
      throw new IllegalStateException("cluster " + scope + " runs on Consul, not etcd");
    }
    return server.reportedVersion();
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
    return tls;
  }

  /**
   * The cluster this one is a standby cluster of ({@link Builder#standbyOf}), with the slot it
   * replicates through; empty for a primary cluster.
   */
  public Optional<StandbySource> standbySource() {
    return settings.standbyOf();
  }

  /**
   * Adds a permanent physical slot to this cluster's dynamic configuration (Patroni then keeps it on
   * whichever member leads) and waits until the leader has created it.
   */
  void addPermanentSlot(String slotName) {
    PatroniNode leader = leader();
    RestCalls.Reply r = rest.patch(leader.restUrl().resolve("/config"),
        Map.of("slots", Map.of(slotName, Map.of("type", "physical"))));
    if (!r.ok()) {
      throw new TestkitException("cannot add the permanent slot " + slotName + " to " + scope
          + ": PATCH /config answered " + r.status() + " " + r.body());
    }
    readiness.await("the permanent slot " + slotName + " on the leader", settings.startupTimeout(),
        obs -> obs.leader().map(members::byName).map(n -> hasSlot(n, slotName)).orElse(false));
  }

  private boolean hasSlot(PatroniNode node, String slotName) {
    try (Connection c = connect(node);
        java.sql.PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
      s.setString(1, slotName);
      try (java.sql.ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      return false;
    }
  }

  /** The directory holding everything of this cluster. */
  public Path directory() {
    return directory;
  }

  /** Runs pg1's {@code patronictl -c <pg1's patroni.yml> args...} as the cluster's OS user. */
  public CommandResult patronictl(String... args) {
    return processes.patronictl(members.first(), List.of(args));
  }

  /**
   * Runs {@code node}'s own {@code patronictl} (the release the node runs) with the node's {@code
   * patroni.yml}: {@code patronictl -c <node's patroni.yml> args...}.
   */
  public CommandResult patronictl(PatroniNode node, String... args) {
    return processes.patronictl(node, List.of(args));
  }

  /**
   * The Patroni version the node's running server reports ({@code GET /patroni}'s {@code
   * patroni.version}), e.g. {@code 4.1.5}; compare {@link PatroniNode#patroniVersion()}, the
   * release the test kit started it from.
   *
   * @throws TestkitException when the node does not answer
   */
  public String reportedPatroniVersion(PatroniNode node) {
    return readiness.reportedPatroniVersion(node);
  }

  // ---------------------------------------------------------------- faults

  /** Starts a stopped node's Patroni; it adopts a PostgreSQL left running. Does not wait. */
  public void startPatroni(PatroniNode node) {
    processes.startPatroni(node);
  }

  /** SIGTERM to Patroni, which stops PostgreSQL and releases the leader key; SIGKILL after 60 s. */
  public void stopPatroni(PatroniNode node) {
    processes.stopPatroni(node);
  }

  /** SIGKILL to Patroni: PostgreSQL keeps running, orphaned, and a leader's key expires after ttl. */
  public void killPatroni(PatroniNode node) {
    faults.killPatroni(node);
  }

  /**
   * Stops the node's PostgreSQL cleanly ({@code pg_ctl stop -m fast -w}), as an operator does after stopping
   * Patroni in a paused cluster; with Patroni running, Patroni notices and acts as it would on a crash.
   */
  public CommandResult stopPostgres(PatroniNode node) {
    return processes.stopPostgres(node);
  }

  /**
   * Starts the node's PostgreSQL directly ({@code pg_ctl start -w}), as the standalone servers of {@link
   * Builder#standalone()} are started; with Patroni running, Patroni adopts it.
   */
  public CommandResult startPostgres(PatroniNode node) {
    return processes.startPostgres(node);
  }

  /** Crashes the postmaster: {@code pg_ctl stop -m immediate}. Patroni sees PostgreSQL die. */
  public CommandResult killPostmaster(PatroniNode node) {
    return faults.killPostmaster(node);
  }

  /** SIGSTOP to the node's Patroni: it stops answering and stops renewing its key. */
  public void freezePatroni(PatroniNode node) {
    faults.freezePatroni(node);
  }

  public void thawPatroni(PatroniNode node) {
    faults.thawPatroni(node);
  }

  /** SIGSTOP to the DCS: clients see timeouts, not refused connections. */
  public void freezeDcs() {
    faults.freezeDcs();
  }

  public void thawDcs() {
    faults.thawDcs();
  }

  /** Stops the node's Patroni gracefully, starts it again and waits until the cluster is healthy. */
  public void restartNode(PatroniNode node) {
    lifecycle.restartNode(node);
  }

  /** Adds a node that clones from the leader, and waits until it streams. */
  public PatroniNode addNode() {
    return lifecycle.addNode();
  }

  /**
   * Reserves the next node ({@code pgN}: free REST and PostgreSQL ports, its directory with {@code pglog/}, owned by
   * the cluster's OS user) and writes nothing else: no configuration file, no data directory, no process. It is the
   * empty host of a member a test adds itself, e.g. with a runbook that writes {@link PatroniNode#configFile()} and
   * starts it with {@link #startPatroni}. It is one of {@link #nodes()} from now on; {@link #resetToKnownState()}
   * starts it only once it has a configuration file, and {@link #close()} removes it with the cluster.
   *
   * <pre>{@code
   * import dev.patroni4j.config.PatroniConfig;
   * // given: LocalPatroniCluster cluster; PatroniConfig memberConfig;
   * PatroniNode pg3 = cluster.prepareNode();   // nothing runs on it yet
   * Files.writeString(pg3.configFile(), memberConfig.toYaml());
   * cluster.startPatroni(pg3);                 // clones from the leader
   * }</pre>
   */
  public PatroniNode prepareNode() {
    return lifecycle.prepareNode();
  }

  /**
   * Moves a node to another Patroni release, as a package upgrade or downgrade does: stops its
   * Patroni gracefully (which stops its PostgreSQL, and hands leadership on when it leads), starts
   * the same data directory and configuration under {@code version}, and waits until the cluster
   * is healthy and the node reports {@code version}. {@link #resetToKnownState()} moves it back.
   *
   * @throws InstallationMissingException at once, before stopping anything, when the release is
   *     not installed
   */
  public void switchPatroniVersion(PatroniNode node, String version) {
    lifecycle.switchInstallation(node, PatroniInstallation.of(version).requireInstalled());
  }

  /**
   * Chooses the Patroni release the stopped node's next {@link #startPatroni} runs, as swapping a package does while
   * the service is stopped; nothing is stopped or started, and the data directory and configuration stay. {@link
   * #resetToKnownState()} moves it back.
   *
   * @throws IllegalStateException when the node's Patroni is running
   * @throws InstallationMissingException when the release is not installed
   */
  public void useInstallation(PatroniNode node, String version) {
    processes.useInstallation(node, PatroniInstallation.of(version).requireInstalled());
  }

  /**
   * Points the node's next {@link #startPatroni} (and its {@code patronictl}) at another configuration file, as a
   * package whose service expects its configuration elsewhere does; a running Patroni keeps the file it started with.
   * Moving the file there is the caller's (e.g. a runbook's host actions). {@link #resetToKnownState()} puts the
   * original file back at {@code directory()/patroni.yml} and starts the node from it again.
   *
   * <pre>{@code
   * // given: LocalPatroniCluster cluster; PatroniNode pg2;   // a paused cluster: PostgreSQL keeps running
   * cluster.stopPatroni(pg2);
   * Path moved = pg2.directory().resolve("patroni.yml.moved");
   * Files.move(pg2.configFile(), moved);
   * cluster.useConfigFile(pg2, moved);
   * cluster.startPatroni(pg2);                 // reads the moved file
   * }</pre>
   *
   * @throws IllegalArgumentException for a relative path
   */
  public void useConfigFile(PatroniNode node, Path configFile) {
    if (!configFile.isAbsolute()) {
      throw new IllegalArgumentException("configFile must be absolute: " + configFile);
    }
    processes.useConfigFile(node, configFile.normalize());
  }

  // ---------------------------------------------------------------- waits

  /** Waits until a leader runs and every running node streams from it on its timeline. */
  public void awaitHealthy(Duration timeout) {
    readiness.awaitHealthy(timeout);
  }

  /** Waits until the leader's name satisfies {@code leader}, e.g. {@code name -> !name.equals("pg1")}. */
  public PatroniNode awaitLeader(Predicate<String> leader, Duration timeout) {
    return readiness.awaitLeader(leader, timeout);
  }

  /** Waits until the member names in Patroni's topology satisfy {@code members}, e.g. a node dropped out. */
  public void awaitMembers(Predicate<Set<String>> members, Duration timeout) {
    readiness.awaitMembers(members, timeout);
  }

  /** What the cluster looks like now, through the REST API of the first node that answers. */
  Observation observe() {
    return readiness.observe();
  }

  // ---------------------------------------------------------------- known state

  /**
   * Brings a shared cluster back to the state tests expect, cheaply: processes thawed and running,
   * each on the Patroni release the builder gave it, original configuration files (and so tags),
   * no scheduled switchover or restart, not paused, leader on pg1, every node streaming. Nodes
   * added with {@link #addNode} stay.
   */
  public void resetToKnownState() {
    reset.reset();
  }

  // ---------------------------------------------------------------- logs and clean-up

  /**
   * Copies every log of this cluster (etcd, each Patroni, each PostgreSQL) to {@code
   * logArchiveDir/label} and returns that directory. The JUnit extension calls it when a test fails.
   */
  public Path archiveLogs(String label) {
    return logs.archive(label);
  }

  /** The last lines of every log of this cluster, headed by the log's name. */
  public String logTails(int lines) {
    return logs.tails(lines);
  }

  /** Kills every process of this cluster and deletes its directory. Idempotent. */
  @Override
  public void close() {
    if (!members.close()) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // we are the hook
    }
    lifecycle.tearDown();
  }

  public boolean isClosed() {
    return members.isClosed();
  }

  ClusterSettings settings() {
    return settings;
  }

  @Override
  public String toString() {
    return "LocalPatroniCluster[scope=" + scope + ", nodes=" + members.all().stream().map(PatroniNode::name).toList()
        + ", dcs=" + dcs.endpoint() + "]";
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
    /** The system property that sets the default Patroni release, e.g. {@code -Dpatroni4j.patroniVersion=4.1.5}. */
    public static final String DEFAULT_VERSION_PROPERTY = "patroni4j.patroniVersion";

    /**
     * The Patroni release a builder runs when none is named: {@value #DEFAULT_VERSION_PROPERTY}
     * when it is set, else the system's {@value PatroniInstallation#SYSTEM}.
     */
    public static String defaultPatroniVersion() {
      return versionFromProperty().orElse(PatroniInstallation.SYSTEM);
    }

    private static Optional<String> versionFromProperty() {
      String version = System.getProperty(DEFAULT_VERSION_PROPERTY);
      return version == null || version.isBlank() ? Optional.empty() : Optional.of(version.strip());
    }

    private int members = 3;
    private @Nullable String scope;
    private String namespace = "/service";
    private final Map<String, Object> dynamicConfig = new LinkedHashMap<>();
    private final Map<String, Object> postgresParameters = new LinkedHashMap<>();
    private final Map<Integer, Map<String, Object>> tags = new TreeMap<>();
    private boolean restTls;
    private boolean restClientCertificates = true;
    private @Nullable Credentials restAuth;
    private @Nullable Credentials etcdAuth;
    private ConsulDcs.@Nullable Options consul;
    private Duration startupTimeout = Duration.ofMinutes(3);
    private Path logArchiveDir = Path.of("target", "patroni4j-logs");
    private @Nullable Path patroniBinary;
    private @Nullable String patroniVersion;
    private final Map<Integer, String> memberPatroniVersions = new TreeMap<>();
    private @Nullable Path etcdBinary;
    private @Nullable String etcdVersion;
    private Path postgresBinDir = Path.of("/usr/lib/postgresql/15/bin");
    private @Nullable StandbySource standbyOf;
    private boolean standalone;

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

    /**
     * Whether the HTTPS REST API requires a client certificate ({@code verify_client: required},
     * the default) or asks for none (no {@code verify_client}); only with {@link #restTls(boolean)}.
     */
    public Builder restClientCertificates(boolean required) {
      this.restClientCertificates = required;
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

    /**
     * The {@code patroni} executable, run as it is with {@code patronictl} beside it; default: found
     * on the PATH. Excludes {@link #patroniVersion(String)}.
     */
    public Builder patroniBinary(Path path) {
      this.patroniBinary = Objects.requireNonNull(path, "path");
      return this;
    }

    /**
     * The Patroni release every member runs (unless {@link #patroniVersion(int, String)} says
     * otherwise), one of {@link PatroniInstallation#VERSIONS}: {@code 3.0.2} is the system package,
     * {@code 4.0.7} and {@code 4.1.5} come from the cache {@code bin/prereqs} fills. A missing
     * release fails {@link #start()} at once with {@link InstallationMissingException}. Default:
     * the system property {@code patroni4j.patroniVersion} when set, else the {@code patroni} on
     * the PATH. Excludes {@link #patroniBinary(Path)}.
     */
    public Builder patroniVersion(String version) {
      PatroniInstallation.of(version);
      this.patroniVersion = version;
      return this;
    }

    /**
     * The Patroni release member {@code number} (1-based: 1 is pg1) runs, for clusters whose
     * members run different releases (a package migration's middle). Its {@code patronictl} is
     * what {@link LocalPatroniCluster#patronictl(PatroniNode, String...)} runs for it.
     */
    public Builder patroniVersion(int number, String version) {
      if (number < 1) {
        throw new IllegalArgumentException("patroniVersion: member numbers start at 1, was " + number);
      }
      PatroniInstallation.of(version);
      memberPatroniVersions.put(number, version);
      return this;
    }

    /** The {@code etcd} executable; default: found on the PATH. Excludes {@link #etcdVersion(String)}. */
    public Builder etcdBinary(Path path) {
      this.etcdBinary = Objects.requireNonNull(path, "path");
      return this;
    }

    /**
     * The etcd release the DCS runs: {@code 3.4} the system's, {@code 3.5} the cached 3.5.16
     * ({@link EtcdInstallation}). Default: the {@code etcd} on the PATH. Excludes {@link
     * #etcdBinary(Path)} and {@link #consul()}.
     */
    public Builder etcdVersion(String version) {
      EtcdInstallation.of(version);
      this.etcdVersion = version;
      return this;
    }

    /** PostgreSQL's bin directory; default Debian's {@code /usr/lib/postgresql/15/bin}. */
    public Builder postgresBinDir(Path dir) {
      this.postgresBinDir = dir;
      return this;
    }

    /**
     * Starts this cluster as a standby cluster of {@code primary} (Patroni's {@code standby_cluster}
     * in the dynamic configuration): in its own DCS, its first member becomes a {@code standby_leader}
     * cloned from and streaming from the primary's current leader through the permanent physical slot
     * {@code slotName}, which {@link #start()} adds to the primary's dynamic configuration first; the
     * other members stream from the standby leader. Roles and passwords are the primary's, since the
     * standby holds a copy of its data.
     *
     * <pre>{@code
     * try (LocalPatroniCluster siteA = LocalPatroniCluster.builder().members(2).start();
     *     LocalPatroniCluster siteB = LocalPatroniCluster.builder().members(2).standbyOf(siteA, "site_b").start()) {
     *   // siteB's pg1 is a standby_leader replicating from siteA's leader
     * }
     * }</pre>
     */
    public Builder standbyOf(LocalPatroniCluster primary, String slotName) {
      this.standbyOf = new StandbySource(primary, slotName);
      return this;
    }

    /**
     * Starts the nodes without Patroni, as the start point of a conversion to Patroni: pg1 is a standalone PostgreSQL
     * primary started with {@code pg_ctl} ({@code wal_level=logical}, only the superuser {@link #superuser()}
     * exists), and every other node a physical standby cloned with {@code pg_basebackup} and streaming from pg1
     * through its own replication slot {@code standby_pgN}. The DCS runs; no node has a configuration file yet (a
     * conversion writes {@link PatroniNode#configFile()} and starts Patroni with {@link #startPatroni}, which
     * adopts the running postmaster). {@link #clusterSpec()} is what the members' {@code patroni.yml} would share.
     * Not compatible with {@link #standbyOf}; {@link #resetToKnownState()} needs the nodes converted first.
     *
     * <pre>{@code
     * try (LocalPatroniCluster standalone = LocalPatroniCluster.builder().members(2).standalone().start()) {
     *   PatroniNode primary = standalone.node("pg1");   // pg_ctl-started, not under Patroni
     * }
     * }</pre>
     */
    public Builder standalone() {
      this.standalone = true;
      return this;
    }

    ClusterSettings settings() {
      if (standalone && standbyOf != null) {
        throw new IllegalArgumentException("standalone() and standbyOf() exclude each other");
      }
      if (consul != null && etcdAuth != null) {
        throw new IllegalArgumentException("etcdAuth and consul() exclude each other: a Consul cluster has no etcd");
      }
      if (consul != null && (etcdVersion != null || etcdBinary != null)) {
        throw new IllegalArgumentException("etcdVersion/etcdBinary and consul() exclude each other: a Consul cluster"
            + " has no etcd");
      }
      if (etcdVersion != null && etcdBinary != null) {
        throw new IllegalArgumentException("etcdVersion and etcdBinary exclude each other; give one");
      }
      if (patroniVersion != null && patroniBinary != null) {
        throw new IllegalArgumentException("patroniVersion and patroniBinary exclude each other; give one");
      }
      for (Integer number : tags.keySet()) {
        if (number > members) {
          throw new IllegalArgumentException("tags given for member " + number + " but the cluster has only "
              + members + " members");
        }
      }
      for (Integer number : memberPatroniVersions.keySet()) {
        if (number > members) {
          throw new IllegalArgumentException("patroniVersion given for member " + number
              + " but the cluster has only " + members + " members");
        }
      }
      Map<String, Object> dynamic = new LinkedHashMap<>(dynamicConfig);
      if (standbyOf != null) {
        if (dynamic.containsKey("standby_cluster")) {
          throw new IllegalArgumentException("standbyOf(...) and dynamicConfig(\"standby_cluster\", ...) exclude each"
              + " other; give one");
        }
        if (standbyOf.primary().isClosed()) {
          throw new IllegalArgumentException("standbyOf(...): the primary cluster " + standbyOf.primary().scope()
              + " is closed");
        }
        dynamic.put("standby_cluster", Map.of("host", "127.0.0.1", "port", standbyOf.primary().leader().pgPort(),
            "primary_slot_name", standbyOf.slotName()));
      }
      String version = patroniVersion;
      Optional<String> fromProperty = versionFromProperty();
      if (version == null && patroniBinary == null && fromProperty.isPresent()) {
        version = PatroniInstallation.of(fromProperty.get()).version();
      }
      return new ClusterSettings(members, Optional.ofNullable(scope), namespace,
          Map.copyOf(dynamic), Map.copyOf(postgresParameters), Map.copyOf(tags), restTls,
          restTls && restClientCertificates,
          Optional.ofNullable(restAuth), Optional.ofNullable(etcdAuth), Optional.ofNullable(consul), startupTimeout, logArchiveDir,
          Optional.ofNullable(patroniBinary), Optional.ofNullable(version), Map.copyOf(memberPatroniVersions),
          Optional.ofNullable(etcdBinary), Optional.ofNullable(etcdVersion), postgresBinDir,
          Optional.ofNullable(standbyOf), standalone);
    }

    /** Starts the cluster and returns once it is healthy; the caller closes it. */
    public LocalPatroniCluster start() {
      return LocalPatroniCluster.start(settings());
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
}
