package dev.patroni4j.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS from PEM files, against a MockWebServer that requires a client certificate. */
class TlsTest {
  @TempDir Path dir;
  private MockWebServer server;
  private HeldCertificate ca;
  private HeldCertificate clientCert;

  @BeforeEach
  void start() throws IOException {
    ca = new HeldCertificate.Builder().certificateAuthority(0).commonName("test-ca").build();
    HeldCertificate serverCert = new HeldCertificate.Builder().signedBy(ca).addSubjectAlternativeName("localhost").build();
    clientCert = new HeldCertificate.Builder().signedBy(ca).commonName("client").rsa2048().build();
    HandshakeCertificates serverTls = new HandshakeCertificates.Builder()
        .heldCertificate(serverCert).addTrustedCertificate(ca.certificate()).build();
    server = new MockWebServer();
    server.useHttps(serverTls.sslSocketFactory(), false);
    server.requireClientAuth();
    server.start(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0);
    Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
    Files.writeString(dir.resolve("client.pem"), clientCert.certificatePem());
    Files.writeString(dir.resolve("client.key"), clientCert.privateKeyPkcs8Pem());
    Files.writeString(dir.resolve("client-rsa.key"), clientCert.privateKeyPkcs1Pem());
  }

  @AfterEach
  void stop() throws IOException {
    server.shutdown();
  }

  private URI localhost() {
    return URI.create("https://localhost:" + server.getPort());
  }

  private MemberClient member(TlsConfig tls, URI uri) {
    return PatroniClient.builder().member(uri).tls(tls).build().memberAt(uri);
  }

  private void enqueueOk() {
    server.enqueue(new MockResponse().setBody(Fixtures.read("patroni-replica-3.0.2.json")));
  }

  @Test
  void clientCertificateFromPkcs8AndPkcs1PemFilesIsAccepted() throws Exception {
    for (String key : new String[] {"client.key", "client-rsa.key"}) {
      enqueueOk();
      TlsConfig tls = TlsConfig.builder().caFile(dir.resolve("ca.pem"))
          .clientCertificate(dir.resolve("client.pem"), dir.resolve(key)).build();
      assertThat(member(tls, localhost()).status().replayedLocation()).isNotNull();
      RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(r.getHandshake().peerPrincipal().getName()).contains("CN=client");
      assertThat(r.getRequestLine()).as("Patroni speaks HTTP/1.x only").endsWith("HTTP/1.1");
    }
  }

  @Test
  void encryptedPkcs8KeyIsReadWithItsPassword() throws Exception {
    Path encrypted = dir.resolve("client-enc.key");
    Process p = new ProcessBuilder("openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", dir.resolve("client.key").toString(),
        "-out", encrypted.toString(), "-passout", "pass:key-pass").redirectErrorStream(true).start();
    assumeThat(p.waitFor()).as("openssl is needed to make an encrypted key").isZero();
    assertThat(Files.readString(encrypted)).contains("ENCRYPTED PRIVATE KEY");
    enqueueOk();
    TlsConfig tls = TlsConfig.builder().caFile(dir.resolve("ca.pem"))
        .clientCertificate(dir.resolve("client.pem"), encrypted).keyPassword("key-pass".toCharArray()).build();
    assertThat(member(tls, localhost()).status()).isNotNull();
    assertThatThrownBy(() -> PatroniClient.builder().member(localhost())
            .tls(TlsConfig.builder().clientCertificate(dir.resolve("client.pem"), encrypted).build()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key password");
  }

  @Test
  void hostnameVerificationIsOnUnlessSwitchedOff() throws Exception {
    URI byIp = URI.create("https://127.0.0.1:" + server.getPort());
    TlsConfig verified = TlsConfig.builder().caFile(dir.resolve("ca.pem"))
        .clientCertificate(dir.resolve("client.pem"), dir.resolve("client.key")).build();
    assertThatThrownBy(() -> member(verified, byIp).status())
        .isInstanceOf(PatroniException.class)
        .satisfies(e -> assertThat(((PatroniException) e).delivery()).isEqualTo(PatroniException.Delivery.NOT_SENT));
    enqueueOk();
    TlsConfig unverified = TlsConfig.builder().caFile(dir.resolve("ca.pem"))
        .clientCertificate(dir.resolve("client.pem"), dir.resolve("client.key")).hostnameVerification(false).build();
    assertThat(member(unverified, byIp).status()).isNotNull();
  }

  @Test
  void missingOrBrokenPemFilesFailAtBuildNamingTheProblem() throws IOException {
    Files.writeString(dir.resolve("garbage.pem"), "not a certificate");
    assertThatThrownBy(() -> PatroniClient.builder().member(localhost())
            .tls(TlsConfig.builder().caFile(dir.resolve("missing.pem")).build()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.pem");
    assertThatThrownBy(() -> PatroniClient.builder().member(localhost())
            .tls(TlsConfig.builder().caFile(dir.resolve("ca.pem")).clientCertificate(dir.resolve("client.pem"), dir.resolve("garbage.pem")).build()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no private key");
  }
}
