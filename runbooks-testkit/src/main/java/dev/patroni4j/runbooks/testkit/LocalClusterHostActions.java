package dev.patroni4j.runbooks.testkit;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.model.PatroniVersion;
import dev.patroni4j.runbooks.host.DataDirectory;
import dev.patroni4j.runbooks.host.HostActionException;
import dev.patroni4j.runbooks.host.HostActions;
import dev.patroni4j.runbooks.host.ShellHostActions;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.PatroniNode;
import dev.patroni4j.testkit.TestkitException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@link HostActions} on a {@link LocalPatroniCluster}'s local processes: what a test suite gives runbooks where
 * production gives them {@link dev.patroni4j.runbooks.host.ShellHostActions} over systemd hosts. Members are the
 * cluster's nodes by name; switching a member's installation picks another Patroni release the test kit installed
 * (3.0.2, 4.0.7, 4.1.5); moving a member's configuration file makes its next start read it at the new path (as a
 * new service's unit would); files written or moved belong to the OS user the cluster runs as, so its Patroni reads
 * them.
 *
 * <pre>{@code
 * import dev.patroni4j.client.PatroniClient;
 * import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
 * // given: PatroniClient client;
 * try (LocalPatroniCluster cluster = LocalPatroniCluster.builder().patroniVersion(2, "4.0.7").start()) {
 *   HostActions hosts = LocalClusterHostActions.of(cluster);
 *   PatroniRunbooks catalogue = PatroniRunbooks.builder(client).scope(cluster.scope()).hostActions(hosts).build();
 *   // run the catalogue's host runbooks against the real cluster
 * }
 * }</pre>
 *
 * <p>Thread-safety: thread-safe (the cluster serializes process changes).
 */
public final class LocalClusterHostActions implements HostActions {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
  /** The one way this project runs a command on a host; here the host is this machine. */
  private static final ShellHostActions LOCAL_SHELL = ShellHostActions.local().timeout(COMMAND_TIMEOUT).build();

  private final LocalPatroniCluster cluster;

  private LocalClusterHostActions(LocalPatroniCluster cluster) {
    this.cluster = cluster;
  }

  /** Host actions on {@code cluster}'s nodes; the caller keeps ownership of the cluster. */
  public static LocalClusterHostActions of(LocalPatroniCluster cluster) {
    return new LocalClusterHostActions(Objects.requireNonNull(cluster, "cluster == null"));
  }

  /** Stops the node's Patroni (SIGTERM); while the cluster is paused its PostgreSQL keeps running. */
  @Override
  public void stopPatroni(String member) {
    cluster.stopPatroni(node(member));
  }

  /** Starts the node's Patroni unless it runs already (as {@code systemctl start} does); does not wait. */
  @Override
  public void startPatroni(String member) {
    PatroniNode node = node(member);
    if (!node.isPatroniRunning()) {
      cluster.startPatroni(node);
    }
  }

  @Override
  public void stopPostgres(String member) {
    dev.patroni4j.testkit.CommandResult r = cluster.stopPostgres(node(member));
    if (!r.succeeded()) {
      throw new HostActionException("stopPostgres", member, r.exitCode(), r.stderr().strip());
    }
  }

  @Override
  public void switchPatroniInstallation(String member, PatroniVersion version) {
    try {
      cluster.useInstallation(node(member), version.major() + "." + version.minor() + "." + version.patch());
    } catch (IllegalStateException | TestkitException e) {
      throw new HostActionException("switchPatroniInstallation", member, -1, String.valueOf(e.getMessage()));
    }
  }

  /**
   * Moves the file; moving the member's configuration file ({@link PatroniNode#configFile()}) is what a package whose
   * service expects it at {@code to} sees: the member's next {@link #startPatroni} reads it there ({@link
   * LocalPatroniCluster#useConfigFile}), as a systemd unit naming the new path would. {@link
   * LocalPatroniCluster#resetToKnownState()} puts it back.
   */
  @Override
  public void moveFile(String member, Path from, Path to) {
    PatroniNode node = node(member);
    boolean config = from.toAbsolutePath().normalize().equals(node.configFile().toAbsolutePath().normalize());
    try {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new HostActionException("moveFile", member, -1, e.toString());
    }
    if (config) {
      cluster.useConfigFile(node, to.toAbsolutePath());
    }
  }

  @Override
  public void writeFile(String member, Path path, byte[] content) {
    node(member);
    Path tmp = path.resolveSibling(path.getFileName() + ".p4j-tmp");
    try {
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(tmp, content);
      // The cluster's processes run as the owner of their directories (postgres when the JVM is root).
      Files.setOwner(tmp, Files.getOwner(path.toAbsolutePath().getParent()));
      Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new HostActionException("writeFile", member, -1, e.getClass().getSimpleName() + " on " + path);
    }
  }

  @Override
  public Optional<String> readFile(String member, Path path) {
    node(member);
    try {
      return Optional.of(Files.readString(path, StandardCharsets.UTF_8));
    } catch (java.nio.file.NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new HostActionException("readFile", member, -1, e.getClass().getSimpleName() + " on " + path);
    }
  }

  @Override
  public void wipeDataDirectory(String member, Path dataDirectory, Confirmation confirmation) {
    DataDirectory target = new DataDirectory(member, dataDirectory);
    confirmation.check("wipeDataDirectory", target);
    node(member);
    if (!Files.isDirectory(target.path())) {
      throw new HostActionException("wipeDataDirectory", member, -1, target.path() + " is not a directory");
    }
    try (Stream<Path> files = Files.walk(target.path())) {
      for (Path p : files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(target.path())).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new HostActionException("wipeDataDirectory", member, -1, e.toString());
    }
  }

  /** Runs the command as the cluster's OS user ({@code postgres} when the JVM is root, as PostgreSQL tools need). */
  @Override
  public CommandResult run(String member, List<String> command) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command is empty");
    }
    node(member);
    List<String> argv = "root".equals(System.getProperty("user.name"))
        ? Stream.concat(Stream.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"),
            command.stream()).toList()
        : command;
    return LOCAL_SHELL.run(member, argv);
  }

  private PatroniNode node(String member) {
    return cluster.nodes().stream().filter(n -> n.name().equals(member)).findFirst()
        .orElseThrow(() -> new HostActionException("host action", member, -1, "no such member in " + cluster));
  }
}
