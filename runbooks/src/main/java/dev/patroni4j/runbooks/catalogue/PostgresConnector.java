package dev.patroni4j.runbooks.catalogue;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Opens a JDBC connection to one member's PostgreSQL, for SQL steps (CHECKPOINT before a switchover, replication and
 * settings checks). Credentials stay inside the caller's implementation; the runbooks never see or journal them.
 *
 * <pre>{@code
 * // given: String password;
 * PostgresConnector pg = (member, host, port) ->
 *     DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", "postgres", password);
 * }</pre>
 *
 * <p>Thread-safety: implementations must be thread-safe.
 */
@FunctionalInterface
public interface PostgresConnector {
  Connection connect(String member, String host, int port) throws SQLException;
}
