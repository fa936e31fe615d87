package dev.patroni4j.dcs.etcd;

import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import io.etcd.jetcd.Client;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The one Patroni cluster this module's tests share (two members on one etcd, loop_wait 2, ttl 10), and clients
 * for it.
 */
final class PatroniOnEtcd {

  private static @Nullable EtcdDcsClient dcs;
  private static @Nullable Client raw;

  private PatroniOnEtcd() {}

  static LocalPatroniClusterExtension extension() {
    return LocalPatroniClusterExtension.of(LocalPatroniCluster.builder()
        .members(2)
        .dynamicConfig("ttl", 10)
        .dynamicConfig("loop_wait", 2)
        .dynamicConfig("retry_timeout", 3));
  }

  static ClusterRef ref(LocalPatroniCluster cluster) {
    return ClusterRef.of(cluster.namespace(), cluster.scope());
  }

  static synchronized EtcdDcsClient dcs(LocalPatroniCluster cluster) {
    if (dcs == null) {
      dcs = EtcdDcsClient.builder().endpoint(cluster.etcdEndpoint()).requestTimeout(Duration.ofSeconds(3)).build();
    }
    return dcs;
  }

  static synchronized Client raw(LocalPatroniCluster cluster) {
    if (raw == null) {
      raw = Client.builder().endpoints(cluster.etcdEndpoint()).build();
    }
    return raw;
  }

  static synchronized void closeClients() {
    if (dcs != null) {
      dcs.close();
      dcs = null;
    }
    if (raw != null) {
      raw.close();
      raw = null;
    }
  }
}
