package dev.patroni4j.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patroni4j.testkit.Credentials;
import dev.patroni4j.testkit.TestkitException;
import dev.patroni4j.testkit.TlsFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * The few REST calls the test kit itself needs (readiness, switchover back to pg1, resume). It is
 * deliberately small and independent of patroni-client, whose own tests run on this kit.
 *
 * <p>It speaks HTTP over a plain socket because Patroni answers HTTP/1.0 bodies that end when the
 * connection closes, and over TLS the JDK's HttpClient does not notice that end (its request
 * timeout does not cover the body), so a call could hang forever. Here every read has a timeout.
 */
public final class RestCalls {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_BODY = 4 * 1024 * 1024;

  private final @Nullable SSLContext ssl;
  private final @Nullable String authorization;

  public RestCalls(Optional<TlsFiles> tls, Optional<Credentials> auth) {
    this.ssl = tls.map(RestCalls::sslContext).orElse(null);
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
    return send("GET", url, null, READ_TIMEOUT);
  }

  /** A GET that gives up after {@code timeout}: a frozen node must not stall an observation. */
  public Reply get(URI url, Duration timeout) {
    return send("GET", url, null, timeout);
  }

  public Reply post(URI url, Object body) {
    return send("POST", url, body, READ_TIMEOUT);
  }

  public Reply patch(URI url, Object body) {
    return send("PATCH", url, body, READ_TIMEOUT);
  }

  public Reply delete(URI url) {
    return send("DELETE", url, null, READ_TIMEOUT);
  }

  private Reply send(String method, URI url, @Nullable Object body, Duration readTimeout) {
    try (Socket socket = open(url, readTimeout)) {
      byte[] payload = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
      StringBuilder head = new StringBuilder()
          .append(method).append(' ').append(url.getRawPath().isEmpty() ? "/" : url.getRawPath())
          .append(url.getRawQuery() == null ? "" : "?" + url.getRawQuery()).append(" HTTP/1.1\r\n")
          .append("Host: ").append(url.getHost()).append(':').append(url.getPort()).append("\r\n")
          .append("Connection: close\r\n")
          .append("Content-Length: ").append(payload.length).append("\r\n");
      if (body != null) {
        head.append("Content-Type: application/json\r\n");
      }
      if (authorization != null) {
        head.append("Authorization: ").append(authorization).append("\r\n");
      }
      head.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(payload);
      out.flush();
      return parse(readToEnd(socket.getInputStream()));
    } catch (IOException e) {
      return new Reply(-1, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private Socket open(URI url, Duration readTimeout) throws IOException {
    Socket plain = new Socket();
    plain.connect(new InetSocketAddress(url.getHost(), url.getPort()), (int) CONNECT_TIMEOUT.toMillis());
    plain.setSoTimeout((int) readTimeout.toMillis());
    if (ssl == null) {
      return plain;
    }
    SSLSocket tls = (SSLSocket) ssl.getSocketFactory().createSocket(plain, url.getHost(), url.getPort(), true);
    SSLParameters params = tls.getSSLParameters();
    params.setEndpointIdentificationAlgorithm("HTTPS");
    tls.setSSLParameters(params);
    tls.setSoTimeout((int) readTimeout.toMillis());
    tls.startHandshake();
    return tls;
  }

  private static byte[] readToEnd(InputStream in) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    int n;
    while ((n = in.read(chunk)) != -1) {
      buffer.write(chunk, 0, n);
      if (buffer.size() > MAX_BODY) {
        throw new IOException("response larger than " + MAX_BODY + " bytes");
      }
    }
    return buffer.toByteArray();
  }

  private static Reply parse(byte[] raw) throws IOException {
    String text = new String(raw, StandardCharsets.UTF_8);
    int headerEnd = text.indexOf("\r\n\r\n");
    String headers = headerEnd < 0 ? text : text.substring(0, headerEnd);
    String[] statusLine = headers.split("\r\n", 2)[0].split(" ", 3);
    if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP response: " + headers.lines().findFirst().orElse(""));
    }
    int status;
    try {
      status = Integer.parseInt(statusLine[1]);
    } catch (NumberFormatException e) {
      throw new IOException("bad HTTP status line: " + String.join(" ", statusLine), e);
    }
    String body = headerEnd < 0 ? "" : text.substring(headerEnd + 4);
    if (headers.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
      throw new IOException("chunked responses are not expected from Patroni");
    }
    return new Reply(status, body);
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
