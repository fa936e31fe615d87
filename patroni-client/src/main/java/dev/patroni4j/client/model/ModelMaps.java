package dev.patroni4j.client.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Defensive copies that keep insertion order (Map.copyOf does not). */
final class ModelMaps {
  private ModelMaps() {}

  static <V> Map<String, V> copyOrdered(Map<String, V> source) {
    if (source.isEmpty()) {
      return Map.of();
    }
    LinkedHashMap<String, V> copy = new LinkedHashMap<>(source.size() * 2);
    source.forEach(
        (k, v) -> {
          if (k == null || v == null) {
            throw new NullPointerException("null key or value in map");
          }
          copy.put(k, v);
        });
    return Collections.unmodifiableMap(copy);
  }
}
