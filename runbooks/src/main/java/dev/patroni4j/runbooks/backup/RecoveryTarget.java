package dev.patroni4j.runbooks.backup;

import dev.patroni4j.client.model.Lsn;
import java.time.Instant;
import java.util.Objects;

/**
 * Where recovery of a restored backup stops: at the end of the archived WAL ({@link #latest()}), as soon as the
 * backup is consistent ({@link #immediate()}), or at a time, transaction or WAL position ({@code recovery_target_time},
 * {@code recovery_target_xid}, {@code recovery_target_lsn}); the timeline to follow is part of the {@link
 * RestoreRequest}.
 *
 * <pre>{@code
 * RecoveryTarget beforeTheMistake = RecoveryTarget.time(Instant.parse("2026-12-03T10:00:00Z"), false);
 * RecoveryTarget atTheMark = RecoveryTarget.xid(74_211L, true);
 * }</pre>
 *
 * <p>Immutable.
 */
public sealed interface RecoveryTarget {
  /** Replays every archived WAL segment. */
  static RecoveryTarget latest() {
    return new Latest();
  }

  /** Stops as soon as the backup is consistent. */
  static RecoveryTarget immediate() {
    return new Immediate();
  }

  /** Stops at {@code time}; {@code inclusive}: transactions committed exactly then are kept. */
  static RecoveryTarget time(Instant time, boolean inclusive) {
    return new Time(time, inclusive);
  }

  /** Stops at transaction {@code xid}; {@code inclusive}: that transaction is kept. */
  static RecoveryTarget xid(long xid, boolean inclusive) {
    return new Xid(xid, inclusive);
  }

  /** Stops at WAL position {@code lsn}; {@code inclusive}: the record at it is replayed. */
  static RecoveryTarget lsn(Lsn lsn, boolean inclusive) {
    return new AtLsn(lsn, inclusive);
  }

  /** Every archived WAL segment. */
  record Latest() implements RecoveryTarget {}

  /** The end of the backup: the earliest consistent point. */
  record Immediate() implements RecoveryTarget {}

  /** A moment ({@code recovery_target_time}). */
  record Time(Instant time, boolean inclusive) implements RecoveryTarget {
    public Time {
      Objects.requireNonNull(time, "time == null");
    }
  }

  /** A transaction id ({@code recovery_target_xid}). */
  record Xid(long xid, boolean inclusive) implements RecoveryTarget {
    public Xid {
      if (xid < 3) {
        throw new IllegalArgumentException("xid < 3 (not a normal transaction id): " + xid);
      }
    }
  }

  /** A WAL position ({@code recovery_target_lsn}). */
  record AtLsn(Lsn lsn, boolean inclusive) implements RecoveryTarget {
    public AtLsn {
      Objects.requireNonNull(lsn, "lsn == null");
    }
  }
}
