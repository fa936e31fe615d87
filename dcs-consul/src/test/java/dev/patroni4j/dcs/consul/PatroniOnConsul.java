package dev.patroni4j.dcs.consul;

import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.consul.ConsulTestServer;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The one Patroni cluster this module's tests share: two members on the Consul test server with ACLs on, Patroni
 * using the token, and a client with the same token.
 */
final class PatroniOnConsul {
  /** The ACL management token of the cluster's Consul. */
  static final String TOKEN = "4f0c2a9e-patroni4j-consul-token";

  private static @Nullable ConsulDcsClient dcs;

  private PatroniOnConsul() {}

  static LocalPatroniClusterExtension extension() {
    return LocalPatroniClusterExtension.of(LocalPatroniCluster.builder()
        .members(2)
        .consulAclToken(TOKEN)
        .dynamicConfig("ttl", 10)
        .dynamicConfig("loop_wait", 2)
        .dynamicConfig("retry_timeout", 3));
  }

  static ClusterRef ref(LocalPatroniCluster cluster) {
    return ClusterRef.of(cluster.namespace(), cluster.scope());
  }

  static ConsulTestServer server(LocalPatroniCluster cluster) {
    return cluster.consulServer().orElseThrow(() -> new IllegalStateException(cluster + " does not run on Consul"));
  }

  static synchronized ConsulDcsClient dcs(LocalPatroniCluster cluster) {
    if (dcs == null) {
      dcs = ConsulDcsClient.builder().endpoint(server(cluster).uri()).token(TOKEN).requestTimeout(Duration.ofSeconds(3))
          .watchWait(Duration.ofSeconds(20)).build();
    }
    return dcs;
  }

  static synchronized void closeClient() {
    if (dcs != null) {
      dcs.close();
      dcs = null;
    }
  }
}
