package dev.patroni4j.client;

import dev.patroni4j.client.model.PatroniVersion;
import dev.patroni4j.client.model.Role;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A PostgreSQL restart on one member ({@code POST /restart}), now or scheduled, optionally only
 * under conditions Patroni checks itself.
 *
 * <pre>{@code
 * member.restart(RestartRequest.now().onlyIfPendingRestart());
 * member.restart(RestartRequest.at(OffsetDateTime.now().plusMinutes(30)).onlyRole("replica"));
 * }</pre>
 *
 * <p>An immediate restart blocks until PostgreSQL is up again (up to {@code startTimeout} or the
 * cluster's {@code primary_start_timeout}, 300 s by default); the default call timeout allows for
 * that. Immutable and thread-safe; modifiers return new instances.
 *
 * @param schedule when to restart, or null for now
 * @param pendingRestartOnly restart only if the member has {@code pending_restart}
 * @param role restart only if the member's internal role is this ({@code master} on 3.x, {@code
 *     primary} on 4.x, {@code replica}, {@code standby_leader}), or null
 * @param postgresVersionBelow restart only if PostgreSQL runs a version lower than this, e.g.
 *     {@code "15.4"}, or null
 * @param startTimeout how long Patroni waits for PostgreSQL to start (its {@code timeout}), or null
 * @param timeout how long to wait for Patroni's answer, or null for the default
 */
public record RestartRequest(
    @Nullable OffsetDateTime schedule,
    boolean pendingRestartOnly,
    @Nullable String role,
    @Nullable String postgresVersionBelow,
    @Nullable Duration startTimeout,
    @Nullable Duration timeout) {

  public RestartRequest {
    if (startTimeout != null && startTimeout.getSeconds() < 1) {
      throw new IllegalArgumentException("startTimeout < 1s (Patroni takes whole positive seconds)");
    }
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout <= 0");
    }
  }

  /** Restart now, unconditionally. */
  public static RestartRequest now() {
    return new RestartRequest(null, false, null, null, null, null);
  }

  /** Restart at this time (Patroni answers 202). */
  public static RestartRequest at(OffsetDateTime schedule) {
    return new RestartRequest(Objects.requireNonNull(schedule, "schedule == null"), false, null, null, null, null);
  }

  /** Only if the member has {@code pending_restart}. */
  public RestartRequest onlyIfPendingRestart() {
    return new RestartRequest(schedule, true, role, postgresVersionBelow, startTimeout, timeout);
  }

  /** Only if the member's role is {@code role} (spelled as its Patroni version expects). */
  public RestartRequest onlyRole(String role) {
    return new RestartRequest(schedule, pendingRestartOnly, Objects.requireNonNull(role, "role == null"), postgresVersionBelow, startTimeout, timeout);
  }

  /**
   * Only if the member's role is {@code role}, spelled as a server of {@code serverVersion} expects:
   * Patroni 3.x compares against its internal {@code master} and would refuse {@code primary} with
   * 503 "restart conditions are not satisfied"; 4.x expects {@code primary}.
   *
   * @throws IllegalArgumentException for roles {@code /restart} does not filter on
   */
  public RestartRequest onlyRole(Role.Kind role, PatroniVersion serverVersion) {
    return onlyRole(switch (role) {
      case PRIMARY -> serverVersion.isAtLeast(4, 0) ? "primary" : "master";
      case STANDBY_LEADER -> "standby_leader";
      case REPLICA -> "replica";
      default -> throw new IllegalArgumentException("POST /restart cannot filter on role " + role);
    });
  }

  /** Only if PostgreSQL runs a version lower than {@code version}. */
  public RestartRequest onlyIfPostgresVersionBelow(String version) {
    return new RestartRequest(schedule, pendingRestartOnly, role, Objects.requireNonNull(version, "version == null"), startTimeout, timeout);
  }

  /** How long Patroni waits for PostgreSQL to come up (whole seconds). */
  public RestartRequest startTimeout(Duration startTimeout) {
    return new RestartRequest(schedule, pendingRestartOnly, role, postgresVersionBelow, Objects.requireNonNull(startTimeout, "startTimeout == null"), timeout);
  }

  /** How long to wait for Patroni's answer. */
  public RestartRequest timeout(Duration timeout) {
    return new RestartRequest(schedule, pendingRestartOnly, role, postgresVersionBelow, startTimeout, Objects.requireNonNull(timeout, "timeout == null"));
  }
}
