package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.PatroniNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Inserts rows one by one into the current primary (multi-host JDBC URL, {@code targetServerType=primary}),
 * remembering which inserts were acknowledged, the longest time between two acknowledged inserts and when the first
 * and the last failed insert happened.
 */
final class Writer implements AutoCloseable {
  private final String url;
  private final String user;
  private final String password;
  private final String table;
  private final Set<Long> acked = ConcurrentHashMap.newKeySet();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong longestGapNanos = new AtomicLong();
  private final AtomicReference<@Nullable Instant> firstFailure = new AtomicReference<>();
  private final AtomicReference<@Nullable Instant> lastFailure = new AtomicReference<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  record Report(int acknowledged, long failures, Duration longestGap, Set<Long> missing,
      @Nullable Instant firstFailure, @Nullable Instant lastFailure) {}

  private Writer(List<LocalPatroniCluster> clusters, String table) {
    this.url = "jdbc:postgresql://" + clusters.stream().flatMap(c -> c.nodes().stream())
        .map(n -> "127.0.0.1:" + n.pgPort()).collect(Collectors.joining(","))
        + "/postgres?targetServerType=primary&connectTimeout=2&socketTimeout=5&loginTimeout=3";
    this.user = clusters.get(0).superuser();
    this.password = clusters.get(0).superuserPassword();
    this.table = table;
    this.thread = new Thread(this::run, "writer");
  }

  static Writer start(LocalPatroniCluster cluster, String table) throws SQLException {
    return startAcross(List.of(cluster), table);
  }

  /** A writer to whichever member of the given clusters (sites sharing their users) is a primary. */
  static Writer startAcross(List<LocalPatroniCluster> clusters, String table) throws SQLException {
    Writer w = new Writer(clusters, table);
    try (Connection c = DriverManager.getConnection(w.url, w.user, w.password); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table);
      s.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY)");
    }
    w.thread.start();
    return w;
  }

  int acknowledged() {
    return acked.size();
  }

  void awaitRows(int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (acked.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  private void run() {
    long next = 1;
    long lastAck = System.nanoTime();
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
        long now = System.nanoTime();
        longestGapNanos.accumulateAndGet(now - lastAck, Math::max);
        lastAck = now;
      } catch (SQLException e) {
        failures.incrementAndGet();
        Instant now = Instant.now();
        firstFailure.compareAndSet(null, now);
        lastFailure.set(now);
        close(c);
        c = null;
        sleep(20);
      }
      next++; // an unacknowledged id may or may not have committed: it is never reused
    }
    close(c);
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
    return new Report(acked.size(), failures.get(), Duration.ofNanos(longestGapNanos.get()), missing,
        firstFailure.get(), lastFailure.get());
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

  static List<PatroniNode> unused() {
    return List.of();
  }
}
