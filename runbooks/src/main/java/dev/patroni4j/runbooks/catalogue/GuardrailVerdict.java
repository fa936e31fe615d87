package dev.patroni4j.runbooks.catalogue;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What one {@link Guardrails} check found: passed, violated or not checked, with the threshold, the value observed and
 * the member it is about. {@link #describe()} is the sentence a refusal carries, e.g. {@code replay-lag: pg2 lags
 * 4411920 bytes (4.2 MiB), above the limit of 262144 bytes (256.0 KiB)}.
 *
 * <pre>{@code
 * import dev.patroni4j.runbooks.RunbookResult;
 * // given: RunbookResult.Refused refused;
 * for (GuardrailVerdict v : GuardrailReport.verdictsIn(refused.evidence())) {
 *   if (v instanceof GuardrailVerdict.TransactionAge t && t.status() == GuardrailVerdict.Status.VIOLATED) {
 *     System.err.println(t.member() + " pid " + t.pid() + ": " + t.observedAge() + " > " + t.maxAge());
 *   }
 * }
 * }</pre>
 *
 * <p>Thread-safety: immutable.
 */
public sealed interface GuardrailVerdict {
  /** The checks. */
  enum Check {
    /** Replay lag of a member, in bytes. */
    REPLAY_LAG,
    /** The longest running transaction on a member. */
    TRANSACTION_AGE,
    /** A synchronous standby when synchronous mode is on. */
    SYNC_STANDBY,
    /** A member's Patroni version. */
    PATRONI_VERSION;

    /** {@code replay-lag}, {@code transaction-age}, {@code sync-standby}, {@code patroni-version}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** How a check ended. */
  enum Status {
    /** The observed value is within the threshold. */
    PASSED,
    /** The observed value is beyond the threshold: the run is refused. */
    VIOLATED,
    /** The check could not be made ({@link #note()} says why); refuses only with {@link Guardrails#refuseUnchecked}. */
    NOT_CHECKED
  }

  Check check();

  Status status();

  /** The member the verdict is about; empty for cluster-wide checks. */
  Optional<String> findMember();

  /** Why a check was not made, or a remark on what was observed; empty when there is nothing to add. */
  String note();

  /** The threshold in words, e.g. {@code <= 1048576 bytes (1.0 MiB)}. */
  String threshold();

  /** The observed value in words, e.g. {@code 4194304 bytes (4.0 MiB)}. */
  String observed();

  /** One sentence naming the check, the member, the threshold and the observed value. */
  String describe();

  /**
   * Replay lag of {@code member}.
   *
   * @param observedBytes the larger of the lags observed; null when unknown (then violated: a replica that reports
   *     no position cannot be trusted)
   * @param source where the lag was read: {@code patroni replay_lag}, {@code patroni lag}, {@code pg_stat_replication}
   */
  record ReplayLag(Status status, String member, long maxBytes, @Nullable Long observedBytes, String source,
      String note) implements GuardrailVerdict {
    public ReplayLag {
      Objects.requireNonNull(status, "status == null");
      Objects.requireNonNull(member, "member == null");
      Objects.requireNonNull(source, "source == null");
      Objects.requireNonNull(note, "note == null");
    }

    @Override
    public Check check() {
      return Check.REPLAY_LAG;
    }

    @Override
    public Optional<String> findMember() {
      return Optional.of(member);
    }

    @Override
    public String threshold() {
      return "<= " + bytes(maxBytes);
    }

    @Override
    public String observed() {
      return observedBytes == null ? "unknown" : bytes(observedBytes);
    }

    @Override
    public String describe() {
      String head = check().label() + ": ";
      return switch (status) {
        case NOT_CHECKED -> head + "lag of " + member + " not checked: " + note;
        case VIOLATED -> head + member + (observedBytes == null ? " reports no known lag" : " lags " + observed())
            + ", above the limit of " + bytes(maxBytes) + (source.isEmpty() ? "" : " (" + source + ")");
        case PASSED -> head + member + " lags " + observed() + ", within " + bytes(maxBytes);
      };
    }
  }

