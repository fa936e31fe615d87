package dev.patroni4j.client.model;

/**
 * A PostgreSQL timeline ID (an unsigned 32-bit number, starting at 1; each promotion adds one).
 *
 * <pre>{@code
 * Timeline t = Timeline.of(2);
 * boolean newer = t.isAfter(Timeline.of(1)); // true
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the timeline ID, 1 to 4294967295
 */
public record Timeline(long id) implements Comparable<Timeline> {

  /** The largest timeline ID PostgreSQL can hold. */
  public static final long MAX_ID = 0xFFFF_FFFFL;

  /** @throws IllegalArgumentException if {@code id} is outside 1..4294967295 */
  public Timeline {
    if (id < 1 || id > MAX_ID) {
      throw new IllegalArgumentException("timeline out of range 1.." + MAX_ID + ": " + id);
    }
  }

  /** Returns the timeline with the given ID. */
  public static Timeline of(long id) {
    return new Timeline(id);
  }

  /** True if this timeline comes after {@code other}. */
  public boolean isAfter(Timeline other) {
    return id > other.id;
  }

  @Override
  public int compareTo(Timeline other) {
    return Long.compare(id, other.id);
  }

  @Override
  public String toString() {
    return Long.toString(id);
  }
}
