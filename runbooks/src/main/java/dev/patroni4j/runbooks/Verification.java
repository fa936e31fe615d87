package dev.patroni4j.runbooks;

import java.util.Objects;

/**
 * One observation of whether a step's action took effect. The runner asks {@link Step#verify} until {@link Done} or
 * {@link Failed}, or the step's deadline passes; then the last {@link Pending} is the timeout's typed last
 * observation ({@link dev.patroni4j.client.PatroniWaitTimeoutException#lastObservation(Class)}).
 *
 * <pre>{@code
 * // given: String leader; String from; Fact<String> NEW_LEADER;
 * Verification v = leader.equals(from) ? Verification.pending("leader still " + from)
 *     : Verification.done("leader is " + leader, Facts.of(NEW_LEADER, leader));
 * }</pre>
 *
 * <p>Thread-safety: immutable.
 */
public sealed interface Verification {
  String reason();

  Facts facts();

  /** The effect is visible; the step is complete. */
  record Done(String reason, Facts facts) implements Verification {
    public Done {
      Objects.requireNonNull(reason, "reason == null");
      Objects.requireNonNull(facts, "facts == null");
    }
  }

  /** Not yet; {@code reason} is the last observation, quoted if the deadline passes. */
  record Pending(String reason, Facts facts) implements Verification {
    public Pending {
      Objects.requireNonNull(reason, "reason == null");
      Objects.requireNonNull(facts, "facts == null");
    }

    @Override
    public String toString() {
      return facts.isEmpty() ? reason : reason + " " + facts;
    }
  }

  /** The action definitely did not and will not take effect, or the goal is unreachable (with the evidence). */
  record Failed(String reason, Facts facts) implements Verification {
    public Failed {
      Objects.requireNonNull(reason, "reason == null");
      Objects.requireNonNull(facts, "facts == null");
    }
  }

  static Done done(String reason) {
    return new Done(reason, Facts.of());
  }

  static Done done(String reason, Facts facts) {
    return new Done(reason, facts);
  }

  static Pending pending(String lastObserved) {
    return new Pending(lastObserved, Facts.of());
  }

  static Pending pending(String lastObserved, Facts facts) {
    return new Pending(lastObserved, facts);
  }

  static Failed failed(String reason) {
    return new Failed(reason, Facts.of());
  }

  static Failed failed(String reason, Facts facts) {
    return new Failed(reason, facts);
  }
}
