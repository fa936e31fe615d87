package dev.patroni4j.testkit.internal;

import dev.patroni4j.testkit.CommandResult;
import dev.patroni4j.testkit.TestkitException;
import dev.patroni4j.testkit.TlsFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Generates a throwaway CA, a server certificate for 127.0.0.1/localhost and a client certificate
 * with {@code openssl}, as Patroni's own acceptance suite does. No download, no extra dependency.
 */
public final class Certificates {
  private Certificates() {}

  public static TlsFiles generate(Path dir, String keyStorePassword) {
    Path ca = dir.resolve("ca.crt");
    Path caKey = dir.resolve("ca.key");
    Path serverCert = dir.resolve("server.crt");
    Path serverKey = dir.resolve("server.key");
    Path clientCert = dir.resolve("client.crt");
    Path clientKey = dir.resolve("client.key");
    Path clientP12 = dir.resolve("client.p12");
    Path ext = dir.resolve("server.ext");
    try {
      java.nio.file.Files.writeString(ext,
          "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
      java.nio.file.Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
    } catch (java.io.IOException e) {
      throw new TestkitException("cannot write certificate extensions in " + dir, e);
    }
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "7", "-subj", "/CN=patroni4j test CA",
        "-keyout", caKey.toString(), "-out", ca.toString());
    issue(dir, "server", "/CN=127.0.0.1", serverKey, serverCert, ca, caKey, ext);
    issue(dir, "client", "/CN=patroni4j test client", clientKey, clientCert, ca, caKey, dir.resolve("client.ext"));
    openssl("pkcs12", "-export", "-in", clientCert.toString(), "-inkey", clientKey.toString(),
        "-out", clientP12.toString(), "-passout", "pass:" + keyStorePassword);
    return new TlsFiles(ca, serverCert, serverKey, clientCert, clientKey, clientP12, keyStorePassword);
  }

  private static void issue(Path dir, String name, String subject, Path key, Path cert, Path ca, Path caKey, Path ext) {
    Path csr = dir.resolve(name + ".csr");
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", key.toString(), "-out", csr.toString());
    openssl("x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
        "-CAcreateserial", "-days", "7", "-extfile", ext.toString(), "-out", cert.toString());
  }

  private static void openssl(String... args) {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    CommandResult r = Processes.run(command, Map.of(), Duration.ofSeconds(60));
    if (!r.succeeded()) {
      // Only the sub-command: the export's password must not reach a message.
      throw new TestkitException("openssl " + args[0] + " failed: " + r.stderr().strip());
    }
  }
}
