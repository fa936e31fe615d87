package dev.patroni4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.testkit.internal.Processes;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each fault does what it says on a real cluster, and the cluster comes back from it. */
class FaultInjectionTest {
  // Same settings as ThreeNodeClusterTest: the two classes share one cluster.
  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER =
      LocalPatroniClusterExtension.of(LocalPatroniCluster.builder().members(3));

  @Test
  void killedPostmasterIsRestartedByPatroni() throws IOException {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode pg2 = cluster.node("pg2");
    String before = postmasterPid(pg2);

    assertThat(cluster.killPostmaster(pg2).exitCode()).isZero();
    cluster.awaitHealthy(Duration.ofSeconds(60));

    assertThat(postmasterPid(pg2)).isNotEqualTo(before);
  }

  @Test
  void frozenReplicaPatroniStopsAnsweringAndItsMemberKeyExpiresUntilThawed() {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode pg3 = cluster.node("pg3");
    cluster.freezePatroni(pg3);
    try {
      assertThatThrownBy(() -> {
        HttpURLConnection c = (HttpURLConnection) pg3.restUrl().resolve("/patroni").toURL().openConnection();
        c.setConnectTimeout(1000);
        c.setReadTimeout(1000);
        c.getResponseCode();
      }).isInstanceOf(SocketTimeoutException.class);
      // Nobody renews pg3's member key: after ttl (10 s) it leaves the topology.
      cluster.awaitMembers(names -> !names.contains("pg3"), Duration.ofSeconds(30));
    } finally {
      cluster.thawPatroni(pg3);
    }
    cluster.awaitHealthy(Duration.ofSeconds(60));
    assertThat(cluster.leader().name()).isEqualTo("pg1");
  }

  // Freezing the *leader's* Patroni past ttl is left out on purpose: Patroni 3.0.2 (etcd3) lets
  // the thawed leader take its key back without a compare, and a replica that had followed the
  // short-lived new leader can be stranded on its timeline (seen here; resetToKnownState repairs
  // it by reinitializing). The outcome depends on timing, so it makes no deterministic test.

  @Test
  void frozenDcsStopsAnsweringUntilThawed() throws IOException {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    cluster.freezeDcs();
    try {
      HttpURLConnection health = (HttpURLConnection) cluster.etcdEndpoint().resolve("/health").toURL().openConnection();
      health.setConnectTimeout(1000);
      health.setReadTimeout(1000);
      assertThatThrownBy(health::getResponseCode).isInstanceOf(SocketTimeoutException.class);
    } finally {
      cluster.thawDcs();
    }
    HttpURLConnection health = (HttpURLConnection) cluster.etcdEndpoint().resolve("/health").toURL().openConnection();
    health.setReadTimeout(5000);
    assertThat(health.getResponseCode()).isEqualTo(200);
    cluster.awaitHealthy(Duration.ofSeconds(60));
  }

  @Test
  void gracefulStopTakesPostgresDownAndRestartBringsTheNodeBack() {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode pg3 = cluster.node("pg3");
    long before = pg3.patroniPid().orElseThrow();

    cluster.stopPatroni(pg3);
    assertThat(pg3.isPatroniRunning()).isFalse();
    assertThat(Processes.pidsMentioning(pg3.dataDir().toString())).as("PostgreSQL of pg3").isEmpty();

    cluster.startPatroni(pg3);
    cluster.awaitHealthy(Duration.ofSeconds(60));
    assertThat(pg3.patroniPid().orElseThrow()).isNotEqualTo(before);
  }

  @Test
  void restartNodeReplacesThePatroniProcessAndWaitsUntilHealthy() {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode pg2 = cluster.node("pg2");
    long before = pg2.patroniPid().orElseThrow();

    cluster.restartNode(pg2);

    assertThat(pg2.patroniPid().orElseThrow()).isNotEqualTo(before);
    assertThat(cluster.leader().name()).isEqualTo("pg1");
  }

  @Test
  void replicaStrandedOnAForeignTimelineIsReinitializedByReset() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode pg3 = cluster.node("pg3");
    long timeline;
    try (var c = cluster.connect(cluster.leader());
        var st = c.createStatement();
        var rs = st.executeQuery("select timeline_id from pg_control_checkpoint()")) {
      rs.next();
      timeline = rs.getLong(1);
    }
    cluster.stopPatroni(pg3);
    // What a replica keeps after following a leader that lost its key again: the history of the
    // next timeline, which the real primary never had. PostgreSQL then refuses to stream from it.
    Path history = pg3.dataDir().resolve("pg_wal").resolve(String.format("%08X.history", timeline + 1));
    Files.writeString(history, timeline + "\t0/3000000\tno recovery target specified\n");
    if ("root".equals(System.getProperty("user.name"))) {
      var lookup = history.getFileSystem().getUserPrincipalLookupService();
      Files.setOwner(history, lookup.lookupPrincipalByName("postgres"));
    }
    cluster.startPatroni(pg3);
    assertThatThrownBy(() -> cluster.awaitHealthy(Duration.ofSeconds(15)))
        .as("pg3 cannot stream with a foreign timeline in its history")
        .isInstanceOf(ClusterNotReadyException.class);

    cluster.resetToKnownState();

    assertThat(history).doesNotExist();
    cluster.awaitHealthy(Duration.ofSeconds(5));
  }

  private static String postmasterPid(PatroniNode node) throws IOException {
    return Files.readAllLines(node.dataDir().resolve("postmaster.pid")).get(0);
  }
}
