package dev.patroni4j.runbooks.host;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.model.PatroniVersion;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Actions on the machine of one cluster member, addressed by member name. Runbook steps (package migration, major
 * upgrade, standalone conversion, restore) use this SPI and never start processes themselves.
 *
 * <p>Implementations: {@link ShellHostActions} (systemd hosts, locally or over {@code ssh}) and, for users' own test
 * suites, {@code dev.patroni4j.runbooks.testkit.LocalClusterHostActions} (artifact {@code runbooks-testkit}) on the
 * test kit's local clusters; both pass one contract test ({@code HostActionsContractTest} there). Every method blocks
 * until the action finished or throws {@link HostActionException}.
 *
 * <pre>{@code
 * HostActions hosts = ShellHostActions.ssh(member -> member + ".db.internal")
 *     .switchInstallation("sudo apt-get install -y --allow-downgrades patroni={version}")
 *     .build();
 * hosts.stopPatroni("pg2");                   // PostgreSQL keeps running while the cluster is paused
 * hosts.switchPatroniInstallation("pg2", PatroniVersion.parse("4.1.5"));
 * hosts.startPatroni("pg2");                  // the new release adopts the running PostgreSQL
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

  /** Starts the Patroni daemon (of the installation {@link #switchPatroniInstallation} chose last). */
  void startPatroni(String member);

  /**
   * Switches the member's Patroni installation to release {@code version} ({@code major.minor.patch}), as a package upgrade
   * or a move to another package does; the next {@link #startPatroni} runs it. Call it while the member's Patroni is
   * stopped: it neither stops nor starts anything, and leaves the configuration file where it is.
   */
  void switchPatroniInstallation(String member, PatroniVersion version);

  /** Stops PostgreSQL directly ({@code pg_ctl stop -m fast}); for use after {@link #stopPatroni} in a paused cluster. */
  void stopPostgres(String member);

  /** Moves (renames) a file on the member's host. */
  void moveFile(String member, Path from, Path to);

  /** Writes a file atomically (temporary file, then rename). The content is never logged. */
  void writeFile(String member, Path path, byte[] content);

  /**
   * A text file's content (UTF-8), or empty if there is no file at {@code path}. Made for files that hold secrets (a {@code
   * patroni.yml}): the content is never logged and never in an exception; any other failure (a directory, no
   * permission) is a {@link HostActionException} naming the path.
   */
  Optional<String> readFile(String member, Path path);

  /**
   * Removes everything in a data directory (the directory itself stays). Destructive: refused with {@link
   * dev.patroni4j.client.ConfirmationRefusedException}, before anything is removed, unless {@code confirmation}
   * confirms {@code new DataDirectory(member, dataDirectory)}; runbook steps that call it are of {@link
   * dev.patroni4j.runbooks.Impact#DESTRUCTIVE} impact, so their run needs the cluster's confirmation token too.
   *
   * @throws IllegalArgumentException for a relative path or one less than two levels deep
   */
  void wipeDataDirectory(String member, Path dataDirectory, Confirmation confirmation);

  /** Runs a command (argument vector, no shell) on the member's host. */
  CommandResult run(String member, List<String> command);

  /** A finished command. Thread-safety: immutable. */
  record CommandResult(int exitCode, String stdout, String stderr) {
    public boolean succeeded() {
      return exitCode == 0;
    }

    /** The exit code and the sizes of the outputs only: a command's output may hold secrets. */
    @Override
    public String toString() {
      return "CommandResult[exitCode=" + exitCode + ", stdout=" + stdout.length() + " chars, stderr="
          + stderr.length() + " chars]";
    }
  }
}
