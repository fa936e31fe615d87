package dev.patroni4j.testkit;

import dev.patroni4j.testkit.internal.DcsServer;
import dev.patroni4j.testkit.internal.OsUser;
import dev.patroni4j.testkit.internal.Ports;
import dev.patroni4j.testkit.internal.Processes;
import dev.patroni4j.testkit.internal.RunRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Creates a cluster's nodes, boots them (pg1 first, so that it leads), adds nodes later, and tears
 * everything down.
 *
 * <p>Thread-safe: node creation and process changes happen under the members' lock.
 */
final class ClusterLifecycle {
  private final ClusterSettings settings;
  private final Path directory;
  private final OsUser osUser;
  private final ClusterMembers members;
  private final PatroniConfigWriter configs;
  private final NodeProcesses processes;
  private final Readiness readiness;
  private final DcsServer dcs;

  ClusterLifecycle(ClusterSettings settings, Path directory, OsUser osUser, ClusterMembers members,
      PatroniConfigWriter configs, NodeProcesses processes, Readiness readiness, DcsServer dcs) {
    this.settings = settings;
    this.directory = directory;
    this.osUser = osUser;
    this.members = members;
    this.configs = configs;
    this.processes = processes;
    this.readiness = readiness;
    this.dcs = dcs;
  }

  /**
   * Starts every member and returns once the cluster is healthy; for {@link LocalPatroniCluster.Builder#standalone()},
   * starts the standalone servers instead and returns once every standby streams.
   */
  void boot(Passwords passwords) {
    if (settings.standalone()) {
      for (int i = 1; i <= settings.members(); i++) {
        members.add(newNode(i));
      }
      new StandaloneServers(settings, processes, passwords, members).start(members.all());
      return;
    }
    for (int i = 1; i <= settings.members(); i++) {
      members.add(createNode(i));
    }
    // The first node bootstraps alone, so that pg1 is the leader of a fresh cluster; the others
    // then clone from it concurrently.
    processes.startPatroni(members.first());
    readiness.awaitLeader(name -> name.equals("pg1"), settings.startupTimeout());
    for (PatroniNode n : members.all().subList(1, members.size())) {
      processes.startPatroni(n);
    }
    readiness.awaitHealthy(settings.startupTimeout());
    readiness.requireReportedVersions();
  }

  /** Adds a node that clones from the leader, and waits until it streams. */
  PatroniNode addNode() {
    PatroniNode node;
    synchronized (members.lock()) {
      members.requireOpen();
      node = createNode(members.size() + 1);
      members.add(node);
    }
    processes.startPatroni(node);
    readiness.awaitHealthy(settings.startupTimeout());
    return node;
  }

  /**
   * Reserves the next node (name, ports, directory owned by the cluster's OS user) without writing its configuration
   * or starting it: the empty host a runbook adds a member on.
   */
  PatroniNode prepareNode() {
    synchronized (members.lock()) {
      members.requireOpen();
      PatroniNode node = newNode(members.size() + 1);
      members.add(node);
      return node;
    }
  }

  /** Stops the node's Patroni gracefully, starts it again and waits until the cluster is healthy. */
  void restartNode(PatroniNode node) {
    processes.stopPatroni(node);
    processes.startPatroni(node);
    readiness.awaitHealthy(settings.startupTimeout());
  }

  /** Restarts the node on another release and waits until the cluster is healthy and the node reports it. */
  void switchInstallation(PatroniNode node, PatroniInstallation installation) {
    processes.switchInstallation(node, installation);
    readiness.awaitHealthy(settings.startupTimeout());
    readiness.await("node " + node.name() + " to answer on its REST API", settings.startupTimeout(),
        obs -> obs.member(node.name()).isPresent());
    readiness.requireReportedVersions();
  }

  private PatroniNode createNode(int number) {
    PatroniNode node = newNode(number);
    configs.write(node);
    osUser.takeOwnership(node.directory());
    return node;
  }

  private PatroniNode newNode(int number) {
    String name = "pg" + number;
    Path nodeDir = directory.resolve(name);
    PatroniNode node = new PatroniNode(name, Ports.free(), Ports.free(), settings.restTls(), nodeDir,
        settings.tags().getOrDefault(number, Map.of()), settings.patroniFor(number).requireInstalled());
    try {
      Files.createDirectories(nodeDir.resolve("pglog"));
    } catch (IOException e) {
      throw new TestkitException("cannot create " + nodeDir + ": " + e.getMessage(), e);
    }
    osUser.takeOwnership(nodeDir);
    return node;
  }

  /** Kills every process of the cluster, stops its DCS and deletes its directory. */
  void tearDown() {
    processes.killAll();
    dcs.close();
    Processes.killAllMentioning(directory + "/");
    RunRegistry.deleteTree(directory);
  }
}
