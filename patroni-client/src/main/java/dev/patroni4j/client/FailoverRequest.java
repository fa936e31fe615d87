package dev.patroni4j.client;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A manual failover to {@code candidate} ({@code POST /failover}), for when there is no healthy
 * leader to switch over from. With a healthy leader, prefer {@link SwitchoverRequest}.
 *
 * <pre>{@code
 * // given: PatroniClient client;
 * Outcome o = client.failover(FailoverRequest.to("pg3"));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param candidate the member to promote
 * @param timeout how long to wait for Patroni's answer, or null for the default
 */
public record FailoverRequest(String candidate, @Nullable Duration timeout) {

  public FailoverRequest {
    Objects.requireNonNull(candidate, "candidate == null");
    if (candidate.isBlank()) {
      throw new IllegalArgumentException("candidate is blank");
    }
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout <= 0");
    }
  }

  /** A failover to {@code candidate}. */
  public static FailoverRequest to(String candidate) {
    return new FailoverRequest(candidate, null);
  }

  /** Wait this long for Patroni's answer. */
  public FailoverRequest timeout(Duration timeout) {
    return new FailoverRequest(candidate, Objects.requireNonNull(timeout, "timeout == null"));
  }
}
