package dev.patroni4j.runbooks.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.dcs.etcd.EtcdDcsClient;
import dev.patroni4j.runbooks.ClusterIdentity;
import dev.patroni4j.runbooks.ExecuteOptions;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.RunbookRunner;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Failover and cluster removal, on a two-member cluster of their own that the last test takes apart. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DestructiveRunbooksTest {
  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER =
      LocalPatroniClusterExtension.of(LocalPatroniCluster.builder().members(2)).withoutResetBeforeEach();

  @TempDir Path dir;

  @Test
  @Order(1)
  void failoverPromotesTheCandidateWhenTheLeaderIsGone() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniRunbooks catalogue = RealCluster.catalogue(cluster);
    RunbookRunner runner = catalogue.runner().build();
    assertThat(runner.execute(catalogue.failover(null), RealCluster.journal(dir)))
        .as("refused while a healthy leader exists").isInstanceOf(RunbookResult.Refused.class);
    // Maintenance mode keeps Patroni from failing over by itself; then the leader's node dies.
    assertThat(runner.execute(catalogue.pause(), RealCluster.journal(dir)).succeeded()).isTrue();
    PatroniNode pg1 = cluster.node("pg1");
    cluster.killPatroni(pg1);
    cluster.killPostmaster(pg1);
    awaitNoLeader(catalogue);

    RunbookResult r = runner.execute(catalogue.failover(null), RealCluster.journal(dir));

    assertThat(r).as(r.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(r.actedSteps()).contains("failover");
    assertThat(catalogue.client().cluster().findLeader()).hasValueSatisfying(m -> assertThat(m.name()).isEqualTo("pg2"));
    assertThat(RealCluster.writablePrimaries(cluster)).containsExactly("pg2");
    assertThat(runner.execute(catalogue.failover(null), RealCluster.journal(dir)).actedSteps()).isEmpty();
    assertThat(runner.execute(catalogue.resume(), RealCluster.journal(dir)).succeeded()).isTrue();
  }

  @Test
  @Order(2)
  void removeClusterNeedsItsTokenRefusesWhileMembersRunAndThenRemovesEveryKey() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    try (EtcdDcsClient dcs = EtcdDcsClient.builder().endpoint(cluster.etcdEndpoint()).build()) {
      ClusterRef ref = ClusterRef.of(cluster.namespace(), cluster.scope());
      PatroniRunbooks catalogue = PatroniRunbooks.builder(RealCluster.client(cluster)).scope(cluster.scope())
          .namespace(cluster.namespace()).dcs(dcs).build();
      RunbookRunner runner = catalogue.runner().build();
      ClusterIdentity runningCluster = catalogue.identitySource().observe();
      Confirmation running = Confirmation.of(runningCluster);

      RunbookResult noToken = runner.execute(catalogue.removeCluster(), RealCluster.journal(dir));
      RunbookResult membersUp = runner.execute(catalogue.removeCluster(), RealCluster.journal(dir),
          ExecuteOptions.defaults().confirmation(running));

      assertThat(noToken).isInstanceOf(RunbookResult.Refused.class);
      assertThat(membersUp).isInstanceOfSatisfying(RunbookResult.Refused.class,
          refused -> assertThat(refused.reason()).startsWith("members still registered"));
      assertThat(dcs.snapshot(ref).isEmpty()).isFalse();

      for (PatroniNode n : cluster.nodes()) {
        if (n.isPatroniRunning()) {
          cluster.stopPatroni(n);
        }
      }
      awaitNoMembers(dcs, ref);
      RunbookResult staleToken = runner.execute(catalogue.removeCluster(), RealCluster.journal(dir),
          ExecuteOptions.defaults().confirmation(running));
      assertThat(staleToken).as("the token named the leader of the running cluster")
          .isInstanceOf(RunbookResult.Refused.class);
      ClusterIdentity stoppedCluster = catalogue.identitySource().observe();
      assertThat(stoppedCluster.leader()).isNull();
      Confirmation stopped = Confirmation.of(stoppedCluster);

      RunbookResult removed = runner.execute(catalogue.removeCluster(), RealCluster.journal(dir),
          ExecuteOptions.defaults().confirmation(stopped));

      assertThat(removed).as(removed.toString()).isInstanceOf(RunbookResult.Succeeded.class);
      assertThat(dcs.snapshot(ref).isEmpty()).isTrue();
      assertThat(runner.execute(catalogue.removeCluster(), RealCluster.journal(dir)).actedSteps()).isEmpty();
    }
  }

  private static void awaitNoLeader(PatroniRunbooks catalogue) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (catalogue.client().cluster().findLeader().isPresent()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the dead leader's key never expired");
      }
      Thread.sleep(500);
    }
  }

  private static void awaitNoMembers(EtcdDcsClient dcs, ClusterRef ref) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!dcs.snapshot(ref).members().isEmpty() || dcs.snapshot(ref).leader() != null) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("member keys never expired");
      }
      Thread.sleep(500);
    }
  }
}
