package dev.patroni4j.dcs.consul.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patroni4j.client.PatroniException.Delivery;
import dev.patroni4j.client.dcs.DcsEntry;
import dev.patroni4j.client.dcs.DcsException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streamed parse of a KV answer (a namespace's recursive read holds thousands of entries) reads what a JSON tree
 * of the same body reads, and refuses what is not an array of KV objects with a typed error.
 */
class ConsulKvParseTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String VALID = "[{\"LockIndex\":1,\"Key\":\"service/demo/leader\",\"Flags\":0,"
      + "\"Value\":\"cGcx\",\"Session\":\"fd4f44fe-2cac-bba5-a60b-304b51ff39b7\",\"CreateIndex\":2621,"
      + "\"ModifyIndex\":2621},{\"LockIndex\":0,\"Key\":\"service/demo/initialize\",\"Flags\":0,\"Value\":null,"
      + "\"CreateIndex\":5,\"ModifyIndex\":5,\"Extra\":{\"nested\":[1,{\"Key\":\"no\"}]}},"
      + "{\"Key\":\"service/demo/members/pg1\",\"Value\":\"e30=\",\"ModifyIndex\":18446744073709551,"
      + "\"Session\":\"\"}]";

  private static List<DcsEntry> parse(String body) {
    return ConsulKv.parse(JSON.getFactory(), "fleet", "service/",
        new ConsulTransport.Reply(200, body.getBytes(StandardCharsets.UTF_8), 7, false));
  }

  /** What the tree-based reading (before the parse was streamed) made of a body, empty where it refused it. */
  private static Optional<List<DcsEntry>> readAsTree(String body) {
    JsonNode array;
    try {
      array = JSON.readTree(body);
    } catch (Exception e) {
      return Optional.empty();
    }
    if (array == null || !array.isArray()) {
      return Optional.empty();
    }
    List<DcsEntry> entries = new ArrayList<>();
    for (JsonNode node : array) {
      JsonNode key = node.get("Key");
      JsonNode index = node.get("ModifyIndex");
      if (key == null || !key.isTextual() || index == null || !index.isIntegralNumber() || !index.canConvertToLong()) {
        return Optional.empty();
      }
      JsonNode value = node.get("Value");
      String text = "";
      if (value != null && value.isTextual()) {
        try {
          text = new String(Base64.getDecoder().decode(value.asText()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return Optional.empty();
        }
      }
      JsonNode session = node.get("Session");
      entries.add(new DcsEntry(key.asText(), text, index.asLong(),
          session != null && session.isTextual() && !session.asText().isEmpty() ? session.asText() : null));
    }
    return Optional.of(entries);
  }

  @Test
  void aValidAnswerReadsKeysValuesIndicesAndSessionsAndSkipsUnknownFields() {
    assertThat(parse(VALID)).containsExactly(
        new DcsEntry("service/demo/leader", "pg1", 2621, "fd4f44fe-2cac-bba5-a60b-304b51ff39b7"),
        new DcsEntry("service/demo/initialize", "", 5, null),
        new DcsEntry("service/demo/members/pg1", "{}", 18446744073709551L, null))
        .isEqualTo(readAsTree(VALID).orElseThrow());
    assertThat(parse("[]")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "{\"Key\":\"a\",\"ModifyIndex\":1}", "\"text\"", "null", "[1]", "[[]]", "[null]",
      "[{\"ModifyIndex\":1}]", "[{\"Key\":\"a\"}]", "[{\"Key\":7,\"ModifyIndex\":1}]", "[{\"Key\":null,\"ModifyIndex\":1}]",
      "[{\"Key\":\"a\",\"ModifyIndex\":\"1\"}]", "[{\"Key\":\"a\",\"ModifyIndex\":1.5}]",
      "[{\"Key\":\"a\",\"ModifyIndex\":99999999999999999999999}]", "[{\"Key\":\"a\",\"ModifyIndex\":1,\"Value\":\"%%\"}]",
      "[{\"Key\":\"a\",\"ModifyIndex\":1}", "[{\"Key\":\"a\",\"ModifyIndex\":1", "[{\"Key\":\"a\",\"ModifyIndex\":1}]]",
      "[]{}", "[{\"Key\":\"a\",\"ModifyIndex\":1,}]", "[{\"Key\":\"a\" \"ModifyIndex\":1}]"})
  void anAnswerThatIsNotAnArrayOfKvObjectsIsATypedErrorNamingTheRead(String body) {
    assertThatThrownBy(() -> parse(body)).isInstanceOfSatisfying(DcsException.class, e -> {
      assertThat(e.getMessage()).startsWith("fleet");
      assertThat(e.delivery()).isEqualTo(Delivery.ANSWERED);
    });
  }

  @Test
  void onMutatedAnswersTheStreamedParseIsNeverMoreLenientThanTheTreeAndReadsTheSame() {
    Random random = new Random(20261204L);
    String alphabet = "[]{}\":,0123456789abcdefKeyValueModifyIndexSessionnull-=/ \\";
    int agreed = 0;
    for (int round = 0; round < 5000; round++) {
      StringBuilder body = new StringBuilder(VALID);
      int edits = 1 + random.nextInt(3);
      for (int i = 0; i < edits && body.length() > 0; i++) {
        int at = random.nextInt(body.length());
        switch (random.nextInt(3)) {
          case 0 -> body.deleteCharAt(at);
          case 1 -> body.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          default -> body.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      List<DcsEntry> streamed;
      try {
        streamed = parse(body.toString());
      } catch (DcsException refused) {
        assertThat(refused.getMessage()).startsWith("fleet");
        assertThat(refused.delivery()).isEqualTo(Delivery.ANSWERED);
        continue;
      }
      assertThat(readAsTree(body.toString())).as(body.toString()).hasValue(streamed);
      agreed++;
    }
    assertThat(agreed).as("some mutations still parse").isGreaterThan(25);
  }
}
