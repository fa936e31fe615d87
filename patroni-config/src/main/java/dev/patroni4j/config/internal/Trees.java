package dev.patroni4j.config.internal;

import dev.patroni4j.config.Secret;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Deep copies and merges of loaded trees. */
public final class Trees {
  private Trees() {}

  /** A mutable deep copy. */
  @SuppressWarnings("unchecked")
  public static <T> T copy(T value) {
    if (value instanceof Map<?, ?> m) {
      Map<Object, @Nullable Object> c = new LinkedHashMap<>();
      m.forEach((k, v) -> c.put(k, v == null ? null : copy(v)));
      return (T) c;
    }
    if (value instanceof List<?> l) {
      List<@Nullable Object> c = new ArrayList<>();
      l.forEach(v -> c.add(v == null ? null : copy(v)));
      return (T) c;
    }
    return value;
  }

  /** An unmodifiable deep copy. */
  @SuppressWarnings("unchecked")
  public static <T> T frozen(T value) {
    if (value instanceof Map<?, ?> m) {
      Map<Object, @Nullable Object> c = new LinkedHashMap<>();
      m.forEach((k, v) -> c.put(k, v == null ? null : frozen(v)));
      return (T) Collections.unmodifiableMap(c);
    }
    if (value instanceof List<?> l) {
      List<@Nullable Object> c = new ArrayList<>();
      l.forEach(v -> c.add(v == null ? null : frozen(v)));
      return (T) Collections.unmodifiableList(c);
    }
    return value;
  }

  /** Patroni's {@code patch_config}: {@code patch} into {@code config}; {@code null} deletes. */
  @SuppressWarnings("unchecked")
  public static void patch(Map<Object, @Nullable Object> config, Map<?, ?> patch) {
    for (Map.Entry<?, ?> e : patch.entrySet()) {
      Object name = e.getKey();
      Object value = e.getValue();
      if (value == null) {
        config.remove(name);
      } else if (config.containsKey(name) && value instanceof Map<?, ?> m
          && config.get(name) instanceof Map<?, ?> existing) {
        patch((Map<Object, @Nullable Object>) existing, m);
      } else {
        config.put(name, copy(value));
      }
    }
  }

  /** The tree with secrets as plain strings, for writing. */
  @SuppressWarnings("unchecked")
  public static @Nullable Object revealed(@Nullable Object value) {
    if (value instanceof Map<?, ?> m) {
      Map<Object, @Nullable Object> c = new LinkedHashMap<>();
      m.forEach((k, v) -> c.put(k, revealed(v)));
      return c;
    }
    if (value instanceof List<?> l) {
      List<@Nullable Object> c = new ArrayList<>();
      l.forEach(v -> c.add(revealed(v)));
      return c;
    }
    return value instanceof Secret s ? s.reveal() : value;
  }
}
