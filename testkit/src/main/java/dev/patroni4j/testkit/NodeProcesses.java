package dev.patroni4j.testkit;

import dev.patroni4j.testkit.internal.OsUser;
import dev.patroni4j.testkit.internal.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts, stops and signals the Patroni and PostgreSQL processes of one cluster's nodes, and runs
 * {@code patronictl} and {@code pg_ctl} for them, as the cluster's OS user.
 *
 * <p>Thread-safe: changes to a node's process happen under the members' lock.
 */
final class NodeProcesses {
  private final ClusterSettings settings;
  private final OsUser osUser;
  private final ClusterMembers members;

  NodeProcesses(ClusterSettings settings, OsUser osUser, ClusterMembers members) {
    this.settings = settings;
    this.osUser = osUser;
    this.members = members;
  }

  /** Starts a stopped node's Patroni; it adopts a PostgreSQL left running. Does not wait. */
  void startPatroni(PatroniNode node) {
    synchronized (members.lock()) {
      members.requireOpen();
      if (node.isPatroniRunning()) {
        throw new IllegalStateException(node.name() + "'s Patroni is already running");
      }
      PatroniInstallation installation = node.installation();
      List<String> command = new ArrayList<>(osUser.commandPrefix());
      command.addAll(installation.patroniCommand(node.configFile()));
      node.process(Processes.start(command, environment(node), node.directory(), node.logFile()));
    }
  }

  /** SIGTERM to Patroni, which stops PostgreSQL and releases the leader key; SIGKILL after 60 s. */
  void stopPatroni(PatroniNode node) {
    synchronized (members.lock()) {
      Process p = node.process();
      node.stoppedOnPurpose();
      if (p == null || !p.isAlive()) {
        return;
      }
      Processes.signal(p.pid(), "CONT");
      Processes.signal(p.pid(), "TERM");
      if (!awaitExit(p, Duration.ofSeconds(60))) {
        Processes.signal(p.pid(), "KILL");
        awaitExit(p, Duration.ofSeconds(10));
      }
    }
  }

  /** SIGKILL to Patroni: PostgreSQL keeps running, orphaned. */
  void killPatroni(PatroniNode node) {
    synchronized (members.lock()) {
      Process p = node.process();
      if (p == null || !p.isAlive()) {
        throw new IllegalStateException(node.name() + "'s Patroni is not running");
      }
      node.stoppedOnPurpose();
      Processes.signal(p.pid(), "KILL");
      awaitExit(p, Duration.ofSeconds(10));
    }
  }

  /**
   * Kills every node's Patroni and stops every PostgreSQL immediately, whatever state they are in:
   * the end of a cluster.
   */
  void killAll() {
    for (PatroniNode n : members.all()) {
      n.patroniPid().ifPresent(pid -> {
        Processes.signal(pid, "CONT");
        Processes.signal(pid, "KILL");
      });
    }
    for (PatroniNode n : members.all()) {
      if (Files.exists(n.dataDir().resolve("postmaster.pid"))) {
        // An immediate stop frees PostgreSQL's shared memory, which a SIGKILL would leak.
        pgCtl(n, "stop", "-m", "immediate", "-w");
      }
    }
  }

  /** Runs the node's own {@code patronictl -c <node's patroni.yml> args...}. */
  CommandResult patronictl(PatroniNode node, List<String> args) {
    List<String> ctlArgs = new ArrayList<>(List.of("-c", node.configFile().toString()));
    ctlArgs.addAll(args);
    List<String> command = new ArrayList<>(osUser.commandPrefix());
    command.addAll(node.installation().patronictlCommand(ctlArgs));
    return Processes.run(command, environment(node), Duration.ofSeconds(90));
  }

  /**
   * Stops the node's Patroni (which stops its PostgreSQL), switches it to {@code installation} and
   * starts it again; the data directory stays. Does not wait.
   */
  void switchInstallation(PatroniNode node, PatroniInstallation installation) {
    synchronized (members.lock()) {
      members.requireOpen();
      stopPatroni(node);
      node.installation(installation);
      startPatroni(node);
    }
  }

  /** Chooses the release a stopped node's next start runs. */
  void useInstallation(PatroniNode node, PatroniInstallation installation) {
    synchronized (members.lock()) {
      members.requireOpen();
      if (node.isPatroniRunning()) {
        throw new IllegalStateException(node.name() + "'s Patroni is running: stop it before switching its release");
      }
      node.installation(installation);
    }
  }

  /** Chooses the configuration file the node's next start (and its {@code patronictl}) reads. */
  void useConfigFile(PatroniNode node, Path configFile) {
    synchronized (members.lock()) {
      members.requireOpen();
      node.configFile(configFile);
    }
  }

  /** {@code pg_ctl stop -m fast -w} on the node's data directory. */
  CommandResult stopPostgres(PatroniNode node) {
    return pgCtl(node, "stop", "-m", "fast", "-w");
  }

  /** {@code pg_ctl start -w} on the node's data directory, early output to {@code pglog/pg_ctl.log}. */
  CommandResult startPostgres(PatroniNode node) {
    return pgCtl(node, "start", "-w", "-t", "60", "-l", node.directory().resolve("pglog/pg_ctl.log").toString());
  }

  /** Runs a PostgreSQL tool of the cluster's bin directory as the cluster's OS user, in the node's environment. */
  CommandResult postgresTool(PatroniNode node, String tool, List<String> args) {
    List<String> command = new ArrayList<>(osUser.commandPrefix());
    command.add(settings.postgresBinDir().resolve(tool).toString());
    command.addAll(args);
    return Processes.run(command, environment(node), Duration.ofMinutes(2));
  }

  CommandResult pgCtl(PatroniNode node, String... args) {
    List<String> command = new ArrayList<>(osUser.commandPrefix());
    command.add(settings.postgresBinDir().resolve("pg_ctl").toString());
    command.addAll(List.of(args));
    command.add("-D");
    command.add(node.dataDir().toString());
    return Processes.run(command, environment(node), Duration.ofSeconds(60));
  }

  private static Map<String, String> environment(PatroniNode node) {
    Map<String, String> env = new LinkedHashMap<>(node.installation().environment());
    env.put("HOME", node.directory().toString());
    env.put("LC_ALL", "C.UTF-8");
    env.put("LANG", "C.UTF-8");
    env.put("PGHOST", node.directory().toString());
    return env;
  }

  /** Waits for our own child through Process, so that isAlive() agrees the moment we return. */
  private static boolean awaitExit(Process p, Duration timeout) {
    try {
      return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestkitException("interrupted while waiting for PID " + p.pid() + " to exit", e);
    }
  }
}
