package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.Outcome;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.PatroniException;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.DcsClient;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.RunbookException;
import dev.patroni4j.runbooks.StepRefusedException;
import dev.patroni4j.runbooks.host.HostActions;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** What every catalogue step shares: the typed REST client, the optional DCS client, SQL access and host actions. */
final class Env {
  final PatroniClient client;
  final @Nullable PostgresConnector pg;
  final @Nullable DcsClient dcs;
  final ClusterRef ref;
  final @Nullable HostActions hosts;

  Env(PatroniClient client, @Nullable PostgresConnector pg, @Nullable DcsClient dcs, ClusterRef ref,
      @Nullable HostActions hosts) {
    this.client = client;
    this.pg = pg;
    this.dcs = dcs;
    this.ref = ref;
    this.hosts = hosts;
  }

  /** Whether a Patroni answers {@code GET /patroni} at {@code apiUrl}; false for none or an empty one. */
  boolean patroniAnswersAt(@Nullable String apiUrl) {
    if (apiUrl == null || apiUrl.isEmpty()) {
      return false;
    }
    try {
      client.memberAt(URI.create(apiUrl)).status();
      return true;
    } catch (PatroniException down) {
      return false;
    }
  }

  /** {@code GET /patroni} of the named member. */
  MemberStatus status(String member) {
    return client.member(member).status();
  }

  /** A JDBC callback. */
  interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  /** A JDBC callback that returns nothing. */
  interface SqlAction {
    void run(Connection c) throws SQLException;
  }

  void sqlRun(ClusterView view, String member, SqlAction work) throws SQLException {
    sql(view, member, c -> {
      work.run(c);
      return Boolean.TRUE;
    });
  }

  <T> T sql(ClusterView view, String member, SqlWork<T> work) throws SQLException {
    Member m = view.findMember(member)
        .orElseThrow(() -> new RunbookException("member " + member + " is not in the cluster"));
    if (m.host() == null || m.port() == null) {
      throw new RunbookException("member " + member + " reports no host/port");
    }
    return sql(member, m.host(), m.port(), work);
  }

  private <T> T sql(String member, String host, int port, SqlWork<T> work) throws SQLException {
    if (pg == null) {
      throw new IllegalStateException("no PostgresConnector configured");
    }
    try (Connection c = pg.connect(member, host, port)) {
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

  /** Every member's PostgreSQL address, {@code host:port} (empty when Patroni reports none), by name. */
  static Map<String, String> addresses(ClusterView view) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Member m : view.members()) {
      out.put(m.name(), m.host() == null || m.port() == null ? "" : m.host() + ":" + m.port());
    }
    return out;
  }

  /**
   * The members whose PostgreSQL accepts writes ({@code pg_is_in_recovery()} is false), asked at the given addresses;
   * a member that cannot be reached cannot accept writes. Empty without SQL access.
   */
  List<String> acceptingWrites(Map<String, String> addresses) {
    List<String> out = new ArrayList<>();
    if (pg == null) {
      return out;
    }
    addresses.forEach((member, address) -> {
      int colon = address.lastIndexOf(':');
      if (colon <= 0) {
        return;
      }
      try {
        boolean writable = sql(member, address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)),
            c -> {
              try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
                return rs.next() && !rs.getBoolean(1);
              }
            });
        if (writable) {
          out.add(member);
        }
      } catch (SQLException | NumberFormatException e) {
        // not running or not reachable: it cannot accept writes
      }
    });
    return out;
  }

  /** Patroni's {@code loop_wait} (default 10 s). */
  Duration loopWait() {
    try {
      return Duration.ofSeconds(client.config().loopWait().orElse(10));
    } catch (PatroniException e) {
      return Duration.ofSeconds(10);
    }
  }

  /** The typed evidence of Patroni's answer: outcome kind, HTTP status, refusal reason, the member it named. */
  static Facts evidence(Outcome o) {
    Facts f = Facts.of(Keys.OUTCOME, o.kind());
    if (o.statusCode().isPresent()) {
      f = f.with(Keys.HTTP, (long) o.statusCode().getAsInt());
    }
    if (o instanceof Outcome.Refused r) {
      f = f.with(Keys.REFUSAL, r.reason());
    }
    if (o.member().isPresent()) {
      f = f.with(Keys.ACTUAL_MEMBER, o.member().get());
    }
    return f;
  }

  /** Throws {@link StepRefusedException} with the evidence if Patroni refused or failed {@code what}. */
  static Outcome refuseUnlessDone(Outcome o, String what) {
    if (o.kind() == Outcome.Kind.REFUSED || o.kind() == Outcome.Kind.FAILED) {
      throw new StepRefusedException("Patroni refused " + what + ": " + describe(o), evidence(o));
    }
    return o;
  }

  /** {@code REFUSED PRECONDITION_FAILED 412: no good candidates}. */
  static String describe(Outcome o) {
    return o.kind() + (o instanceof Outcome.Refused r ? " " + r.reason() : "")
        + (o.statusCode().isPresent() ? " " + o.statusCode().getAsInt() : "") + ": " + o.message();
  }
}
