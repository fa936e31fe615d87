package dev.patroni4j.client.model;

import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A switchover Patroni will run at a given time ({@code scheduled_switchover} in {@code GET
 * /cluster}; the {@code failover} DCS key with {@code scheduled_at}).
 *
 * <pre>{@code
 * // given: ClusterView view;
 * view.findScheduledSwitchover().ifPresent(s -> System.out.println(s.at() + " from " + s.from().orElse("?")));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param at when it runs, with the offset Patroni stored
 * @param fromMember the leader to demote, if named
 * @param toMember the candidate to promote, if named
 */
public record ScheduledSwitchover(
    OffsetDateTime at, @Nullable String fromMember, @Nullable String toMember) {

  public ScheduledSwitchover {
    Objects.requireNonNull(at, "at == null");
  }

  /** The leader to demote, if named. */
  public Optional<String> from() {
    return Optional.ofNullable(fromMember);
  }

  /** The candidate to promote, if named. */
  public Optional<String> to() {
    return Optional.ofNullable(toMember);
  }
}
