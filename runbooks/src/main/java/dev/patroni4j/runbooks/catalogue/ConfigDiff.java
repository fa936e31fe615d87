package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.model.DynamicConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Compares a JSON-merge-patch-shaped change (nested maps; {@code null} removes a key) with Patroni's dynamic
 * configuration. Scalars compare by their text, case-insensitively, because Patroni keeps whatever was sent
 * ({@code 100} and {@code "100"}, {@code on} and {@code "on"}).
 */
final class ConfigDiff {
  private ConfigDiff() {}

  static List<String> differences(DynamicConfig config, Map<String, Object> patch) {
    List<String> out = new ArrayList<>();
    collect(config.values(), patch, "", out);
    return out;
  }

  static List<String> paths(Map<String, Object> patch) {
    List<String> out = new ArrayList<>();
    walk(patch, "", out);
    return out;
  }

  private static void walk(Map<?, ?> patch, String prefix, List<String> out) {
    patch.forEach((k, v) -> {
      if (v instanceof Map<?, ?> m) {
        walk(m, prefix + k + ".", out);
      } else {
        out.add(prefix + k);
      }
    });
  }

  private static void collect(@Nullable Object current, Map<?, ?> patch, String prefix, List<String> out) {
    Map<?, ?> cur = current instanceof Map<?, ?> m ? m : Map.of();
    for (Map.Entry<?, ?> e : patch.entrySet()) {
      String path = prefix + e.getKey();
      Object have = cur.get(e.getKey());
      Object want = e.getValue();
      if (want instanceof Map<?, ?> nested) {
        collect(have, nested, path + ".", out);
      } else if (want == null ? have != null : !sameScalar(have, want)) {
        out.add(path);
      }
    }
  }

  static boolean sameScalar(@Nullable Object a, Object b) {
    return a != null && Objects.equals(String.valueOf(a).toLowerCase(Locale.ROOT),
        String.valueOf(b).toLowerCase(Locale.ROOT));
  }

  /** The {@code postgresql.parameters} part of a patch. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> parameters(Map<String, Object> patch) {
    Object pg = patch.get("postgresql");
    if (pg instanceof Map<?, ?> m && m.get("parameters") instanceof Map<?, ?> p) {
      return (Map<String, Object>) p;
    }
    return Map.of();
  }
}
