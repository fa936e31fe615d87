package dev.patroni4j.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A change to the dynamic configuration, merged by Patroni into the current one ({@code PATCH
 * /config}): nested objects merge, a removed key is sent as {@code null} and deleted.
 *
 * <pre>{@code
 * // given: PatroniClient client;
 * ConfigPatch p = ConfigPatch.builder()
 *     .set("loop_wait", 5)
 *     .postgresqlParameter("max_connections", "101")
 *     .removePostgresqlParameter("work_mem")
 *     .build();
 * client.patchConfig(p).orThrow();
 * client.patchConfig(ConfigPatch.pause());
 * }</pre>
 *
 * <p>Values may be {@link String}, {@link Number}, {@link Boolean}, {@link List} or {@link Map}.
 * Immutable and thread-safe.
 */
public final class ConfigPatch {
  private static final Object REMOVE = new Object();

  private final Map<String, Object> tree;

  private ConfigPatch(Map<String, Object> tree) {
    this.tree = tree;
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code {"pause": true}}: maintenance mode on. */
  public static ConfigPatch pause() {
    return builder().set("pause", true).build();
  }

  /** {@code {"pause": null}}: maintenance mode off (what {@code patronictl resume} sends). */
  public static ConfigPatch resume() {
    return builder().remove("pause").build();
  }

  /** The patch as a tree where removed keys map to {@code null} (for serialisation). */
  public Map<String, Object> asTree() {
    return toPlain(tree);
  }

  private static Map<String, Object> toPlain(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, v == REMOVE ? null : v instanceof Map<?, ?> sub ? toPlain(cast(sub)) : v));
    return Collections.unmodifiableMap(out);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }

  @Override
  public String toString() {
    return "ConfigPatch" + asTree();
  }

  /** Builds a {@link ConfigPatch}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, Object> tree = new LinkedHashMap<>();

    private Builder() {}

    /** Sets a top-level key. */
    public Builder set(String key, Object value) {
      return setPath(List.of(key), value);
    }

    /** Sets a nested key, e.g. {@code setPath(List.of("postgresql", "use_pg_rewind"), true)}. */
    public Builder setPath(List<String> path, Object value) {
      put(path, checkValue(value));
      return this;
    }

    /** Deletes a top-level key. */
    public Builder remove(String key) {
      return removePath(List.of(key));
    }

    /** Deletes a nested key. */
    public Builder removePath(List<String> path) {
      put(path, REMOVE);
      return this;
    }

    /** Sets {@code postgresql.parameters.<name>} (names may contain dots). */
    public Builder postgresqlParameter(String name, Object value) {
      return setPath(List.of("postgresql", "parameters", name), value);
    }

    /** Deletes {@code postgresql.parameters.<name>}, resetting it to PostgreSQL's default. */
    public Builder removePostgresqlParameter(String name) {
      return removePath(List.of("postgresql", "parameters", name));
    }

    public ConfigPatch build() {
      if (tree.isEmpty()) {
        throw new IllegalStateException("empty patch: Patroni rejects {} with 400");
      }
      return new ConfigPatch(deepCopy(tree));
    }

    private void put(List<String> path, Object value) {
      if (path.isEmpty()) {
        throw new IllegalArgumentException("empty path");
      }
      Map<String, Object> node = tree;
      for (int i = 0; i < path.size() - 1; i++) {
        String key = Objects.requireNonNull(path.get(i), "path element == null");
        Object child = node.get(key);
        if (!(child instanceof Map<?, ?>)) {
          child = new LinkedHashMap<String, Object>();
          node.put(key, child);
        }
        node = cast((Map<?, ?>) child);
      }
      node.put(Objects.requireNonNull(path.get(path.size() - 1), "path element == null"), value);
    }

    private static Object checkValue(Object value) {
      Objects.requireNonNull(value, "value == null (use remove to delete a key)");
      if (value instanceof String || value instanceof Number || value instanceof Boolean) {
        return value;
      }
      if (value instanceof List<?> list) {
        List<Object> copy = new ArrayList<>();
        list.forEach(v -> copy.add(checkValue(v)));
        return Collections.unmodifiableList(copy);
      }
      if (value instanceof Map<?, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(String.valueOf(k), checkValue(v)));
        return copy;
      }
      throw new IllegalArgumentException("unsupported config value type " + value.getClass().getName());
    }

    private static Map<String, Object> deepCopy(Map<String, Object> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(k, v instanceof Map<?, ?> sub ? deepCopy(cast(sub)) : v));
      return out;
    }
  }
}
