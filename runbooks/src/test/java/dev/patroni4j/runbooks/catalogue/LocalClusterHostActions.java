package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.runbooks.host.HostActionException;
import dev.patroni4j.runbooks.host.HostActions;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.PatroniNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@link HostActions} on a testkit cluster's local processes: the implementation the runbook tests use where a
 * production deployment would use {@link dev.patroni4j.runbooks.host.ShellHostActions} with systemd.
 */
final class LocalClusterHostActions implements HostActions {
  private final LocalPatroniCluster cluster;

  LocalClusterHostActions(LocalPatroniCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public void stopPatroni(String member) {
    cluster.stopPatroni(cluster.node(member));
  }

  @Override
  public void startPatroni(String member) {
    cluster.startPatroni(cluster.node(member));
  }

  @Override
  public void stopPostgres(String member) {
    PatroniNode n = cluster.node(member);
    CommandResult r = run(member, List.of("/usr/lib/postgresql/15/bin/pg_ctl", "stop", "-m", "fast", "-w", "-D",
        n.dataDir().toString()));
    if (!r.succeeded()) {
      throw new HostActionException("stopPostgres", member, r.exitCode(), r.stderr());
    }
  }

  @Override
  public void moveFile(String member, Path from, Path to) {
    try {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new HostActionException("moveFile", member, -1, e.toString());
    }
  }

  @Override
  public void writeFile(String member, Path path, byte[] content) {
    try {
      Path tmp = path.resolveSibling(path.getFileName() + ".p4j-tmp");
      Files.write(tmp, content);
      Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new HostActionException("writeFile", member, -1, e.toString());
    }
  }

  @Override
  public void wipeDataDirectory(String member, Path dataDirectory) {
    try (Stream<Path> files = Files.walk(dataDirectory)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dataDirectory)).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new HostActionException("wipeDataDirectory", member, -1, e.toString());
    }
  }

  @Override
  public CommandResult run(String member, List<String> command) {
    // PostgreSQL tools refuse to run as root: run as the data directory's owner, like the testkit does.
    List<String> argv = isRoot() ? Stream.concat(Stream.of("runuser", "-u", "postgres", "--"), command.stream())
        .toList() : command;
    try {
      Process p = new ProcessBuilder(argv).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new HostActionException("command", member, -1, "timed out");
      }
      return new CommandResult(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
          new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new HostActionException("command", member, -1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HostActionException("command", member, -1, "interrupted");
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
