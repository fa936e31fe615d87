package dev.patroni4j.walg;

import java.util.Locale;

/**
 * LSN text form helpers. WAL-G writes LSNs as unsigned 64-bit decimals in JSON and as PostgreSQL's
 * {@code %X/%X} in text; a {@code long} here always holds the unsigned value.
 *
 * <pre>{@code Lsns.format(3325915299880L) // "306/60000028"}</pre>
 */
public final class Lsns {
  private Lsns() {}

  /** {@code %X/%X} of the high and low 32 bits. */
  public static String format(long lsn) {
    return String.format(Locale.ROOT, "%X/%X", lsn >>> 32, lsn & 0xFFFF_FFFFL);
  }

  /** Parses {@code %X/%X}; throws {@link IllegalArgumentException} naming the text otherwise. */
  public static long parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 1 || slash == text.length() - 1 || slash > 8 || text.length() - slash - 1 > 8) {
      throw new IllegalArgumentException("not an LSN (expected X/X): '" + text + "'");
    }
    try {
      long hi = Long.parseLong(text.substring(0, slash), 16);
      long lo = Long.parseLong(text.substring(slash + 1), 16);
      return (hi << 32) | lo;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an LSN (expected X/X): '" + text + "'", e);
    }
  }
}
