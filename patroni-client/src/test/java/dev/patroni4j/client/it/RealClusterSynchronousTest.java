package dev.patroni4j.client.it;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.ConfigPatch;
import dev.patroni4j.client.HealthCheck;
import dev.patroni4j.client.MemberClient;
import dev.patroni4j.client.Outcome;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsEntry;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Synchronous replication on a real cluster of each Patroni version: {@code synchronous_mode: on}
 * everywhere, {@code quorum} from 4.0 (the {@code sync} key with {@code quorum}, the {@code
 * quorum_standby} role, {@code /quorum} and {@code /read-only-quorum}), the {@code sync_priority}
 * tag of 4.1, and the replay lag and {@code /readiness} lag mode of 4.1.
 */
class RealClusterSynchronousTest {
  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = LocalPatroniClusterExtension.of(PatroniUnderTest.builder().members(3)
      .tags(2, Map.of("sync_priority", 1)).tags(3, Map.of("sync_priority", 5)));
  private static final Duration WAIT = Duration.ofSeconds(90);

  private static LocalPatroniCluster cluster;
  private static PatroniClient client;

  @BeforeAll
  static void connect() {
    cluster = CLUSTER.cluster();
    client = TestClusters.clientFor(cluster);
  }

  private static MemberClient node(String name) {
    return client.memberAt(cluster.node(name).restUrl());
  }

  private static void synchronousMode(Object mode, String role, int standbys) {
    assertThat(client.patchConfig(ConfigPatch.builder().set("synchronous_mode", mode).build()).kind()).isEqualTo(Outcome.Kind.DONE);
    // Every replica's own view must agree: after a change of mode a member may still claim its old role.
    client.waitUntil(ClusterCondition.of(standbys + " members in role " + role + ", every replica agreeing",
        o -> o.view().members().stream().filter(m -> m.role().raw().equals(role)).count() == standbys
            && o.view().replicas().stream().allMatch(m -> {
              MemberStatus s = client.clientFor(m).status();
              boolean inRole = m.role().raw().equals(role);
              return (role.equals("quorum_standby") ? s.quorumStandby() : s.syncStandby()) == inRole
                  && !(role.equals("quorum_standby") ? s.syncStandby() : s.quorumStandby());
            })), WAIT);
  }

  private static ClusterSnapshot dcs() {
    ClusterRef ref = ClusterRef.of(cluster.namespace(), cluster.scope());
    List<DcsEntry> entries = new ArrayList<>();
    new EtcdKeys(cluster).all().forEach((k, v) -> entries.add(new DcsEntry(ref.keyPrefix() + k, v, 1, null)));
    return ClusterSnapshot.fromEntries(ref, 1, entries);
  }

  @Test
  void synchronousModePicksOneStandbyTheHighestSyncPriorityFrom41() {
    synchronousMode(true, "sync_standby", 1);
    ClusterView v = client.cluster();
    Member standby = v.members().stream().filter(m -> m.role().is(Role.Kind.SYNC_STANDBY)).findFirst().orElseThrow();
    if (PatroniUnderTest.isAtLeast(4, 1)) {
      assertThat(standby.name()).as("sync_priority 5 beats 1").isEqualTo("pg3");
    }
    assertThat(standby.tags().syncPriority()).isPresent();
    String other = standby.name().equals("pg2") ? "pg3" : "pg2";
    assertThat(node(standby.name()).check(HealthCheck.sync()).healthy()).isTrue();
    assertThat(node(standby.name()).check(HealthCheck.readOnlySync()).healthy()).isTrue();
    assertThat(node(standby.name()).check(HealthCheck.async()).healthy()).isFalse();
    assertThat(node(other).check(HealthCheck.sync()).healthy()).isFalse();
    assertThat(node(other).check(HealthCheck.async()).healthy()).isTrue();
    for (String name : List.of("pg1", "pg2", "pg3")) {
      assertThat(node(name).check(HealthCheck.quorum()).healthy()).as(name + " /quorum outside quorum mode").isFalse();
    }
    ClusterSnapshot s = dcs();
    assertThat(requireNonNull(s.sync()).syncStandbys()).containsExactly(standby.name());
    assertThat(s.sync().quorum()).isEqualTo(PatroniUnderTest.isAtLeast(4, 0) ? Integer.valueOf(0) : null);
    assertThat(s.toClusterView().member(standby.name()).role().kind()).isEqualTo(Role.Kind.SYNC_STANDBY);
  }

