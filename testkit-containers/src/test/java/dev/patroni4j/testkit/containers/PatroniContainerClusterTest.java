package dev.patroni4j.testkit.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.Outcome;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.SwitchoverRequest;
import dev.patroni4j.client.model.ClusterView;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One three-member cluster in containers, changed by each test in turn (the order is part of the scenario). */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PatroniContainerClusterTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @RegisterExtension
  static final PatroniContainersExtension CLUSTER =
      PatroniContainersExtension.of(PatroniContainerCluster.builder(TestImages.image()).members(3));

  @Test
  @Order(1)
  void startedClusterHasPg1LeadingAndTwoReplicasStreamingWhatItWrites() throws SQLException {
    PatroniContainerCluster cluster = CLUSTER.cluster();
    assertThat(cluster.leader().name()).isEqualTo("pg1");
    ClusterView view = cluster.client().cluster();
    assertThat(view.memberNames()).containsExactlyInAnyOrder("pg1", "pg2", "pg3");
    // Streaming as Patroni 3.0.2 can tell it too (it reports no replication state; the leader's WAL senders do).
    assertThat(Conditions.allStreaming(List.of("pg1", "pg2", "pg3")).test(cluster.client().observe(true))).isTrue();

    execute(cluster, cluster.member("pg1"), "CREATE TABLE started (id int); INSERT INTO started VALUES (42)");
    for (ContainerMember replica : cluster.replicas()) {
      assertThat(awaitRow(cluster, replica, "SELECT id FROM started")).isEqualTo(42);
    }
    // Patroni advertises the members' fixed network addresses, and the DCS answers from the host.
    assertThat(view.member("pg2").apiUrl()).isEqualTo("http://" + cluster.member("pg2").networkAddress() + ":8008/patroni");
    assertThat(cluster.dcsEndpoint().getHost()).isEqualTo("127.0.0.1");
  }

  @Test
  @Order(2)
  void switchoverThroughPatroniClientMovesTheLeaderToTheCandidate() {
    PatroniContainerCluster cluster = CLUSTER.cluster();
    PatroniClient client = PatroniClient.builder()
        .members(cluster.members().stream().map(ContainerMember::restUrl).toList()).build();
    String leader = client.cluster().leader().name();
    String candidate = leader.equals("pg2") ? "pg3" : "pg2";

    Outcome outcome = client.switchover(SwitchoverRequest.from(leader).to(candidate));

    assertThat(outcome.kind()).as("%s", outcome).isEqualTo(Outcome.Kind.DONE);
    client.waitUntil(Conditions.leaderIs(candidate), TIMEOUT);
    cluster.awaitHealthy(TIMEOUT);
    assertThat(cluster.leader().name()).isEqualTo(candidate);
  }

  @Test
  @Order(3)
  void killedReplicaIsReplacedByANewMemberThatClonesAndStreams() throws SQLException {
    PatroniContainerCluster cluster = CLUSTER.cluster();
    ContainerMember leader = cluster.leader();
    ContainerMember victim = cluster.replicas().get(0);
    execute(cluster, leader, "CREATE TABLE before_kill (id int); INSERT INTO before_kill VALUES (7)");

    cluster.kill(victim);
    cluster.removeMember(victim);
    ContainerMember added = cluster.addMember();

    assertThat(added.name()).isEqualTo("pg4");
    assertThat(awaitRow(cluster, added, "SELECT id FROM before_kill")).isEqualTo(7);
    cluster.awaitMembers(names -> !names.contains(victim.name()), TIMEOUT);
    cluster.awaitHealthy(TIMEOUT);
    assertThat(cluster.members()).extracting(ContainerMember::name).doesNotContain(victim.name()).contains("pg4");
  }

  @Test
  @Order(4)
  void leaderCutOffTheNetworkLosesLeadershipAndRejoinsAsReplicaWhenRestored() {
    PatroniContainerCluster cluster = CLUSTER.cluster();
    ContainerMember leader = cluster.leader();

    cluster.cutNetwork(leader);
    ContainerMember next = cluster.awaitLeader(name -> !name.equals(leader.name()), TIMEOUT);
    cluster.restoreNetwork(leader);

    cluster.awaitHealthy(TIMEOUT); // every member, the old leader too, streams from the leader on its timeline
    assertThat(cluster.leader().name()).isEqualTo(next.name());
    assertThat(cluster.client().cluster().member(leader.name()).role().isLeader()).isFalse();
  }

  @Test
  @Order(5)
  void stoppedReplicaStartsAgainAndStreamsAtTheAddressItNowPublishes() {
    PatroniContainerCluster cluster = CLUSTER.cluster();
    ContainerMember replica = cluster.replicas().get(0);

    cluster.stop(replica);
    cluster.awaitMembers(names -> !names.contains(replica.name()), TIMEOUT); // a stopped Patroni leaves the topology
    cluster.start(replica);

    cluster.awaitHealthy(TIMEOUT);
    assertThat(cluster.client().memberAt(replica.restUrl()).status().role().isReplica()).isTrue();
  }

  @Test
  @Order(6)
  void frozenMemberAndFrozenDcsTimeOutUntilThawed() throws Exception {
    PatroniContainerCluster cluster = CLUSTER.cluster();
    ContainerMember replica = cluster.replicas().get(0);
    URI patroni = replica.restUrl().resolve("/patroni");
    URI etcd = cluster.dcsEndpoint().resolve("/version");
    assertThat(get(patroni)).isEqualTo(200);
    assertThat(get(etcd)).isEqualTo(200);

    cluster.freeze(replica);
    cluster.freezeDcs();
    try {
      assertThatThrownBy(() -> get(patroni)).isInstanceOf(HttpTimeoutException.class);
      assertThatThrownBy(() -> get(etcd)).isInstanceOf(HttpTimeoutException.class);
    } finally {
      cluster.thawDcs();
      cluster.thaw(replica);
    }

    assertThat(get(patroni)).isEqualTo(200);
    assertThat(get(etcd)).isEqualTo(200);
    cluster.awaitHealthy(TIMEOUT);
  }

  /** The status of a GET that may wait 2 s for its answer. */
  private static int get(URI uri) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static void execute(PatroniContainerCluster cluster, ContainerMember member, String sql) throws SQLException {
    try (Connection c = cluster.connect(member); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** The first column of the first row on {@code member}, once every replica has replayed all the leader wrote. */
  private static int awaitRow(PatroniContainerCluster cluster, ContainerMember member, String query) throws SQLException {
    cluster.client().waitUntil(Conditions.allCaughtUp(names(cluster.members())), TIMEOUT);
    try (Connection c = cluster.connect(member); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
      assertThat(rs.next()).as("a row from %s on %s", query, member).isTrue();
      return rs.getInt(1);
    }
  }

  static List<String> names(List<ContainerMember> members) {
    return members.stream().map(ContainerMember::name).toList();
  }
}
