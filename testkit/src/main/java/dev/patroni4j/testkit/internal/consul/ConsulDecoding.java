package dev.patroni4j.testkit.internal.consul;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patroni4j.testkit.internal.consul.ConsulState.RpcError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** How Consul decodes what a request carries (JSON bodies as Go does, numbers, flags), with its exact errors. */
final class ConsulDecoding {
  /** The one mapper of the Consul test server. */
  static final ObjectMapper JSON = new ObjectMapper();

  private ConsulDecoding() {}

  static void conflictingFlags(ConsulRequest req, String... flags) {
    boolean found = false;
    for (String flag : flags) {
      if (req.has(flag)) {
        if (found) {
          throw new ConsulHttpError(400, "Conflicting flags: " + req.encodedQuery() + "\n");
        }
        found = true;
      }
    }
  }

  /** Go's {@code strconv.ParseUint(s, 10, 64)}; Consul answers its error with 500. */
  static long parseUint(String s) {
    try {
      if (s.isEmpty() || s.charAt(0) == '+' || s.charAt(0) == '-') {
        throw new NumberFormatException();
      }
      return Long.parseUnsignedLong(s);
    } catch (NumberFormatException e) {
      boolean digits = !s.isEmpty() && s.chars().allMatch(Character::isDigit);
      throw new RpcError("strconv.ParseUint: parsing \"" + s + "\": "
          + (digits ? "value out of range" : "invalid syntax"));
    }
  }

  static Map<String, JsonNode> caseInsensitiveObject(byte[] raw, String goType) {
    JsonNode parsed;
    try {
      parsed = JSON.readTree(raw);
    } catch (IOException e) {
      throw new ConsulHttpError(400, "Request decode failed: " + (e instanceof JsonProcessingException j
          ? j.getOriginalMessage() : e.getMessage()));
    }
    if (parsed == null || parsed.isMissingNode()) {
      throw new ConsulHttpError(400, "Request decode failed: EOF");
    }
    if (!parsed.isObject()) {
      throw new ConsulHttpError(400, "Request decode failed: json: cannot unmarshal "
          + goType(parsed) + " into Go value of type " + goType);
    }
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> f : parsed.properties()) {
      fields.put(normalize(f.getKey()), f.getValue());
    }
    return fields;
  }

  /** Go decodes field names case-insensitively; Consul also accepts snake_case for most agent fields. */
  static String normalize(String name) {
    return name.replace("_", "").toLowerCase(java.util.Locale.ROOT);
  }

  static String goType(JsonNode node) {
    if (node.isTextual()) {
      return "string";
    }
    if (node.isNumber()) {
      return "number";
    }
    if (node.isBoolean()) {
      return "bool";
    }
    if (node.isArray()) {
      return "array";
    }
    return node.isObject() ? "object" : "null";
  }

  static String stringField(Map<String, JsonNode> body, String key, String goField) {
    JsonNode node = body.get(key);
    if (node == null || node.isNull()) {
      return "";
    }
    if (!node.isTextual()) {
      throw new ConsulHttpError(400, "Request decode failed: json: cannot unmarshal " + goType(node)
          + " into Go struct field " + goField + " of type string");
    }
    return node.asText();
  }

  static List<String> stringList(@Nullable JsonNode node, String goField) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new ConsulHttpError(400, "Request decode failed: json: cannot unmarshal " + goType(node)
          + " into Go struct field " + goField + " of type []string");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : node) {
      if (!item.isTextual()) {
        throw new ConsulHttpError(400, "Request decode failed: json: cannot unmarshal " + goType(item)
            + " into Go struct field " + goField + " of type string");
      }
      out.add(item.asText());
    }
    return out;
  }
}
