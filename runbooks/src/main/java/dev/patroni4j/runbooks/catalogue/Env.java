package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.PatroniException;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.DcsClient;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.runbooks.RunbookException;
import dev.patroni4j.runbooks.internal.ClusterOps;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** What every catalogue step shares: the REST seam and the optional SQL access. */
final class Env {
  final ClusterOps ops;
  final @Nullable PostgresConnector pg;
  final @Nullable DcsClient dcs;
  final ClusterRef ref;

  Env(ClusterOps ops, @Nullable PostgresConnector pg, @Nullable DcsClient dcs, ClusterRef ref) {
    this.ops = ops;
    this.pg = pg;
    this.dcs = dcs;
    this.ref = ref;
  }

  /** A JDBC callback. */
  interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  <T> T sql(ClusterView view, String member, SqlWork<T> work) throws SQLException {
    if (pg == null) {
      throw new IllegalStateException("no PostgresConnector configured");
    }
    Member m = view.members().stream().filter(x -> x.name().equals(member)).findFirst()
        .orElseThrow(() -> new RunbookException("member " + member + " is not in the cluster"));
    if (m.host() == null || m.port() == null) {
      throw new RunbookException("member " + member + " reports no host/port");
    }
    try (Connection c = pg.connect(member, m.host(), m.port())) {
      return work.run(c);
    }
  }

  /**
   * The members streaming from the leader according to its {@code pg_stat_replication}, or null without SQL access.
   */
  @Nullable Set<String> streamingFromLeader(ClusterView view) throws SQLException {
    if (pg == null || view.findLeader().isEmpty()) {
      return null;
    }
    return sql(view, view.findLeader().get().name(), c -> {
      Set<String> names = new HashSet<>();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'")) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
      return names;
    });
  }

  /** Patroni's {@code loop_wait} (default 10 s). */
  Duration loopWait() {
    try {
      return Duration.ofSeconds(ops.config().loopWait().orElse(10));
    } catch (PatroniException e) {
      return Duration.ofSeconds(10);
    }
  }
}
