package dev.patroni4j.testkit.containers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.ClusterObservation;
import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.PatroniWaitTimeoutException;
import dev.patroni4j.config.ClusterSpec;
import dev.patroni4j.config.ConfigGenerator;
import dev.patroni4j.config.MemberHost;
import dev.patroni4j.config.PatroniConfig;
import dev.patroni4j.config.Secret;
import dev.patroni4j.testkit.TestkitException;
import dev.patroni4j.testkit.containers.internal.ClusterNetwork;
import dev.patroni4j.testkit.containers.internal.Resources;
import java.net.URI;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.WaitStrategy;
import org.testcontainers.containers.wait.strategy.WaitStrategyTarget;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * A throwaway Patroni cluster of Docker containers, started with Testcontainers: one etcd and N Patroni members,
 * each managing a PostgreSQL, on a network of their own. Runs on any image that has {@code patroni} (with its etcd
 * support) and PostgreSQL, and an etcd image with {@code etcd} on the PATH (by default the same image); the
 * repository's {@code testkit-containers/images/build} builds such images from Debian packages.
 *
 * <pre>{@code
 * try (PatroniContainerCluster cluster = PatroniContainerCluster.builder("patroni4j/debian12-pg15:latest")
 *         .members(3)
 *         .postgresParameter("max_connections", 50)
 *         .start()) {
 *     ContainerMember leader = cluster.leader();
 *     try (Connection c = cluster.connect(leader)) {
 *         c.createStatement().execute("CREATE TABLE t (id int)");
 *     }
 *     cluster.kill(leader);                                   // SIGKILL to the container
 *     cluster.awaitLeader(name -> !name.equals(leader.name()), Duration.ofSeconds(60));
 * }
 * }</pre>
 *
 * <p>{@link #start} returns once a leader runs and every replica streams from it on its timeline; pg1 is the first
 * leader. Every container, network and volume carries the label {@code dev.patroni4j.testkit=containers}: {@link #close} removes
 * them, a shutdown hook removes them when the JVM exits without closing, and every cluster start first removes what
 * JVMs that died on this machine (even by SIGKILL) left behind, so Testcontainers' reaper (Ryuk) can stay off
 * ({@code TESTCONTAINERS_RYUK_DISABLED=true}, needed where no registry serves its image). A JVM that itself runs in a
 * container beside the Docker daemon also needs {@code TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1}: Testcontainers would
 * otherwise pull an image from Docker Hub to find the daemon's address.
 *
 * <p>Thread-safe: faults and waits may be called from several threads; membership changes are serialised.
 */
public final class PatroniContainerCluster implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(PatroniContainerCluster.class.getName());
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String CONFIG_PATH = "/tmp/patroni4j.yml";
  private static final int ETCD_PORT = 2379;
  private static final int ETCD_OFFSET = 2;
  private static final int FIRST_MEMBER_OFFSET = 10;
  private static final String SUPERUSER = "postgres";

  private final ContainerClusterSettings settings;
  private final String scope;
  private final DockerClient docker;
  private final Resources resources;
  private final ClusterNetwork network;
  private final String superuserPassword;
  private final String replicationPassword;
  private final String rewindPassword;
  private final List<ContainerMember> members = new CopyOnWriteArrayList<>();
  private final Map<String, GenericContainer<?>> containers = new ConcurrentHashMap<>();
  private final Thread shutdownHook;
  private volatile @Nullable GenericContainer<?> etcd;
  private volatile int publishedEtcdPort;
  private final AtomicInteger lastMemberNumber = new AtomicInteger();
  private volatile boolean closed;

  private PatroniContainerCluster(ContainerClusterSettings settings, String scope, DockerClient docker,
      ClusterNetwork network) {
    this.settings = settings;
    this.scope = scope;
    this.docker = docker;
    this.resources = new Resources(docker);
    this.network = network;
    this.superuserPassword = token(16);
    this.replicationPassword = token(16);
    this.rewindPassword = token(16);
    this.shutdownHook = new Thread(this::removeEverything, "patroni4j-containers-" + scope + "-shutdown");
  }

  /** A builder for a cluster whose members (and, unless told otherwise, etcd) run {@code image}. */
  public static Builder builder(String image) {
    return new Builder(image);
  }

  static PatroniContainerCluster start(ContainerClusterSettings settings) {
    DockerClient docker;
    try {
      docker = DockerClientFactory.instance().client();
    } catch (RuntimeException e) {
      throw new TestkitException("Docker is not reachable (" + e.getMessage() + "): start dockerd, e.g. with"
          + " bin/prereqs as root", e);
    }
    sweepDeadOwners(docker);
    String scope = "p4jc-" + token(3);
    long started = System.nanoTime();
    ClusterNetwork network = ClusterNetwork.create(docker, "patroni4j-" + scope, Resources.labels(scope));
    PatroniContainerCluster cluster = new PatroniContainerCluster(settings, scope, docker, network);
    Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
    try {
      cluster.startEtcd();
      ContainerMember first = cluster.createMember();
      cluster.awaitCondition(Conditions.leaderIs(first.name()), settings.startupTimeout());
      for (int i = 1; i < settings.members(); i++) {
        cluster.createMember();
      }
      cluster.awaitHealthy(settings.startupTimeout());
      LOG.log(System.Logger.Level.INFO, "started {0} in {1} ms", cluster,
          Duration.ofNanos(System.nanoTime() - started).toMillis());
      return cluster;
    } catch (RuntimeException e) {
      String tails = cluster.logTails(30);
      cluster.close();
      throw new TestkitException("the Patroni container cluster '" + scope + "' on " + settings.image()
          + " did not start: " + e.getMessage() + "\n" + tails, e);
    }
  }

  /**
   * Removes every container, network and volume the container test kit created for JVMs on this machine that are
   * no longer running; returns how many objects it removed. Every cluster start does this first.
   */
  public static int sweepDeadOwners() {
    return sweepDeadOwners(DockerClientFactory.instance().client());
  }

  private static int sweepDeadOwners(DockerClient docker) {
    Resources resources = new Resources(docker);
    Resources.Inventory leftovers = resources.ofDeadOwners();
    if (leftovers.isEmpty()) {
      return 0;
    }
    List<String> failures = resources.remove(leftovers);
    LOG.log(System.Logger.Level.INFO, "removed {0} Docker objects left by JVMs that died: {1}",
        leftovers.size() - failures.size(), leftovers);
    if (!failures.isEmpty()) {
      LOG.log(System.Logger.Level.WARNING, "could not remove: {0}", failures);
    }
    return leftovers.size() - failures.size();
  }

  // ---------------------------------------------------------------- what a test reads

  /** Patroni's {@code scope}; also the value of the {@code dev.patroni4j.cluster} label on its Docker objects. */
  public String scope() {
    return scope;
  }

  /** The members, in start order. */
  public List<ContainerMember> members() {
    return List.copyOf(members);
  }

  public ContainerMember member(String name) {
    return members.stream().filter(m -> m.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("cluster " + scope + " has no member " + name + "; it has "
            + members.stream().map(ContainerMember::name).toList()));
  }

  /** The current leader as Patroni's {@code /cluster} reports it; throws if there is none. */
  public ContainerMember leader() {
    return findLeader().orElseThrow(() -> new TestkitException("the cluster " + scope + " has no leader now"));
  }

  public Optional<ContainerMember> findLeader() {
    return client().cluster().findLeader().flatMap(l -> members.stream().filter(m -> m.name().equals(l.name())).findFirst());
  }

  /** Every member that is not the current leader. */
  public List<ContainerMember> replicas() {
    String leader = leader().name();
    return members.stream().filter(m -> !m.name().equals(leader)).toList();
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

  /** Opens a superuser connection to a member's PostgreSQL. */
  public Connection connect(ContainerMember member) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", SUPERUSER);
    props.setProperty("password", superuserPassword);
    props.setProperty("connectTimeout", "5");
    props.setProperty("socketTimeout", "30");
    return DriverManager.getConnection(member.jdbcUrl(), props);
  }

  /** A client for the cluster's REST API, built on the members' published ports. */
  public PatroniClient client() {
    List<URI> urls = members.stream().map(ContainerMember::restUrl).toList();
    return PatroniClient.builder().members(urls).connectTimeout(Duration.ofSeconds(2))
        .readTimeout(Duration.ofSeconds(5)).build();
  }

  /** etcd's client URL as the host reaches it (a published port on 127.0.0.1). */
  public URI dcsEndpoint() {
    return URI.create("http://127.0.0.1:" + publishedEtcdPort);
  }

  /** etcd's client URL on the cluster's network, as the members reach it. */
  public URI dcsNetworkEndpoint() {
    return URI.create("http://" + network.address(ETCD_OFFSET) + ":" + ETCD_PORT);
  }

  // ---------------------------------------------------------------- faults

  /** {@code docker stop}: SIGTERM to Patroni, which stops PostgreSQL and releases the leader key. */
  public void stop(ContainerMember member) {
    docker.stopContainerCmd(member.containerId()).withTimeout(60).exec();
  }

  /** {@code docker kill}: SIGKILL to everything in the container, Patroni and PostgreSQL alike. */
  public void kill(ContainerMember member) {
    docker.killContainerCmd(member.containerId()).exec();
  }

  /**
   * Starts a stopped or killed member again on its data; Docker publishes new ports, which the member reports from
   * now on. Does not wait for it to run.
   */
  public void start(ContainerMember member) {
    docker.startContainerCmd(member.containerId()).exec();
    refreshPorts(member);
  }

  /** {@code docker pause}: every process of the member stops where it is; peers see timeouts. */
  public void freeze(ContainerMember member) {
    docker.pauseContainerCmd(member.containerId()).exec();
  }

  public void thaw(ContainerMember member) {
    docker.unpauseContainerCmd(member.containerId()).exec();
  }

  /** Disconnects the member from the cluster's network: it reaches neither etcd nor its peers, nor the host it. */
  public void cutNetwork(ContainerMember member) {
    network.disconnect(member.containerId());
  }

  /** Connects a cut-off member again at its address. */
  public void restoreNetwork(ContainerMember member) {
    network.connect(member.containerId(), member.networkAddress(), member.name());
    refreshPorts(member);
  }

  /** {@code docker stop} of etcd. */
  public void stopDcs() {
    docker.stopContainerCmd(etcdId()).withTimeout(30).exec();
  }

  /** {@code docker kill} of etcd. */
  public void killDcs() {
    docker.killContainerCmd(etcdId()).exec();
  }

  /** Starts a stopped or killed etcd again on its data; {@link #dcsEndpoint()} follows its new port. */
  public void startDcs() {
    docker.startContainerCmd(etcdId()).exec();
    publishedEtcdPort = publishedPort(etcdId(), ETCD_PORT);
  }

  /** {@code docker pause} of etcd: clients see timeouts, not refused connections. */
  public void freezeDcs() {
    docker.pauseContainerCmd(etcdId()).exec();
  }

  public void thawDcs() {
    docker.unpauseContainerCmd(etcdId()).exec();
  }

  /** Adds a member that clones from the leader, and waits until it streams. */
  public synchronized ContainerMember addMember() {
    ContainerMember added = createMember();
    awaitCondition(Conditions.memberStreaming(added.name()), settings.startupTimeout());
    return added;
  }

  /**
   * Removes a member for good: its container and its volume. Its key in the DCS expires after Patroni's ttl; a
   * member added later takes a new name.
   */
  public synchronized void removeMember(ContainerMember member) {
    members.remove(member);
    containers.remove(member.name());
    List<String> failures = resources.remove(new Resources.Inventory(List.of(member.containerId()), List.of(),
        List.of(member.volume())));
    if (!failures.isEmpty()) {
      throw new TestkitException("cannot remove member " + member + " of " + scope + ": " + failures);
    }
  }

  // ---------------------------------------------------------------- waits

  /**
   * Waits until a leader runs and every member streams from it on its timeline.
   *
   * @throws PatroniWaitTimeoutException with the last topology seen, when that does not happen in time
   */
  public void awaitHealthy(Duration timeout) {
    awaitCondition(Conditions.allStreaming(members.stream().map(ContainerMember::name).toList()), timeout);
  }

  /** Waits until the leader's name satisfies {@code leader}, e.g. {@code name -> !name.equals("pg1")}. */
  public ContainerMember awaitLeader(Predicate<String> leader, Duration timeout) {
    ClusterCondition condition = ClusterCondition.of("a running leader whose name satisfies the test's condition",
        o -> o.view().findLeader().filter(l -> l.state().isRunning() && leader.test(l.name())).isPresent());
    return member(awaitCondition(condition, timeout).view().leader().name());
  }

  /** Waits until the member names in Patroni's topology satisfy {@code names}, e.g. a removed member left. */
  public void awaitMembers(Predicate<Set<String>> names, Duration timeout) {
    awaitCondition(ClusterCondition.of("member names satisfying the test's condition",
        o -> names.test(Set.copyOf(o.view().memberNames()))), timeout);
  }

  private ClusterObservation awaitCondition(ClusterCondition condition, Duration timeout) {
    return client().waitUntil(condition, timeout);
  }

  // ---------------------------------------------------------------- logs and life cycle

  /** The last {@code lines} lines of every container's output, each headed by the container's name. */
  public String logTails(int lines) {
    StringBuilder out = new StringBuilder();
    Map<String, GenericContainer<?>> all = new LinkedHashMap<>();
    GenericContainer<?> e = etcd;
    if (e != null) {
      all.put("etcd", e);
    }
    all.putAll(containers);
    all.forEach((name, container) -> {
      out.append("---- ").append(name).append('\n');
      try {
        List<String> log = List.of(container.getLogs().split("\n", -1));
        log.subList(Math.max(0, log.size() - lines), log.size()).forEach(l -> out.append(l).append('\n'));
      } catch (RuntimeException ex) {
        out.append("(no log: ").append(ex.getMessage()).append(")\n");
      }
    });
    return out.toString();
  }

  /** Removes every container, volume and the network of this cluster. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    removeEverything();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs or ran anyway
    }
  }

  public boolean isClosed() {
    return closed;
  }

  private void removeEverything() {
    List<String> failures = resources.remove(resources.ofCluster(scope));
    if (!failures.isEmpty()) {
      LOG.log(System.Logger.Level.WARNING, "cluster {0}: could not remove {1}", scope, failures);
    }
  }

  @Override
  public String toString() {
    return "PatroniContainerCluster[" + scope + ", " + members.size() + " members on " + settings.image() + "]";
  }

  // ---------------------------------------------------------------- machinery

  private void startEtcd() {
    String address = network.address(ETCD_OFFSET);
    GenericContainer<?> container = container(settings.etcdImage(), "etcd", address, ETCD_PORT)
        .withCommand("etcd", "--name", "etcd", "--data-dir", "/tmp/etcd",
            "--listen-client-urls", "http://0.0.0.0:" + ETCD_PORT,
            "--advertise-client-urls", "http://" + address + ":" + ETCD_PORT,
            "--listen-peer-urls", "http://127.0.0.1:2380", "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
            "--initial-cluster", "etcd=http://127.0.0.1:2380");
    etcd = container;
    container.start();
    publishedEtcdPort = publishedPort(container.getContainerId(), ETCD_PORT);
  }

  private ContainerMember createMember() {
    int number = lastMemberNumber.incrementAndGet();
    String name = "pg" + number;
    String address = network.address(FIRST_MEMBER_OFFSET + number);
    String volume = docker.createVolumeCmd().withName("patroni4j-" + scope + "-" + name)
        .withLabels(Resources.labels(scope)).exec().getName();
    GenericContainer<?> container = container(settings.image(), name, address, ContainerMember.REST_PORT,
        ContainerMember.POSTGRES_PORT)
        .withCopyToContainer(Transferable.of(patroniConfig(name, address).toYaml()), CONFIG_PATH)
        .withCommand("patroni", CONFIG_PATH);
    // The volume holds the data directory: it outlives a killed container and is removed with the member.
    container.withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withMounts(List.of(
        new Mount().withType(MountType.VOLUME).withSource(volume).withTarget(settings.homeDir()))));
    containers.put(name, container);
    container.start();
    ContainerMember member = new ContainerMember(name, container.getContainerId(), address, volume);
    refreshPorts(member);
    members.add(member);
    return member;
  }

  private GenericContainer<?> container(String image, String name, String address, int... ports) {
    GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image));
    return container.withNetworkMode(network.name())
        .withLabels(Resources.labels(scope))
        .waitingFor(NO_WAIT)
        .withCreateContainerCmdModifier(cmd -> configure(cmd, name, address, ports));
  }

  private void configure(CreateContainerCmd cmd, String name, String address, int... ports) {
    List<PortBinding> bindings = new ArrayList<>();
    List<ExposedPort> exposed = new ArrayList<>();
    for (int port : ports) {
      exposed.add(ExposedPort.tcp(port));
      // Published on the loopback only: the superuser password is random, but nobody else needs to try it.
      bindings.add(new PortBinding(Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(port)));
    }
    cmd.withName("patroni4j-" + scope + "-" + name).withHostName(name).withIpv4Address(address)
        .withExposedPorts(exposed);
    cmd.getHostConfig().withPortBindings(bindings).withPublishAllPorts(false);
  }

  private PatroniConfig patroniConfig(String name, String address) {
    String home = settings.homeDir();
    ClusterSpec.Builder cluster = ClusterSpec.builder(scope)
        .dcs(PatroniConfig.DcsType.ETCD3, Map.of("hosts", List.of(network.address(ETCD_OFFSET) + ":" + ETCD_PORT)))
        .superuser(SUPERUSER, Secret.of(superuserPassword))
        .replication("replicator", Secret.of(replicationPassword))
        .rewind("rewind_user", Secret.of(rewindPassword))
        .pgHba("local all all trust")
        .pgHba("host all all 0.0.0.0/0 scram-sha-256")
        .pgHba("host replication replicator 0.0.0.0/0 scram-sha-256")
        // the local test kit's short timings: failover within seconds
        .dynamicConfig("ttl", 10).dynamicConfig("loop_wait", 2).dynamicConfig("retry_timeout", 3)
        .postgresParameter("max_connections", 100)
        .postgresParameter("max_wal_senders", 10)
        .postgresParameter("max_replication_slots", 10)
        .postgresParameter("wal_keep_size", "128MB")
        .postgresParameter("shared_buffers", "32MB")
        .postgresParameter("hot_standby", "on")
        // Throwaway clusters: losing data on a crash of the machine does not matter, start-up speed does.
        .postgresParameter("fsync", "off")
        .initdb(List.of(Map.of("encoding", "UTF8"), "data-checksums", "no-sync"));
    settings.postgresParameters().forEach(cluster::postgresParameter);
    settings.dynamicConfig().forEach(cluster::dynamicConfig);
    MemberHost.Builder host = MemberHost.builder(name).address(address).listenOn("0.0.0.0")
        .restApiPort(ContainerMember.REST_PORT).postgresPort(ContainerMember.POSTGRES_PORT)
        .dataDir(home + "/patroni4j-data").pgpass(home + "/pgpass")
        .parameter("unix_socket_directories", home);
    settings.postgresBinDir().ifPresent(host::binDir);
    return ConfigGenerator.newCluster(cluster.build(), host.build())
        .with("postgresql.basebackup", List.of(Map.of("checkpoint", "fast")))
        .with("watchdog", Map.of("mode", "off"));
  }

  private void refreshPorts(ContainerMember member) {
    member.published(publishedPort(member.containerId(), ContainerMember.REST_PORT),
        publishedPort(member.containerId(), ContainerMember.POSTGRES_PORT));
  }

  private int publishedPort(String containerId, int port) {
    InspectContainerResponse inspected;
    try {
      inspected = docker.inspectContainerCmd(containerId).exec();
    } catch (NotFoundException e) {
      throw new TestkitException("container " + containerId + " of cluster " + scope + " is gone", e);
    }
    Ports.Binding[] bindings = inspected.getNetworkSettings().getPorts().getBindings().get(ExposedPort.tcp(port));
    if (bindings == null || bindings.length == 0 || bindings[0].getHostPortSpec() == null) {
      throw new TestkitException("container " + containerId + " of cluster " + scope + " publishes no port for "
          + port + " (is it running and on the network?)");
    }
    return Integer.parseInt(bindings[0].getHostPortSpec());
  }

  private String etcdId() {
    GenericContainer<?> e = etcd;
    if (e == null) {
      throw new IllegalStateException("etcd of " + scope + " has not started");
    }
    return e.getContainerId();
  }

  private static String token(int bytes) {
    StringBuilder sb = new StringBuilder();
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    for (byte x : b) {
      sb.append(String.format("%02x", x));
    }
    return sb.toString();
  }

  /** The kit waits through Patroni's REST API itself; Testcontainers' port checks would only slow a start down. */
  private static final WaitStrategy NO_WAIT = new WaitStrategy() {
    @Override
    public void waitUntilReady(WaitStrategyTarget target) {
      // nothing: see above
    }

    @Override
    public WaitStrategy withStartupTimeout(Duration startupTimeout) {
      return this;
    }
  };

  /**
   * Builds a {@link PatroniContainerCluster}; not thread-safe.
   *
   * <pre>{@code
   * PatroniContainerCluster.Builder b = PatroniContainerCluster.builder("registry.example.com/patroni:4.1.5-pg17")
   *     .etcdImage("quay.io/coreos/etcd:v3.5.16")
   *     .postgresBinDir("/usr/lib/postgresql/17/bin")
   *     .members(2);
   * }</pre>
   */
  public static final class Builder {
    private final String image;
    private @Nullable String etcdImage;
    private int members = 3;
    private @Nullable String postgresBinDir;
    private String homeDir = "/var/lib/postgresql";
    private final Map<String, Object> dynamicConfig = new LinkedHashMap<>();
    private final Map<String, Object> postgresParameters = new LinkedHashMap<>();
    private Duration startupTimeout = Duration.ofMinutes(3);

    private Builder(String image) {
      DockerImageName.parse(image).assertValid();
      this.image = image;
    }

    /** The image of the etcd container; default the members' image. Its {@code etcd} must be on the PATH. */
    public Builder etcdImage(String etcdImage) {
      DockerImageName.parse(etcdImage).assertValid();
      this.etcdImage = etcdImage;
      return this;
    }

    /** Number of members, 1 to 9. */
    public Builder members(int members) {
      if (members < 1 || members > 9) {
        throw new IllegalArgumentException("members must be 1 to 9, not " + members);
      }
      this.members = members;
      return this;
    }

    /** PostgreSQL's bin directory in the image; default: Patroni finds the binaries on the image's PATH. */
    public Builder postgresBinDir(String dir) {
      this.postgresBinDir = dir;
      return this;
    }

    /**
     * A directory the image's Patroni user owns, where each member's volume is mounted and its data directory,
     * socket and pgpass file live; default {@code /var/lib/postgresql}, the postgres user's home on Debian.
     */
    public Builder homeDir(String dir) {
      if (!dir.startsWith("/")) {
        throw new IllegalArgumentException("homeDir must be an absolute path, not " + dir);
      }
      this.homeDir = dir;
      return this;
    }

    /** A key of Patroni's dynamic configuration (in {@code bootstrap.dcs}), e.g. {@code synchronous_mode}. */
    public Builder dynamicConfig(String key, Object value) {
      dynamicConfig.put(key, value);
      return this;
    }

    /** A PostgreSQL parameter for every member (in {@code bootstrap.dcs.postgresql.parameters}). */
    public Builder postgresParameter(String name, Object value) {
      postgresParameters.put(name, value);
      return this;
    }

    /** How long {@link #start()} and {@link #addMember()} may take; default 3 minutes. */
    public Builder startupTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("startupTimeout must be positive, not " + timeout);
      }
      this.startupTimeout = timeout;
      return this;
    }

    ContainerClusterSettings settings() {
      return new ContainerClusterSettings(image, etcdImage == null ? image : etcdImage, members,
          Optional.ofNullable(postgresBinDir), homeDir, dynamicConfig, postgresParameters, startupTimeout);
    }

    /** Starts the cluster and returns once it is healthy; the caller closes it. */
    public PatroniContainerCluster start() {
      return PatroniContainerCluster.start(settings());
    }
  }
}
