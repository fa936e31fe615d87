package dev.patroni4j.client.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Converts a JSON tree to plain, unmodifiable Java values; JSON nulls are dropped. */
public final class PlainJava {
  private PlainJava() {}

  public static @Nullable Object of(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties()
          .forEach(
              e -> {
                Object v = of(e.getValue());
                if (v != null) {
                  map.put(e.getKey(), v);
                }
              });
      return Collections.unmodifiableMap(map);
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      for (JsonNode element : node) {
        Object v = of(element);
        if (v != null) {
          list.add(v);
        }
      }
      return Collections.unmodifiableList(list);
    }
    if (node.isTextual()) {
      return node.asText();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    return null;
  }
}
