package dev.patroni4j.dcs.etcd;

import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.DcsClient;
import dev.patroni4j.client.dcs.DcsContractTest;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The DCS contract on the system's etcd 3.4 with a real Patroni cluster from the testkit: the newest Patroni, and
 * through the version matrix (dcs-etcd/pom.xml) 3.0.2 and 4.0.7.
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
    PatroniOnEtcd.putRaw(CLUSTER.cluster(), key, value);
  }

  @Override
  protected void deleteRaw(String key) {
    PatroniOnEtcd.deleteRaw(CLUSTER.cluster(), key);
  }
}
