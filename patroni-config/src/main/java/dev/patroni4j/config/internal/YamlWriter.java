package dev.patroni4j.config.internal;

import dev.patroni4j.config.Secret;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Writes trees as block YAML that PyYAML reads back to the same values: a string that PyYAML would
 * read as something else ({@code on}, {@code 0755}, {@code 1:30}, {@code ~}, {@code 2024-01-01}) is
 * quoted, and so is anything with YAML syntax in it.
 */
public final class YamlWriter {
  private static final PyYamlResolver RESOLVER = new PyYamlResolver();
  private static final Pattern PLAIN_SAFE = Pattern.compile("[A-Za-z0-9_/.$^()+-][A-Za-z0-9_/.$%^()+=: @*-]*");

  private YamlWriter() {}

  /** The tree as a YAML document ending with a newline. */
  public static String write(@Nullable Object tree) {
    StringBuilder out = new StringBuilder();
    if (tree instanceof Map<?, ?> m && !m.isEmpty()) {
      mapping(m, 0, out);
    } else if (tree instanceof List<?> l && !l.isEmpty()) {
      sequence(l, 0, out);
    } else {
      out.append(scalar(tree)).append('\n');
    }
    return out.toString();
  }

  static void mapping(Map<?, ?> map, int indent, StringBuilder out) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      out.append(" ".repeat(indent)).append(key(e.getKey())).append(':');
      value(e.getValue(), indent, out);
    }
  }

  static void sequence(List<?> list, int indent, StringBuilder out) {
    for (Object item : list) {
      out.append(" ".repeat(indent)).append('-');
      if (item instanceof Map<?, ?> m && !m.isEmpty()) {
        // "- key: value" with the rest of the mapping aligned under the first key
        StringBuilder nested = new StringBuilder();
        mapping(m, indent + 2, nested);
        out.append(' ').append(nested.substring(indent + 2));
      } else if (item instanceof List<?> l && !l.isEmpty()) {
        out.append('\n');
        sequence(l, indent + 2, out);
      } else {
        out.append(' ').append(scalar(item)).append('\n');
      }
    }
  }

  private static void value(@Nullable Object v, int indent, StringBuilder out) {
    if (v instanceof Map<?, ?> m && !m.isEmpty()) {
      out.append('\n');
      mapping(m, indent + 2, out);
    } else if (v instanceof List<?> l && !l.isEmpty()) {
      out.append('\n');
      sequence(l, indent, out);
    } else {
      out.append(' ').append(scalar(v)).append('\n');
    }
  }

  /** A key as YAML; {@link PyValues#NONE_KEY} is {@code ~}. */
  public static String key(@Nullable Object key) {
    if (key == PyValues.NONE_KEY) {
      return "~";
    }
    return scalar(key);
  }

  /** One value as a flow scalar (or {@code {}} / {@code []} / a flow collection). */
  public static String scalar(@Nullable Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Boolean b) {
      return b ? "true" : "false";
    }
    if (v instanceof Long || v instanceof Integer || v instanceof BigInteger || v instanceof Short
        || v instanceof Byte) {
      return v.toString();
    }
    if (v instanceof Number n && !(v instanceof Double)) {
      return scalar(n.doubleValue()); // Float, BigDecimal: YAML has one float type
    }
    if (v instanceof Double d) {
      if (d.isNaN()) {
        return ".nan";
      }
      if (d.isInfinite()) {
        return d > 0 ? ".inf" : "-.inf";
      }
      String r = PyValues.floatRepr(d);
      if (r.contains("e")) { // PyYAML needs a dot and a signed exponent
        String[] parts = r.split("e", -1);
        return (parts[0].contains(".") ? parts[0] : parts[0] + ".0") + "e" + parts[1];
      }
      return r;
    }
    if (v instanceof Secret s) {
      return string(s.reveal());
    }
    if (v instanceof String s) {
      return string(s);
    }
    if (v instanceof Map<?, ?> m) {
      StringBuilder b = new StringBuilder("{");
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (b.length() > 1) {
          b.append(", ");
        }
        b.append(key(e.getKey())).append(": ").append(scalar(e.getValue()));
      }
      return b.append('}').toString();
    }
    if (v instanceof List<?> l) {
      StringBuilder b = new StringBuilder("[");
      for (Object item : l) {
        if (b.length() > 1) {
          b.append(", ");
        }
        b.append(scalar(item));
      }
      return b.append(']').toString();
    }
    return string(String.valueOf(v));
  }

  /** A string that PyYAML reads back as exactly this string. */
  public static String string(String s) {
    boolean plainOk = PLAIN_SAFE.matcher(s).matches() && !s.endsWith(" ") && !s.endsWith(":")
        && !s.contains(": ") && !s.contains(" #") && !s.startsWith("-") && !s.startsWith("=")
        && RESOLVER.plainTag(s).equals(Tag.STR);
    if (plainOk) {
      return s;
    }
    boolean printable = s.chars().allMatch(c -> c >= 0x20 && c != 0x7f && c != 0x85 && c != 0x2028 && c != 0x2029);
    if (printable) {
      return "'" + s.replace("'", "''") + "'";
    }
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': b.append("\\\""); break;
        case '\\': b.append("\\\\"); break;
        case '\n': b.append("\\n"); break;
        case '\t': b.append("\\t"); break;
        case '\r': b.append("\\r"); break;
        default:
          if (c < 0x20 || c == 0x7f || c == 0x85 || c == 0x2028 || c == 0x2029) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
      }
    }
    return b.append('"').toString();
  }
}
