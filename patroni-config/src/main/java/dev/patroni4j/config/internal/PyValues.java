package dev.patroni4j.config.internal;

import dev.patroni4j.config.Secret;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Python's view of the values {@link PyYaml} loads: {@code isinstance}, {@code str()}, Patroni's parsers. */
public final class PyValues {
  /** Stands for a {@code null} (Python {@code None}) mapping key. */
  public static final Object NONE_KEY = new Object() {
    @Override
    public String toString() {
      return "None";
    }
  };

  private static final Pattern OCT = Pattern.compile("^[-+]?0[0-7]*");
  private static final Pattern DEC = Pattern.compile("^[-+]?(0|[1-9][0-9]*)");
  private static final Pattern HEX = Pattern.compile("^[-+]?0x[0-9a-fA-F]+");
  private static final Pattern DBL = Pattern.compile("^[-+]?[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?");
  private static final Pattern PY_INT = Pattern.compile("^[-+]?[0-9](_?[0-9])*$");
  private static final List<String> MEMORY_UNITS = List.of("TB", "GB", "MB", "kB", "B");
  private static final List<String> TIME_UNITS = List.of("d", "h", "min", "s", "ms", "us");

  private PyValues() {}

  public static boolean isStr(@Nullable Object v) {
    return v instanceof String || v instanceof Secret;
  }

  /** {@code isinstance(v, int)}: a bool is an int in Python. */
  public static boolean isInt(@Nullable Object v) {
    return v instanceof Long || v instanceof BigInteger || v instanceof Boolean;
  }

  public static boolean isBool(@Nullable Object v) {
    return v instanceof Boolean;
  }

  public static boolean isFloat(@Nullable Object v) {
    return v instanceof Double;
  }

  public static boolean isDict(@Nullable Object v) {
    return v instanceof Map;
  }

  public static boolean isList(@Nullable Object v) {
    return v instanceof List;
  }

