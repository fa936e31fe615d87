package dev.patroni4j.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patroni4j.testkit.internal.Processes;
import dev.patroni4j.testkit.internal.RestCalls;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Looks at a cluster (Patroni's {@code /cluster} plus the leader's {@code pg_stat_replication})
 * and waits, with a deadline, until what it sees satisfies a condition; a Patroni that dies
 * meanwhile ends the wait at once with its log.
 *
 * <p>Thread-safe.
 */
final class Readiness {
  /** Opens a superuser connection to a node's PostgreSQL. */
  interface Connector {
    Connection connect(PatroniNode node) throws SQLException;
  }

  private final ClusterMembers members;
  private final RestCalls rest;
  private final Connector connector;

  Readiness(ClusterMembers members, RestCalls rest, Connector connector) {
    this.members = members;
    this.rest = rest;
    this.connector = connector;
  }

  /** Waits until a leader runs and every running node streams from it on its timeline. */
  void awaitHealthy(Duration timeout) {
    await("a running leader and every other running node streaming from it", timeout, Observation::healthy);
  }

  PatroniNode awaitLeader(Predicate<String> leader, Duration timeout) {
    Observation o = await("a leader that satisfies the condition", timeout,
        obs -> obs.leader().filter(leader).isPresent());
    return members.byName(o.leader().orElseThrow());
  }

  void awaitMembers(Predicate<Set<String>> names, Duration timeout) {
    await("the members to satisfy the condition", timeout,
        obs -> obs.cluster() != null && names.test(obs.memberNames()));
  }

  Observation await(String condition, Duration timeout, Predicate<Observation> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Observation last = observe();
    while (!done.test(last)) {
      for (PatroniNode n : members.all()) {
        n.unexpectedExit().ifPresent(code -> {
          throw new TestkitException(n.name() + "'s Patroni exited with code " + code + " while waiting for "
              + condition + "; its log ends:\n" + Processes.tail(n.logFile(), 30));
        });
      }
      if (System.nanoTime() > deadline) {
        throw new ClusterNotReadyException(condition, timeout, last.summary());
      }
      Processes.sleep(Duration.ofMillis(250));
      members.requireOpen();
      last = observe();
    }
    return last;
  }

  /** {@code GET /patroni}'s {@code patroni.version}. */
  String reportedPatroniVersion(PatroniNode node) {
    RestCalls.Reply r = rest.get(node.restUrl().resolve("/patroni"), Duration.ofSeconds(5));
    String version = r.status() == 200 ? r.json().path("patroni").path("version").asText("") : "";
    if (version.isEmpty()) {
      throw new TestkitException(node.name() + " did not report its Patroni version: GET /patroni answered "
          + r.status() + " " + r.body());
    }
    return version;
  }

  /**
   * Proves each running node runs the release the test kit started it from: a wrong {@code
   * PYTHONPATH} would silently run another release's modules under a script's name.
   */
  void requireReportedVersions() {
    for (PatroniNode n : members.all()) {
      if (n.isPatroniRunning()) {
        String reported = reportedPatroniVersion(n);
        if (!reported.equals(n.patroniVersion())) {
          throw new TestkitException(n.name() + " was started from Patroni " + n.patroniVersion() + " ("
              + n.installation().patroni() + ") but reports " + reported);
        }
      }
    }
  }

  /** What the cluster looks like now, through the REST API of the first node that answers. */
  Observation observe() {
    @Nullable JsonNode cluster = null;
    String error = "no node answered GET /cluster";
    for (PatroniNode n : members.all()) {
      if (!n.isPatroniRunning()) {
        continue;
      }
      RestCalls.Reply r = rest.get(n.restUrl().resolve("/cluster"), Duration.ofSeconds(3));
      if (r.status() == 200) {
        cluster = r.json();
        break;
      }
      error = n.name() + ": " + r.status() + " " + r.body();
    }
    if (cluster == null) {
      return new Observation(null, error, Set.of(), members.all());
    }
    Set<String> streaming = new HashSet<>();
    Optional<String> leader = Observation.leaderOf(cluster);
    if (leader.isPresent()) {
      try (Connection c = connector.connect(members.byName(leader.get()));
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("select application_name from pg_stat_replication where state = 'streaming'")) {
        while (rs.next()) {
          streaming.add(rs.getString(1));
        }
      } catch (SQLException | IllegalArgumentException e) {
        error = "leader's pg_stat_replication: " + e.getMessage();
      }
    }
    return new Observation(cluster, error, streaming, members.all());
  }
}
