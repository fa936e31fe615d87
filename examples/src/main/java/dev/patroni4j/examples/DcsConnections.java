package dev.patroni4j.examples;

import dev.patroni4j.client.ClusterTable;
import dev.patroni4j.client.TlsConfig;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.dcs.consul.ConsulDcsClient;
import dev.patroni4j.dcs.consul.ConsulServiceInstance;
import dev.patroni4j.dcs.etcd.EtcdDcsClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The connections the dcs-etcd and dcs-consul READMEs show, to secured production endpoints (hence not run here;
 * {@link DcsStatusDemo} reads a test kit cluster's etcd).
 *
 * <p>Stateless; each call opens and closes its own client.
 */
public final class DcsConnections {
  private DcsConnections() {}

  /** etcd v3 with user/password auth and TLS with a client certificate, as in dcs-etcd's README. */
  public static void etcd(String password) {
    try (EtcdDcsClient dcs = EtcdDcsClient.builder()
        .endpoint(URI.create("https://10.0.0.5:2379"))
        .credentials("patroni", password)                                  // etcd user/password auth
        .tls(TlsConfig.builder().caFile(Path.of("/etc/etcd/ca.pem"))        // the REST client's TLS type
            .clientCertificate(Path.of("client.pem"), Path.of("client-key.pem")).build())
        .requestTimeout(Duration.ofSeconds(5))
        .build()) {
      ClusterSnapshot s = dcs.snapshot(ClusterRef.of("demo"));
      ClusterView view = s.toClusterView();   // the same type, and the same content, as GET /cluster
      System.out.print(ClusterTable.render(view));
    }
  }

  /** Consul with an ACL token and TLS, as in dcs-consul's README. */
  public static void consul(String aclToken) {
    try (ConsulDcsClient dcs = ConsulDcsClient.builder()
        .endpoint(URI.create("https://consul.example:8501"))
        .token(aclToken)                                    // Patroni's consul.token
        .tls(TlsConfig.builder().caFile(Path.of("/etc/consul/ca.pem")).build()) // Patroni's consul.cacert
        .requestTimeout(Duration.ofSeconds(5))
        .build()) {
      ClusterSnapshot s = dcs.snapshot(ClusterRef.of("demo"));
      Optional<ConsulServiceInstance> primary = dcs.primaryInstance(ClusterRef.of("demo"));
      System.out.println(s.leaderName().orElse("no leader") + " at " + primary.map(ConsulServiceInstance::address));
    }
  }
}
