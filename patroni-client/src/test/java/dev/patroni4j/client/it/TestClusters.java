package dev.patroni4j.client.it;

import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.TlsConfig;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import dev.patroni4j.testkit.TlsFiles;
import java.time.Duration;
import java.util.Map;

/**
 * The two real clusters of this module's test suite, shared by every class that asks for the same
 * settings: a plain one, and one with HTTPS, client certificates and basic auth.
 */
final class TestClusters {
  static final String REST_USER = "patroni";
  /** A canary: the secrets test greps logs, messages and toString() for it. */
  static final String REST_PASSWORD = "canary-Pw-7f3a9c";

  private TestClusters() {}

  static LocalPatroniClusterExtension plain() {
    return LocalPatroniClusterExtension.of(
        PatroniUnderTest.builder().members(3).tags(3, Map.of("zone", "b", "clonefrom", true)));
  }

  static LocalPatroniClusterExtension secured() {
    return LocalPatroniClusterExtension.of(
        PatroniUnderTest.builder().members(2).restTls(true).restBasicAuth(REST_USER, REST_PASSWORD));
  }

  /** A client for the cluster as a user would build it: every member URL, its TLS and auth. */
  static PatroniClient clientFor(LocalPatroniCluster cluster) {
    PatroniClient.Builder b = PatroniClient.builder().readTimeout(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250));
    for (PatroniNode n : cluster.nodes()) {
      b.member(n.restUrl());
    }
    cluster.restAuth().ifPresent(c -> b.basicAuth(c.username(), c.password()));
    cluster.tls().ifPresent(t -> b.tls(tls(t).build()));
    return b.build();
  }

  static TlsConfig.Builder tls(TlsFiles t) {
    return TlsConfig.builder().caFile(t.caCert()).clientCertificate(t.clientCert(), t.clientKey());
  }
}
