package dev.patroni4j.walg.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.patroni4j.walg.JsonValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Converts between Jackson's trees and {@link JsonValue}, which keeps Jackson out of public signatures. */
public final class JsonValues {
  /** Nesting deeper than this is refused when parsing, so conversion never recurses further. */
  static final int MAX_DEPTH = 64;

  private static final ObjectMapper STRICT = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();

  private JsonValues() {}

  /** One JSON document as a {@link JsonValue}; {@link IllegalArgumentException} saying where it is malformed. */
  public static JsonValue parse(String json) {
    JsonNode n;
    try (JsonParser p = STRICT.createParser(json)) {
      n = STRICT.readTree(p);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new IllegalArgumentException("not JSON" + (at == null ? "" : " at line " + at.getLineNr() + ", column "
          + at.getColumnNr()) + ": " + firstLine(e.getOriginalMessage()), e);
    } catch (IOException | IllegalArgumentException e) {
      // Jackson reports a number it cannot represent (an exponent beyond int) as NumberFormatException
      throw new IllegalArgumentException("not JSON: " + firstLine(e.getMessage()), e);
    }
    if (n == null || n.isMissingNode()) {
      throw new IllegalArgumentException("not JSON: the text is empty");
    }
    return of(n);
  }

  private static String firstLine(@Nullable String s) {
    String m = String.valueOf(s);
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /**
   * A Jackson tree (already bounded in depth by its parser) as a {@link JsonValue}.
   *
   * @throws IllegalArgumentException for a number a double could not hold (Jackson read 1e400 as infinity)
   */
  public static JsonValue of(JsonNode n) {
    switch (n.getNodeType()) {
      case OBJECT -> {
        Map<String, JsonValue> members = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
          members.put(e.getKey(), of(e.getValue()));
        }
        return new JsonValue.JsonObject(members);
      }
      case ARRAY -> {
        List<JsonValue> elements = new ArrayList<>(n.size());
        for (JsonNode e : n) {
          elements.add(of(e));
        }
        return new JsonValue.JsonArray(elements);
      }
      case STRING -> {
        return new JsonValue.JsonString(n.asText());
      }
      case NUMBER -> {
        if ((n.isDouble() || n.isFloat()) && !Double.isFinite(n.doubleValue())) {
          throw new IllegalArgumentException("number out of range: " + n.asText());
        }
        return new JsonValue.JsonNumber(n.decimalValue());
      }
      case BOOLEAN -> {
        return JsonValue.JsonBoolean.of(n.booleanValue());
      }
      default -> {
        return JsonValue.JsonNull.INSTANCE;
      }
    }
  }
}
