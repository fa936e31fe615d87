package dev.patroni4j.dcs.consul;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.PatroniException.Delivery;
import dev.patroni4j.client.TlsConfig;
import dev.patroni4j.client.dcs.CasResult;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.DcsClient;
import dev.patroni4j.client.dcs.DcsException;
import dev.patroni4j.client.dcs.DcsUnavailableException;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.testkit.consul.ConsulTestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS to Consul with PEM files as Patroni's {@code consul.cacert}, {@code cert} and {@code key} name them. */
class ConsulDcsClientTlsTest {
  @TempDir
  static Path dir;

  static ConsulTestServer server;
  static Path caPem;
  static Path clientPem;
  static Path clientKey;

  @BeforeAll
  static void start() throws IOException {
    HeldCertificate ca = new HeldCertificate.Builder().certificateAuthority(0).commonName("consul-ca").build();
    HeldCertificate serverCert = new HeldCertificate.Builder().signedBy(ca).commonName("consul")
        .addSubjectAlternativeName("127.0.0.1").build();
    HeldCertificate client = new HeldCertificate.Builder().signedBy(ca).commonName("patroni").build();
    HandshakeCertificates serverSide = new HandshakeCertificates.Builder()
        .heldCertificate(serverCert, ca.certificate()).addTrustedCertificate(ca.certificate()).build();
    server = ConsulTestServer.builder().tls(serverSide.sslContext(), true).start();
    caPem = Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
    clientPem = Files.writeString(dir.resolve("patroni.pem"), client.certificatePem());
    clientKey = Files.writeString(dir.resolve("patroni.key"), client.privateKeyPkcs8Pem());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static ConsulDcsClient.Builder builder() {
    return ConsulDcsClient.builder().endpoint(server.uri()).requestTimeout(Duration.ofSeconds(2));
  }

  @Test
  void aClientTrustingTheCaWithItsOwnCertificateReadsAndWrites() {
    assertThat(server.uri().getScheme()).isEqualTo("https");
    try (ConsulDcsClient dcs = builder().tls(TlsConfig.builder().caFile(caPem).clientCertificate(clientPem, clientKey).build()).build()) {
      ClusterRef c = ClusterRef.of("tls");
      assertThat(dcs.setConfig(c, DynamicConfig.of(Map.of("ttl", 30)), DcsClient.ABSENT))
          .isInstanceOf(CasResult.Written.class);
      assertThat(requireNonNull(dcs.snapshot(c).config()).config().ttl()).hasValue(30);
    }
  }

  @Test
  void aServerCertificateFromAnUnknownCaFailsTheHandshakeBeforeAnythingIsSent() {
    try (ConsulDcsClient dcs = builder().tls(TlsConfig.builder().clientCertificate(clientPem, clientKey).build()).build()) {
      assertThatThrownBy(() -> dcs.setConfig(ClusterRef.of("tls"), DynamicConfig.of(Map.of()), DcsClient.ABSENT))
          .isInstanceOf(DcsUnavailableException.class).hasMessageContaining("TLS handshake")
          .satisfies(e -> assertThat(((DcsException) e).delivery()).isEqualTo(Delivery.NOT_SENT));
    }
  }

  @Test
  void withoutAClientCertificateConsulRefusesTheConnection() {
    try (ConsulDcsClient dcs = builder().tls(TlsConfig.builder().caFile(caPem).build()).build()) {
      assertThatThrownBy(() -> dcs.snapshot(ClusterRef.of("tls"))).isInstanceOf(DcsException.class);
    }
  }

  @Test
  void unreadableTlsFilesAreRefusedWhenTheClientIsBuilt() {
    assertThatThrownBy(() -> builder().tls(TlsConfig.builder().caFile(dir.resolve("missing.pem")).build()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.pem");
  }
}
