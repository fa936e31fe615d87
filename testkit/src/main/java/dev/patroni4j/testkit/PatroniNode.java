package dev.patroni4j.testkit;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * One member of a {@link LocalPatroniCluster}: a Patroni process and the PostgreSQL it manages.
 * Names are {@code pg1}, {@code pg2}, ... in start order.
 *
 * <pre>{@code
 * // given: LocalPatroniCluster cluster;
 * PatroniNode node = cluster.node("pg2");
 * try (Connection c = DriverManager.getConnection(node.jdbcUrl(), cluster.superuser(), cluster.superuserPassword())) {
 *   c.createStatement().execute("SELECT 1");
 * }
 * java.net.http.HttpRequest status = java.net.http.HttpRequest.newBuilder(node.restUrl().resolve("/patroni")).build();
 * }</pre>
 *
 * <p>Thread-safe: addresses and directories never change; the process handle, the installation and the
 * configuration file's path are swapped by the cluster under its lock when the node is restarted, switched to another
 * release or pointed at a moved configuration.
 */
public final class PatroniNode {
  private final String name;
  private final int restPort;
  private final int pgPort;
  private final URI restUrl;
  private final Path directory;
  private final Map<String, Object> tags;
  private final PatroniInstallation configuredInstallation;
  private volatile PatroniInstallation installation;
  private volatile Path configFile;
  private volatile @Nullable Process patroni;
  /** False once a test stopped or killed Patroni on purpose; a death while true is a failure. */
  private volatile boolean meantToRun;

  PatroniNode(String name, int restPort, int pgPort, boolean tls, Path directory, Map<String, Object> tags,
      PatroniInstallation installation) {
    this.name = name;
    this.restPort = restPort;
    this.pgPort = pgPort;
    this.restUrl = URI.create((tls ? "https" : "http") + "://127.0.0.1:" + restPort);
    this.directory = directory;
    this.tags = Map.copyOf(tags);
    this.configuredInstallation = installation;
    this.installation = installation;
    this.configFile = directory.resolve("patroni.yml");
  }

  public String name() {
    return name;
  }

  /** The REST API's base URL, e.g. {@code http://127.0.0.1:41234} (https with TLS on). */
  public URI restUrl() {
    return restUrl;
  }

  public int restPort() {
    return restPort;
  }

  public int pgPort() {
    return pgPort;
  }

  /** JDBC URL of this member's PostgreSQL, without credentials ({@link LocalPatroniCluster#superuser()}). */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres";
  }

  /** This node's own directory: config, data directory, logs. */
  public Path directory() {
    return directory;
  }

  /**
   * The {@code patroni.yml} this node runs with (written by patroni-config's YAML writer): {@code
   * directory()/patroni.yml} until {@link LocalPatroniCluster#useConfigFile} points the node's next start elsewhere,
   * as a package whose service expects its configuration at another path does.
   */
  public Path configFile() {
    return configFile;
  }

  /** {@code directory()/patroni.yml}: where the test kit writes the configuration, and where a reset puts it back. */
  Path originalConfigFile() {
    return directory.resolve("patroni.yml");
  }

  void configFile(Path configFile) {
    this.configFile = configFile;
  }

  /** The PostgreSQL data directory. */
  public Path dataDir() {
    return directory.resolve("data");
  }

  /** Patroni's log (its stdout and stderr). PostgreSQL's own log is under {@code directory()/pglog}. */
  public Path logFile() {
    return directory.resolve("patroni.log");
  }

  /** The tags this node was configured with. */
  public Map<String, Object> tags() {
    return tags;
  }

  /**
   * The Patroni release this node runs (or runs next, while stopped): the one the builder gave it
   * until {@link LocalPatroniCluster#switchPatroniVersion} changes it.
   */
  public PatroniInstallation installation() {
    return installation;
  }

  /** {@code installation().version()}, e.g. {@code 4.1.5}. */
  public String patroniVersion() {
    return installation.version();
  }

  /** The release the builder gave this node; {@link LocalPatroniCluster#resetToKnownState()} returns to it. */
  PatroniInstallation configuredInstallation() {
    return configuredInstallation;
  }

  void installation(PatroniInstallation installation) {
    this.installation = installation;
  }

  /** PID of the running Patroni process, empty while it is stopped. */
  public OptionalLong patroniPid() {
    Process p = patroni;
    return p != null && p.isAlive() ? OptionalLong.of(p.pid()) : OptionalLong.empty();
  }

  /** Whether this node's Patroni process is running (a frozen one counts as running). */
  public boolean isPatroniRunning() {
    return patroniPid().isPresent();
  }

  @Nullable Process process() {
    return patroni;
  }

  void process(@Nullable Process process) {
    this.patroni = process;
    this.meantToRun = process != null;
  }

  void stoppedOnPurpose() {
    this.meantToRun = false;
  }

  /** Patroni died although nobody stopped it: the exit code, if so. */
  OptionalLong unexpectedExit() {
    Process p = patroni;
    return meantToRun && p != null && !p.isAlive() ? OptionalLong.of(p.exitValue()) : OptionalLong.empty();
  }

  @Override
  public String toString() {
    return "PatroniNode[" + name + ", patroni " + installation.version() + ", rest=" + restUrl + ", pg=" + pgPort + "]";
  }
}
