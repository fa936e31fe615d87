package dev.patroni4j.client.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patroni4j.client.PatroniParseException;
import dev.patroni4j.client.model.Lag;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Tags;
import dev.patroni4j.client.model.Timeline;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A JSON object read field by field with its JSON path, so that every type error names the exact
 * place, and every field not read ends up in {@link #unknownFields()}.
 */
public final class JsonObject {
  private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

  private final JsonNode node;
  private final String path;
  private final Set<String> read = new HashSet<>();

  private JsonObject(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  /** Wraps {@code node}, which must be a JSON object. */
  public static JsonObject of(JsonNode node, String path, String what) {
    if (!node.isObject()) {
      throw new PatroniParseException(what + ": expected a JSON object at " + path + " but found " + describe(node), path, null);
    }
    return new JsonObject(node, path);
  }

  public String path() {
    return path;
  }

  public String pathOf(String field) {
    return path + segment(field);
  }

  /**
   * A path segment for a field name that came from outside: plain names as {@code .name}, anything
   * else bracketed with control and quote characters escaped and long names cut, so that a hostile
   * key cannot put line breaks or megabytes into an exception message or a log line.
   */
  static String segment(String field) {
    if (!field.isEmpty() && field.length() <= 64 && field.chars().allMatch(c -> c == '_' || c == '-'
        || (c < 128 && Character.isLetterOrDigit(c)))) {
      return "." + field;
    }
    StringBuilder sb = new StringBuilder("['");
    int limit = Math.min(field.length(), 64);
    for (int i = 0; i < limit; i++) {
      char c = field.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\'' || c == '\\' || Character.isISOControl(c) || Character.isSurrogate(c)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (field.length() > limit) {
      sb.append("...");
    }
    return sb.append("']").toString();
  }

  /** The field's node, or null if absent or JSON null; marks it read. */
  public @Nullable JsonNode get(String field) {
    read.add(field);
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v;
  }

  public boolean has(String field) {
    JsonNode v = node.get(field);
    return v != null && !v.isNull();
  }

  public String requiredString(String field) {
    String s = string(field);
    if (s == null) {
      throw error(field, "required field is missing");
    }
    return s;
  }

  /** A string; other scalars are taken as their text (Patroni is not strict about types either). */
  public @Nullable String string(String field) {
    JsonNode v = get(field);
    if (v == null) {
      return null;
    }
    if (!v.isValueNode()) {
      throw error(field, "expected a string but found " + describe(v));
    }
    return v.asText();
  }

  public @Nullable Long longValue(String field) {
    JsonNode v = get(field);
    if (v == null) {
      return null;
    }
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v.longValue();
    }
    if (v.isTextual()) {
      try {
        return Long.parseLong(v.asText().trim());
      } catch (NumberFormatException e) {
        // fall through to the error
      }
    }
    throw error(field, "expected an integer but found " + describe(v));
  }

  public @Nullable Integer intValue(String field) {
    Long v = longValue(field);
    if (v == null) {
      return null;
    }
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw error(field, "integer out of range: " + v);
    }
    return v.intValue();
  }

  public @Nullable Timeline timeline(String field) {
    Long v = longValue(field);
    if (v == null) {
      return null;
    }
    if (v < 1 || v > Timeline.MAX_ID) {
      throw error(field, "timeline out of range: " + v);
    }
    return Timeline.of(v);
  }

  /** An LSN given as an absolute byte offset (0 .. 2^64-1) or as {@code "X/Y"}; {@code "unknown"} is null. */
  public @Nullable Lsn lsn(String field) {
    JsonNode v = get(field);
    if (v == null) {
      return null;
    }
    if (v.isIntegralNumber()) {
      BigInteger b = v.bigIntegerValue();
      if (b.signum() < 0 || b.compareTo(TWO_TO_64) >= 0) {
        throw error(field, "LSN out of range 0..2^64-1: " + b);
      }
      return Lsn.of(b.longValue());
    }
    if (v.isTextual()) {
      String t = v.asText().trim();
      if (t.equalsIgnoreCase("unknown") || t.isEmpty()) {
        return null;
      }
      return Lsn.tryParse(t).orElseThrow(() -> error(field, "not an LSN: \"" + abbreviate(t) + "\""));
    }
    throw error(field, "expected an LSN but found " + describe(v));
  }

  /** Lag: a byte count, {@code "unknown"}, or absent. A negative number is reported as unknown. */
  public Lag lag(String field) {
    JsonNode v = get(field);
    if (v == null) {
      return Lag.absent();
    }
    if (v.isIntegralNumber()) {
      if (!v.canConvertToLong()) {
        return v.bigIntegerValue().signum() < 0 ? Lag.unknown() : Lag.ofBytes(Long.MAX_VALUE);
      }
      long bytes = v.longValue();
      // Patroni clamps lag at 0; a negative value means the sender computed it from stale data.
      return bytes < 0 ? Lag.unknown() : Lag.ofBytes(bytes);
    }
    if (v.isTextual()) {
      String t = v.asText().trim();
      if (t.equalsIgnoreCase("unknown")) {
        return Lag.unknown();
      }
      try {
        long bytes = Long.parseLong(t);
        return bytes < 0 ? Lag.unknown() : Lag.ofBytes(bytes);
      } catch (NumberFormatException e) {
        throw error(field, "expected a lag in bytes or \"unknown\" but found \"" + abbreviate(t) + "\"");
      }
    }
    throw error(field, "expected a lag in bytes or \"unknown\" but found " + describe(v));
  }

  /** A flag Patroni sends only when true: absent or null is false; accepts Python's truthy spellings. */
  public boolean flag(String field) {
    Boolean b = optionalBoolean(field);
    return b != null && b;
  }

  public @Nullable Boolean optionalBoolean(String field) {
    JsonNode v = get(field);
    if (v == null) {
      return null;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isIntegralNumber()) {
      return v.bigIntegerValue().signum() != 0;
    }
    if (v.isTextual()) {
      switch (v.asText().trim().toLowerCase(Locale.ROOT)) {
        case "true", "yes", "on", "1":
          return true;
        case "false", "no", "off", "0", "":
          return false;
        default:
          break;
      }
    }
    throw error(field, "expected a boolean but found " + describe(v));
  }

  public @Nullable OffsetDateTime dateTime(String field) {
    String s = string(field);
    if (s == null) {
      return null;
    }
    return PatroniTime.parse(s).orElseThrow(() -> error(field, "not a timestamp: \"" + abbreviate(s) + "\""));
  }

  /** Epoch seconds (int or float). */
  public @Nullable Instant epochSeconds(String field) {
    JsonNode v = get(field);
    if (v == null) {
      return null;
    }
    if (v.isNumber()) {
      double d = v.doubleValue();
      if (Double.isFinite(d) && Math.abs(d) < 1e13) {
        long secs = (long) Math.floor(d);
        return Instant.ofEpochSecond(secs, (long) ((d - secs) * 1e9));
      }
    }
    throw error(field, "expected epoch seconds but found " + describe(v));
  }

  public Tags tags(String field) {
    JsonNode v = get(field);
    if (v == null) {
      return Tags.empty();
    }
    if (!v.isObject()) {
      throw error(field, "expected an object of tags but found " + describe(v));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> values = (Map<String, Object>) Objects.requireNonNull(PlainJava.of(v)); // an object
    return Tags.of(values);
  }

  public @Nullable JsonObject object(String field) {
    JsonNode v = get(field);
    return v == null ? null : of(v, pathOf(field), "field");
  }

  /** Elements of an array field; absent gives an empty list. */
  public List<JsonNode> array(String field) {
    JsonNode v = get(field);
    if (v == null) {
      return List.of();
    }
    if (!v.isArray()) {
      throw error(field, "expected an array but found " + describe(v));
    }
    List<JsonNode> out = new ArrayList<>(v.size());
    v.forEach(out::add);
    return out;
  }

  /** Every field not read so far, as name to JSON text, in document order. */
  public Map<String, String> unknownFields() {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!read.contains(e.getKey())) {
        out.put(e.getKey(), JsonSource.text(e.getValue()));
      }
    }
    return out;
  }

  /** Field names of this object, in document order (does not mark them read). */
  public List<String> fieldNames() {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  public PatroniParseException error(String field, String problem) {
    return new PatroniParseException(problem + " at " + pathOf(field), pathOf(field), null);
  }

  static String describe(JsonNode v) {
    if (v.isObject()) {
      return "an object";
    }
    if (v.isArray()) {
      return "an array";
    }
    if (v.isTextual()) {
      return "the string \"" + abbreviate(v.asText()) + "\"";
    }
    if (v.isBoolean()) {
      return "the boolean " + v.asText();
    }
    if (v.isNumber()) {
      return "the number " + abbreviate(v.asText());
    }
    return v.getNodeType().toString().toLowerCase(Locale.ROOT);
  }

  static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "...";
  }
}
