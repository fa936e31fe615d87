package dev.patroni4j.client;

import dev.patroni4j.client.PatroniException.Delivery;
import java.io.Serializable;
import java.net.URI;
import java.util.Objects;

/**
 * One member's part in a call that tried several members: which member, and how the attempt there
 * failed (its own typed exception: a {@link PatroniParseException} for an unreadable answer, a
 * {@link PatroniException} with {@link Delivery#NOT_SENT} for a refused connection or a failed TLS
 * handshake, and so on).
 *
 * <pre>{@code
 * // given: PatroniClient client;
 * try {
 *   client.cluster();
 * } catch (PatroniException e) {
 *   for (MemberAttempt attempt : e.attempts()) {
 *     System.err.println(attempt.member() + ": " + attempt.failure().getMessage());
 *   }
 * }
 * }</pre>
 *
 * <p>Immutable.
 *
 * @param member the member's REST base URI (no user info)
 * @param failure how the call to that member failed
 */
public record MemberAttempt(URI member, PatroniException failure) implements Serializable {
  /** Checks that neither part is null. */
  public MemberAttempt {
    Objects.requireNonNull(member, "member == null");
    Objects.requireNonNull(failure, "failure == null");
  }

  /** How far the request to this member got. */
  public Delivery delivery() {
    return failure.delivery();
  }
}
