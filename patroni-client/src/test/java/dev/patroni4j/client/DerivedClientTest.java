package dev.patroni4j.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Clients derived with newBuilder() share the pool; the per-call "sent" listener hears of its own call only. */
class DerivedClientTest {
  private final MockWebServer server = new MockWebServer();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch bothSwitchoversArrived = new CountDownLatch(0);

  @BeforeEach
  void start() throws IOException {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest r) throws InterruptedException {
        requests.add(r);
        String path = r.getPath() == null ? "" : r.getPath();
        if (path.startsWith("/cluster")) {
          return new MockResponse().setBody("{\"members\": [{\"name\": \"pg1\", \"role\": \"leader\", \"state\":"
              + " \"running\", \"api_url\": \"" + server.url("/patroni") + "\", \"timeline\": 1}]}");
        }
        if (path.startsWith("/patroni")) {
          return new MockResponse().setBody("{}").setHeadersDelay(1500, TimeUnit.MILLISECONDS);
        }
        if (path.startsWith("/switchover")) {
          // Both calls are in flight together before either is answered.
          bothSwitchoversArrived.countDown();
          bothSwitchoversArrived.await(5, TimeUnit.SECONDS);
          return new MockResponse().setBody("Successfully switched over to \"pg2\"");
        }
        return new MockResponse().setBody("reload scheduled");
      }
    });
    server.start();
  }

  @AfterEach
  void stop() throws IOException {
    server.shutdown();
  }

  private URI base() {
    return URI.create("http://" + server.getHostName() + ":" + server.getPort());
  }

  @Test
  void derivedClientSharesPoolAndDispatcherAndLeavesTheOriginalAsItWas() throws Exception {
    PatroniClient original = PatroniClient.builder().member(base()).basicAuth("ops", "first-pw")
        .readTimeout(Duration.ofSeconds(5)).build();

    PatroniClient impatient = original.newBuilder().readTimeout(Duration.ofMillis(300)).basicAuth("admin", "second-pw")
        .build();

    assertThat(impatient.okHttp().connectionPool()).isSameAs(original.okHttp().connectionPool());
    assertThat(impatient.okHttp().dispatcher()).isSameAs(original.okHttp().dispatcher());
    assertThat(impatient.knownMembers()).isEqualTo(original.knownMembers());
    // The derived timeout applies to the derived client only.
    assertThatThrownBy(() -> impatient.memberAt(base()).status())
        .isInstanceOfSatisfying(PatroniException.class, e -> assertThat(e.getMessage()).contains("no answer within 300 ms"));
    requests.clear();
    original.memberAt(base()).reload();
    impatient.memberAt(base()).reload();
    assertThat(requests).extracting(r -> r.getHeader("Authorization")).containsExactly(
        "Basic " + java.util.Base64.getEncoder().encodeToString("ops:first-pw".getBytes(StandardCharsets.UTF_8)),
        "Basic " + java.util.Base64.getEncoder().encodeToString("admin:second-pw".getBytes(StandardCharsets.UTF_8)));
    assertThat(impatient.toString()).contains("admin:***").doesNotContain("second-pw");
  }

  @Test
  void twoConcurrentSwitchoversOnOneClientEachHearOnlyOfTheirOwnRequest() throws Exception {
    PatroniClient shared = PatroniClient.builder().member(base()).switchoverTimeout(Duration.ofSeconds(10)).build();
    bothSwitchoversArrived = new CountDownLatch(2);
    List<String> heardByA = new CopyOnWriteArrayList<>();
    List<String> heardByB = new CopyOnWriteArrayList<>();

    CompletableFuture<Outcome> a = CompletableFuture.supplyAsync(
        () -> shared.switchover(SwitchoverRequest.from("pg1").to("pg2"), recorder("a", heardByA)));
    CompletableFuture<Outcome> b = CompletableFuture.supplyAsync(
        () -> shared.switchover(SwitchoverRequest.from("pg1").to("pg3"), recorder("b", heardByB)));

    assertThat(a.get(10, TimeUnit.SECONDS).kind()).isEqualTo(Outcome.Kind.DONE);
    assertThat(b.get(10, TimeUnit.SECONDS).kind()).isIn(Outcome.Kind.DONE, Outcome.Kind.DONE_WITH_OTHER_MEMBER);
    assertThat(heardByA).containsExactly("a sent POST switchover", "a answered 200");
    assertThat(heardByB).containsExactly("b sent POST switchover", "b answered 200");
    assertThat(requests).filteredOn(r -> r.getPath().startsWith("/cluster")).hasSize(2);
  }

  private static RequestListener recorder(String who, List<String> into) {
    return new RequestListener() {
      @Override
      public void requestSent(String method, URI target, String endpointKind) {
        into.add(who + " sent " + method + " " + endpointKind);
      }

      @Override
      public void responseReceived(String method, URI target, String endpointKind, int status) {
        into.add(who + " answered " + status);
      }
    };
  }
}
