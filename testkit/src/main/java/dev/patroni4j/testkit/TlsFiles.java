package dev.patroni4j.testkit;

import dev.patroni4j.testkit.internal.Certificates;
import java.nio.file.Path;

/**
 * The PEM files the test kit generated for a cluster whose REST API uses TLS: one CA that signed
 * the server certificate (shared by every member, valid for {@code 127.0.0.1} and {@code
 * localhost}) and a client certificate that Patroni's {@code verify_client: required} accepts.
 * {@code clientKeyStore} holds the client certificate and key as PKCS#12 for Java clients, with
 * the password {@link #keyStorePassword()}.
 *
 * <p>{@link #generate} makes such a set for your own TLS tests (a server of your own, an etcd with
 * {@code --client-cert-auth}, a stand-in HTTPS peer): a fresh CA, a server certificate for {@code
 * 127.0.0.1} and {@code localhost}, and a client certificate, each valid for 7 days.
 *
 * <pre>{@code
 * import java.security.KeyStore;
 * TlsFiles tls = TlsFiles.generate(Files.createTempDirectory("tls"), "store-password");
 * KeyStore clientKeys = KeyStore.getInstance("PKCS12");
 * try (InputStream in = Files.newInputStream(tls.clientKeyStore())) {
 *   clientKeys.load(in, tls.keyStorePassword().toCharArray());
 * }
 * }</pre>
 *
 * <p>With patroni-client, {@code TlsConfig.builder().caFile(tls.caCert()).clientCertificate(
 * tls.clientCert(), tls.clientKey())} trusts the CA and presents the client certificate.
 *
 * <p>Immutable; {@code toString()} does not show the password.
 */
public record TlsFiles(
    Path caCert,
    Path serverCert,
    Path serverKey,
    Path clientCert,
    Path clientKey,
    Path clientKeyStore,
    String keyStorePassword) {

  /**
   * Generates, with the system's {@code openssl} (no download, no extra dependency), a throwaway CA,
   * a server certificate and key for {@code 127.0.0.1}/{@code localhost}, a client certificate and
   * key, and the client's PKCS#12 key store, as PEM/PKCS#12 files in {@code directory} (named {@code
   * ca.crt}, {@code server.crt}, {@code server.key}, {@code client.crt}, {@code client.key}, {@code
   * client.p12}). Keys are unencrypted: for tests only.
   *
   * @param directory an existing, writable directory (a JUnit {@code @TempDir} fits)
   * @param keyStorePassword the password of {@link #clientKeyStore()}; never shown in messages
   * @throws TestkitException if {@code openssl} is missing or fails; the message has its error
   */
  public static TlsFiles generate(Path directory, String keyStorePassword) {
    return Certificates.generate(directory, keyStorePassword);
  }

  @Override
  public String toString() {
    return "TlsFiles[caCert=" + caCert + ", serverCert=" + serverCert + ", clientCert=" + clientCert
        + ", clientKeyStore=" + clientKeyStore + ", keyStorePassword=****]";
  }
}
