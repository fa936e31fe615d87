package dev.patroni4j.client.internal.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.patroni4j.client.PatroniParseException;

/** Reads outside JSON text into a tree with limits, turning every failure into a parse exception. */
public final class JsonSource {
  // Limits well above anything Patroni sends, low enough that hostile input cannot exhaust memory.
  private static final ObjectMapper MAPPER =
      new ObjectMapper(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(64)
                          .maxNumberLength(64)
                          .maxStringLength(1 << 20)
                          .build())
                  .build())
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private JsonSource() {}

  /** The shared mapper (thread-safe once configured). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Parses {@code text}; a syntax error or truncation becomes a {@link PatroniParseException} at {@code $}. */
  public static JsonNode read(String text, String what) {
    if (text.isBlank()) {
      throw new PatroniParseException(what + ": empty document", "$", null);
    }
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw new PatroniParseException(what + ": empty document", "$", null);
      }
      return node;
    } catch (NumberFormatException | ArithmeticException e) {
      // Jackson reports some number limits (e.g. a 1e2045990477259663 exponent) this way.
      throw new PatroniParseException(what + ": unreadable number (" + e.getMessage() + ")", "$", e);
    } catch (JsonProcessingException e) {
      String detail = e.getOriginalMessage();
      if (detail != null && detail.length() > 200) {
        detail = detail.substring(0, 200) + "...";
      }
      throw new PatroniParseException(
          what + ": not valid JSON (" + detail + ") at line " + lineOf(e) + ", column " + columnOf(e),
          "$",
          e);
    }
  }

  /** JSON text of a node, for unknown fields. */
  public static String text(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a parsed tree", e);
    }
  }

  private static int lineOf(JsonProcessingException e) {
    return e.getLocation() == null ? 0 : e.getLocation().getLineNr();
  }

  private static int columnOf(JsonProcessingException e) {
    return e.getLocation() == null ? 0 : e.getLocation().getColumnNr();
  }
}
