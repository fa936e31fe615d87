package dev.patroni4j.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patroni4j.testkit.Credentials;
import dev.patroni4j.testkit.TestkitException;
import dev.patroni4j.testkit.TlsFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * The few REST calls the test kit itself needs (readiness, switchover back to pg1, pause off). It
 * is deliberately small and independent of patroni-client, whose own tests run on this kit.
 */
public final class RestCalls {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final @Nullable String authorization;

  public RestCalls(Optional<TlsFiles> tls, Optional<Credentials> auth) {
    HttpClient.Builder b = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(3));
    tls.ifPresent(files -> b.sslContext(sslContext(files)));
    this.http = b.build();
    this.authorization = auth.map(c -> "Basic " + Base64.getEncoder()
        .encodeToString((c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8))).orElse(null);
  }

  /** A response: status and body; status -1 when nothing answered. */
  public record Reply(int status, String body) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }

    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new TestkitException("Patroni answered " + status + " with a body that is not JSON: " + body, e);
      }
    }
  }

  public Reply get(URI url) {
    return send(HttpRequest.newBuilder(url).GET());
  }

  public Reply post(URI url, Object body) {
    return send(HttpRequest.newBuilder(url).POST(jsonBody(body)));
  }

  public Reply patch(URI url, Object body) {
    return send(HttpRequest.newBuilder(url).method("PATCH", jsonBody(body)));
  }

  public Reply delete(URI url) {
    return send(HttpRequest.newBuilder(url).DELETE());
  }

  private static HttpRequest.BodyPublisher jsonBody(Object body) {
    try {
      // A byte array publisher sends Content-Length, which Patroni requires.
      return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new TestkitException("cannot encode " + body, e);
    }
  }

  private Reply send(HttpRequest.Builder request) {
    request.timeout(Duration.ofSeconds(30));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body());
    } catch (IOException e) {
      return new Reply(-1, e.getClass().getSimpleName() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestkitException("interrupted", e);
    }
  }

  private static SSLContext sslContext(TlsFiles files) {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      try (InputStream in = Files.newInputStream(files.caCert())) {
        trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyStore keys = KeyStore.getInstance("PKCS12");
      char[] password = files.keyStorePassword().toCharArray();
      try (InputStream in = Files.newInputStream(files.clientKeyStore())) {
        keys.load(in, password);
      }
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, password);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new TestkitException("cannot load the generated TLS material: " + e.getMessage(), e);
    }
  }
}
