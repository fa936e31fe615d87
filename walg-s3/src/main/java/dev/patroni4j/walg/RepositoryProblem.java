package dev.patroni4j.walg;

/**
 * Something in the repository the library could not use, reported with its key instead of
 * stopping the listing.
 *
 * @param key the full S3 key (or prefix) concerned
 * @param kind what is wrong
 * @param detail a human-readable explanation (never contains object contents beyond a short
 *     excerpt of a malformed JSON document)
 */
public record RepositoryProblem(String key, Kind kind, String detail) {

  /** The kinds of problem. */
  public enum Kind {
    /** A sentinel or metadata.json that is not complete JSON (e.g. truncated). */
    MALFORMED_JSON,
    /** A sentinel whose {@code Version} is newer than this library knows. */
    UNSUPPORTED_SENTINEL_VERSION,
    /** A sentinel without a required field or with a field of the wrong type. */
    INVALID_SENTINEL,
    /** metadata.json present but unusable; the backup is listed without it. */
    INVALID_METADATA,
    /** A key that does not follow WAL-G's layout. */
    NOT_WALG_KEY,
    /** A timeline history file that could not be read or parsed. */
    UNREADABLE_HISTORY,
    /** Backups of different clusters (system identifiers) share the prefix. */
    MIXED_CLUSTERS
  }
}
