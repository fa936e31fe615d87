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
      members.awaitClosed(Duration.ofMillis(250));
      members.requireOpen();
      last = observe();
    }
    return last;
  }

  /**
   * The running replicas that do not replay a fresh WAL record of the leader within {@code timeout}. A replica can
   * stream (its WAL sender connected, Patroni content) and still never replay: when it holds WAL of a timeline the
   * leader's history forked off before (a leader that was primary for a moment, then lost its key), it reconnects
   * forever at the fork. Empty when the leader runs in recovery (a standby cluster's leader cannot write).
   */
  Set<String> replicasNotReplaying(Duration timeout) {
    Observation o = observe();
    Optional<String> leader = o.leader();
    if (leader.isEmpty()) {
      return Set.of();
    }
    Set<String> waiting = new HashSet<>();
    for (PatroniNode n : members.all()) {
      if (!n.name().equals(leader.get()) && n.isPatroniRunning()) {
        waiting.add(n.name());
      }
    }
    if (waiting.isEmpty()) {
      return waiting;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Connection c = connector.connect(members.byName(leader.get())); Statement s = c.createStatement()) {
      String marker;
      try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
        if (rs.next() && rs.getBoolean(1)) {
          return Set.of();
        }
      }
      // A transaction with an xid writes a commit record: WAL the replicas must replay.
      s.executeQuery("SELECT txid_current()").close();
      try (ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
        rs.next();
        marker = rs.getString(1);
      }
      Set<String> ahead = new HashSet<>();
      while (!waiting.isEmpty() && System.nanoTime() < deadline) {
        // A replica that reports WAL beyond the leader's current position holds WAL of another timeline: it can
        // reach any marker and still never follow.
        try (ResultSet rs = s.executeQuery("SELECT application_name, replay_lsn >= '" + marker + "'::pg_lsn,"
            + " greatest(write_lsn, flush_lsn, replay_lsn) > pg_current_wal_lsn() FROM pg_stat_replication")) {
          while (rs.next()) {
            if (rs.getBoolean(3)) {
              ahead.add(rs.getString(1));
            } else if (rs.getBoolean(2) && !ahead.contains(rs.getString(1))) {
              waiting.remove(rs.getString(1));
            }
          }
        }
        if (!waiting.isEmpty()) {
          members.awaitClosed(Duration.ofMillis(200));
          members.requireOpen();
        }
      }
    } catch (SQLException e) {
      // the leader went away meanwhile: the caller's next health check sees it
      return Set.of();
    }
    return waiting;
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
