package dev.patroni4j.runbooks.testkit;

import dev.patroni4j.testkit.LocalPatroniCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Inserts rows one by one into the current primary (multi-host JDBC URL, {@code targetServerType=primary}), counting
 * acknowledged inserts and failed ones; {@link #stop} reports acknowledged rows the table does not hold.
 */
final class Writer implements AutoCloseable {
  private final String url;
  private final String user;
  private final String password;
  private final String table;
  private final Set<Long> acked = ConcurrentHashMap.newKeySet();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  record Report(int acknowledged, long failures, Set<Long> missing) {}

  private Writer(LocalPatroniCluster cluster, String table) {
    this.url = "jdbc:postgresql://" + cluster.nodes().stream().map(n -> "127.0.0.1:" + n.pgPort())
        .collect(Collectors.joining(",")) + "/postgres?targetServerType=primary&connectTimeout=2&socketTimeout=5"
        + "&loginTimeout=3";
    this.user = cluster.superuser();
    this.password = cluster.superuserPassword();
    this.table = table;
    this.thread = new Thread(this::run, "writer");
  }

  static Writer start(LocalPatroniCluster cluster, String table) throws SQLException {
    Writer w = new Writer(cluster, table);
    try (Connection c = DriverManager.getConnection(w.url, w.user, w.password); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table);
      s.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY)");
    }
    w.thread.start();
    return w;
  }

  void awaitRows(int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (acked.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  private void run() {
    long next = 1;
    Connection c = null;
    while (running.get()) {
      try {
        if (c == null) {
          c = DriverManager.getConnection(url, user, password);
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?)")) {
          ps.setLong(1, next);
          ps.executeUpdate();
        }
        acked.add(next);
        sleep(5);
      } catch (SQLException e) {
        failures.incrementAndGet();
        close(c);
        c = null;
        sleep(20);
      }
      next++; // an unacknowledged id may or may not have committed: it is never reused
    }
    close(c);
  }

  /** The ids acknowledged so far. */
  Set<Long> acknowledged() {
    return Set.copyOf(acked);
  }

  Report stop() throws Exception {
    running.set(false);
    thread.join(10_000);
    Set<Long> found = new HashSet<>();
    try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM " + table)) {
      while (rs.next()) {
        found.add(rs.getLong(1));
      }
    }
    Set<Long> missing = new HashSet<>(acked);
    missing.removeAll(found);
    return new Report(acked.size(), failures.get(), missing);
  }

  @Override
  public void close() {
    running.set(false);
  }

  private static void close(@Nullable Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // already broken
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
