package dev.patroni4j.runbooks.catalogue;

import java.util.List;
import java.util.Objects;

/**
 * A PgBouncer in front of the cluster that a {@link PatroniRunbooks#plannedSwitchover planned switchover} pauses,
 * re-points to the new leader and resumes ({@link SwitchoverOptions#poolers}): its admin console address and user
 * (listed in PgBouncer's {@code admin_users}; cleartext, md5 and SCRAM-SHA-256 logins are spoken), the {@code
 * [databases]} entries that lead to this cluster's primary, and how to re-point them. PgBouncer 1.18 cannot change a
 * database's host from its console, so {@link Repoint} either rewrites the entries (the runbook then sends {@code
 * RELOAD} and checks {@code SHOW DATABASES}) or, when the entries name a host that follows the leader by itself (DNS,
 * a virtual IP), is {@link Repoint#followsLeader()} and the runbook sends {@code RECONNECT}. Only {@code pool_mode =
 * transaction} (or statement) poolers can be paused between transactions; a session-mode {@code PAUSE} waits for
 * clients to disconnect.
 *
 * <pre>{@code
 * import java.nio.file.Files;
 * // given: String adminPassword; Path ini; Function<String, String> rewriteDatabases;
 * Pooler bouncer = new Pooler("bouncer-1", "10.0.0.9", 6432, "pgbouncer_admin", adminPassword, List.of("app"),
 *     (database, host, port) -> Files.writeString(ini, rewriteDatabases.apply(host + ":" + port)));
 * SwitchoverOptions options = SwitchoverOptions.defaults()
 *     .poolers(PoolerCutover.of(bouncer).drainTimeout(Duration.ofSeconds(5)));
 * }</pre>
 *
 * <p>Thread-safety: immutable; {@link Repoint} implementations must be thread-safe. The password is never part of
 * {@link #toString()}.
 *
 * @param name how plans, step ids and errors name this pooler (letters, digits, {@code -_.})
 * @param databases the {@code [databases]} entries to pause, re-point and resume, at least one
 */
public record Pooler(String name, String host, int port, String adminUser, String adminPassword,
    List<String> databases, Repoint repoint) {
  public Pooler {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(host, "host == null");
    Objects.requireNonNull(adminUser, "adminUser == null");
    Objects.requireNonNull(adminPassword, "adminPassword == null");
    Objects.requireNonNull(repoint, "repoint == null");
    databases = List.copyOf(databases);
    if (!name.matches("[A-Za-z0-9_.\\-]+")) {
      throw new IllegalArgumentException("pooler name '" + name + "' must match [A-Za-z0-9_.-]+");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (databases.isEmpty()) {
      throw new IllegalArgumentException("pooler " + name + " names no database");
    }
    for (String d : databases) {
      // the names go into admin commands (PAUSE <db>) unquoted
      if (!d.matches("[A-Za-z0-9_]+")) {
        throw new IllegalArgumentException("database name '" + d + "' must match [A-Za-z0-9_]+");
      }
    }
  }

  /** Points one {@code [databases]} entry of the pooler at the new leader; the runbook then sends {@code RELOAD}. */
  @FunctionalInterface
  public interface Repoint {
    void pointAt(String database, String host, int port) throws Exception;

    /** The entries name a host that follows the leader (DNS, virtual IP): nothing to rewrite, {@code RECONNECT}. */
    static Repoint followsLeader() {
      return FollowsLeader.INSTANCE;
    }
  }

  enum FollowsLeader implements Repoint {
    INSTANCE;

    @Override
    public void pointAt(String database, String host, int port) {}
  }

  @Override
  public String toString() {
    return "Pooler[" + name + ", " + host + ":" + port + ", adminUser=" + adminUser + ", adminPassword=****, databases="
        + databases + "]";
  }
}
