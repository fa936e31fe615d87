package dev.patroni4j.testkit.internal;

import dev.patroni4j.testkit.CommandResult;
import dev.patroni4j.testkit.TestkitException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Starting, signalling and finding the processes of a local cluster. */
public final class Processes {
  /** How often a wait for a process's exit looks whether it became a zombie. */
  private static final Duration ZOMBIE_CHECK = Duration.ofMillis(50);

  private Processes() {}

  /** Starts {@code command} with stdout and stderr appended to {@code log}. */
  public static Process start(List<String> command, Map<String, String> environment, Path workDir, Path log) {
    ProcessBuilder pb = new ProcessBuilder(command)
        .directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().putAll(environment);
    try {
      return pb.start();
    } catch (IOException e) {
      throw new TestkitException("cannot start " + String.join(" ", command) + ": " + e.getMessage(), e);
    }
  }

  /** Runs a command to its end (bounded by {@code timeout}) and returns what it printed. */
  public static CommandResult run(List<String> command, Map<String, String> environment, Duration timeout) {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(environment);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new TestkitException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    }
    CompletableFuture<String> out = readAsync(p.getInputStream());
    CompletableFuture<String> err = readAsync(p.getErrorStream());
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new TestkitException(command.get(0) + " did not finish within " + timeout.toSeconds() + " s");
      }
      return new CommandResult(p.exitValue(), out.join(), err.join());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new TestkitException("interrupted while running " + command.get(0), e);
    }
  }

  private static CompletableFuture<String> readAsync(java.io.InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    });
  }

  /**
   * Sends a signal by name ({@code STOP}, {@code CONT}, {@code KILL}, {@code TERM}). Java's
   * ProcessHandle can only terminate, so freezing goes through {@code kill}.
   */
  public static void signal(long pid, String signal) {
    CommandResult r = run(List.of("kill", "-" + signal, Long.toString(pid)), Map.of(), Duration.ofSeconds(10));
    if (!r.succeeded() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      throw new TestkitException("kill -" + signal + " " + pid + " failed: " + r.stderr().strip());
    }
  }

  /**
   * Waits until the process is gone; true if it is. Waits on the process's exit ({@link ProcessHandle#onExit()}),
   * in slices, because a killed process that is not our child stays a zombie (as good as gone, see {@link
   * #isAlive}) until its own parent reaps it, which its exit signal waits for.
   */
  public static boolean awaitExit(long pid, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty()) {
      return true;
    }
    CompletableFuture<ProcessHandle> exit = handle.get().onExit();
    while (isAlive(pid)) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return false;
      }
      try {
        exit.get(Math.min(remaining, ZOMBIE_CHECK.toNanos()), TimeUnit.NANOSECONDS);
        return true;
      } catch (TimeoutException e) {
        // still running, or a zombie: look again
      } catch (ExecutionException e) {
        return !isAlive(pid);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TestkitException("interrupted", e);
      }
    }
    return true;
  }

  /**
   * Waits up to {@code pause} for {@code process} to exit, between two polls of a service it runs: a process that
   * dies ends the pause at once. True if it exited.
   */
  public static boolean awaitExit(Process process, Duration pause) {
    try {
      return process.waitFor(pause.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestkitException("interrupted", e);
    }
  }

  /**
   * Alive and not a zombie. A killed child of ours stays a zombie until the JVM reaps it, and a
   * zombie is as good as gone for every purpose here.
   */
  public static boolean isAlive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      int close = stat.lastIndexOf(')');
      return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Every live process whose command line mentions {@code marker}. Patroni, PostgreSQL and etcd
   * all carry their directory in their command line, so a cluster's directory finds all of its
   * processes, also those of a JVM that died without cleaning up.
   */
  public static List<Long> pidsMentioning(String marker) {
    List<Long> pids = new ArrayList<>();
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"))) {
      for (Path p : proc) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        long pid = Long.parseLong(name);
        if (pid == self) {
          continue;
        }
        try {
          byte[] raw = Files.readAllBytes(p.resolve("cmdline"));
          String cmdline = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
          if (cmdline.contains(marker) && isAlive(pid)) {
            pids.add(pid);
          }
        } catch (IOException ignored) {
          // the process ended while we looked
        }
      }
    } catch (IOException e) {
      throw new TestkitException("cannot list /proc: " + e.getMessage(), e);
    }
    return pids;
  }

  /** SIGCONT then SIGKILL to every process mentioning {@code marker}, and waits for them to go. */
  public static void killAllMentioning(String marker) {
    for (int round = 0; round < 3; round++) {
      List<Long> pids = pidsMentioning(marker);
      if (pids.isEmpty()) {
        return;
      }
      for (long pid : pids) {
        // A frozen process does not die of SIGKILL until it is scheduled; thaw it first.
        signal(pid, "CONT");
        signal(pid, "KILL");
      }
      for (long pid : pids) {
        awaitExit(pid, Duration.ofSeconds(5));
      }
    }
  }

  /** The last {@code lines} lines of a log file, or a note that there is none. */
  public static String tail(Path log, int lines) {
    try {
      List<String> all = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log at " + log + ")";
    }
  }
}
