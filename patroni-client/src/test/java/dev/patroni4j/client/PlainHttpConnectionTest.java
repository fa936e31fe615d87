package dev.patroni4j.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.model.ClusterView;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A plain-HTTP member is asked as Patroni's REST server expects (issue 21 item 2): one connection per request,
 * without OkHttp, answered HTTP/1.0 and closed. Served here by a socket server that answers as Patroni's
 * {@code BaseHTTP/0.6} does and records every connection and request.
 */
class PlainHttpConnectionTest {
  private static final String CLUSTER = Fixtures.read("recorded/4.1.5/cluster.json");

  private ServerSocket server;
  private Thread acceptor;
  private final AtomicInteger accepted = new AtomicInteger();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile String answer = "HTTP/1.0 200 OK\r\nServer: BaseHTTP/0.6 Python/3.11.2\r\n"
      + "Content-Type: application/json\r\n\r\n" + CLUSTER;

  @BeforeEach
  void start() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::serve, "patroni-like-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    acceptor.join(5000);
  }

  private void serve() {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        accepted.incrementAndGet();
        requests.add(readRequest(s.getInputStream()));
        OutputStream out = s.getOutputStream();
        out.write(answer.getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException e) {
        // closed by stop(), or a client that went away: the next accept tells
      }
    }
  }

  /** The head up to the empty line, then as many body bytes as its Content-Length says. */
  private static String readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    while (!bytes.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        return bytes.toString(StandardCharsets.ISO_8859_1);
      }
      bytes.write(b);
    }
    String head = bytes.toString(StandardCharsets.ISO_8859_1);
    int length = head.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-length:"))
        .mapToInt(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).strip())).findFirst().orElse(0);
    return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  private URI base() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  private PatroniClient client() {
    return PatroniClient.builder().member(base()).basicAuth("admin", "s3cret-pw").readTimeout(Duration.ofSeconds(5))
        .build();
  }

  @Test
  void eachClusterViewIsOneConnectionOfOneHttp11RequestWithoutOkHttp() {
    PatroniClient client = client();
    MemberClient member = client.memberAt(base());

    for (int i = 0; i < 10; i++) {
      ClusterView view = member.cluster();
      assertThat(view.members()).isNotEmpty();
    }

    assertThat(accepted).hasValue(10);
    assertThat(client.connectionsWithoutOkHttp()).isEqualTo(10);
    assertThat(requests).hasSize(10).allSatisfy(r -> {
      assertThat(r).startsWith("GET /cluster HTTP/1.1\r\n")
          .contains("\r\nHost: 127.0.0.1:" + server.getLocalPort() + "\r\n", "\r\nConnection: close\r\n",
              "\r\nUser-Agent: patroni4j\r\n")
          .doesNotContainIgnoringCase("okhttp").doesNotContain("Authorization").doesNotContain("Content-Length");
    });
  }

  @Test
  void aWriteSendsItsBodyWithContentLengthAndBasicAuth() {
    answer = "HTTP/1.0 202 Accepted\r\nServer: BaseHTTP/0.6 Python/3.11.2\r\n\r\nreload scheduled";
    PatroniClient client = client();

    Outcome reload = client.memberAt(base()).reload();
    Outcome restart = client.memberAt(base()).restart(RestartRequest.now());

    assertThat(reload.kind()).as(reload.toString()).isEqualTo(Outcome.Kind.DONE);
    assertThat(restart.kind()).as(restart.toString()).isNotNull();
    assertThat(client.connectionsWithoutOkHttp()).isEqualTo(2);
    assertThat(requests.get(0)).startsWith("POST /reload HTTP/1.1\r\n")
        .contains("\r\nAuthorization: Basic YWRtaW46czNjcmV0LXB3\r\n", "\r\nContent-Length: 0\r\n")
        .endsWith("\r\n\r\n");
    assertThat(requests.get(1)).startsWith("POST /restart HTTP/1.1\r\n")
        .contains("\r\nAuthorization: Basic ", "\r\nContent-Type: application/json\r\n")
        .contains("\r\nContent-Length: " + requests.get(1).substring(requests.get(1).indexOf("\r\n\r\n") + 4)
            .getBytes(StandardCharsets.UTF_8).length + "\r\n");
  }

  @Test
  void aChunkedAnswerFromSomethingInFrontOfPatroniReadsAsTheSameView() {
    PatroniClient client = client();
    ClusterView direct = client.memberAt(base()).cluster();
    String half = CLUSTER.substring(0, CLUSTER.length() / 2);
    String rest = CLUSTER.substring(CLUSTER.length() / 2);
    answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        + Integer.toHexString(half.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + half + "\r\n"
        + Integer.toHexString(rest.getBytes(StandardCharsets.UTF_8).length) + ";ext\r\n" + rest + "\r\n0\r\n\r\n";

    assertThat(client.memberAt(base()).cluster()).isEqualTo(direct);
  }

  @Test
  void aClientGivenItsOwnOkHttpClientKeepsEveryCallOnIt() {
    PatroniClient client = ClientTestAccess.derivingFrom(PatroniClient.builder().member(base()), new OkHttpClient())
        .build();

    client.memberAt(base()).cluster();

    assertThat(accepted).hasValue(1);
    assertThat(client.connectionsWithoutOkHttp()).isZero();
    assertThat(requests.get(0)).containsIgnoringCase("User-Agent: okhttp/");
  }
}
