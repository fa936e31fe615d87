package dev.patroni4j.dcs.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.DcsAuthenticationException;
import dev.patroni4j.client.dcs.DcsClient;
import dev.patroni4j.client.dcs.DcsContractTest;
import dev.patroni4j.testkit.EtcdInstallation;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniInstallation;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.LeaseOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The DCS contract on etcd 3.5 with authentication on, with the newest Patroni. Patroni 4.1.1 and later log in
 * before they read the cluster's topology ({@code /v3/cluster/member/list}) and keep their leases alive with the
 * token, as etcd's security releases require when auth is on: here Patroni 4.1.5 elects, registers its members and
 * keeps the leader's lease alive on such an etcd, and dcs-etcd reads and writes it with the same credentials.
 */
class EtcdAuthDcsContractTest extends DcsContractTest {

  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = PatroniOnEtcd.authExtension();

  @AfterAll
  static void closeClients() {
    PatroniOnEtcd.closeClients();
  }

  @Override
  protected DcsClient dcs() {
    return PatroniOnEtcd.dcs(CLUSTER.cluster());
  }

  @Override
  protected ClusterRef cluster() {
    return PatroniOnEtcd.ref(CLUSTER.cluster());
  }

  @Override
  protected LocalPatroniCluster patroniCluster() {
    return CLUSTER.cluster();
  }

  @Override
  protected void putRaw(String key, String value) {
    PatroniOnEtcd.putRaw(CLUSTER.cluster(), key, value);
  }

  @Override
  protected void deleteRaw(String key) {
    PatroniOnEtcd.deleteRaw(CLUSTER.cluster(), key);
  }

  @Test
  void theNewestPatroniRunsOnEtcd35WithAuthAndKeepsTheLeadersLeaseAlive() throws Exception {
    LocalPatroniCluster c = CLUSTER.cluster();
    assertThat(c.etcdVersion()).isEqualTo(EtcdInstallation.CACHED_3_5);
    assertThat(c.etcdAuth()).isPresent();
    assertThat(c.nodes()).extracting(c::reportedPatroniVersion).containsOnly(PatroniInstallation.NEWEST);
    assertThat(dcs().snapshot(cluster()).members()).as("every member registered through an authenticated etcd")
        .hasSize(c.nodes().size());

    // Patroni renews the leader's lease every loop (loop_wait 2 s): the time it has left falls, then goes up again.
    String leaderKey = c.namespace() + "/" + c.scope() + "/leader";
    List<KeyValue> leader = PatroniOnEtcd.raw(c).getKVClient().get(PatroniOnEtcd.bytes(leaderKey))
        .get(5, TimeUnit.SECONDS).getKvs();
    assertThat(leader).as(leaderKey).singleElement().satisfies(kv -> assertThat(kv.getLease()).isNotZero());
    long lease = leader.get(0).getLease();
    long[] lowest = {remainingTtl(c, lease)};
    eventually(Duration.ofSeconds(30), () -> {
      long now = remainingTtl(c, lease);
      lowest[0] = Math.min(lowest[0], now);
      assertThat(now).as("seconds left on lease %x after they fell to %d", lease, lowest[0]).isGreaterThan(lowest[0]);
    });
  }

  @Test
  void aClientWithoutTheCredentialsIsRefusedWithATypedError() {
    try (EtcdDcsClient anonymous = EtcdDcsClient.builder().endpoint(CLUSTER.cluster().etcdEndpoint())
        .requestTimeout(Duration.ofSeconds(3)).build()) {
      assertThatThrownBy(() -> anonymous.snapshot(cluster())).isInstanceOf(DcsAuthenticationException.class);
    }
    assertThat(dcs().snapshot(cluster()).leaderName()).as("with the credentials").isPresent();
  }

  private static long remainingTtl(LocalPatroniCluster c, long lease) {
    try {
      return PatroniOnEtcd.raw(c).getLeaseClient().timeToLive(lease, LeaseOption.DEFAULT).get(5, TimeUnit.SECONDS)
          .getTTL();
    } catch (Exception e) {
      throw new IllegalStateException("timeToLive of lease " + lease, e);
    }
  }
}
