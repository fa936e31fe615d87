package dev.patroni4j.dcs.etcd;

import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.DcsClient;
import dev.patroni4j.client.dcs.DcsContractTest;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The DCS contract, run on etcd 3.4 with a real Patroni 3.0.2 cluster from the testkit.
 */
class EtcdDcsContractTest extends DcsContractTest {

  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = PatroniOnEtcd.extension();

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
    Client raw = PatroniOnEtcd.raw(CLUSTER.cluster());
    await(raw.getKVClient().put(bytes(key), bytes(value)));
  }

  @Override
  protected void deleteRaw(String key) {
    Client raw = PatroniOnEtcd.raw(CLUSTER.cluster());
    await(raw.getKVClient().delete(bytes(key)));
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  private static void await(java.util.concurrent.CompletableFuture<?> future) {
    try {
      future.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
