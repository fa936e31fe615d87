package dev.patroni4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.testkit.internal.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class StandaloneServersTest {
  @Test
  void standaloneNodesAreAPgCtlPrimaryAndAStandbyStreamingThroughItsSlotWithoutPatroniAndLeaveNothingBehind()
      throws Exception {
    long started = System.nanoTime();
    Path dir;
    try (LocalPatroniCluster cluster = LocalPatroniCluster.builder().members(2).standalone().start()) {
      dir = cluster.directory();
      PatroniNode pg1 = cluster.node("pg1");
      PatroniNode pg2 = cluster.node("pg2");
      assertThat(cluster.nodes()).allSatisfy(n -> {
        assertThat(n.isPatroniRunning()).isFalse();
        assertThat(n.configFile()).doesNotExist();
      });
      try (Connection c = cluster.connect(pg1); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), (SELECT count(*) FROM pg_stat_replication r"
              + " JOIN pg_replication_slots p ON p.active_pid = r.pid WHERE p.slot_name = 'standby_pg2'"
              + " AND r.state = 'streaming'), current_setting('wal_level')")) {
        rs.next();
        assertThat(rs.getBoolean(1)).as("pg1 is a primary").isFalse();
        assertThat(rs.getInt(2)).as("pg2 streams through slot standby_pg2").isEqualTo(1);
        assertThat(rs.getString(3)).isEqualTo("logical");
      }
      try (Connection c = cluster.connect(pg2); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
        rs.next();
        assertThat(rs.getBoolean(1)).as("pg2 is a standby").isTrue();
      }
      assertThat(cluster.clusterSpec().scope()).isEqualTo(cluster.scope());
      assertThat(cluster.stopPostgres(pg2).succeeded()).isTrue();
      assertThat(cluster.startPostgres(pg2).succeeded()).as("pg_ctl start again").isTrue();
    }
    assertThat(Processes.pidsMentioning(dir + "/")).as("no process left").isEmpty();
    assertThat(Files.exists(dir)).isFalse();
    System.out.printf("standalone servers: started, checked and removed in %d ms%n",
        (System.nanoTime() - started) / 1_000_000);
  }
}
