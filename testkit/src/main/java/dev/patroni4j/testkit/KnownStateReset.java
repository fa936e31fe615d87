package dev.patroni4j.testkit;

import dev.patroni4j.testkit.internal.DcsServer;
import dev.patroni4j.testkit.internal.Processes;
import dev.patroni4j.testkit.internal.RestCalls;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Brings a shared cluster back to the state tests expect (see {@link
 * LocalPatroniCluster#resetToKnownState()}), cheaply when nothing changed.
 *
 * <p>Thread-safe as far as the cluster's parts are; meant to be called between tests.
 */
final class KnownStateReset {
  private static final System.Logger LOG = System.getLogger(KnownStateReset.class.getName());

  private final ClusterMembers members;
  private final PatroniConfigWriter configs;
  private final NodeProcesses processes;
  private final Readiness readiness;
  private final RestCalls rest;
  private final DcsServer dcs;
  private final Duration timeout;

  KnownStateReset(ClusterMembers members, PatroniConfigWriter configs, NodeProcesses processes,
      Readiness readiness, RestCalls rest, DcsServer dcs, Duration timeout) {
    this.members = members;
    this.configs = configs;
    this.processes = processes;
    this.readiness = readiness;
    this.rest = rest;
    this.dcs = dcs;
    this.timeout = timeout;
  }

  void reset() {
    dcs.thaw();
    members.all().forEach(n -> n.patroniPid().ifPresent(pid -> Processes.signal(pid, "CONT")));
    pauseWhileRestartingPatroni();
    List<PatroniNode> restarted = new ArrayList<>();
    for (PatroniNode n : members.all()) {
      boolean moved = !n.configFile().equals(n.originalConfigFile());
      if (configs.restoreOriginal(n) && n.isPatroniRunning() && !moved) {
        rest.post(n.restUrl().resolve("/reload"), Map.of());
      }
      if (!n.installation().equals(n.configuredInstallation()) || (moved && n.isPatroniRunning())) {
        // a Patroni started from a moved file keeps reading it: restart it from the original
        processes.switchInstallation(n, n.configuredInstallation());
        restarted.add(n);
      } else if (!n.isPatroniRunning() && Files.exists(n.configFile())) {
        // a node from prepareNode() without a configuration yet has nothing to start
        processes.startPatroni(n);
        restarted.add(n);
      }
    }
    // Under pause a restarted Patroni's PostgreSQL keeps streaming and its member key stays: the cluster looks
    // healthy before that Patroni listens. Callers ask it right after the reset.
    restarted.forEach(this::awaitRestApi);
    readiness.awaitLeader(name -> true, timeout);
    Observation o = readiness.observe();
    PatroniNode leader = members.byName(o.leader().orElseThrow());
    if (o.cluster() != null && o.cluster().has("scheduled_switchover")) {
      rest.delete(leader.restUrl().resolve("/switchover"));
    }
    for (PatroniNode n : members.all()) {
      if (o.member(n.name()).map(m -> m.has("scheduled_restart")).orElse(false)) {
        rest.delete(n.restUrl().resolve("/restart"));
      }
    }
    if (o.paused()) {
      RestCalls.Reply r = patchConfigOnceAnswering(Map.of("pause", false));
      if (!r.ok()) {
        throw new TestkitException("cannot resume the cluster: PATCH /config answered " + r.status() + " " + r.body());
      }
      readiness.await("the cluster to report it is no longer paused", timeout, obs -> !obs.paused());
    }
    awaitHealthyReinitializingStuckReplicas();
    PatroniNode current = readiness.awaitLeader(name -> true, timeout);
    if (!"pg1".equals(current.name())) {
      RestCalls.Reply r = rest.post(current.restUrl().resolve("/switchover"),
          Map.of("leader", current.name(), "candidate", "pg1"));
      if (r.status() != 200 && r.status() != 503) {
        throw new TestkitException("cannot switch back to pg1: " + r.status() + " " + r.body());
      }
      readiness.awaitLeader("pg1"::equals, timeout);
    }
    awaitHealthyReinitializingStuckReplicas();
  }

  /**
   * Restarting a running Patroni (another release, or a moved configuration file) stops its PostgreSQL unless the
   * cluster is paused: the leader's would fail over to a replica that a moment later loses its key again and keeps
   * WAL of a timeline nobody follows. So the cluster is paused first (the reset resumes it below).
   */
  private void pauseWhileRestartingPatroni() {
    boolean restarts = members.all().stream().anyMatch(n -> n.isPatroniRunning()
        && (!n.installation().equals(n.configuredInstallation()) || !n.configFile().equals(n.originalConfigFile())));
    if (!restarts) {
      return;
    }
    Observation o = readiness.observe();
    if (o.paused() || o.leader().isEmpty()) {
      return;
    }
    RestCalls.Reply r = patchConfigOnceAnswering(Map.of("pause", true));
    if (!r.ok()) {
      throw new TestkitException("cannot pause the cluster before restarting Patroni: PATCH /config answered "
          + r.status() + " " + r.body());
    }
    readiness.await("the cluster to report it is paused", timeout, Observation::paused);
  }

  private void awaitRestApi(PatroniNode n) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RestCalls.Reply r = rest.get(n.restUrl().resolve("/patroni"), Duration.ofSeconds(3));
    while (r.status() != 200) {
      if (System.nanoTime() > deadline) {
        throw new ClusterNotReadyException(n.name() + "'s REST API to answer", timeout,
            "GET /patroni answered " + r.status() + " " + r.body());
      }
      members.awaitClosed(Duration.ofMillis(250));
      members.requireOpen();
      r = rest.get(n.restUrl().resolve("/patroni"), Duration.ofSeconds(3));
    }
  }

  /**
   * PATCH /config of a pause value on the leader, asked again while nothing answers (a Patroni restarted a moment ago
   * does not listen yet); setting the same pause value twice is harmless, and the caller then waits to observe it.
   */
  private RestCalls.Reply patchConfigOnceAnswering(Map<String, Object> body) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Observation o = readiness.observe();
      RestCalls.Reply r = o.leader().isEmpty() ? null
          : rest.patch(members.byName(o.leader().get()).restUrl().resolve("/config"), body);
      if ((r != null && r.status() != -1) || System.nanoTime() > deadline) {
        return r != null ? r : rest.patch(members.all().get(0).restUrl().resolve("/config"), body);
      }
      members.awaitClosed(Duration.ofMillis(250));
      members.requireOpen();
    }
  }

  /**
   * A replica can get stuck for good: on Patroni 3.0.2 a leader whose Patroni was frozen past
   * {@code ttl} takes its key back after the thaw, and a replica that already followed the
   * short-lived new leader onto its timeline then waits forever ("highest timeline 1 of the
   * primary is behind recovery timeline 2"); and a replica that was primary for a moment keeps WAL
   * the new leader's timeline forked off before, streams for a moment at every reconnect and never
   * replays ("invalid record length"). Patroni repairs neither. A shared test cluster must recover
   * from that, so replicas that do not stream within a grace period, or do not replay a fresh WAL
   * record of the leader, are reinitialized from it (twice at most).
   */
  private void awaitHealthyReinitializingStuckReplicas() {
    Duration grace = Duration.ofSeconds(Math.min(30, timeout.toSeconds()));
    for (int round = 0; ; round++) {
      Set<String> stuck;
      try {
        readiness.awaitHealthy(round == 0 ? grace : timeout);
        stuck = readiness.replicasNotReplaying(Duration.ofSeconds(15));
        if (stuck.isEmpty()) {
          return;
        }
      } catch (ClusterNotReadyException notHealthy) {
        if (round >= 2) {
          throw notHealthy;
        }
        Observation o = readiness.observe();
        String leaderName = o.leader().orElseThrow(() -> notHealthy);
        stuck = new TreeSet<>();
        for (PatroniNode n : members.all()) {
          if (!n.name().equals(leaderName) && n.isPatroniRunning() && !o.streaming().contains(n.name())) {
            stuck.add(n.name());
          }
        }
      }
      if (round >= 2) {
        throw new ClusterNotReadyException("every replica replaying the leader's WAL", timeout,
            "still not replaying after two reinitializations: " + stuck);
      }
      for (String name : stuck) {
        LOG.log(System.Logger.Level.WARNING, "{0} does not stream or replay from the leader; reinitializing it", name);
        rest.post(members.byName(name).restUrl().resolve("/reinitialize"), Map.of("force", true));
      }
    }
  }
}
