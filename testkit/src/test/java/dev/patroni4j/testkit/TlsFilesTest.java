package dev.patroni4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificate set {@link TlsFiles#generate} makes for users' own TLS tests. */
class TlsFilesTest {

  @Test
  void generatedServerAndClientCertificatesAreSignedByTheCaAndTheKeyStoreOpensWithItsPassword(@TempDir Path dir)
      throws Exception {
    TlsFiles tls = TlsFiles.generate(dir, "store-pw-4711");
    X509Certificate ca = read(tls.caCert());
    X509Certificate server = read(tls.serverCert());
    X509Certificate client = read(tls.clientCert());
    server.verify(ca.getPublicKey());
    client.verify(ca.getPublicKey());
    assertThat(server.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList())
        .containsExactlyInAnyOrder("127.0.0.1", "localhost");
    assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1"); // serverAuth
    assertThat(client.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2"); // clientAuth
    assertThat(Files.readString(tls.serverKey())).contains("PRIVATE KEY");
    assertThat(Files.readString(tls.clientKey())).contains("PRIVATE KEY");

    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(tls.clientKeyStore())) {
      store.load(in, tls.keyStorePassword().toCharArray());
    }
    String alias = List.copyOf(java.util.Collections.list(store.aliases())).get(0);
    assertThat(store.isKeyEntry(alias)).isTrue();
    assertThat(store.getCertificate(alias)).isEqualTo(client);
    assertThat(tls.toString()).doesNotContain("store-pw-4711");
  }

  @Test
  void aDirectoryThatDoesNotExistIsATypedErrorNamingIt(@TempDir Path dir) {
    Path missing = dir.resolve("no/such/dir");
    assertThatThrownBy(() -> TlsFiles.generate(missing, "pw-never-shown"))
        .isInstanceOf(TestkitException.class)
        .hasMessageContaining(missing.toString())
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw-never-shown"));
  }

  private static X509Certificate read(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
