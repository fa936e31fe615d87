package dev.patroni4j.testkit.consul;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConsulSessionTest {
  MutableClock clock = new MutableClock();
  ConsulTestServer server;
  Http http;

  @BeforeEach
  void start() {
    server = ConsulTestServer.builder().clock(clock).nodeName("node1").start();
    http = new Http(server);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private JsonNode info(String id) {
    return http.get("/v1/session/info/" + id).json();
  }

  @Test
  void patronisSessionIsStoredWithItsSettings() {
    String id = http.patroniSession("demo-pg1", "15.0s");
    JsonNode session = info(id).get(0);
    assertThat(session.get("ID").asText()).isEqualTo(id);
    assertThat(session.get("Name").asText()).isEqualTo("demo-pg1");
    assertThat(session.get("Node").asText()).isEqualTo("node1");
    assertThat(session.get("LockDelay").asLong()).as("0.001s in nanoseconds").isEqualTo(1_000_000);
    assertThat(session.get("Behavior").asText()).isEqualTo("delete");
    assertThat(session.get("TTL").asText()).isEqualTo("15.0s");
    assertThat(session.get("NodeChecks")).as("checks: [] drops serfHealth").isEmpty();
    assertThat(session.get("CreateIndex").asLong()).isPositive();
  }

  @Test
  void sessionDefaultsAreSerfHealthReleaseAndFifteenSecondLockDelay() {
    Http.Answer created = http.put("/v1/session/create", null);
    assertThat(created.status()).isEqualTo(200);
    JsonNode session = info(created.json().get("ID").asText()).get(0);
    assertThat(session.get("NodeChecks")).extracting(JsonNode::asText).containsExactly("serfHealth");
    assertThat(session.get("Behavior").asText()).isEqualTo("release");
    assertThat(session.get("LockDelay").asLong()).isEqualTo(15_000_000_000L);
    assertThat(session.get("TTL").asText()).isEmpty();
  }

  @Test
  void smallNumericLockDelaysAreSeconds() {
    String id = http.put("/v1/session/create", "{\"LockDelay\": 3}").json().get("ID").asText();
    assertThat(info(id).get(0).get("LockDelay").asLong()).isEqualTo(3_000_000_000L);
  }

  @Test
  void ttlBelowTheMinimumIs500WithConsulsMessage() {
    Http.Answer answer = http.put("/v1/session/create", "{\"ttl\": \"5.0s\"}");
    assertThat(answer.status()).isEqualTo(500);
    assertThat(answer.body()).isEqualTo("Invalid Session TTL '5000000000', must be between [10s=24h0m0s]");
  }

  @Test
  void invalidSessionSettingsAreRefused() {
    Http.Answer behavior = http.put("/v1/session/create", "{\"Behavior\": \"explode\"}");
    assertThat(behavior.status()).isEqualTo(500);
    assertThat(behavior.body()).isEqualTo("Invalid Behavior setting 'explode'");
    Http.Answer json = http.put("/v1/session/create", "{\"Name\": ");
    assertThat(json.status()).isEqualTo(400);
    assertThat(json.body()).startsWith("Request decode failed: ");
    Http.Answer type = http.put("/v1/session/create", "{\"TTL\": 15}");
    assertThat(type.status()).isEqualTo(400);
    Http.Answer check = http.put("/v1/session/create", "{\"Checks\": [\"nope\"]}");
    assertThat(check.status()).isEqualTo(500);
    assertThat(check.body()).isEqualTo("Missing check 'nope' registration");
    Http.Answer node = http.put("/v1/session/create", "{\"Node\": \"other\"}");
    assertThat(node.body()).isEqualTo("Missing node registration");
  }

  @Test
  void renewOfAnUnknownSessionIs404AndDestroyIsIdempotent() {
    Http.Answer renew = http.put("/v1/session/renew/5e1e0000-0000-0000-0000-000000000000", null);
    assertThat(renew.status()).isEqualTo(404);
    assertThat(renew.body()).isEqualTo("Session id '5e1e0000-0000-0000-0000-000000000000' not found");
    assertThat(http.put("/v1/session/destroy/5e1e0000-0000-0000-0000-000000000000", null).body())
        .isEqualTo("true");
    assertThat(http.put("/v1/session/destroy/", null).status()).isEqualTo(400);
    assertThat(http.get("/v1/session/info/5e1e0000-0000-0000-0000-000000000000").body()).isEqualTo("[]");
  }

  @Test
  void renewReturnsTheSession() {
    String id = http.patroniSession("demo-pg1", "10s");
    Http.Answer renew = http.put("/v1/session/renew/" + id, null);
    assertThat(renew.status()).isEqualTo(200);
    assertThat(renew.json().get(0).get("ID").asText()).isEqualTo(id);
    assertThat(renew.json().get(0).get("TTL").asText()).isEqualTo("10s");
  }

  @Test
  void listShowsEverySession() {
    String a = http.patroniSession("demo-pg1", "10s");
    String b = http.patroniSession("demo-pg2", "10s");
    Http.Answer list = http.get("/v1/session/list");
    assertThat(list.json().findValuesAsText("ID")).containsExactly(a, b);
    assertThat(list.index()).isPositive();
    assertThat(http.get("/v1/session/node/node1").json()).hasSize(2);
  }

  @Test
  void acquireWithAMissingOrUnknownSessionIs500() {
    Http.Answer unknown = http.put("/v1/kv/service/demo/leader?acquire=5e1e0000-0000-0000-0000-000000000000", "pg1");
    assertThat(unknown.status()).isEqualTo(500);
    assertThat(unknown.body()).isEqualTo("invalid session \"5e1e0000-0000-0000-0000-000000000000\"");
    Http.Answer empty = http.put("/v1/kv/service/demo/leader?acquire=", "pg1");
    assertThat(empty.status()).isEqualTo(500);
    assertThat(empty.body()).isEqualTo("missing session");
  }

  @Test
  void lockAcquisitionAndRelease() {
    String s1 = http.patroniSession("demo-pg1", "10s");
    String s2 = http.patroniSession("demo-pg2", "10s");
    String leader = "/v1/kv/service/demo/leader";

    assertThat(http.put(leader + "?acquire=" + s1, "pg1").body()).isEqualTo("true");
    JsonNode held = http.get(leader).json().get(0);
    assertThat(held.get("Session").asText()).isEqualTo(s1);
    assertThat(held.get("LockIndex").asLong()).isEqualTo(1);

    assertThat(http.put(leader + "?acquire=" + s2, "pg2").body()).as("held by another session").isEqualTo("false");
    assertThat(http.put(leader + "?acquire=" + s1, "pg1-again").body()).isEqualTo("true");
    JsonNode again = http.get(leader).json().get(0);
    assertThat(again.get("LockIndex").asLong()).as("re-acquiring keeps LockIndex").isEqualTo(1);

    assertThat(http.put(leader + "?release=" + s2, "x").body()).as("only the holder releases").isEqualTo("false");
    assertThat(http.put(leader + "?release=" + s1, "released").body()).isEqualTo("true");
    JsonNode released = http.get(leader).json().get(0);
    assertThat(released.has("Session")).isFalse();
    assertThat(released.get("LockIndex").asLong()).isEqualTo(1);
    assertThat(http.get(leader + "?raw").body()).as("release writes the body").isEqualTo("released");

    assertThat(http.put(leader + "?acquire=" + s2, "pg2").body()).isEqualTo("true");
    assertThat(http.get(leader).json().get(0).get("LockIndex").asLong()).isEqualTo(2);
  }

  @Test
  void plainPutOnALockedKeyKeepsTheHolder() {
    String s1 = http.patroniSession("demo-pg1", "10s");
    http.put("/v1/kv/k?acquire=" + s1, "a");
    assertThat(http.put("/v1/kv/k", "b").body()).isEqualTo("true");
    JsonNode entry = http.get("/v1/kv/k").json().get(0);
    assertThat(entry.get("Session").asText()).isEqualTo(s1);
    assertThat(http.delete("/v1/kv/k").body()).as("deleting a locked key is allowed").isEqualTo("true");
  }

  @Test
  void expiryAfterTwiceTheTtlDeletesTheKeysOfADeleteSession() {
    String id = http.patroniSession("demo-pg1", "10s");
    http.put("/v1/kv/service/demo/leader?acquire=" + id, "pg1");
    http.put("/v1/kv/service/demo/members/pg1?acquire=" + id, "{}");
    http.put("/v1/kv/service/demo/config", "{}");

    clock.advance(Duration.ofSeconds(19));
    assertThat(http.get("/v1/kv/service/demo/leader").status()).as("Consul keeps a session up to 2 x TTL")
        .isEqualTo(200);
    clock.advance(Duration.ofMillis(1001));
    assertThat(http.get("/v1/kv/service/demo/leader").status()).isEqualTo(404);
    assertThat(http.get("/v1/kv/service/demo/members/pg1").status()).isEqualTo(404);
    assertThat(http.get("/v1/kv/service/demo/config").status()).as("unlocked keys stay").isEqualTo(200);
    assertThat(http.put("/v1/session/renew/" + id, null).status()).isEqualTo(404);
  }

  @Test
  void renewalPushesExpiryBack() {
    String id = http.patroniSession("demo-pg1", "10s");
    http.put("/v1/kv/service/demo/leader?acquire=" + id, "pg1");
    clock.advance(Duration.ofSeconds(15));
    http.put("/v1/session/renew/" + id, null);
    clock.advance(Duration.ofSeconds(15));
    assertThat(http.get("/v1/kv/service/demo/leader").status()).isEqualTo(200);
    clock.advance(Duration.ofSeconds(6));
    assertThat(http.get("/v1/kv/service/demo/leader").status()).isEqualTo(404);
  }

  @Test
  void expiryOfAReleaseSessionUnlocksAndArmsLockDelay() {
    String id = http.put("/v1/session/create", "{\"TTL\": \"10s\", \"LockDelay\": \"5s\"}").json().get("ID").asText();
    http.put("/v1/kv/lock?acquire=" + id, "owner");
    long before = http.get("/v1/kv/lock").index();
    clock.advance(Duration.ofSeconds(21));

    JsonNode entry = http.get("/v1/kv/lock").json().get(0);
    assertThat(entry.has("Session")).isFalse();
    assertThat(entry.get("LockIndex").asLong()).isEqualTo(1);
    assertThat(entry.get("ModifyIndex").asLong()).isGreaterThan(before);
    assertThat(http.get("/v1/kv/lock?raw").body()).isEqualTo("owner");

    String other = http.patroniSession("other", "10s");
    assertThat(http.put("/v1/kv/lock?acquire=" + other, "x").body()).as("within lock-delay").isEqualTo("false");
    assertThat(http.put("/v1/kv/lock", "plain").body()).as("plain writes ignore lock-delay").isEqualTo("true");
    clock.advance(Duration.ofSeconds(5));
    assertThat(http.put("/v1/kv/lock?acquire=" + other, "x").body()).isEqualTo("true");
  }

  @Test
  void destroyDeletesTheKeysAndServerSideInvalidationToo() {
    String a = http.patroniSession("demo-pg1", "10s");
    String b = http.patroniSession("demo-pg2", "10s");
    http.put("/v1/kv/a?acquire=" + a, "x");
    http.put("/v1/kv/b?acquire=" + b, "x");
    assertThat(http.put("/v1/session/destroy/" + a, null).body()).isEqualTo("true");
    assertThat(http.get("/v1/kv/a").status()).isEqualTo(404);
    server.invalidateAllSessions();
    assertThat(http.get("/v1/kv/b").status()).isEqualTo(404);
    assertThat(server.sessionIds()).isEmpty();
  }
}
