package dev.patroni4j.testkit.consul;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConsulKvTest {
  static ConsulTestServer server;
  static Http http;

  @BeforeAll
  static void start() {
    server = ConsulTestServer.builder().start();
    http = new Http(server);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void clean() {
    http.delete("/v1/kv/?recurse");
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void missingKeyIs404WithEmptyBodyAndAnIndex() {
    Http.Answer answer = http.get("/v1/kv/service/demo/leader");
    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.body()).isEmpty();
    assertThat(answer.index()).isPositive();
    assertThat(answer.header("X-Consul-KnownLeader")).isEqualTo("true");
  }

  @Test
  void putThenGetReturnsTheEntryWithBase64ValueAndIndexes() {
    Http.Answer put = http.put("/v1/kv/service/demo/leader", "pg1");
    assertThat(put.status()).isEqualTo(200);
    assertThat(put.body()).isEqualTo("true");

    Http.Answer get = http.get("/v1/kv/service/demo/leader");
    assertThat(get.status()).isEqualTo(200);
    JsonNode entry = get.json().get(0);
    assertThat(entry.get("Key").asText()).isEqualTo("service/demo/leader");
    assertThat(entry.get("Value").asText()).isEqualTo(b64("pg1"));
    assertThat(entry.get("LockIndex").asLong()).isZero();
    assertThat(entry.get("Flags").asLong()).isZero();
    assertThat(entry.has("Session")).as("no Session field on an unlocked key").isFalse();
    assertThat(entry.get("CreateIndex").asLong()).isEqualTo(entry.get("ModifyIndex").asLong());
    assertThat(get.index()).isEqualTo(entry.get("ModifyIndex").asLong());
  }

  @Test
  void emptyBodyIsStoredAsNullValue() {
    http.put("/v1/kv/service/demo/initialize", "");
    assertThat(http.get("/v1/kv/service/demo/initialize").json().get(0).get("Value").isNull()).isTrue();
  }

  @Test
  void rawReturnsTheBytes() {
    http.put("/v1/kv/service/demo/initialize", "7710832286115904311");
    Http.Answer raw = http.get("/v1/kv/service/demo/initialize?raw");
    assertThat(raw.body()).isEqualTo("7710832286115904311");
    assertThat(raw.header("Content-Type")).isEqualTo("text/plain");
  }

  @Test
  void overwriteKeepsCreateIndexAndIdenticalWriteChangesNothing() {
    http.put("/v1/kv/k", "a");
    JsonNode first = http.get("/v1/kv/k").json().get(0);
    http.put("/v1/kv/k", "b");
    JsonNode second = http.get("/v1/kv/k").json().get(0);
    assertThat(second.get("CreateIndex")).isEqualTo(first.get("CreateIndex"));
    assertThat(second.get("ModifyIndex").asLong()).isGreaterThan(first.get("ModifyIndex").asLong());

    http.put("/v1/kv/k", "b");
    assertThat(http.get("/v1/kv/k").json().get(0).get("ModifyIndex")).isEqualTo(second.get("ModifyIndex"));
  }

  @Test
  void flagsAreStoredAndAPlainPutResetsThem() {
    http.put("/v1/kv/k?flags=42", "a");
    assertThat(http.get("/v1/kv/k").json().get(0).get("Flags").asLong()).isEqualTo(42);
    http.put("/v1/kv/k", "a");
    assertThat(http.get("/v1/kv/k").json().get(0).get("Flags").asLong()).isZero();
  }

  @Test
  void casZeroCreatesOnlyWhenTheKeyIsAbsent() {
    assertThat(http.put("/v1/kv/service/demo/initialize?cas=0", "1").body()).isEqualTo("true");
    assertThat(http.put("/v1/kv/service/demo/initialize?cas=0", "2").body()).isEqualTo("false");
    assertThat(http.get("/v1/kv/service/demo/initialize?raw").body()).isEqualTo("1");
  }

  @Test
  void casWritesOnlyOnTheCurrentModifyIndex() {
    http.put("/v1/kv/service/demo/config", "{}");
    long index = http.get("/v1/kv/service/demo/config").json().get(0).get("ModifyIndex").asLong();
    assertThat(http.put("/v1/kv/service/demo/config?cas=" + (index - 1), "{\"a\":1}").body()).isEqualTo("false");
    assertThat(http.put("/v1/kv/service/demo/config?cas=" + index, "{\"a\":2}").body()).isEqualTo("true");
    assertThat(http.put("/v1/kv/service/demo/config?cas=" + index, "{\"a\":3}").body()).isEqualTo("false");
    assertThat(http.put("/v1/kv/service/demo/absent?cas=" + index, "x").body()).isEqualTo("false");
    assertThat(http.get("/v1/kv/service/demo/config?raw").body()).isEqualTo("{\"a\":2}");
  }

  @Test
  void conflictingFlagsAre400WithTheEncodedQuery() {
    Http.Answer answer = http.put("/v1/kv/k?cas=0&acquire=abc", "x");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body()).isEqualTo("Conflicting flags: acquire=abc&cas=0\n");
    assertThat(http.delete("/v1/kv/k?recurse&cas=1").status()).isEqualTo(400);
  }

  @Test
  void unparsableCasIs500WithGoParseError() {
    Http.Answer answer = http.put("/v1/kv/k?cas=x", "x");
    assertThat(answer.status()).isEqualTo(500);
    assertThat(answer.body()).isEqualTo("strconv.ParseUint: parsing \"x\": invalid syntax");
  }

  @Test
  void recurseListsThePrefixSortedByKey() {
    http.put("/v1/kv/service/demo/members/pg2", "{}");
    http.put("/v1/kv/service/demo/leader", "pg1");
    http.put("/v1/kv/service/demo/config", "{}");
    http.put("/v1/kv/service/demox/leader", "other");
    Http.Answer answer = http.get("/v1/kv/service/demo/?recurse=1");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().findValuesAsText("Key"))
        .containsExactly("service/demo/config", "service/demo/leader", "service/demo/members/pg2");
    long maxModify = 0;
    for (JsonNode e : answer.json()) {
      maxModify = Math.max(maxModify, e.get("ModifyIndex").asLong());
    }
    assertThat(answer.index()).isEqualTo(maxModify);
  }

  @Test
  void recurseIndexIncludesDeletionsUnderThePrefix() {
    http.put("/v1/kv/service/demo/config", "{}");
    http.put("/v1/kv/service/demo/leader", "pg1");
    http.delete("/v1/kv/service/demo/leader");
    long afterDelete = http.get("/v1/kv/service/demo/?recurse").index();
    long configIndex = http.get("/v1/kv/service/demo/config").index();
    assertThat(afterDelete).isGreaterThan(configIndex);
  }

  @Test
  void recurseOnAnEmptyPrefixIs404() {
    Http.Answer answer = http.get("/v1/kv/service/nothing/?recurse");
    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.body()).isEmpty();
  }

  @Test
  void keysListsKeysUpToTheSeparator() {
    http.put("/v1/kv/service/demo/members/pg1", "{}");
    http.put("/v1/kv/service/demo/members/pg2", "{}");
    http.put("/v1/kv/service/demo/leader", "pg1");
    JsonNode keys = http.get("/v1/kv/service/demo/?keys&separator=/").json();
    assertThat(keys).extracting(JsonNode::asText)
        .containsExactly("service/demo/leader", "service/demo/members/");
    assertThat(http.get("/v1/kv/service/none/?keys").status()).isEqualTo(404);
    http.delete("/v1/kv/?recurse");
    Http.Answer root = http.get("/v1/kv/?keys");
    assertThat(root.status()).isEqualTo(200);
    assertThat(root.body()).isEqualTo("[]");
  }

  @Test
  void emptyKeyWithoutRecurseIs400() {
    Http.Answer answer = http.get("/v1/kv/");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body()).isEqualTo("Missing key name");
    assertThat(http.put("/v1/kv/", "x").body()).isEqualTo("Missing key name");
  }

  @Test
  void deleteIsTrueEvenForAMissingKey() {
    Http.Answer answer = http.delete("/v1/kv/service/demo/absent");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("true");
  }

  @Test
  void casDeleteReportsWhetherItDeleted() {
    http.put("/v1/kv/service/demo/leader", "pg1");
    long index = http.get("/v1/kv/service/demo/leader").index();
    assertThat(http.delete("/v1/kv/service/demo/leader?cas=" + (index + 1)).body()).isEqualTo("false");
    assertThat(http.get("/v1/kv/service/demo/leader").status()).isEqualTo(200);
    assertThat(http.delete("/v1/kv/service/demo/leader?cas=" + index).body()).isEqualTo("true");
    assertThat(http.get("/v1/kv/service/demo/leader").status()).isEqualTo(404);
    assertThat(http.delete("/v1/kv/service/demo/leader?cas=" + index).body())
        .as("a CAS delete of a missing key succeeds").isEqualTo("true");
  }

  @Test
  void casZeroNeverDeletesAnExistingKey() {
    http.put("/v1/kv/k", "v");
    assertThat(http.delete("/v1/kv/k?cas=0").body()).isEqualTo("false");
  }

  @Test
  void recursiveDeleteRemovesOnlyThePrefix() {
    http.put("/v1/kv/service/demo/leader", "pg1");
    http.put("/v1/kv/service/demo/members/pg1", "{}");
    http.put("/v1/kv/service/demox/leader", "other");
    assertThat(http.delete("/v1/kv/service/demo/?recurse=1").body()).isEqualTo("true");
    assertThat(http.get("/v1/kv/service/demo/?recurse").status()).isEqualTo(404);
    assertThat(http.get("/v1/kv/service/demox/leader").status()).isEqualTo(200);
  }

  @Test
  void valuesOver512KiBAre413() {
    Http.Answer answer = http.put("/v1/kv/big", "x".repeat(512 * 1024 + 1));
    assertThat(answer.status()).isEqualTo(413);
    assertThat(answer.body()).startsWith("Request body(524289 bytes) too large, max size: 524288 bytes.");
  }

  @Test
  void queryOptionErrorsAre400() {
    assertThat(http.get("/v1/kv/k?stale&consistent").body())
        .isEqualTo("Cannot specify ?stale with ?consistent, conflicting semantics.");
    assertThat(http.get("/v1/kv/k?index=1&wait=soon").body()).isEqualTo("Invalid wait time");
    assertThat(http.get("/v1/kv/k?index=-1").body()).isEqualTo("Invalid index");
    assertThat(http.get("/v1/kv/k?index=x").status()).isEqualTo(400);
  }

  @Test
  void otherMethodsAre405WithAllow() {
    Http.Answer answer = http.send("POST", "/v1/kv/k", "x");
    assertThat(answer.status()).isEqualTo(405);
    assertThat(answer.body()).isEqualTo("method POST not allowed");
    assertThat(answer.header("Allow")).isEqualTo("GET,PUT,DELETE");
  }

  @Test
  void keysWithALeadingSlashAre400() {
    assertThat(http.put("/v1/kv//service/demo", "x").status()).isEqualTo(400);
    assertThat(http.put("/v1/kv//service/demo", "x").body()).isEqualTo("key must not begin with a '/'");
  }

  @Test
  void anotherDatacenterIsUnreachable() {
    Http.Answer answer = http.get("/v1/kv/k?dc=elsewhere");
    assertThat(answer.status()).isEqualTo(500);
    assertThat(answer.body()).isEqualTo("No path to datacenter");
  }

  @Test
  void injectedFailuresAnswer500ThenRecover() {
    server.failNextRequests(1);
    Http.Answer failed = http.put("/v1/kv/k", "v");
    assertThat(failed.status()).isEqualTo(500);
    assertThat(failed.body()).isEqualTo("No cluster leader");
    assertThat(http.put("/v1/kv/k", "v").body()).isEqualTo("true");
  }

  @Test
  void aFrozenServerAnswersNothingUntilThawed() throws Exception {
    server.freeze();
    java.util.concurrent.CompletableFuture<Http.Answer> pending;
    try {
      pending = java.util.concurrent.CompletableFuture.supplyAsync(() -> http.put("/v1/kv/frozen", "v"));
      Thread.sleep(300);
      assertThat(pending).isNotDone();
    } finally {
      server.thaw();
    }
    assertThat(pending.get(5, java.util.concurrent.TimeUnit.SECONDS).body()).isEqualTo("true");
  }

  @Test
  void unknownEndpointsAre404() {
    assertThat(http.get("/v1/nothing").status()).isEqualTo(404);
  }
}
