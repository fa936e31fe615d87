package dev.patroni4j.client.model;

import java.util.Locale;
import java.util.Objects;

/**
 * A member's state, normalised across Patroni versions, with the exact spelling Patroni sent.
 *
 * <p>Covers PostgreSQL states ({@code running}, {@code starting}, {@code start failed}, ...) and the
 * replication states that {@code GET /cluster} shows for replicas from 3.0.4 ({@code streaming},
 * {@code in archive recovery}). A 3.0.2 replica shows {@code running} where 4.x shows {@code
 * streaming}: {@link #isRunning()} is true for both, {@link #isStreaming()} only where Patroni said
 * so.
 *
 * <pre>{@code
 * MemberState s = MemberState.of("start failed");
 * s.kind();          // Kind.START_FAILED
 * s.isFailed();      // true
 * MemberState.of("hibernating").kind(); // Kind.OTHER, raw kept
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind the normalised state
 * @param raw the value exactly as Patroni sent it
 */
public record MemberState(Kind kind, String raw) {

  /** Normalised states, in Patroni's spelling order. */
  public enum Kind {
    /** {@code running}: PostgreSQL is up (a leader, or a replica whose replication state is not reported). */
    RUNNING,
    /** {@code streaming}: a replica receiving WAL from its upstream (3.0.4+). */
    STREAMING,
    /** {@code in archive recovery}: a replica replaying WAL from the archive (3.0.4+). */
    IN_ARCHIVE_RECOVERY,
    /** {@code starting}. */
    STARTING,
    /** {@code stopping}. */
    STOPPING,
    /** {@code stopped}. */
    STOPPED,
    /** {@code restarting}. */
    RESTARTING,
    /** {@code restart failed}. */
    RESTART_FAILED,
    /** {@code start failed}. */
    START_FAILED,
    /** {@code stop failed}. */
    STOP_FAILED,
    /** {@code crashed}. */
    CRASHED,
    /** {@code initializing new cluster}. */
    INITIALIZING_NEW_CLUSTER,
    /** {@code initdb failed}. */
    INITDB_FAILED,
    /** {@code running custom bootstrap script}. */
    RUNNING_CUSTOM_BOOTSTRAP_SCRIPT,
    /** {@code custom bootstrap failed}. */
    CUSTOM_BOOTSTRAP_FAILED,
    /** {@code starting after custom bootstrap}. */
    STARTING_AFTER_CUSTOM_BOOTSTRAP,
    /** {@code creating replica}. */
    CREATING_REPLICA,
    /** {@code unknown}: Patroni's own word when PostgreSQL runs but cannot be queried. */
    UNKNOWN,
    /** A state this library does not know; {@link MemberState#raw()} holds it. */
    OTHER
  }

  public MemberState {
    Objects.requireNonNull(kind, "kind == null");
    Objects.requireNonNull(raw, "raw == null");
  }

  /** Normalises a raw state string; never fails (an unknown value becomes {@link Kind#OTHER}). */
  public static MemberState of(String raw) {
    String key = raw.trim().toLowerCase(Locale.ROOT).replace(' ', '_');
    for (Kind k : Kind.values()) {
      if (k != Kind.OTHER && k.name().equalsIgnoreCase(key)) {
        return new MemberState(k, raw);
      }
    }
    return new MemberState(Kind.OTHER, raw);
  }

  /** True when PostgreSQL is up: {@code running}, {@code streaming} or {@code in archive recovery}. */
  public boolean isRunning() {
    return kind == Kind.RUNNING || kind == Kind.STREAMING || kind == Kind.IN_ARCHIVE_RECOVERY;
  }

  /** True only for {@code streaming}. */
  public boolean isStreaming() {
    return kind == Kind.STREAMING;
  }

  /** True for the {@code ... failed} states and {@code crashed}. */
  public boolean isFailed() {
    return switch (kind) {
      case RESTART_FAILED, START_FAILED, STOP_FAILED, CRASHED, INITDB_FAILED, CUSTOM_BOOTSTRAP_FAILED -> true;
      default -> false;
    };
  }

  /** True if this state has the given kind. */
  public boolean is(Kind expected) {
    return kind == expected;
  }

  @Override
  public String toString() {
    return raw;
  }
}
