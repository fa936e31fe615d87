package dev.patroni4j.walg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonValueTest {
  static final String DOCUMENT = "{\"id\":\"n\\u00e9\\\"42\\\\\",\"n\":[1,-2.5e3,12345678901234567890123,true,false,null],"
      + "\"nested\":{\"z\":{},\"a\":[]},\"ctl\":\"\\u0001\\t\\n\"}";

  @Test
  void parsedJsonWritesBackAsEqualCompactJsonKeepingMemberOrderAndDigits() {
    JsonValue v = JsonValue.parse(DOCUMENT);
    assertThat(JsonValue.parse(v.toJson())).isEqualTo(v);
    assertThat(v.find("id").flatMap(JsonValue::asString)).contains("né\"42\\");
    JsonValue.JsonObject nested = (JsonValue.JsonObject) v.find("nested").orElseThrow();
    assertThat(nested.members().keySet()).containsExactly("z", "a");
    JsonValue.JsonArray n = (JsonValue.JsonArray) v.find("n").orElseThrow();
    assertThat(n.elements()).containsExactly(JsonValue.of(1), new JsonValue.JsonNumber(new BigDecimal("-2.5e3")),
        new JsonValue.JsonNumber(new BigDecimal("12345678901234567890123")), JsonValue.JsonBoolean.TRUE,
        JsonValue.JsonBoolean.FALSE, JsonValue.JsonNull.INSTANCE);
    assertThat(v.find("ctl").orElseThrow().toJson()).isEqualTo("\"\\u0001\\t\\n\"");
    assertThat(v.find("absent")).isEmpty();
    assertThat(n.find("0")).isEmpty();
  }

  @Test
  void plainJavaValuesConvert() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("b", List.of(1L, 2.5, "s"));
    m.put("a", null);
    m.put("c", Map.of("t", true));
    assertThat(JsonValue.of(m).toJson()).isEqualTo("{\"b\":[1,2.5,\"s\"],\"a\":null,\"c\":{\"t\":true}}");
    assertThat(JsonValue.of(Arrays.asList(JsonValue.parse("[]"), null))).hasToString("[[],null]");
    assertThatThrownBy(() -> JsonValue.of(Map.of(1, "x"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keys must be strings");
    assertThatThrownBy(() -> JsonValue.of(Double.NaN)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    assertThatThrownBy(() -> JsonValue.of(new Object())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Object");
  }

  @Test
  void malformedJsonIsRefusedSayingWhere() {
    assertThatThrownBy(() -> JsonValue.parse("{\"a\":1,}")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON at line 1, column 8");
    assertThatThrownBy(() -> JsonValue.parse("{\"a\":1} {}")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
    assertThatThrownBy(() -> JsonValue.parse("{\"a\":1,\"a\":2}")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Duplicate");
    assertThatThrownBy(() -> JsonValue.parse("   ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> JsonValue.parse("[".repeat(65) + "]".repeat(65))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("depth");
    assertThatThrownBy(() -> JsonValue.parse("[1e2147483648]")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
    assertThat(JsonValue.parse("1e400")).isEqualTo(new JsonValue.JsonNumber(new BigDecimal("1e400")));
    assertThat(JsonValue.parse("[".repeat(64) + "]".repeat(64))).isInstanceOf(JsonValue.JsonArray.class);
  }

  @Test
  void fuzzedDocumentsEitherRoundTripOrFailAsIllegalArgument() {
    Random random = new Random(17);
    String chars = "{}[]\",:-.0123456789eE tfnu\\";
    int parsed = 0;
    for (int i = 0; i < 5000; i++) {
      StringBuilder s = new StringBuilder(DOCUMENT);
      for (int e = 0; e < 1 + random.nextInt(3) && s.length() > 0; e++) {
        int at = random.nextInt(s.length());
        switch (random.nextInt(3)) {
          case 0 -> s.deleteCharAt(at);
          case 1 -> s.setCharAt(at, chars.charAt(random.nextInt(chars.length())));
          default -> s.setLength(at);
        }
      }
      JsonValue v;
      try {
        v = JsonValue.parse(s.toString());
      } catch (IllegalArgumentException expected) {
        assertThat(expected.getMessage()).startsWith("not JSON");
        continue;
      }
      parsed++;
      assertThat(JsonValue.parse(v.toJson())).isEqualTo(v);
    }
    assertThat(parsed).isPositive();
  }
}