  /** Python truthiness. */
  public static boolean truthy(@Nullable Object v) {
    if (v == null) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Long l) {
      return l != 0;
    }
    if (v instanceof BigInteger b) {
      return b.signum() != 0;
    }
    if (v instanceof Double d) {
      return d != 0.0;
    }
    if (v instanceof String s) {
      return !s.isEmpty();
    }
    if (v instanceof Secret s) {
      return !s.reveal().isEmpty();
    }
    if (v instanceof List<?> l) {
      return !l.isEmpty();
    }
    if (v instanceof Map<?, ?> m) {
      return !m.isEmpty();
    }
    return true;
  }

  /** Python's {@code str(v)}; secrets revealed, so never put the result in a message. */
  public static String str(@Nullable Object v) {
    if (v == null) {
      return "None";
    }
    if (v instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (v instanceof Secret s) {
      return s.reveal();
    }
    if (v instanceof Double d) {
      return floatRepr(d);
    }
    return String.valueOf(v);
  }

  /** A value as a message may show it: secrets redacted, long values cut. */
  public static String display(@Nullable Object v) {
    if (v instanceof Secret) {
      return Secret.REDACTED;
    }
    if (v instanceof Map<?, ?> m) {
      StringBuilder b = new StringBuilder("{");
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (b.length() > 1) {
          b.append(", ");
        }
        b.append(e.getKey()).append(": ").append(PyYaml.SECRET_KEYS.contains(String.valueOf(e.getKey()))
            ? Secret.REDACTED : display(e.getValue()));
      }
      return cut(b.append('}').toString());
    }
    return cut(str(v));
  }

  private static String cut(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  static String floatRepr(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    BigDecimal exact = new BigDecimal(Double.toString(d));
    double abs = Math.abs(d);
    if (abs != 0 && (abs < 1e-4 || abs >= 1e16)) {
      String digits = exact.unscaledValue().abs().toString().replaceAll("0+$", "");
      int exponent = exact.precision() - exact.scale() - 1;
      String mantissa = digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
      return (d < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
          + String.format("%02d", Math.abs(exponent));
    }
    String plain = exact.stripTrailingZeros().toPlainString();
    return plain.contains(".") ? plain : plain + ".0";
  }

  /** Python's {@code int(s)} for a string, or empty when it would raise. */
  public static Optional<BigInteger> pyInt(String s) {
    String t = s.strip();
    if (!PY_INT.matcher(t).matches()) {
      return Optional.empty();
    }
    return Optional.of(new BigInteger(t.replace("_", "")));
  }

  /** Patroni's {@code parse_bool}. */
  public static Optional<Boolean> parseBool(@Nullable Object value) {
    String v = str(value).toLowerCase(java.util.Locale.ROOT);
    if (List.of("on", "true", "yes", "1").contains(v)) {
      return Optional.of(true);
    }
    if (List.of("off", "false", "no", "0").contains(v)) {
      return Optional.of(false);
    }
    return Optional.empty();
  }

  /** Patroni's {@code parse_int(value, base_unit)} (4.x): integers with an optional unit. */
  public static Optional<BigInteger> parseInt(@Nullable Object value, @Nullable String baseUnit) {
    String s = str(value).strip();
    BigDecimal val = null;
    String unit = s;
    for (Pattern p : List.of(HEX, OCT, DEC)) {
      Matcher m = p.matcher(s);
      if (m.find()) {
        String number = s.substring(0, m.end());
        int radix = p == HEX ? 16 : p == OCT ? 8 : 10;
        String digits = number.replaceFirst("^([-+]?)0x", "$1");
        val = new BigDecimal(new BigInteger(digits, radix));
        unit = s.substring(m.end());
        break;
      }
    }
    if ((val == null && unit.startsWith(".")) || (!unit.isEmpty() && ".eE".indexOf(unit.charAt(0)) >= 0)) {
      Matcher m = DBL.matcher(s);
      if (m.find()) {
        val = new BigDecimal(Double.parseDouble(s.substring(0, m.end())));
        unit = s.substring(m.end());
      } else {
        val = null;
        unit = s;
      }
    }
    if (val == null) {
      return Optional.empty();
    }
    unit = unit.strip();
    if (unit.isEmpty()) {
      return Optional.of(val.setScale(0, RoundingMode.HALF_EVEN).toBigInteger());
    }
    return convertToBaseUnit(val.doubleValue(), unit, baseUnit)
        .map(d -> new BigDecimal(d).setScale(0, RoundingMode.HALF_EVEN).toBigInteger());
  }

  private static Optional<Double> convertToBaseUnit(double value, String unit, @Nullable String baseUnit) {
    if (baseUnit == null) {
      return Optional.empty();
    }
    List<String> table = List.of("B", "kB", "MB").contains(baseUnit) ? MEMORY_UNITS
        : List.of("ms", "s", "min").contains(baseUnit) ? TIME_UNITS : List.of();
    int i = table.indexOf(unit);
    if (i < 0) {
      return Optional.empty();
    }
    double v = value * factor(unit, baseUnit);
    if (i + 1 < table.size()) {
      double multiplier = factor(table.get(i + 1), baseUnit);
      v = Math.rint(v / multiplier) * multiplier;
    }
    return Optional.of(v);
  }

  /** How many {@code base} one {@code unit} is. */
  private static double factor(String unit, String base) {
    return inSmallest(unit) / inSmallest(base);
  }

  private static double inSmallest(String unit) {
    switch (unit) {
      case "TB": return Math.pow(1024, 4);
      case "GB": return Math.pow(1024, 3);
      case "MB": return Math.pow(1024, 2);
      case "kB": return 1024;
      case "B": return 1;
      case "d": return 86_400_000_000.0;
      case "h": return 3_600_000_000.0;
      case "min": return 60_000_000.0;
      case "s": return 1_000_000.0;
      case "ms": return 1_000.0;
      case "us": return 1.0;
      default: throw new IllegalArgumentException(unit);
    }
  }
}
