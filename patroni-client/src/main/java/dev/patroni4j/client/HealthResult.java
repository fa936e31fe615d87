package dev.patroni4j.client;

import dev.patroni4j.client.model.MemberStatus;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The answer to a health check: healthy (200) or not (any other status), and, for GET checks
 * that carry one, the member's status document.
 *
 * <pre>{@code
 * // given: MemberClient member;
 * HealthResult r = member.check(HealthCheck.primary());
 * r.healthy(); r.statusCode(); r.status().map(MemberStatus::role);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param healthy true if Patroni answered 200
 * @param statusCode the HTTP status
 * @param body the status document, or null (HEAD, OPTIONS, liveness, readiness, or an unreadable body)
 */
public record HealthResult(boolean healthy, int statusCode, @Nullable MemberStatus body) {

  /** The member's status document, if the answer carried a readable one. */
  public Optional<MemberStatus> status() {
    return Optional.ofNullable(body);
  }
}
