package dev.patroni4j.testkit;

import dev.patroni4j.testkit.internal.DcsServer;
import dev.patroni4j.testkit.internal.Processes;
import dev.patroni4j.testkit.internal.RestCalls;
import java.time.Duration;
import java.util.Map;

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
    for (PatroniNode n : members.all()) {
      n.patroniPid().ifPresent(pid -> Processes.signal(pid, "CONT"));
      if (configs.restoreOriginal(n) && n.isPatroniRunning()) {
        rest.post(n.restUrl().resolve("/reload"), Map.of());
      }
      if (!n.installation().equals(n.configuredInstallation())) {
        processes.switchInstallation(n, n.configuredInstallation());
      } else if (!n.isPatroniRunning()) {
        processes.startPatroni(n);
      }
    }
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
      RestCalls.Reply r = rest.patch(leader.restUrl().resolve("/config"), Map.of("pause", false));
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
   * A replica can get stuck for good: on Patroni 3.0.2 a leader whose Patroni was frozen past
   * {@code ttl} takes its key back after the thaw, and a replica that already followed the
   * short-lived new leader onto its timeline then waits forever ("highest timeline 1 of the
   * primary is behind recovery timeline 2"), which Patroni does not repair. A shared test cluster
   * must recover from that, so replicas that do not stream within a grace period are
   * reinitialized from the leader.
   */
  private void awaitHealthyReinitializingStuckReplicas() {
    try {
      readiness.awaitHealthy(Duration.ofSeconds(Math.min(30, timeout.toSeconds())));
      return;
    } catch (ClusterNotReadyException stuck) {
      Observation o = readiness.observe();
      String leaderName = o.leader().orElseThrow(() -> stuck);
      for (PatroniNode n : members.all()) {
        if (!n.name().equals(leaderName) && n.isPatroniRunning() && !o.streaming().contains(n.name())) {
          LOG.log(System.Logger.Level.WARNING, "{0} does not stream from {1}; reinitializing it", n.name(), leaderName);
          rest.post(n.restUrl().resolve("/reinitialize"), Map.of("force", true));
        }
      }
    }
    readiness.awaitHealthy(timeout);
  }
}
