package dev.patroni4j.client.model;

import java.util.Locale;
import java.util.Optional;

/**
 * A PostgreSQL write-ahead log position: an unsigned 64-bit byte offset held in a {@code long}.
 *
 * <p>Patroni reports LSNs either as JSON integers (absolute byte offsets, e.g. {@code xlog.location})
 * or, from 4.1, as PostgreSQL's text form {@code "0/4000060"}. Both map to this type; values above
 * {@link Long#MAX_VALUE} are kept bit for bit and compared unsigned, never through a {@code double}.
 *
 * <pre>{@code
 * Lsn a = Lsn.parse("0/4000060");
 * Lsn b = Lsn.of(67108960L);
 * long behind = a.bytesAfter(b);         // 0
 * Optional<Lsn> bad = Lsn.tryParse("x"); // empty
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param value the unsigned byte offset
 */
public record Lsn(long value) implements Comparable<Lsn> {

  /** The zero position {@code 0/0}. */
  public static final Lsn ZERO = new Lsn(0);

  /** Returns the LSN at the given unsigned byte offset. */
  public static Lsn of(long value) {
    return new Lsn(value);
  }

  /**
   * Parses PostgreSQL's {@code "X/Y"} form (two hexadecimal numbers of up to 8 digits each).
   *
   * @throws IllegalArgumentException if {@code text} is not an LSN, naming the offending text
   */
  public static Lsn parse(String text) {
    return tryParse(text)
        .orElseThrow(
            () -> new IllegalArgumentException("not an LSN (expected \"X/Y\" in hex): \"" + text + "\""));
  }

  /** Parses PostgreSQL's {@code "X/Y"} form, or returns empty if {@code text} is not an LSN. */
  public static Optional<Lsn> tryParse(String text) {
    int slash = text.indexOf('/');
    if (slash < 1 || slash > 8 || text.length() - slash - 1 < 1 || text.length() - slash - 1 > 8) {
      return Optional.empty();
    }
    long high = parseHex(text, 0, slash);
    long low = parseHex(text, slash + 1, text.length());
    if (high < 0 || low < 0) {
      return Optional.empty();
    }
    return Optional.of(new Lsn((high << 32) | low));
  }

  private static long parseHex(String text, int from, int to) {
    long result = 0;
    for (int i = from; i < to; i++) {
      int digit = Character.digit(text.charAt(i), 16);
      if (digit < 0) {
        return -1;
      }
      result = (result << 4) | digit;
    }
    return result;
  }

  /**
   * Bytes from {@code earlier} to this position, or 0 if {@code earlier} is not behind this one.
   * This is how Patroni computes lag: it never reports a negative lag.
   */
  public long bytesAfter(Lsn earlier) {
    return Long.compareUnsigned(value, earlier.value) <= 0 ? 0 : value - earlier.value;
  }

  @Override
  public int compareTo(Lsn other) {
    return Long.compareUnsigned(value, other.value);
  }

  /** PostgreSQL's text form, e.g. {@code 0/4000060}. */
  @Override
  public String toString() {
    return Long.toHexString(value >>> 32).toUpperCase(Locale.ROOT) + "/"
        + Long.toHexString(value & 0xFFFF_FFFFL).toUpperCase(Locale.ROOT);
  }
}
