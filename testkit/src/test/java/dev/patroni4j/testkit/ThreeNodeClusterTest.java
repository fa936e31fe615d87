package dev.patroni4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ThreeNodeClusterTest {
  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER =
      LocalPatroniClusterExtension.of(LocalPatroniCluster.builder().members(3));

  @Test
  void startsWithLeaderOnPg1AndTwoStreamingReplicas() throws SQLException {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    assertThat(cluster.leader().name()).isEqualTo("pg1");
    try (Connection c = cluster.connect(cluster.leader());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "select application_name from pg_stat_replication where state = 'streaming' order by 1")) {
      List<String> streaming = new java.util.ArrayList<>();
      while (rs.next()) {
        streaming.add(rs.getString(1));
      }
      assertThat(streaming).containsExactly("pg2", "pg3");
    }
  }

  @Test
  void rowWrittenOnLeaderIsReadOnEveryReplica() throws SQLException {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    try (Connection c = cluster.connect(cluster.leader()); Statement s = c.createStatement()) {
      s.execute("create table if not exists kit_rows (id int primary key, note text)");
      s.execute("insert into kit_rows values (42, 'written on the leader') on conflict (id) do nothing");
    }
    for (PatroniNode replica : cluster.replicas()) {
      assertThat(awaitRow(cluster, replica, Duration.ofSeconds(20))).isEqualTo("written on the leader");
    }
  }

  @Test
  void killedLeaderIsReplacedWithinTtlPlusLoopWaitAndRejoinsAsReplica() {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode old = cluster.leader();
    long killedAt = System.nanoTime();
    cluster.killPatroni(old);

    // ttl 10 + loop_wait 2 + 10 s of slack, as the issue requires.
    PatroniNode newLeader = cluster.awaitLeader(name -> !name.equals(old.name()), Duration.ofSeconds(22));
    Duration took = Duration.ofNanos(System.nanoTime() - killedAt);
    System.out.println("new leader " + newLeader.name() + " after " + took.toMillis() + " ms");
    assertThat(newLeader.name()).isNotEqualTo(old.name());

    cluster.startPatroni(old);
    cluster.awaitHealthy(Duration.ofSeconds(90));
    assertThat(cluster.leader().name()).isEqualTo(newLeader.name());
    assertThat(cluster.replicas()).extracting(PatroniNode::name).contains(old.name());
  }

  private static String awaitRow(LocalPatroniCluster cluster, PatroniNode node, Duration timeout) throws SQLException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try (Connection c = cluster.connect(node);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("select note from kit_rows where id = 42")) {
        if (rs.next()) {
          return rs.getString(1);
        }
      } catch (SQLException e) {
        if (!"42P01".equals(e.getSQLState()) || System.nanoTime() > deadline) {
          throw e;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("row not replicated to " + node.name() + " within " + timeout);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
