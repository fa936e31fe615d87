package dev.patroni4j.client.it;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.ClientTestAccess;
import dev.patroni4j.client.HealthCheck;
import dev.patroni4j.client.HealthResult;
import dev.patroni4j.client.MemberClient;
import dev.patroni4j.client.Metrics;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.Sleeper;
import dev.patroni4j.client.Waiter;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.HistoryEntry;
import dev.patroni4j.client.model.Lag;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.testkit.CommandResult;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every read endpoint of a real cluster (leader pg1, replicas pg2 and pg3), on each Patroni version
 * of the matrix ({@link PatroniUnderTest}); what differs between versions is asserted per version.
 */
class RealClusterReadTest {
  @RegisterExtension static final LocalPatroniClusterExtension CLUSTER = TestClusters.plain();

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

  @Test
  void clusterViewEqualsPatronictlListTakenAtTheSameMoment() throws Exception {
    List<String> ours = null;
    List<String> theirs = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      List<String> before = PatronictlComparison.rows(client.cluster());
      CommandResult list = cluster.patronictl("list", "-f", "json");
      assertThat(list.exitCode()).as(list.stderr()).isZero();
      List<String> after = PatronictlComparison.rows(client.cluster());
      if (before.equals(after)) {
        ours = before;
        theirs = PatronictlComparison.rows(list.stdout());
        break;
      }
    }
    assertThat(ours).as("the cluster kept changing").isNotNull();
    assertThat(ours).isEqualTo(theirs).hasSize(3);
    assertThat(requireNonNull(ours).get(0)).startsWith("pg1|Leader|running|");
  }

  @Test
  void eachClusterViewOfAPlainHttpMemberIsOneConnectionMadeWithoutOkHttp() {
    PatroniClient own = TestClusters.clientFor(cluster);
    MemberClient leader = own.memberAt(cluster.node("pg1").restUrl());

    for (int i = 0; i < 5; i++) {
      assertThat(leader.cluster().memberNames()).containsExactly("pg1", "pg2", "pg3");
    }

    assertThat(ClientTestAccess.connectionsWithoutOkHttp(own)).isEqualTo(5);
  }

  @Test
  void clusterViewModelsRolesStatesTimelinesLagAndTags() {
    ClusterView v = client.cluster();
    assertThat(v.memberNames()).containsExactly("pg1", "pg2", "pg3");
    assertThat(v.leader().name()).isEqualTo("pg1");
    assertThat(v.leader().role().kind()).isEqualTo(Role.Kind.PRIMARY);
    assertThat(v.timeline()).isPresent();
    for (Member r : v.replicas()) {
      // 3.0.2 shows a replica's PostgreSQL state; from 3.0.4 on, its replication state.
      assertThat(r.state().raw()).isEqualTo(PatroniUnderTest.isAtLeast(4, 0) ? "streaming" : "running");
      assertThat(r.state().isRunning()).isTrue();
      assertThat(r.timeline()).isEqualTo(v.timeline().orElseThrow());
      assertThat(r.lag().knownBytes()).isPresent();
      assertThat(r.apiUrl()).endsWith("/patroni");
      if (PatroniUnderTest.isAtLeast(4, 1)) {
        assertThat(r.receiveLag().knownBytes()).isPresent();
        assertThat(r.replayLag().knownBytes()).isPresent();
        assertThat(r.replayLsn()).isNotNull();
        assertThat(r.receiveLsn()).isNotNull().isGreaterThanOrEqualTo(r.replayLsn());
        assertThat(r.lsn()).isNotNull();
      } else {
        assertThat(r.replayLag()).isEqualTo(Lag.absent());
        assertThat(r.receiveLag()).isEqualTo(Lag.absent());
        assertThat(r.lsn()).isNull();
      }
    }
    assertThat(v.leader().lsn()).isNull();
    assertThat(v.leader().replayLag()).isEqualTo(Lag.absent());
    assertThat(v.scope()).isEqualTo(PatroniUnderTest.isAtLeast(3, 2) ? cluster.scope() : null);
    assertThat(v.member("pg3").tags().patroniString("zone")).hasValue("b");
    assertThat(v.member("pg3").tags().cloneFrom()).isTrue();
    assertThat(v.rawJson()).contains("\"members\"");
  }

  @Test
  void memberStatusOfLeaderAndReplica() {
    MemberStatus leader = node("pg1").status();
    assertThat(leader.role().raw()).isEqualTo(PatroniUnderTest.isAtLeast(4, 0) ? "primary" : "master");
    assertThat(leader.role().kind()).isEqualTo(Role.Kind.PRIMARY);
    assertThat(leader.xlogLocation()).isNotNull();
    assertThat(requireNonNull(leader.serverVersion()).major()).isEqualTo(15);
    assertThat(leader.patroniVersion()).isEqualTo(PatroniUnderTest.VERSION);
    assertThat(leader.scope()).isEqualTo(cluster.scope());
    assertThat(leader.name()).isEqualTo(PatroniUnderTest.isAtLeast(3, 2) ? "pg1" : null);
    assertThat(leader.replication()).extracting(r -> r.applicationName()).containsExactlyInAnyOrder("pg2", "pg3");
    assertThat(leader.dcsLastSeen()).isNotNull();
    MemberStatus replica = node("pg2").status();
    assertThat(replica.role().kind()).isEqualTo(Role.Kind.REPLICA);
    assertThat(replica.replayedLocation()).isNotNull();
    assertThat(replica.systemIdentifier()).isEqualTo(leader.systemIdentifier());
    assertThat(replica.replicationState() == null ? null : replica.replicationState().raw())
        .isEqualTo(PatroniUnderTest.isAtLeast("3.0.4") ? "streaming" : null);
    assertThat(replica.unknownFields()).as("every field of %s is modelled", PatroniUnderTest.VERSION).isEmpty();
    assertThat(leader.unknownFields()).isEmpty();
  }

  @Test
  void healthChecksWithGetHeadAndOptions() {
    List<HealthCheck> leaderHealthy = List.of(HealthCheck.primary(), HealthCheck.leader(), HealthCheck.readOnly(),
        HealthCheck.health(), HealthCheck.readOnlySync(), HealthCheck.of("/"));
    List<HealthCheck> leaderUnhealthy = List.of(HealthCheck.replica(), HealthCheck.standbyLeader(), HealthCheck.sync(),
        HealthCheck.async(), HealthCheck.quorum());
    // 3.0.2 has no quorum checks: /read-only-quorum is a "read-only" path to it, so a healthy
    // async replica answers 200. From 4.0 it answers 503, as the documentation says.
    assertThat(node("pg2").check(HealthCheck.readOnlyQuorum()).statusCode())
        .isEqualTo(PatroniUnderTest.isAtLeast(4, 0) ? 503 : 200);
    assertThat(node("pg1").check(HealthCheck.readOnlyQuorum()).healthy()).isTrue();
    for (HealthCheck c : leaderHealthy) {
      assertThat(node("pg1").check(c).healthy()).as("GET " + c).isTrue();
      assertThat(node("pg1").checkHead(c).healthy()).as("HEAD " + c).isTrue();
      assertThat(node("pg1").checkOptions(c).healthy()).as("OPTIONS " + c).isTrue();
    }
    // Every version serves liveness and readiness to GET only; HEAD and OPTIONS fall through to 503.
    for (HealthCheck c : List.of(HealthCheck.liveness(), HealthCheck.readiness())) {
      assertThat(node("pg1").check(c).healthy()).as("GET " + c).isTrue();
      assertThat(node("pg2").check(c).healthy()).as("GET " + c).isTrue();
      assertThat(node("pg1").checkHead(c).statusCode()).as("HEAD " + c).isEqualTo(503);
    }
    for (HealthCheck c : leaderUnhealthy) {
      assertThat(node("pg1").check(c).statusCode()).as("GET " + c).isEqualTo(503);
      assertThat(node("pg1").checkHead(c).healthy()).as("HEAD " + c).isFalse();
    }
    assertThat(node("pg2").check(HealthCheck.replica()).healthy()).isTrue();
    assertThat(node("pg2").check(HealthCheck.async()).healthy()).isTrue();
    assertThat(node("pg2").check(HealthCheck.primary()).status().orElseThrow().role().kind()).isEqualTo(Role.Kind.REPLICA);
  }

  @Test
  void replicaHealthCheckHonoursLagAndTags() {
    assertThat(node("pg3").check(HealthCheck.replica().maxLag("16MB").tag("zone", "b")).healthy()).isTrue();
    assertThat(node("pg3").check(HealthCheck.replica().tag("zone", "a")).healthy()).isFalse();
    assertThat(node("pg3").check(HealthCheck.readOnly().tag("clonefrom", "true")).healthy()).isTrue();
    assertThat(node("pg2").check(HealthCheck.replica().tag("zone", "b")).statusCode()).as("missing tag").isEqualTo(503);
    // The leader writes WAL even when idle (running-xacts records, checkpoints) and each Patroni
    // compares against the leader position of its last loop, so "within 0 bytes" holds between such
    // records, not at every instant: a caught-up replica must pass it within a few loops.
    HealthCheck caughtUp = HealthCheck.replica().maxLag(0);
    HealthResult within0 = Waiter.polling(Duration.ofMillis(250), Clock.systemUTC(), Sleeper.system())
        .until("pg2 healthy within 0 bytes of lag", Duration.ofSeconds(20), remaining -> {
          HealthResult r = node("pg2").check(caughtUp);
          return r.healthy() ? Waiter.Attempt.done(r) : Waiter.Attempt.pending(r);
        });
    assertThat(within0.statusCode()).as("caught-up replica within 0 bytes").isEqualTo(200);
    assertThat(node("pg2").check(HealthCheck.replica().maxLag(0).tag("zone", "b")).healthy())
        .as("lag within bound but tag missing").isFalse();
  }

  @Test
  void historyConfigMetricsAndFailsafe() {
    List<HistoryEntry> history = client.history();
    assertThat(history).isNotNull();
    assertThat(client.config().loopWait()).hasValue(2);
    // The test kit bootstraps ttl 10; from 3.2.0 on Patroni raises it to its minimum, 20, in the DCS.
    assertThat(client.config().ttl()).hasValue(PatroniUnderTest.isAtLeast(3, 2) ? 20 : 10);
    Metrics m = node("pg1").metrics();
    assertThat(m.value("patroni_primary")).hasValue(1);
    assertThat(m.find("patroni_master")).as("patroni_master is gone in 4.0").matches(o -> o.isPresent() != PatroniUnderTest.isAtLeast(4, 0));
    assertThat(m.value("patroni_postgres_state")).isEqualTo(PatroniUnderTest.isAtLeast(4, 1) ? java.util.OptionalDouble.of(5) : java.util.OptionalDouble.empty());
    assertThat(m.value("patroni_postgres_server_version").orElseThrow()).isGreaterThan(150000);
    assertThat(node("pg2").metrics().value("patroni_replica")).hasValue(1);
    assertThat(node("pg1").failsafe()).as("failsafe_mode is off").isEmpty();
  }

  @Test
  void clusterClientFallsThroughDeadSeedsAndDiscoversMembers() {
    PatroniClient viaDeadSeed = PatroniClient.builder()
        .member(URI.create("http://127.0.0.1:9"))
        .member(cluster.node("pg2").restUrl())
        .build();
    assertThat(viaDeadSeed.cluster().leader().name()).isEqualTo("pg1");
    assertThat(viaDeadSeed.knownMembers()).hasSize(4).first().isEqualTo(cluster.node("pg2").restUrl());
    assertThat(viaDeadSeed.leader().status().role().isLeader()).isTrue();
    assertThat(viaDeadSeed.observe(true).statuses()).containsOnlyKeys("pg1", "pg2", "pg3");
  }
}
