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
 * // given: MemberClient member;
 * member.restart(RestartRequest.now().onlyIfPendingRestart());
 * member.restart(RestartRequest.at(OffsetDateTime.now().plusMinutes(30)).onlyRole("replica"));
 * member.restart(RestartRequest.now().onlyRole(Role.Kind.PRIMARY)); // "master" to 3.x, "primary" to 4.x
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
 * @param roleKind restart only if the member has this role, spelled by the client for the member's
 *     Patroni version when the request is sent, or null (set at most one of {@code role} and this)
 * @param postgresVersionBelow restart only if PostgreSQL runs a version lower than this, e.g.
 *     {@code "15.4"}, or null
 * @param startTimeout how long Patroni waits for PostgreSQL to start (its {@code timeout}), or null
 * @param timeout how long to wait for Patroni's answer, or null for the default
 */
public record RestartRequest(
    @Nullable OffsetDateTime schedule,
    boolean pendingRestartOnly,
    @Nullable String role,
    Role.@Nullable Kind roleKind,
    @Nullable String postgresVersionBelow,
    @Nullable Duration startTimeout,
    @Nullable Duration timeout) {

  public RestartRequest {
    if (role != null && roleKind != null) {
      throw new IllegalArgumentException("role and roleKind exclude each other");
    }
    if (roleKind != null) {
      spell(roleKind, PatroniVersion.parse("4.0"));
    }
    if (startTimeout != null && startTimeout.toSeconds() < 1) {
      throw new IllegalArgumentException("startTimeout < 1s (Patroni takes whole positive seconds)");
    }
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout <= 0");
    }
  }

  /** Restart now, unconditionally. */
  public static RestartRequest now() {
    return new RestartRequest(null, false, null, null, null, null, null);
  }

  /** Restart at this time (Patroni answers 202). */
  public static RestartRequest at(OffsetDateTime schedule) {
    return new RestartRequest(Objects.requireNonNull(schedule, "schedule == null"), false, null, null, null, null, null);
  }

  /** Only if the member has {@code pending_restart}. */
  public RestartRequest onlyIfPendingRestart() {
    return new RestartRequest(schedule, true, role, roleKind, postgresVersionBelow, startTimeout, timeout);
  }

  /** Only if the member's role is {@code role} (spelled as its Patroni version expects). */
  public RestartRequest onlyRole(String role) {
    return new RestartRequest(schedule, pendingRestartOnly, Objects.requireNonNull(role, "role == null"), null, postgresVersionBelow, startTimeout, timeout);
  }

  /**
   * Only if the member's role is {@code role}, spelled as a server of {@code serverVersion} expects:
   * Patroni 3.x compares against its internal {@code master} and would refuse {@code primary} with
   * 503 "restart conditions are not satisfied"; 4.x refuses {@code master} with 400.
   *
   * @throws IllegalArgumentException for roles {@code /restart} does not filter on
   */
  public RestartRequest onlyRole(Role.Kind role, PatroniVersion serverVersion) {
    return onlyRole(spell(role, serverVersion));
  }

  /**
   * Only if the member's role is {@code role}; {@link MemberClient#restart} spells it for the
   * member's Patroni version (for {@link Role.Kind#PRIMARY} it reads {@code GET /patroni} first).
   *
   * @throws IllegalArgumentException for roles {@code /restart} does not filter on
   */
  public RestartRequest onlyRole(Role.Kind role) {
    return new RestartRequest(schedule, pendingRestartOnly, null, Objects.requireNonNull(role, "role == null"),
        postgresVersionBelow, startTimeout, timeout);
  }

  /** The word {@code POST /restart} expects for {@code role} from a server of {@code serverVersion}. */
  static String spell(Role.Kind role, PatroniVersion serverVersion) {
    return switch (role) {
      case PRIMARY -> serverVersion.isAtLeast(4, 0) ? "primary" : "master";
      case STANDBY_LEADER -> "standby_leader";
      case REPLICA -> "replica";
      default -> throw new IllegalArgumentException("POST /restart cannot filter on role " + role);
    };
  }

  /** Only if PostgreSQL runs a version lower than {@code version}. */
  public RestartRequest onlyIfPostgresVersionBelow(String version) {
    return new RestartRequest(schedule, pendingRestartOnly, role, roleKind, Objects.requireNonNull(version, "version == null"), startTimeout, timeout);
  }

  /** How long Patroni waits for PostgreSQL to come up (whole seconds). */
  public RestartRequest startTimeout(Duration startTimeout) {
    return new RestartRequest(schedule, pendingRestartOnly, role, roleKind, postgresVersionBelow, Objects.requireNonNull(startTimeout, "startTimeout == null"), timeout);
  }

  /** How long to wait for Patroni's answer. */
  public RestartRequest timeout(Duration timeout) {
    return new RestartRequest(schedule, pendingRestartOnly, role, roleKind, postgresVersionBelow, startTimeout, Objects.requireNonNull(timeout, "timeout == null"));
  }
}
