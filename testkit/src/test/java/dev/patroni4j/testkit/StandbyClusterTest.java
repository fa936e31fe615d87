package dev.patroni4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StandbyClusterTest {
  @RegisterExtension
  static final LocalPatroniClusterExtension SITE_A =
      LocalPatroniClusterExtension.of(LocalPatroniCluster.builder().members(2));

  @ParameterizedTest(name = "standby site on Patroni {0}")
  @ValueSource(strings = {"3.0.2", "4.1.5"})
  void aStandbyClusterInItsOwnDcsFollowsThePrimarySiteThroughAPermanentSlot(String version) throws Exception {
    LocalPatroniCluster siteA = SITE_A.cluster();
    String slot = "site_b_" + version.replace('.', '_');
    try (LocalPatroniCluster siteB = LocalPatroniCluster.builder().members(2).patroniVersion(version)
        .standbyOf(siteA, slot).start()) {
      assertThat(siteB.dcsEndpoint()).isNotEqualTo(siteA.dcsEndpoint());
      assertThat(siteB.standbySource()).contains(new StandbySource(siteA, slot));
      JsonNode pg1 = siteB.observe().member("pg1").orElseThrow();
      assertThat(pg1.path("role").asText()).isEqualTo("standby_leader");
      assertThat(siteB.observe().streaming()).as("site B's replica streams from its standby leader")
          .containsExactly("pg2");

      String marker = "row-" + System.nanoTime();
      try (Connection c = siteA.connect(siteA.leader()); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS standby_probe (v text)");
        s.execute("INSERT INTO standby_probe VALUES ('" + marker + "')");
      }
      for (PatroniNode n : siteB.nodes()) {
        siteB.awaitMembers(names -> rowVisible(siteB, n, marker), Duration.ofSeconds(60));
      }
      assertThat(slotActive(siteA, slot)).as("site A's slot " + slot + " is in use").isTrue();
    }
  }

  @Test
  void aStandbyNeedsAValidSlotNameAndOnlyOneStandbyClusterSection() {
    LocalPatroniCluster siteA = SITE_A.cluster();
    assertThatThrownBy(() -> LocalPatroniCluster.builder().standbyOf(siteA, "Site-B"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Site-B");
    assertThatThrownBy(() -> LocalPatroniCluster.builder().standbyOf(siteA, "site_b")
        .dynamicConfig("standby_cluster", Map.of("host", "elsewhere")).start())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exclude each other");
  }

  private static boolean rowVisible(LocalPatroniCluster cluster, PatroniNode node, String marker) {
    try (Connection c = cluster.connect(node); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM standby_probe WHERE v = '" + marker + "'")) {
      return rs.next() && rs.getInt(1) == 1;
    } catch (SQLException notYet) {
      return false;
    }
  }

  private static boolean slotActive(LocalPatroniCluster cluster, String slot) throws SQLException {
    try (Connection c = cluster.connect(cluster.leader()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT active FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
      return rs.next() && rs.getBoolean(1);
    }
  }
}
