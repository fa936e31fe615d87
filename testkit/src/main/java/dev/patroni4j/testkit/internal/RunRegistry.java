package dev.patroni4j.testkit.internal;

import dev.patroni4j.testkit.TestkitException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where clusters live, and the clean-up of clusters whose JVM died. Every cluster directory
 * records the PID and start time of the JVM that owns it; before a new cluster starts, the
 * directories of dead owners are reaped: every process that mentions the directory is killed and
 * the directory deleted. A JVM killed with SIGKILL therefore leaves nothing behind on the next run.
 *
 * <p>Several JVMs share the root (surefire forks, parallel builds), so a directory must never be
 * seen without its owner: it is made under a staging name that carries the creating PID, given its
 * owner file, and only then renamed into place. The reaper leaves a staging directory alone while
 * the PID in its name is alive.
 */
public final class RunRegistry {
  /** Short on purpose: PostgreSQL's Unix socket path must stay under 107 bytes. */
  public static final Path ROOT = Path.of(System.getProperty("java.io.tmpdir"), "patroni4j");

  private static final String OWNER_FILE = "owner";
  private static final String STAGING_PREFIX = ".staging-";

  private RunRegistry() {}

  /** Creates a fresh cluster directory owned by this JVM, after reaping what dead JVMs left. */
  public static Path newClusterDirectory(String name) {
    reapOrphans();
    try {
      Files.createDirectories(ROOT);
      ROOT.toFile().setWritable(true, false);
      ROOT.toFile().setExecutable(true, false);
      ROOT.toFile().setReadable(true, false);
      Path staging = Files.createDirectory(ROOT.resolve(STAGING_PREFIX + ProcessHandle.current().pid() + "-" + name));
      Files.writeString(staging.resolve(OWNER_FILE), ownerId(ProcessHandle.current()));
      return Files.move(staging, ROOT.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new TestkitException("cannot create a cluster directory under " + ROOT + ": " + e.getMessage(), e);
    }
  }

  /** Kills the processes and deletes the directories of clusters whose JVM is gone. */
  public static void reapOrphans() {
    if (!Files.isDirectory(ROOT)) {
      return;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(ROOT)) {
      for (Path dir : dirs) {
        if (!ownerAlive(dir) && !stagedByLiveJvm(dir)) {
          Processes.killAllMentioning(dir.toString() + "/");
          deleteTree(dir);
        }
      }
    } catch (IOException e) {
      throw new TestkitException("cannot scan " + ROOT + ": " + e.getMessage(), e);
    }
  }

  private static boolean stagedByLiveJvm(Path dir) {
    String name = dir.getFileName().toString();
    if (!name.startsWith(STAGING_PREFIX)) {
      return false;
    }
    int dash = name.indexOf('-', STAGING_PREFIX.length());
    try {
      long pid = Long.parseLong(name.substring(STAGING_PREFIX.length(), dash < 0 ? name.length() : dash));
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static boolean ownerAlive(Path dir) {
    String recorded;
    try {
      recorded = Files.readString(dir.resolve(OWNER_FILE), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return false;
    }
    int colon = recorded.indexOf(':');
    if (colon < 0) {
      return false;
    }
    long pid;
    try {
      pid = Long.parseLong(recorded.substring(0, colon));
    } catch (NumberFormatException e) {
      return false;
    }
    // A PID can be reused; the start time tells our JVM from a stranger with the same number.
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    return handle.isPresent() && handle.get().isAlive() && ownerId(handle.get()).equals(recorded);
  }

  private static String ownerId(ProcessHandle handle) {
    return handle.pid() + ":" + handle.info().startInstant().map(Object::toString).orElse("?");
  }

  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (NoSuchFileException e) {
      // another JVM's reaper got there first
    } catch (UncheckedIOException e) {
      if (!(e.getCause() instanceof NoSuchFileException)) {
        throw new TestkitException("cannot delete " + dir + ": " + e.getMessage(), e);
      }
    } catch (IOException e) {
      throw new TestkitException("cannot delete " + dir + ": " + e.getMessage(), e);
    }
  }
}
