package dev.patroni4j.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The request hook: told when a request has left, before its answer, and never about one that could not leave. */
class RequestListenerTest {
  private final MockWebServer server = new MockWebServer();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final CountDownLatch sent = new CountDownLatch(1);
  private final RequestListener recorder = new RequestListener() {
    @Override
    public void requestSent(String method, URI target, String endpointKind) {
      events.add("sent " + method + " " + target + " " + endpointKind);
      sent.countDown();
    }

    @Override
    public void responseReceived(String method, URI target, String endpointKind, int status) {
      events.add("received " + method + " " + target + " " + endpointKind + " " + status);
    }
  };

  @BeforeEach
  void start() throws IOException {
    server.start();
  }

  @AfterEach
  void stop() throws IOException {
    server.shutdown();
  }

  private PatroniClient client(URI member) {
    return PatroniClient.builder().member(member).basicAuth("admin", "s3cret-pw").requestListener(recorder)
        .readTimeout(Duration.ofSeconds(5)).switchoverTimeout(Duration.ofSeconds(5)).build();
  }

  @Test
  void switchoverIsReportedSentWhileTheServerStillHoldsTheAnswer() throws Exception {
    // The server answers only once the listener has seen the request leave: the answer proves the order.
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest r) throws InterruptedException {
        boolean seen = sent.await(3, TimeUnit.SECONDS);
        return new MockResponse().setResponseCode(seen ? 200 : 500)
            .setBody(seen ? "Successfully switched over to \"pg2\"" : "listener not told before the answer");
      }
    });
    URI base = URI.create("http://" + server.getHostName() + ":" + server.getPort());

    Outcome o = client(base).memberAt(base).switchover(SwitchoverRequest.from("pg1").to("pg2"));

    assertThat(o.kind()).as(o.toString()).isEqualTo(Outcome.Kind.DONE);
    assertThat(events).containsExactly(
        "sent POST " + base + "/switchover switchover",
        "received POST " + base + "/switchover switchover 200");
    assertThat(String.join("\n", events)).doesNotContain("s3cret").doesNotContain("admin").doesNotContain("Basic");
  }

  @Test
  void bodylessReadIsReportedWithoutItsQuery() throws Exception {
    server.enqueue(new MockResponse().setResponseCode(503));
    URI base = URI.create("http://" + server.getHostName() + ":" + server.getPort());

    client(base).memberAt(base).check(HealthCheck.replica().maxLag(1024));

    assertThat(events).containsExactly("sent GET " + base + "/replica replica", "received GET " + base + "/replica replica 503");
    assertThat(server.takeRequest().getPath()).contains("lag=");
  }

  @Test
  void requestThatCouldNotBeSentIsNotReported() throws Exception {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    URI dead = URI.create("http://127.0.0.1:" + deadPort);
    PatroniClient client = client(dead);

    assertThatThrownBy(() -> client.memberAt(dead).switchover(SwitchoverRequest.from("pg1")))
        .isInstanceOfSatisfying(PatroniException.class, e -> assertThat(e.delivery()).isEqualTo(PatroniException.Delivery.NOT_SENT));
    assertThatThrownBy(() -> client.memberAt(dead).status()).isInstanceOf(PatroniException.class);

    assertThat(events).isEmpty();
  }

  @Test
  void aListenerThatThrowsDoesNotFailTheCall() throws Exception {
    server.enqueue(new MockResponse().setBody(Fixtures.read("patroni-replica-3.0.2.json")));
    URI base = URI.create("http://" + server.getHostName() + ":" + server.getPort());
    PatroniClient client = PatroniClient.builder().member(base)
        .requestListener(new RequestListener() {
          @Override
          public void requestSent(String method, URI target, String endpointKind) {
            throw new IllegalStateException("listener bug");
          }
        })
        .requestListener(recorder).build();

    assertThat(client.memberAt(base).status()).isNotNull();
    assertThat(events).containsExactly("received GET " + base + "/patroni patroni 200");
  }

  @Test
  void anEventListenerOnTheOkHttpClientItDerivesFromStillHearsEveryCall() throws Exception {
    server.enqueue(new MockResponse().setBody(Fixtures.read("patroni-replica-3.0.2.json")));
    URI base = URI.create("http://" + server.getHostName() + ":" + server.getPort());
    List<String> theirs = new CopyOnWriteArrayList<>();
    OkHttpClient callers = new OkHttpClient.Builder().eventListener(new EventListener() {
      @Override
      public void requestHeadersEnd(Call call, Request request) {
        theirs.add("headers " + request.url().encodedPath());
      }

      @Override
      public void callEnd(Call call) {
        theirs.add("end");
      }
    }).build();
    PatroniClient client = PatroniClient.builder().member(base).okHttpBase(callers).requestListener(recorder).build();

    client.memberAt(base).status();

    assertThat(theirs).containsExactly("headers /patroni", "end");
    assertThat(events).containsExactly("sent GET " + base + "/patroni patroni", "received GET " + base + "/patroni patroni 200");
  }
}
