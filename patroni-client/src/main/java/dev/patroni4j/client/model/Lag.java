package dev.patroni4j.client.model;

import java.util.OptionalLong;

/**
 * Replication lag as Patroni reports it: a number of bytes, {@code "unknown"}, or absent (the
 * leader has no lag; a 3.x server has no {@code receive_lag}).
 *
 * <pre>{@code
 * // given: Member member;
 * Lag lag = member.lag();
 * if (lag.isAtMost(16L << 20)) {                  // known and at most 16 MiB
 *   // close enough to switch over to
 * }
 * long bytes = lag.knownBytes().orElse(Long.MAX_VALUE);
 * if (lag instanceof Lag.Unknown) {
 *   // Patroni reported no position for it
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface Lag permits Lag.Bytes, Lag.Unknown, Lag.Absent {

  /** A known lag of {@code bytes} (0 or more). */
  static Lag ofBytes(long bytes) {
    return new Bytes(bytes);
  }

  /** Patroni said {@code "unknown"} (the member reported no WAL position). */
  static Lag unknown() {
    return Unknown.INSTANCE;
  }

  /** Patroni sent no lag at all (the leader, or a field this version does not have). */
  static Lag absent() {
    return Absent.INSTANCE;
  }

  /** The lag in bytes, if known. */
  default OptionalLong knownBytes() {
    return this instanceof Bytes b ? OptionalLong.of(b.bytes()) : OptionalLong.empty();
  }

  /** True if the lag is known and at most {@code limitBytes}. Unknown or absent lag is never "at most". */
  default boolean isAtMost(long limitBytes) {
    return this instanceof Bytes b && b.bytes() <= limitBytes;
  }

  /**
   * A known lag.
   *
   * @param bytes bytes behind the leader, 0 or more
   */
  record Bytes(long bytes) implements Lag {
    /** @throws IllegalArgumentException if {@code bytes} is negative */
    public Bytes {
      if (bytes < 0) {
        throw new IllegalArgumentException("lag bytes < 0: " + bytes);
      }
    }

    @Override
    public String toString() {
      return bytes + " B";
    }
  }

  /** Patroni's {@code "unknown"}. */
  final class Unknown implements Lag {
    static final Unknown INSTANCE = new Unknown();

    private Unknown() {}

    @Override
    public String toString() {
      return "unknown";
    }
  }

  /** No lag reported. */
  final class Absent implements Lag {
    static final Absent INSTANCE = new Absent();

    private Absent() {}

    @Override
    public String toString() {
      return "absent";
    }
  }
}
