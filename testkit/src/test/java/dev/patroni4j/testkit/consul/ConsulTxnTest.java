package dev.patroni4j.testkit.consul;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConsulTxnTest {
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

  private static String op(String verb, String key, @Nullable String value, long index) {
    return "{\"KV\":{\"Verb\":\"" + verb + "\",\"Key\":\"" + key + "\""
        + (value == null ? "" : ",\"Value\":\"" + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "\"")
        + ",\"Index\":" + index + "}}";
  }

  @Test
  void casReturnsTheNewEntryWithoutItsValue() {
    http.put("/v1/kv/t1/config", "{}");
    long index = http.get("/v1/kv/t1/config").index();
    Http.Answer answer = http.put("/v1/txn", "[" + op("cas", "t1/config", "{\"a\":1}", index) + "]");
    assertThat(answer.status()).isEqualTo(200);
    JsonNode kv = answer.json().at("/Results/0/KV");
    assertThat(kv.get("ModifyIndex").asLong()).isGreaterThan(index)
        .isEqualTo(http.get("/v1/kv/t1/config").index());
    assertThat(kv.get("Value").isNull()).isTrue();
    assertThat(answer.json().get("Errors").isNull()).isTrue();
  }

  @Test
  void aFailedOperationRollsBackTheWholeTransactionWith409() {
    http.put("/v1/kv/t2/config", "{}");
    long index = http.get("/v1/kv/t2/config").index();
    Http.Answer answer = http.put("/v1/txn", "[" + op("set", "t2/other", "x", 0) + ","
        + op("cas", "t2/config", "{\"a\":1}", index - 1) + "]");
    assertThat(answer.status()).isEqualTo(409);
    assertThat(answer.json().get("Results").isNull()).isTrue();
    assertThat(answer.json().at("/Errors/0/OpIndex").asInt()).isEqualTo(1);
    assertThat(answer.json().at("/Errors/0/What").asText())
        .isEqualTo("failed to set key \"t2/config\", index is stale");
    assertThat(http.get("/v1/kv/t2/other").status()).as("the set was rolled back").isEqualTo(404);
  }

  @Test
  void guardedTreeDeleteReportsWhatItDeletedAtomically() {
    http.put("/v1/kv/t3/c/initialize", "42");
    http.put("/v1/kv/t3/c/leader", "a");
    http.put("/v1/kv/t3/cx/leader", "b");
    long init = http.get("/v1/kv/t3/c/initialize").index();

    Http.Answer stale = http.put("/v1/txn", "[" + op("check-index", "t3/c/initialize", null, init + 1) + ","
        + op("delete-tree", "t3/c/", null, 0) + "]");
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.json().at("/Errors/0/What").asText()).startsWith("failed index check for key \"t3/c/initialize\"");
    assertThat(http.get("/v1/kv/t3/c/leader").status()).isEqualTo(200);

    Http.Answer done = http.put("/v1/txn", "[" + op("check-index", "t3/c/initialize", null, init) + ","
        + op("get-tree", "t3/c/", null, 0) + "," + op("delete-tree", "t3/c/", null, 0) + "]");
    assertThat(done.status()).isEqualTo(200);
    assertThat(done.json().get("Results")).hasSize(3);
    assertThat(http.get("/v1/kv/t3/c/?recurse").status()).isEqualTo(404);
    assertThat(http.get("/v1/kv/t3/cx/leader").status()).isEqualTo(200);
  }

  @Test
  void checkNotExistsFailsOnAnExistingKey() {
    http.put("/v1/kv/t4/initialize", "1");
    Http.Answer answer = http.put("/v1/txn", "[" + op("check-not-exists", "t4/initialize", null, 0) + "]");
    assertThat(answer.status()).isEqualTo(409);
    assertThat(answer.json().at("/Errors/0/What").asText()).isEqualTo("key \"t4/initialize\" exists");
    assertThat(http.put("/v1/txn", "[" + op("check-not-exists", "t4/absent", null, 0) + "]").status())
        .isEqualTo(200);
  }

  @Test
  void malformedTransactionsAre400AndOversizedOnes413() {
    assertThat(http.put("/v1/txn", "{}").status()).isEqualTo(400);
    StringBuilder many = new StringBuilder("[");
    for (int i = 0; i < 65; i++) {
      many.append(i == 0 ? "" : ",").append(op("get", "k" + i, null, 0));
    }
    Http.Answer answer = http.put("/v1/txn", many.append("]").toString());
    assertThat(answer.status()).isEqualTo(413);
    assertThat(answer.body()).isEqualTo("Transaction contains too many operations (65 > 64)");
  }

  @Test
  void withAclsAnAnonymousTransactionIsDeniedPerOperation() {
    try (ConsulTestServer acl = ConsulTestServer.builder().aclMasterToken("root").start()) {
      Http.Answer answer = new Http(acl).put("/v1/txn", "[" + op("set", "k", "v", 0) + "]");
      assertThat(answer.status()).isEqualTo(409);
      assertThat(answer.json().at("/Errors/0/What").asText()).startsWith("Permission denied");
      assertThat(new Http(acl).get("/v1/kv/k?token=root").status()).isEqualTo(404);
    }
  }
}