  @Test
  void quorumCommitPutsEveryStandbyInTheQuorumSetFrom40() {
    if (!PatroniUnderTest.isAtLeast(4, 0)) {
      // 3.x has no quorum commit: its /quorum is a health path that never answers 200.
      assertThat(node("pg2").check(HealthCheck.quorum()).statusCode()).isEqualTo(503);
      return;
    }
    synchronousMode("quorum", "quorum_standby", 2);
    ClusterView v = client.cluster();
    assertThat(v.members()).filteredOn(m -> m.role().is(Role.Kind.QUORUM_STANDBY)).extracting(Member::name)
        .containsExactly("pg2", "pg3");
    assertThat(v.replicas()).allSatisfy(m -> assertThat(m.role().isReplica()).isTrue());
    for (String name : List.of("pg2", "pg3")) {
      MemberStatus s = node(name).status();
      assertThat(s.quorumStandby()).isTrue();
      assertThat(s.syncStandby()).isFalse();
      assertThat(node(name).check(HealthCheck.quorum()).healthy()).as(name + " /quorum").isTrue();
      assertThat(node(name).check(HealthCheck.readOnlyQuorum()).healthy()).isTrue();
      assertThat(node(name).check(HealthCheck.sync()).healthy()).isFalse();
      assertThat(node(name).check(HealthCheck.async()).healthy()).isFalse();
    }
    assertThat(node("pg1").check(HealthCheck.quorum()).healthy()).isFalse();
    assertThat(node("pg1").check(HealthCheck.readOnlyQuorum()).healthy()).isTrue();
    assertThat(node("pg1").status().replication()).allSatisfy(r -> assertThat(r.syncState()).isEqualTo("quorum"));
    assertThat(node("pg2").metrics().value("patroni_quorum_standby")).hasValue(1);
    ClusterSnapshot s = dcs();
    assertThat(requireNonNull(s.sync()).quorum()).isEqualTo(1);
    assertThat(s.sync().syncStandbys()).containsExactlyInAnyOrder("pg2", "pg3");
    assertThat(s.toClusterView().members()).filteredOn(m -> m.role().is(Role.Kind.QUORUM_STANDBY)).hasSize(2);
    assertThat(client.config().synchronousMode()).hasValue("quorum");
  }

  @Test
  void replayLagAndReadinessModeTellReceivedFromReplayedWal() throws Exception {
    assertThat(client.patchConfig(ConfigPatch.builder().remove("synchronous_mode").build()).kind()).isEqualTo(Outcome.Kind.DONE);
    MemberClient pg3 = node("pg3");
    // Patroni resumes a paused replay on PostgreSQL 14+ within one loop unless the cluster is
    // paused (seed-procedures.md, blue-green), so the replay stays paused only in maintenance mode.
    assertThat(client.pause().kind()).isEqualTo(Outcome.Kind.DONE);
    client.waitUntil(Conditions.allMembersPaused(), WAIT);
    try {
      try (Connection replica = cluster.connect(cluster.node("pg3")); Statement s = replica.createStatement()) {
        s.execute("select pg_wal_replay_pause()");
        try {
          writeWal(4 << 20);
          client.waitUntil(ClusterCondition.of("pg3 received 4 MiB it has not replayed", o -> {
            MemberStatus st = pg3.status();
            return st.receivedLocation() != null && st.replayedLocation() != null
                && st.receivedLocation().bytesAfter(st.replayedLocation()) >= (4 << 20);
          }), WAIT);
          assertThat(pg3.status().replayPaused()).isTrue();
          if (PatroniUnderTest.isAtLeast(4, 1)) {
            Member m = client.cluster().member("pg3");
            assertThat(m.replayLag().knownBytes()).isPresent();
            assertThat(m.receiveLag().isAtMost(1 << 20)).as("received nearly everything: %s", m.receiveLag()).isTrue();
            // 4.1 readiness measures replay by default, and received WAL with mode=write.
            assertThat(pg3.check(HealthCheck.readiness().maxLag("1MB")).statusCode()).isEqualTo(503);
            assertThat(pg3.check(HealthCheck.readiness().maxLag("1MB").mode("write")).statusCode()).isEqualTo(200);
            assertThat(pg3.check(HealthCheck.readiness()).statusCode()).as("default limit: maximum_lag_on_failover").isEqualTo(503);
          } else {
            // Before 4.1 /cluster has one lag, from the member key's position, which is the received one.
            Member m = client.cluster().member("pg3");
            assertThat(m.replayLag().knownBytes()).isEmpty();
            assertThat(m.lag().isAtMost(1 << 20)).as("lag %s", m.lag()).isTrue();
            assertThat(pg3.check(HealthCheck.readiness().maxLag("1MB")).statusCode()).as("readiness ignores lag").isEqualTo(200);
          }
        } finally {
          s.execute("select pg_wal_replay_resume()");
        }
      }
    } finally {
      assertThat(client.resume().kind()).isEqualTo(Outcome.Kind.DONE);
      client.waitUntil(Conditions.allMembersResumed(), WAIT);
    }
    client.waitUntil(ClusterCondition.of("pg3 replayed everything", o -> {
      MemberStatus st = pg3.status();
      return st.replayedLocation() != null && st.replayedLocation().equals(st.receivedLocation());
    }), WAIT);
    assertThat(pg3.check(HealthCheck.readiness().maxLag("1MB")).healthy()).isTrue();
  }

  private static void writeWal(int bytes) throws SQLException {
    try (Connection c = cluster.connect(cluster.node("pg1")); Statement s = c.createStatement()) {
      s.execute("create table if not exists p4j_wal(x text)");
      s.execute("insert into p4j_wal select repeat('x', 1000) from generate_series(1, " + (bytes / 1000 + 1) + ")");
      s.execute("truncate p4j_wal");
    }
  }
}
