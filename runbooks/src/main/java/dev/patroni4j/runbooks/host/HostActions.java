package dev.patroni4j.runbooks.host;

import java.nio.file.Path;
import java.util.List;

/**
 * Actions on the machine of one cluster member, addressed by member name. Runbook steps (package migration, major
 * upgrade, standalone conversion, restore) use this SPI and never start processes themselves.
 *
 * <p>Implementations: {@link ShellHostActions} (systemd hosts, locally or over {@code ssh}); the test suite adapts the
 * testkit's local processes. Every method blocks until the action finished or throws {@link HostActionException}.
 *
 * <pre>{@code
 * HostActions hosts = ShellHostActions.ssh(member -> member + ".db.internal").build();
 * hosts.stopPatroni("pg2");          // PostgreSQL keeps running while the cluster is paused
 * }</pre>
 *
 * <p>Thread-safety: implementations must be thread-safe.
 */
public interface HostActions {
  /**
   * Stops the Patroni daemon only. While the cluster is paused PostgreSQL keeps running (systemd units need
   * {@code KillMode=process}); unpaused, Patroni stops PostgreSQL on its way out.
   */
  void stopPatroni(String member);

  /** Starts the Patroni daemon. */
  void startPatroni(String member);

  /** Stops PostgreSQL directly ({@code pg_ctl stop -m fast}); for use after {@link #stopPatroni} in a paused cluster. */
  void stopPostgres(String member);

  /** Moves (renames) a file on the member's host. */
  void moveFile(String member, Path from, Path to);

  /** Writes a file atomically (temporary file, then rename). The content is never logged. */
  void writeFile(String member, Path path, byte[] content);

  /**
   * Removes a data directory and everything in it. Destructive: only runbook steps of
   * {@link dev.patroni4j.runbooks.Impact#DESTRUCTIVE} impact (which require a confirmation token) may call it.
   */
  void wipeDataDirectory(String member, Path dataDirectory);

  /** Runs a command (argument vector, no shell) on the member's host. */
  CommandResult run(String member, List<String> command);

  /** A finished command. Thread-safety: immutable. */
  record CommandResult(int exitCode, String stdout, String stderr) {
    public boolean succeeded() {
      return exitCode == 0;
    }
  }
}
