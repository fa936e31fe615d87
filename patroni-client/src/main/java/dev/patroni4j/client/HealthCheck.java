package dev.patroni4j.client;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A health-check endpoint with its query parameters: {@code /primary}, {@code /replica?lag=10MB},
 * {@code /read-only?tag_zone=a}, ... Patroni answers 200 when the condition holds, 503 otherwise.
 *
 * <pre>{@code
 * // given: MemberClient member;
 * HealthResult r = member.check(HealthCheck.replica().maxLag("16MB").tag("zone", "a"));
 * if (r.healthy()) {
 *   // route reads to it
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe; modifiers return new instances.
 *
 * @param path the endpoint path, e.g. {@code /replica}
 * @param query query parameters in order
 */
public record HealthCheck(String path, Map<String, String> query) {

  public HealthCheck {
    Objects.requireNonNull(path, "path == null");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/': " + path);
    }
    query = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(query));
  }

  /** Any path Patroni routes to its health logic (unknown paths answer 503). */
  public static HealthCheck of(String path) {
    return new HealthCheck(path, Map.of());
  }

  /** {@code /primary}: holds the leader lock, not in a standby cluster. */
  public static HealthCheck primary() { return of("/primary"); }
  /** {@code /leader}: holds the leader lock (primary or standby leader). */
  public static HealthCheck leader() { return of("/leader"); }
  /** {@code /standby-leader}. */
  public static HealthCheck standbyLeader() { return of("/standby-leader"); }
  /** {@code /replica}: running replica, no {@code noloadbalance} tag, within {@code lag}. */
  public static HealthCheck replica() { return of("/replica"); }
  /** {@code /read-only}: leader or healthy replica. */
  public static HealthCheck readOnly() { return of("/read-only"); }
  /** {@code /sync}: a synchronous standby. */
  public static HealthCheck sync() { return of("/sync"); }
  /** {@code /async}: a replica that is neither sync nor quorum standby. */
  public static HealthCheck async() { return of("/async"); }
  /** {@code /quorum}: a quorum standby under {@code synchronous_mode: quorum} (4.0+; 3.x answers 503). */
  public static HealthCheck quorum() { return of("/quorum"); }
  /** {@code /read-only-sync}: leader or synchronous standby. */
  public static HealthCheck readOnlySync() { return of("/read-only-sync"); }
  /**
   * {@code /read-only-quorum}: leader or quorum standby (4.0+). A trap seen on 3.0.2: a server
   * without quorum checks takes it for {@code /read-only} and answers 200 on every healthy replica.
   */
  public static HealthCheck readOnlyQuorum() { return of("/read-only-quorum"); }
  /** {@code /health}: PostgreSQL is running, any role. */
  public static HealthCheck health() { return of("/health"); }
  /** {@code /liveness}: the HA loop is alive (status only, no body). */
  public static HealthCheck liveness() { return of("/liveness"); }
  /**
   * {@code /readiness}: leader, or replica ready for traffic (status only, no body; GET only, HEAD
   * and OPTIONS answer 503). Up to 4.0 a running replica with a DCS is ready whatever its lag; from
   * 4.1 it must stream with lag at most {@code lag} (default {@code maximum_lag_on_failover}),
   * measured against replayed WAL, or received WAL with {@link #mode mode("write")}.
   */
  public static HealthCheck readiness() { return of("/readiness"); }

  /** Adds {@code lag=<bytes>}: unhealthy if the replica lags more. */
  public HealthCheck maxLag(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("lag < 0: " + bytes);
    }
    return with("lag", Long.toString(bytes));
  }

  /**
   * Adds {@code lag=<size>} with Patroni's units ({@code B}, {@code kB}, {@code MB}, {@code GB},
   * {@code TB}; case-sensitive). Patroni silently ignores a size it cannot read, so this checks it.
   */
  public HealthCheck maxLag(String size) {
    if (!size.matches("\\d+(B|kB|MB|GB|TB)?")) {
      throw new IllegalArgumentException("lag must be bytes or a number with B, kB, MB, GB or TB: " + size);
    }
    return with("lag", size);
  }

  /** Adds {@code tag_<name>=<value>}: unhealthy unless the member's tag renders as {@code value}. */
  public HealthCheck tag(String name, String value) {
    return with("tag_" + name, value);
  }

  /** Adds {@code mode=<mode>} for {@code /readiness} (4.1+: {@code apply} or {@code write}). */
  public HealthCheck mode(String mode) {
    return with("mode", mode);
  }

  /** Adds any query parameter. */
  public HealthCheck with(String name, String value) {
    Map<String, String> q = new LinkedHashMap<>(query);
    q.put(Objects.requireNonNull(name, "name == null"), Objects.requireNonNull(value, "value == null"));
    return new HealthCheck(path, q);
  }
}