  /**
   * The longest running transaction on {@code member}.
   *
   * @param observedAge the age of the oldest open transaction; null when none is open (or not checked)
   * @param pid the backend of that transaction; null when none
   * @param sessionState its {@code pg_stat_activity.state} ({@code active}, {@code idle in transaction}, ...)
   */
  record TransactionAge(Status status, String member, Duration maxAge, @Nullable Duration observedAge,
      @Nullable Long pid, @Nullable String sessionState, String note) implements GuardrailVerdict {
    public TransactionAge {
      Objects.requireNonNull(status, "status == null");
      Objects.requireNonNull(member, "member == null");
      Objects.requireNonNull(maxAge, "maxAge == null");
      Objects.requireNonNull(note, "note == null");
    }

    @Override
    public Check check() {
      return Check.TRANSACTION_AGE;
    }

    @Override
    public Optional<String> findMember() {
      return Optional.of(member);
    }

    @Override
    public String threshold() {
      return "<= " + seconds(maxAge);
    }

    @Override
    public String observed() {
      return observedAge == null ? "no open transaction" : seconds(observedAge);
    }

    @Override
    public String describe() {
      String head = check().label() + ": ";
      return switch (status) {
        case NOT_CHECKED -> head + "transactions on " + member + " not checked: " + note;
        case VIOLATED -> head + "the longest transaction on " + member + " (pid " + pid
            + (sessionState == null ? "" : ", " + sessionState) + ") is " + observed() + " old, above the limit of "
            + seconds(maxAge);
        case PASSED -> head + (observedAge == null ? "no open transaction on " + member
            : "the longest transaction on " + member + " is " + observed() + " old") + ", within " + seconds(maxAge);
      };
    }
  }

  /**
   * A synchronous standby when synchronous mode needs one.
   *
   * @param synchronousMode {@code synchronous_mode} as configured ({@code true}, {@code on}, {@code quorum}, ...)
   * @param required how many synchronous standbys are required (1)
   * @param syncStandbys the members observed as {@code sync_standby} or {@code quorum_standby}
   */
  record SyncStandby(Status status, String synchronousMode, int required, List<String> syncStandbys, String note)
      implements GuardrailVerdict {
    public SyncStandby {
      Objects.requireNonNull(status, "status == null");
      Objects.requireNonNull(synchronousMode, "synchronousMode == null");
      syncStandbys = List.copyOf(syncStandbys);
      Objects.requireNonNull(note, "note == null");
    }

    @Override
    public Check check() {
      return Check.SYNC_STANDBY;
    }

    @Override
    public Optional<String> findMember() {
      return Optional.empty();
    }

    @Override
    public String threshold() {
      return ">= " + required + " synchronous standby";
    }

    @Override
    public String observed() {
      return syncStandbys.size() + (syncStandbys.isEmpty() ? "" : " " + syncStandbys);
    }

    @Override
    public String describe() {
      String head = check().label() + ": ";
      return switch (status) {
        case NOT_CHECKED -> head + "not checked: " + note;
        case VIOLATED -> head + "synchronous_mode is " + synchronousMode + " and needs at least " + required
            + " synchronous standby; observed " + observed();
        case PASSED -> head + (note.isEmpty() ? "synchronous_mode is " + synchronousMode + "; synchronous standbys "
            + syncStandbys : note);
      };
    }
  }

  /**
   * The Patroni version of {@code member}.
   *
   * @param expected the accepted versions
   * @param observedVersion the version the member reports ({@code GET /patroni}); null when not known
   */
  record PatroniVersion(Status status, String member, Set<String> expected, @Nullable String observedVersion,
      String note) implements GuardrailVerdict {
    public PatroniVersion {
      Objects.requireNonNull(status, "status == null");
      Objects.requireNonNull(member, "member == null");
      expected = Set.copyOf(expected);
      Objects.requireNonNull(note, "note == null");
    }

    @Override
    public Check check() {
      return Check.PATRONI_VERSION;
    }

    @Override
    public Optional<String> findMember() {
      return Optional.of(member);
    }

    @Override
    public String threshold() {
      return String.join(" or ", expected.stream().sorted().toList());
    }

    @Override
    public String observed() {
      return observedVersion == null ? "unknown" : observedVersion;
    }

    @Override
    public String describe() {
      String head = check().label() + ": ";
      return switch (status) {
        case NOT_CHECKED -> head + "version of " + member + " not checked: " + note;
        case VIOLATED -> head + member + " runs Patroni " + observed() + ", expected " + threshold();
        case PASSED -> head + member + " runs Patroni " + observed();
      };
    }
  }

  /** {@code 512 bytes}, {@code 262144 bytes (256.0 KiB)}, {@code 4194304 bytes (4.0 MiB)}. */
  static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " bytes";
    }
    return bytes < 1048576 ? bytes + " bytes (" + String.format(Locale.ROOT, "%.1f", bytes / 1024.0) + " KiB)"
        : bytes + " bytes (" + String.format(Locale.ROOT, "%.1f", bytes / 1048576.0) + " MiB)";
  }

  /** {@code 15 s}, {@code 2.5 s}. */
  static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
  }
}
