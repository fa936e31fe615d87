package dev.patroni4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.testkit.internal.Processes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The test kit's PgBouncer: in front of the leader, re-pointable by RELOAD, gone with its cluster. */
class LocalPgBouncerTest {

  @Test
  void bouncerReachesTheLeaderFollowsAReloadAndDiesWithTheCluster() throws Exception {
    long t0 = System.nanoTime();
    LocalPatroniCluster cluster = LocalPatroniCluster.builder().members(2).start();
    String dir = cluster.directory() + "/";
    try {
      LocalPgBouncer bouncer = LocalPgBouncer.start(cluster);
      assertThat(bouncer.toString()).doesNotContain(bouncer.adminCredentials().password());
      try (Connection c = bouncer.connect()) {
        assertThat(query(c, "SELECT pg_is_in_recovery()::text")).isEqualTo("false");
        assertThat(query(c, "SELECT inet_server_port()::text")).isEqualTo(Integer.toString(cluster.leader().pgPort()));
      }

      bouncer.pointAt(cluster.replicas().get(0));
      assertThat(bouncer.admin("RELOAD").succeeded()).isTrue();
      try (Connection c = bouncer.connect()) {
        assertThat(query(c, "SELECT pg_is_in_recovery()::text")).as("a new connection after RELOAD").isEqualTo("true");
      }
      assertThat(Processes.pidsMentioning(bouncer.configFile().toString())).hasSize(1);
    } finally {
      cluster.close();
    }
    assertThat(Processes.pidsMentioning(dir)).as("pgbouncer is gone with its cluster").isEmpty();
    System.out.printf("LocalPgBouncerTest took %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  private static String query(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
