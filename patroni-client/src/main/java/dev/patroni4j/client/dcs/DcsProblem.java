package dev.patroni4j.client.dcs;

import java.util.Objects;

/**
 * A key under a cluster's prefix that a snapshot could not fully use: its value (or a field of it) does not
 * parse, or Patroni does not write such a key. The rest of the snapshot is read regardless.
 *
 * @param entry the key and its raw value
 * @param kind why it was not used
 * @param detail what was wrong, e.g. {@code "not a JSON object: Unrecognized token 'garbage'"}
 */
public record DcsProblem(DcsEntry entry, Kind kind, String detail) {

  /** Why an entry was not (fully) used. */
  public enum Kind {
    /** A known key whose value, or one field of it, does not parse. */
    UNPARSABLE,
    /** A key Patroni does not write (or that this library does not know). */
    UNKNOWN_KEY
  }

  public DcsProblem {
    Objects.requireNonNull(entry, "entry == null");
    Objects.requireNonNull(kind, "kind == null");
    Objects.requireNonNull(detail, "detail == null");
  }

  /** The full key of the entry. */
  public String key() {
    return entry.key();
  }

  @Override
  public String toString() {
    return kind + " " + entry.key() + ": " + detail;
  }
}
