package dev.patroni4j.runbooks;

import dev.patroni4j.runbooks.internal.JsonCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A {@link Journal} kept in a PostgreSQL table, for tools that already have a database for their own state. Each
 * journal is the set of rows with one {@code journal_id}; entries are inserted in their own transaction, so an
 * {@link #append} is durable when it returns.
 *
 * <pre>{@code
 * // given: String url; String user; String password;
 * Journal journal = PostgresJournal.create(() -> DriverManager.getConnection(url, user, password),
 *     "ops.runbook_journal", "switchover-2026-11-22");
 * }</pre>
 *
 * <p>Use a database outside the cluster being operated: a switchover makes the cluster's primary unavailable for a
 * moment, and the journal must be writable exactly then. Thread-safety: thread-safe; connections are opened per call.
 */
public final class PostgresJournal implements Journal {
  private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?");

  /** Opens a JDBC connection; credentials stay with the caller and never reach the journal. */
  @FunctionalInterface
  public interface ConnectionSource {
    Connection open() throws SQLException;
  }

  private final ConnectionSource connections;
  private final String table;
  private final String journalId;

  private PostgresJournal(ConnectionSource connections, String table, String journalId) {
    this.connections = connections;
    this.table = table;
    this.journalId = journalId;
  }

  /**
   * A journal stored as rows of {@code table} (created if absent, e.g. {@code runbook_journal} or
   * {@code ops.runbook_journal}) with the given {@code journalId}.
   */
  public static PostgresJournal create(ConnectionSource connections, String table, String journalId) {
    Objects.requireNonNull(connections, "connections == null");
    if (!TABLE.matcher(table).matches()) {
      throw new IllegalArgumentException("table '" + table + "' must be a lower-case [schema.]name");
    }
    if (journalId.isBlank()) {
      throw new IllegalArgumentException("journalId is blank");
    }
    PostgresJournal journal = new PostgresJournal(connections, table, journalId);
    journal.createTable();
    return journal;
  }

  private void createTable() {
    try (Connection c = connections.open(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + table + " (journal_id text NOT NULL, seq bigint NOT NULL,"
          + " run_id text NOT NULL, at timestamptz NOT NULL, step_id text NOT NULL, kind text NOT NULL,"
          + " reason text NOT NULL, facts jsonb NOT NULL, payload text, PRIMARY KEY (journal_id, seq))");
    } catch (SQLException e) {
      throw new JournalException("cannot create journal table " + table + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<JournalEntry> read() {
    String sql = "SELECT run_id, seq, at, step_id, kind, reason, facts::text, payload FROM " + table
        + " WHERE journal_id = ? ORDER BY seq";
    try (Connection c = connections.open(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, journalId);
      List<JournalEntry> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new JournalEntry(rs.getString(1), rs.getLong(2), rs.getTimestamp(3).toInstant(), rs.getString(4),
              JournalEntry.Kind.valueOf(rs.getString(5)), rs.getString(6), JsonCodec.factsFromJson(rs.getString(7)),
              rs.getString(8)));
        }
      }
      return List.copyOf(out);
    } catch (SQLException | IllegalArgumentException e) {
      throw new JournalException("cannot read journal '" + journalId + "' from " + table + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void append(JournalEntry e) {
    String sql = "INSERT INTO " + table
        + " (journal_id, seq, run_id, at, step_id, kind, reason, facts, payload) VALUES (?,?,?,?,?,?,?,?::jsonb,?)";
    try (Connection c = connections.open(); PreparedStatement ps = c.prepareStatement(sql)) {
      c.setAutoCommit(true);
      ps.setString(1, journalId);
      ps.setLong(2, e.seq());
      ps.setString(3, e.runId());
      ps.setTimestamp(4, Timestamp.from(e.at()));
      ps.setString(5, e.stepId());
      ps.setString(6, e.kind().name());
      ps.setString(7, e.reason());
      ps.setString(8, JsonCodec.factsToJson(e.facts()));
      ps.setString(9, e.payload());
      ps.executeUpdate();
    } catch (SQLException ex) {
      throw new JournalException("cannot append to journal '" + journalId + "' in " + table + ": "
          + ex.getMessage(), ex);
    }
  }

  @Override
  public String toString() {
    return "PostgresJournal[" + table + ", " + journalId + "]";
  }
}
