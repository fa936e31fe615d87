package dev.patroni4j.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cluster-level client: discovery, fall-through, leader targeting, bounded fan-out. */
class PatroniClientTest {
  private final List<MockWebServer> servers = new ArrayList<>();
  private final AtomicInteger globalInFlight = new AtomicInteger();
  private final AtomicInteger globalMax = new AtomicInteger();
  private final List<AtomicInteger> maxPerServer = new ArrayList<>();
  private int deadPort;

  @BeforeEach
  void start() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    for (int i = 0; i < 3; i++) {
      MockWebServer s = new MockWebServer();
      s.start();
      servers.add(s);
      maxPerServer.add(new AtomicInteger());
    }
  }

  @AfterEach
  void stop() throws IOException {
    for (MockWebServer s : servers) {
      s.shutdown();
    }
  }

  private String clusterJson(String leaderApi) {
    StringBuilder sb = new StringBuilder("{\"members\": [");
    for (int i = 0; i < 3; i++) {
      String api = i == 0 ? leaderApi : servers.get(i).url("/patroni").toString();
      sb.append(i == 0 ? "" : ", ").append("{\"name\": \"m").append(i).append("\", \"role\": \"")
          .append(i == 0 ? "leader" : "replica").append("\", \"state\": \"running\", \"api_url\": \"").append(api)
          .append("\", \"timeline\": 1}");
    }
    return sb.append("]}").toString();
  }

  /** Every server answers /cluster with the given leader URL, /patroni slowly while counting concurrency. */
  private void serve(String leaderApi, String switchoverAnswer) {
    for (int i = 0; i < servers.size(); i++) {
      AtomicInteger inFlight = new AtomicInteger();
      AtomicInteger max = maxPerServer.get(i);
      servers.get(i).setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest r) throws InterruptedException {
          String path = r.getPath();
          if (path.startsWith("/cluster")) {
            return new MockResponse().setBody(clusterJson(leaderApi));
          }
          if (path.startsWith("/switchover")) {
            return new MockResponse().setBody(switchoverAnswer);
          }
          int now = inFlight.incrementAndGet();
          max.accumulateAndGet(now, Math::max);
          globalMax.accumulateAndGet(globalInFlight.incrementAndGet(), Math::max);
          try {
            Thread.sleep(150);
          } finally {
            inFlight.decrementAndGet();
            globalInFlight.decrementAndGet();
          }
          return new MockResponse().setBody(Fixtures.read("patroni-replica-3.0.2.json"));
        }
      });
    }
  }

  private PatroniClient.Builder builder() {
    return PatroniClient.builder().member(java.net.URI.create("http://127.0.0.1:" + deadPort)).member(servers.get(1).url("/").uri())
        .readTimeout(Duration.ofSeconds(5)).switchoverTimeout(Duration.ofMillis(500));
  }

  @Test
  void fanOutRunsInParallelButNeverMoreThanTheBoundPerMember() throws Exception {
    serve(servers.get(0).url("/patroni").toString(), "");
    PatroniClient client = builder().maxInFlightPerMember(2).build();
    List<CompletableFuture<ClusterObservation>> many = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      many.add(CompletableFuture.supplyAsync(() -> client.observe(true)));
    }
    for (CompletableFuture<ClusterObservation> f : many) {
      ClusterObservation o = f.get(30, TimeUnit.SECONDS);
      assertThat(o.statuses()).containsOnlyKeys("m0", "m1", "m2");
      assertThat(o.unreachable()).isEmpty();
    }
    assertThat(maxPerServer).allSatisfy(max -> assertThat(max.get()).isBetween(1, 2));
    assertThat(globalMax.get()).as("members are read in parallel").isGreaterThan(2);
  }

  @Test
  void readsFallThroughADeadSeedAndLearnTheMembers() {
    serve(servers.get(0).url("/patroni").toString(), "");
    PatroniClient client = builder().build();
    assertThat(client.cluster().leader().name()).isEqualTo("m0");
    assertThat(client.knownMembers()).hasSize(4);
    assertThat(client.knownMembers().get(0).getPort()).as("the member that answered goes first").isEqualTo(servers.get(1).getPort());
  }

  @Test
  void allMembersDeadIsNotSentWithEveryErrorAttached() {
    PatroniClient client = PatroniClient.builder().member(java.net.URI.create("http://127.0.0.1:" + deadPort)).build();
    assertThatThrownBy(client::cluster).isInstanceOf(PatroniException.class)
        .satisfies(e -> {
          PatroniException p = (PatroniException) e;
          assertThat(p.delivery()).isEqualTo(PatroniException.Delivery.NOT_SENT);
          assertThat(p.attempts()).hasSize(1);
          assertThat(p.getCause()).isSameAs(p.attempts().get(0).failure());
        });
  }

  @Test
  void aReadNoMemberAnsweredIsNotCalledAnsweredWhenOneWasPossiblySentTheRequest() {
    // Like a TLS 1.3 server refusing a missing client certificate: the request was written, then
    // the connection closed with nothing read.
    servers.get(1).enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));
    PatroniClient client = builder().build();
    assertThatThrownBy(client::cluster).isInstanceOf(PatroniException.class)
        .satisfies(e -> {
          PatroniException p = (PatroniException) e;
          assertThat(p.delivery()).isEqualTo(PatroniException.Delivery.POSSIBLY_SENT);
          assertThat(p.attempts()).extracting(MemberAttempt::delivery)
              .containsExactly(PatroniException.Delivery.NOT_SENT, PatroniException.Delivery.POSSIBLY_SENT);
          assertThat(p.getMessage()).contains("(the request reached 1 of 2)");
        });
  }

  @Test
  void aReadIsAnsweredWhenOneMemberAnsweredEvenWithAnError() {
    servers.get(1).enqueue(new MockResponse().setResponseCode(503).setBody("{}"));
    PatroniClient client = builder().build();
    assertThatThrownBy(client::cluster).isInstanceOf(PatroniException.class)
        .satisfies(e -> assertThat(((PatroniException) e).delivery()).isEqualTo(PatroniException.Delivery.ANSWERED));
  }

  @Test
  void writeGoesToTheLeaderAndFallsThroughOnlyWhenNotSent() throws Exception {
    serve("http://127.0.0.1:" + deadPort + "/patroni", "Successfully switched over to \"m1\"");
    Outcome o = builder().build().switchover(SwitchoverRequest.from("m0").to("m1"));
    assertThat(o.kind()).isEqualTo(Outcome.Kind.DONE);
    assertThat(o.target()).contains(":" + servers.get(1).getPort() + "/switchover");
  }

  @Test
  void writeThatMayHaveBeenSentIsNeverSentToAnotherMember() throws Exception {
    serve(servers.get(0).url("/patroni").toString(), "");
    servers.get(0).setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest r) {
        return new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE);
      }
    });
    PatroniClient client = builder().build();
    client.cluster();
    Outcome o = client.switchover(SwitchoverRequest.from("m0").to("m1"));
    assertThat(o).isInstanceOf(Outcome.Unknown.class);
    assertThat(((Outcome.Unknown) o).cause()).isEqualTo(Outcome.UnknownCause.TIMEOUT);
    int switchoversElsewhere = 0;
    for (int i = 1; i < 3; i++) {
      RecordedRequest r;
      while ((r = servers.get(i).takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
        switchoversElsewhere += r.getPath().startsWith("/switchover") ? 1 : 0;
      }
    }
    assertThat(switchoversElsewhere).isZero();
  }

  @Test
  void builderValidatesDurationsAndMembers() {
    assertThatThrownBy(() -> PatroniClient.builder().readTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("readTimeout <= 0");
    assertThatThrownBy(() -> PatroniClient.builder().build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> PatroniClient.builder().member(java.net.URI.create("http://u:p@h:1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("u:p");
  }
}
