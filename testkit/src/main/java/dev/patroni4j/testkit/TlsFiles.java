package dev.patroni4j.testkit;

import java.nio.file.Path;

/**
 * The PEM files the test kit generated for a cluster whose REST API uses TLS: one CA that signed
 * the server certificate (shared by every member, valid for {@code 127.0.0.1} and {@code
 * localhost}) and a client certificate that Patroni's {@code verify_client: required} accepts.
 * {@code clientKeyStore} holds the client certificate and key as PKCS#12 for Java clients, with
 * the password {@link #keyStorePassword()}.
 */
public record TlsFiles(
    Path caCert,
    Path serverCert,
    Path serverKey,
    Path clientCert,
    Path clientKey,
    Path clientKeyStore,
    String keyStorePassword) {

  @Override
  public String toString() {
    return "TlsFiles[caCert=" + caCert + ", serverCert=" + serverCert + ", clientCert=" + clientCert
        + ", clientKeyStore=" + clientKeyStore + ", keyStorePassword=****]";
  }
}
