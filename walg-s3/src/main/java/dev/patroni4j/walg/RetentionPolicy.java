package dev.patroni4j.walg;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A WAL-G {@code delete} policy, to be planned by {@link WalgRepository#planRetention}. Immutable.
 *
 * <pre>{@code
 * import dev.patroni4j.walg.RetentionPolicy.Modifier;
 * // given: Instant instant;
 * RetentionPolicy.retain(Modifier.FULL, 2);                // delete retain FULL 2
 * RetentionPolicy.retain(Modifier.NONE, 5).after(instant); // delete retain 5 --after 2026-...
 * RetentionPolicy.before(Modifier.FIND_FULL, "base_0000000200000000000000A0");
 * RetentionPolicy.target(Modifier.NONE, "base_000000010000000000000004");
 * }</pre>
 */
public sealed interface RetentionPolicy {

  /** The optional first argument of WAL-G's delete sub-commands. */
  enum Modifier { NONE, FULL, FIND_FULL }

  /** How backups and objects are compared. */
  enum Order {
    /** WAL-G's default: timeline, then segment number, of the first 24 hex digits in each key. */
    NAME,
    /**
     * WAL-G's {@code --use-sentinel-time}: backups by metadata {@code start_time}, WAL by segment
     * number only. The right order after a {@code pg_upgrade} into the same prefix.
     */
    START_TIME
  }

  /** WAL-G's command-line form, e.g. {@code retain FULL 2}. */
  String toWalgArguments();

  static Retain retain(Modifier modifier, int count) {
    return new Retain(modifier, count, null, null);
  }

  static Before before(Modifier modifier, String backupName) {
    return new Before(modifier, backupName, null);
  }

  static Before before(Modifier modifier, Instant time) {
    return new Before(modifier, null, time);
  }

  static Target target(Modifier modifier, String backupName) {
    return new Target(modifier, backupName);
  }

  /** {@code retain [FULL|FIND_FULL] N [--after NAME|TIME]}. */
  record Retain(Modifier modifier, int count, @Nullable String afterName, @Nullable Instant afterTime) implements RetentionPolicy {
    public Retain {
      Objects.requireNonNull(modifier, "modifier == null");
      if (count < 1) {
        throw new IllegalArgumentException("cannot retain less than one backup");
      }
    }

    public Retain after(String backupName) {
      return new Retain(modifier, count, backupName, null);
    }

    public Retain after(Instant time) {
      return new Retain(modifier, count, null, time);
    }

    @Override
    public String toWalgArguments() {
      String base = "retain " + (modifier == Modifier.NONE ? "" : modifier + " ") + count;
      if (afterName != null) {
        return base + " --after " + afterName;
      }
      return afterTime == null ? base : base + " --after " + afterTime;
    }
  }

  /** {@code before [FIND_FULL] NAME|TIME}. */
  record Before(Modifier modifier, @Nullable String backupName, @Nullable Instant time) implements RetentionPolicy {
    public Before {
      if (modifier == Modifier.FULL) {
        throw new IllegalArgumentException("WAL-G rejects the FULL modifier for 'delete before'");
      }
      if ((backupName == null) == (time == null)) {
        throw new IllegalArgumentException("exactly one of backupName and time");
      }
    }

    @Override
    public String toWalgArguments() {
      return "before " + (modifier == Modifier.FIND_FULL ? "FIND_FULL " : "") + (backupName != null ? backupName : time);
    }
  }

  /** {@code target [FIND_FULL] NAME}: the backup and its dependants (or its whole chain); never WAL. */
  record Target(Modifier modifier, String backupName) implements RetentionPolicy {
    public Target {
      if (modifier == Modifier.FULL) {
        throw new IllegalArgumentException("WAL-G accepts only FIND_FULL for 'delete target'");
      }
      Objects.requireNonNull(backupName, "backupName == null");
    }

    @Override
    public String toWalgArguments() {
      return "target " + (modifier == Modifier.FIND_FULL ? "FIND_FULL " : "") + backupName;
    }
  }
}
