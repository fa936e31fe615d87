package dev.patroni4j.walg;

import dev.patroni4j.walg.internal.JsonValues;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A JSON document as this library's own immutable value: WAL-G's free-form {@code UserData} and
 * the fields of a sentinel this library does not model. Objects keep their member order; numbers
 * keep every digit ({@link BigDecimal}); {@link #toJson()} writes compact JSON that {@link
 * #parse(String)} reads back equal. Immutable and thread-safe.
 *
 * <pre>{@code
 * JsonValue userData = JsonValue.parse("{\"backup_id\": \"nightly-42\", \"retain\": true}");
 * String id = userData.find("backup_id").flatMap(JsonValue::asString).orElse("(none)");
 * }</pre>
 *
 * <p>{@link dev.patroni4j.walg.cli.BackupPushOptions#withUserData} takes one; {@link
 * BackupSentinel#userData()} and {@link BackupMetadata#userData()} give it back.
 */
public sealed interface JsonValue
    permits JsonValue.JsonObject, JsonValue.JsonArray, JsonValue.JsonString, JsonValue.JsonNumber,
        JsonValue.JsonBoolean, JsonValue.JsonNull {

  /**
   * Parses one JSON document (nesting at most 64 deep, nothing after it).
   *
   * @throws IllegalArgumentException if {@code json} is not one well-formed JSON document; the
   *     message says where
   */
  static JsonValue parse(String json) {
    return JsonValues.parse(json);
  }

  /**
   * Converts plain Java values: {@link Map} with string keys (order kept), {@link List}, {@link
   * String}, {@link Number}, {@link Boolean}, {@code null}, or a {@code JsonValue}.
   *
   * @throws IllegalArgumentException for any other type, a non-string key or a non-finite number
   */
  static JsonValue of(@Nullable Object plain) {
    if (plain == null) {
      return JsonNull.INSTANCE;
    }
    if (plain instanceof JsonValue v) {
      return v;
    }
    if (plain instanceof String s) {
      return new JsonString(s);
    }
    if (plain instanceof Boolean b) {
      return JsonBoolean.of(b);
    }
    if (plain instanceof Number n) {
      return JsonNumber.of(n);
    }
    if (plain instanceof Map<?, ?> m) {
      Map<String, JsonValue> members = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new IllegalArgumentException("JSON object keys must be strings, got " + e.getKey());
        }
        members.put(key, of(e.getValue()));
      }
      return new JsonObject(members);
    }
    if (plain instanceof List<?> l) {
      List<JsonValue> elements = new ArrayList<>();
      for (Object o : l) {
        elements.add(of(o));
      }
      return new JsonArray(elements);
    }
    throw new IllegalArgumentException("not a JSON value: " + plain.getClass().getName());
  }

  /** This value as compact JSON text. */
  String toJson();

  /** The member {@code name} of an object; empty if this is not an object or has no such member. */
  default Optional<JsonValue> find(String name) {
    return Optional.empty();
  }

  /** The string, if this is a JSON string. */
  default Optional<String> asString() {
    return Optional.empty();
  }

  /** A JSON object; members in document order, names unique. */
  record JsonObject(Map<String, JsonValue> members) implements JsonValue {
    /** Copies {@code members}, keeping their order. */
    public JsonObject {
      members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }

    @Override
    public Optional<JsonValue> find(String name) {
      return Optional.ofNullable(members.get(name));
    }

    @Override
    public String toJson() {
      StringBuilder sb = new StringBuilder("{");
      for (Map.Entry<String, JsonValue> e : members.entrySet()) {
        if (sb.length() > 1) {
          sb.append(',');
        }
        sb.append(JsonString.quote(e.getKey())).append(':').append(e.getValue().toJson());
      }
      return sb.append('}').toString();
    }

    @Override
    public String toString() {
      return toJson();
    }
  }

  /** A JSON array. */
  record JsonArray(List<JsonValue> elements) implements JsonValue {
    /** Copies {@code elements}. */
    public JsonArray {
      elements = List.copyOf(elements);
    }

    @Override
    public String toJson() {
      StringBuilder sb = new StringBuilder("[");
      for (JsonValue e : elements) {
        if (sb.length() > 1) {
          sb.append(',');
        }
        sb.append(e.toJson());
      }
      return sb.append(']').toString();
    }

    @Override
    public String toString() {
      return toJson();
    }
  }

  /** A JSON string. */
  record JsonString(String value) implements JsonValue {
    @Override
    public Optional<String> asString() {
      return Optional.of(value);
    }

    @Override
    public String toJson() {
      return quote(value);
    }

    @Override
    public String toString() {
      return toJson();
    }

    static String quote(String s) {
      StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> sb.append("\\\"");
          case '\\' -> sb.append("\\\\");
          case '\n' -> sb.append("\\n");
          case '\r' -> sb.append("\\r");
          case '\t' -> sb.append("\\t");
          default -> {
            if (c < 0x20) {
              sb.append(String.format("\\u%04x", (int) c));
            } else {
              sb.append(c);
            }
          }
        }
      }
      return sb.append('"').toString();
    }
  }

  /** A JSON number, every digit kept. */
  record JsonNumber(BigDecimal value) implements JsonValue {
    /** {@code n} as a JSON number; {@link Double}/{@link Float} must be finite. */
    public static JsonNumber of(Number n) {
      if (n instanceof BigDecimal d) {
        return new JsonNumber(d);
      }
      if (n instanceof Double || n instanceof Float) {
        double d = n.doubleValue();
        if (!Double.isFinite(d)) {
          throw new IllegalArgumentException("JSON has no " + d);
        }
        return new JsonNumber(BigDecimal.valueOf(d));
      }
      return new JsonNumber(new BigDecimal(n.toString()));
    }

    @Override
    public String toJson() {
      return value.toString();
    }

    @Override
    public String toString() {
      return toJson();
    }
  }

  /** {@code true} or {@code false}. */
  enum JsonBoolean implements JsonValue {
    /** {@code true}. */
    TRUE,
    /** {@code false}. */
    FALSE;

    /** The constant for {@code b}. */
    public static JsonBoolean of(boolean b) {
      return b ? TRUE : FALSE;
    }

    @Override
    public String toJson() {
      return this == TRUE ? "true" : "false";
    }

    @Override
    public String toString() {
      return toJson();
    }
  }

  /** JSON {@code null}. */
  enum JsonNull implements JsonValue {
    /** The one JSON {@code null}. */
    INSTANCE;

    @Override
    public String toJson() {
      return "null";
    }

    @Override
    public String toString() {
      return toJson();
    }
  }
}
