package dev.patroni4j.client;

import java.util.Objects;

/**
 * A mutating call that did not succeed, thrown by {@link Outcome#orThrow()}; {@link #outcome()}
 * says how it ended (refused, failed or unknown).
 *
 * <pre>{@code
 * // given: MemberClient member;
 * try {
 *   member.restart(RestartRequest.now()).orThrow();
 * } catch (PatroniActionException e) {
 *   if (e.outcome() instanceof Outcome.Refused r) { System.err.println(r.reason() + ": " + r.message()); }
 * }
 * }</pre>
 *
 * <p>Immutable.
 */
public class PatroniActionException extends PatroniException {
  private static final long serialVersionUID = 1L;

  private final transient Outcome outcome;

  public PatroniActionException(Outcome outcome) {
    super(
        describe(outcome),
        outcome instanceof Outcome.Unknown u ? u.error() : null,
        outcome.statusCode().isPresent() ? Delivery.ANSWERED : Delivery.POSSIBLY_SENT,
        outcome.target(),
        outcome.statusCode().orElse(-1),
        null);
    this.outcome = Objects.requireNonNull(outcome, "outcome == null");
  }

  /** How the call ended. */
  public Outcome outcome() {
    return outcome;
  }

  private static String describe(Outcome o) {
    String code = o.statusCode().isPresent() ? " (" + o.statusCode().getAsInt() + ")" : "";
    String detail = o instanceof Outcome.Refused r ? " " + r.reason() : o instanceof Outcome.Unknown u ? " " + u.cause() : "";
    return o.target() + ": " + o.kind() + detail + code + ": " + o.message();
  }
}
