package dev.patroni4j.testkit.consul;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConsulBlockingQueryTest {
  static ConsulTestServer server;
  static Http http;

  @BeforeAll
  static void start() {
    server = ConsulTestServer.builder().sessionTtlMin(Duration.ofSeconds(1)).start();
    http = new Http(server);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static CompletableFuture<Http.Answer> async(String pathAndQuery) {
    return CompletableFuture.supplyAsync(() -> http.get(pathAndQuery));
  }

  @Test
  void blockingGetReturnsWhenTheKeyChanges() throws Exception {
    http.put("/v1/kv/w1/leader", "pg1");
    long index = http.get("/v1/kv/w1/leader").index();
    CompletableFuture<Http.Answer> watch = async("/v1/kv/w1/leader?index=" + index + "&wait=20s");
    Thread.sleep(200);
    assertThat(watch).isNotDone();

    http.put("/v1/kv/w1/leader", "pg2");
    Http.Answer answer = watch.get(5, TimeUnit.SECONDS);
    assertThat(answer.index()).isGreaterThan(index);
    assertThat(answer.json().get(0).get("ModifyIndex").asLong()).isEqualTo(answer.index());
  }

  @Test
  void blockingGetReturnsWhenTheKeyIsDeleted() throws Exception {
    http.put("/v1/kv/w2/leader", "pg1");
    long index = http.get("/v1/kv/w2/leader").index();
    CompletableFuture<Http.Answer> watch = async("/v1/kv/w2/leader?index=" + index + "&wait=20s");
    Thread.sleep(100);
    http.delete("/v1/kv/w2/leader");
    Http.Answer answer = watch.get(5, TimeUnit.SECONDS);
    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.index()).isGreaterThan(index);
  }

  @Test
  void blockingGetTimesOutWithTheSameIndexAndIgnoresOtherKeys() throws Exception {
    http.put("/v1/kv/w3/leader", "pg1");
    long index = http.get("/v1/kv/w3/leader").index();
    long started = System.nanoTime();
    CompletableFuture<Http.Answer> watch = async("/v1/kv/w3/leader?index=" + index + "&wait=0.6s");
    Thread.sleep(100);
    http.put("/v1/kv/w3/other", "x");
    Http.Answer answer = watch.get(5, TimeUnit.SECONDS);
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.index()).isEqualTo(index);
    // wait plus at most wait/16 jitter
    assertThat(elapsedMillis).isBetween(590L, 2000L);
  }

  @Test
  void indexZeroDoesNotBlock() {
    http.put("/v1/kv/w4/k", "v");
    long started = System.nanoTime();
    assertThat(http.get("/v1/kv/w4/k?index=0&wait=10s").status()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void anOlderIndexReturnsAtOnce() {
    http.put("/v1/kv/w5/k", "v");
    long index = http.get("/v1/kv/w5/k").index();
    long started = System.nanoTime();
    assertThat(http.get("/v1/kv/w5/k?index=" + (index - 1) + "&wait=10s").index()).isEqualTo(index);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void recursiveBlockingGetWakesOnAnyChangeUnderThePrefix() throws Exception {
    http.put("/v1/kv/w6/config", "{}");
    long index = http.get("/v1/kv/w6/?recurse").index();
    CompletableFuture<Http.Answer> watch = async("/v1/kv/w6/?recurse&index=" + index + "&wait=20s");
    Thread.sleep(100);
    http.put("/v1/kv/w6x/elsewhere", "x");
    Thread.sleep(200);
    assertThat(watch).as("a change outside the prefix does not wake it").isNotDone();
    http.put("/v1/kv/w6/members/pg1", "{}");
    assertThat(watch.get(5, TimeUnit.SECONDS).json()).hasSize(2);
  }

  @Test
  void leaderWatchWakesWhenTheHoldersSessionExpires() throws Exception {
    String session = http.patroniSession("demo-pg1", "1s");
    assertThat(http.put("/v1/kv/w7/leader?acquire=" + session, "pg1").body()).isEqualTo("true");
    long index = http.get("/v1/kv/w7/leader").index();
    long started = System.nanoTime();
    Http.Answer answer = http.get("/v1/kv/w7/leader?index=" + index + "&wait=20s");
    Duration waited = Duration.ofNanos(System.nanoTime() - started);
    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.index()).isGreaterThan(index);
    // the session expires at 2 x TTL after creation
    assertThat(waited).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(5));
  }

  @Test
  void closingTheServerReleasesBlockedQueries() throws Exception {
    ConsulTestServer other = ConsulTestServer.builder().start();
    try {
      Http client = new Http(other);
      client.put("/v1/kv/k", "v");
      long index = client.get("/v1/kv/k").index();
      CompletableFuture<Http.Answer> watch =
          CompletableFuture.supplyAsync(() -> client.get("/v1/kv/k?index=" + index + "&wait=60s"));
      Thread.sleep(200);
      other.close();
      // Answered or cut off, but not left hanging for its 60 s.
      assertThat(watch.handle((answer, error) -> true).get(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      other.close();
    }
  }
}
