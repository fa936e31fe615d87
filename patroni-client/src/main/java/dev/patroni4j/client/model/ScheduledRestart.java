package dev.patroni4j.client.model;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A restart Patroni will run on one member at a given time ({@code scheduled_restart} in {@code
 * GET /patroni}, {@code GET /cluster} and the member's DCS key), with the conditions it was
 * scheduled under.
 *
 * <pre>{@code
 * // given: Member member;
 * member.findScheduledRestart().ifPresent(r -> System.out.println(r.schedule() + " pending-only=" + r.restartPending()));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param schedule when the restart runs
 * @param postmasterStartTime when the running postmaster started, if Patroni recorded it (a restart
 *     is skipped if the postmaster restarted in between)
 * @param restartPending true if it restarts only when {@code pending_restart} is set
 * @param role the role condition as sent ({@code master}/{@code primary}/{@code replica}), if any
 * @param postgresVersion restart only if the running version is lower than this, if set
 * @param timeout how long to wait for PostgreSQL to start, if set
 */
public record ScheduledRestart(
    OffsetDateTime schedule,
    @Nullable OffsetDateTime postmasterStartTime,
    boolean restartPending,
    @Nullable String role,
    @Nullable String postgresVersion,
    @Nullable Duration timeout) {

  public ScheduledRestart {
    Objects.requireNonNull(schedule, "schedule == null");
  }
}
