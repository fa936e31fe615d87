package dev.patroni4j.client.model;

import java.util.Locale;
import java.util.Objects;

/**
 * A member's role, normalised across Patroni versions, with the exact spelling Patroni sent.
 *
 * <p>One type covers both role vocabularies: the PostgreSQL role in {@code GET /patroni} and the
 * DCS member key ({@code master} up to 3.3, {@code primary} from 4.0, {@code replica}, {@code
 * standby_leader}, and {@code uninitialized}/{@code demoted}/{@code promoted} while Patroni cannot
 * query PostgreSQL), and the cluster role of {@code GET /cluster} ({@code leader}, {@code
 * standby_leader}, {@code sync_standby}, {@code quorum_standby}, {@code replica}).
 *
 * <pre>{@code
 * Role r = Role.of("master");
 * r.kind();       // Kind.PRIMARY
 * r.raw();        // "master"
 * r.isLeader();   // true
 * Role.of("witness").kind(); // Kind.OTHER, raw "witness" kept
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind the normalised role
 * @param raw the value exactly as Patroni sent it
 */
public record Role(Kind kind, String raw) {

  /** Normalised roles. */
  public enum Kind {
    /** The read-write leader: raw {@code leader} ({@code /cluster}), {@code master} (≤3.3) or {@code primary} (4.0+). */
    PRIMARY,
    /** The leader of a standby cluster: raw {@code standby_leader} (also spelled {@code standby-leader}). */
    STANDBY_LEADER,
    /** A replica chosen as synchronous standby: raw {@code sync_standby} ({@code /cluster} only). */
    SYNC_STANDBY,
    /** A replica in the synchronous quorum: raw {@code quorum_standby} ({@code /cluster}, 4.0+). */
    QUORUM_STANDBY,
    /** Any other replica: raw {@code replica}. */
    REPLICA,
    /** Raw {@code uninitialized}: Patroni has not yet bootstrapped or cloned PostgreSQL. */
    UNINITIALIZED,
    /** Raw {@code demoted}: an internal transition role Patroni may report while demoting. */
    DEMOTED,
    /** Raw {@code promoted}: an internal transition role Patroni may report while promoting. */
    PROMOTED,
    /** A role this library does not know; {@link Role#raw()} holds it. */
    OTHER
  }

  public Role {
    Objects.requireNonNull(kind, "kind == null");
    Objects.requireNonNull(raw, "raw == null");
  }

  /** Normalises a raw role string; never fails (an unknown value becomes {@link Kind#OTHER}). */
  public static Role of(String raw) {
    return new Role(kindOf(raw), raw);
  }

  private static Kind kindOf(String raw) {
    switch (raw.trim().toLowerCase(Locale.ROOT).replace('-', '_')) {
      case "leader":
      case "master":
      case "primary":
        return Kind.PRIMARY;
      case "standby_leader":
        return Kind.STANDBY_LEADER;
      case "sync_standby":
        return Kind.SYNC_STANDBY;
      case "quorum_standby":
        return Kind.QUORUM_STANDBY;
      case "replica":
        return Kind.REPLICA;
      case "uninitialized":
        return Kind.UNINITIALIZED;
      case "demoted":
        return Kind.DEMOTED;
      case "promoted":
        return Kind.PROMOTED;
      default:
        return Kind.OTHER;
    }
  }

  /** True for {@link Kind#PRIMARY} and {@link Kind#STANDBY_LEADER}: the member holding the leader lock. */
  public boolean isLeader() {
    return kind == Kind.PRIMARY || kind == Kind.STANDBY_LEADER;
  }

  /** True for {@link Kind#REPLICA}, {@link Kind#SYNC_STANDBY} and {@link Kind#QUORUM_STANDBY}. */
  public boolean isReplica() {
    return kind == Kind.REPLICA || kind == Kind.SYNC_STANDBY || kind == Kind.QUORUM_STANDBY;
  }

  /** True if this role has the given kind. */
  public boolean is(Kind expected) {
    return kind == expected;
  }

  @Override
  public String toString() {
    return raw;
  }
}
