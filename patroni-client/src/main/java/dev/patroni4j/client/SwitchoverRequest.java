package dev.patroni4j.client;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A switchover: demote {@code leader}, promote {@code candidate} (or the best replica Patroni
 * picks), now or at a scheduled time ({@code POST /switchover}).
 *
 * <pre>{@code
 * // given: PatroniClient client;
 * Outcome now = client.switchover(SwitchoverRequest.from("pg1").to("pg2"));
 * Outcome later = client.switchover(SwitchoverRequest.from("pg1").at(OffsetDateTime.now().plusHours(1)));
 * }</pre>
 *
 * <p>Immutable and thread-safe; modifiers return new instances.
 *
 * @param leader the current leader, which Patroni requires and checks
 * @param candidate the member to promote, or null to let Patroni choose
 * @param scheduledAt when to run it, or null for now
 * @param timeout how long to wait for Patroni's answer, or null for the default (Patroni polls up
 *     to {@code 2*max(10, loop_wait)} seconds before answering an immediate switchover)
 */
public record SwitchoverRequest(
    String leader,
    @Nullable String candidate,
    @Nullable OffsetDateTime scheduledAt,
    @Nullable Duration timeout) {

  public SwitchoverRequest {
    Objects.requireNonNull(leader, "leader == null");
    if (leader.isBlank()) {
      throw new IllegalArgumentException("leader is blank");
    }
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout <= 0");
    }
  }

  /** A switchover away from {@code leader}. */
  public static SwitchoverRequest from(String leader) {
    return new SwitchoverRequest(leader, null, null, null);
  }

  /** Promote this member. */
  public SwitchoverRequest to(String candidate) {
    return new SwitchoverRequest(leader, Objects.requireNonNull(candidate, "candidate == null"), scheduledAt, timeout);
  }

  /** Run at this time (Patroni answers 202 and the DCS holds the schedule). */
  public SwitchoverRequest at(OffsetDateTime when) {
    return new SwitchoverRequest(leader, candidate, Objects.requireNonNull(when, "when == null"), timeout);
  }

  /** Wait this long for Patroni's answer. */
  public SwitchoverRequest timeout(Duration timeout) {
    return new SwitchoverRequest(leader, candidate, scheduledAt, Objects.requireNonNull(timeout, "timeout == null"));
  }

  /** The candidate, if named. */
  public Optional<String> findCandidate() {
    return Optional.ofNullable(candidate);
  }
}
