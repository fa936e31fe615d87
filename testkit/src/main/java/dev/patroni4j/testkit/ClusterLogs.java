package dev.patroni4j.testkit;

import dev.patroni4j.testkit.internal.Processes;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * The logs of one cluster (etcd, each Patroni, each PostgreSQL): every {@code *.log} under its
 * directory, archived on failure and quoted in errors.
 *
 * <p>Thread-safe (stateless over the file system).
 */
final class ClusterLogs {
  private final Path directory;
  private final Path archiveRoot;

  ClusterLogs(Path directory, Path archiveRoot) {
    this.directory = directory;
    this.archiveRoot = archiveRoot;
  }

  /** Copies every log to {@code archiveRoot/label} and returns that directory; never throws. */
  Path archive(String label) {
    Path target = archiveRoot;
    for (String segment : label.split("/", -1)) {
      target = target.resolve(segment.replaceAll("[^A-Za-z0-9._-]", "_"));
    }
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path log : files.filter(ClusterLogs::isLog).toList()) {
        Path dest = target.resolve(directory.relativize(log).toString().replace(File.separatorChar, '-'));
        Files.createDirectories(dest.getParent());
        Files.copy(log, dest, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | UncheckedIOException e) {
      System.err.println("patroni4j testkit: could not archive all logs to " + target + ": " + e.getMessage());
    }
    return target;
  }

  /** The last lines of every log, headed by the log's name. */
  String tails(int lines) {
    StringBuilder out = new StringBuilder();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path log : files.filter(ClusterLogs::isLog).sorted().toList()) {
        out.append("==> ").append(directory.relativize(log)).append(" <==\n")
            .append(Processes.tail(log, lines)).append('\n');
      }
    } catch (IOException | UncheckedIOException e) {
      out.append("(could not read logs: ").append(e.getMessage()).append(")\n");
    }
    return out.toString();
  }

  private static boolean isLog(Path p) {
    return p.toString().endsWith(".log") && Files.isRegularFile(p);
  }
}
