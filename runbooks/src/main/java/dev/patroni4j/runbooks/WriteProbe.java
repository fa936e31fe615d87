package dev.patroni4j.runbooks;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A writer that measures write downtime: one thread commits a small write transaction ({@code SELECT
 * txid_current()}, which only a primary can run) every {@link Settings#interval()}, through whatever {@link Target}
 * opens (a pooler, a multi-host URL, the leader), reconnecting after every failure, and reports a {@link
 * WriteDowntime}. Give it to a run with {@link ExecuteOptions#writeProbe} (the result and a {@link
 * RunbookEvent.WriteDowntimeMeasured} event carry the figures) or run it around anything else.
 *
 * <pre>{@code
 * import java.sql.DriverManager;
 * // given: RunbookRunner runner; Runbook runbook; Journal journal; String url; String user; String password;
 * WriteProbe.Settings probe = WriteProbe.settings(() -> DriverManager.getConnection(url, user, password))
 *     .interval(Duration.ofMillis(5));
 * RunbookResult result = runner.execute(runbook, journal, ExecuteOptions.defaults().writeProbe(probe));
 * WriteDowntime downtime = result.findWriteDowntime().orElseThrow();
 * try (WriteProbe standalone = WriteProbe.start(probe)) {  // or around anything
 *   // ... the disruption ...
 *   WriteDowntime d = standalone.stop();
 * }
 * }</pre>
 *
 * <p>Thread-safety: thread-safe; {@link #stop()} may be called from any thread, more than once.
 */
public final class WriteProbe implements AutoCloseable {
  /** Opens the writer's connection; called again after every failure. */
  @FunctionalInterface
  public interface Target {
    Connection open() throws SQLException;
  }

  /**
   * How to probe: {@code interval} between the starts of two writes (5 ms: about 200 per second when writes are
   * fast), a write taking longer than {@code blockedAfter} counts as blocked (part of the disruption window).
   *
   * <p>Thread-safety: immutable.
   */
  public record Settings(Target target, Duration interval, Duration blockedAfter, Clock clock) {
    public Settings {
      Objects.requireNonNull(target, "target == null");
      Objects.requireNonNull(clock, "clock == null");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("interval < 0: " + interval);
      }
      if (blockedAfter.isNegative() || blockedAfter.isZero()) {
        throw new IllegalArgumentException("blockedAfter <= 0: " + blockedAfter);
      }
    }

    public Settings interval(Duration interval) {
      return new Settings(target, interval, blockedAfter, clock);
    }

    public Settings blockedAfter(Duration blockedAfter) {
      return new Settings(target, interval, blockedAfter, clock);
    }

    public Settings clock(Clock clock) {
      return new Settings(target, interval, blockedAfter, clock);
    }

    @Override
    public String toString() {
      return "WriteProbe.Settings[interval=" + interval + ", blockedAfter=" + blockedAfter + "]";
    }
  }

  /** Every 5 ms, blocked after 100 ms, on the system clock. */
  public static Settings settings(Target target) {
    return new Settings(target, Duration.ofMillis(5), Duration.ofMillis(100), Clock.systemUTC());
  }

  private final Settings settings;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;
  private final Object lock = new Object();
  private long attempted;
  private long failed;
  private long longestNanos;
  private long longestWithoutCommitNanos;
  private long lastCommitNanos;
  private long stopRequestedNanos;
  private @Nullable Instant firstFailure;
  private @Nullable Instant lastFailure;
  private @Nullable Instant disruptedFrom;
  private @Nullable Instant disruptedTo;
  private @Nullable WriteDowntime result;

  private WriteProbe(Settings settings) {
    this.settings = settings;
    this.thread = new Thread(this::run, "patroni4j-write-probe");
    this.thread.setDaemon(true);
    this.lastCommitNanos = System.nanoTime();
  }

  /** Starts the writer thread. */
  public static WriteProbe start(Settings settings) {
    WriteProbe p = new WriteProbe(Objects.requireNonNull(settings, "settings == null"));
    p.thread.start();
    return p;
  }

  /** The figures so far, without stopping. */
  public WriteDowntime snapshot() {
    synchronized (lock) {
      Duration window = disruptedFrom == null || disruptedTo == null ? Duration.ZERO
          : Duration.between(disruptedFrom, disruptedTo);
      long end = stopRequestedNanos != 0 ? stopRequestedNanos : System.nanoTime();
      long sinceLastCommit = Math.max(0, end - lastCommitNanos);
      return new WriteDowntime(attempted, failed, Duration.ofNanos(longestNanos),
          Duration.ofNanos(Math.max(longestWithoutCommitNanos, sinceLastCommit)), firstFailure, lastFailure, window);
    }
  }

  /** Stops the writer (waiting for its write in flight) and returns the figures. */
  public WriteDowntime stop() {
    synchronized (lock) {
      if (stopRequestedNanos == 0) {
        stopRequestedNanos = System.nanoTime();
      }
    }
    running.set(false);
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (lock) {
      if (result == null) {
        result = snapshot();
      }
      return result;
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void run() {
    Connection c = null;
    long intervalNanos = settings.interval().toNanos();
    long next = System.nanoTime();
    while (running.get()) {
      Instant began = settings.clock().instant();
      long t0 = System.nanoTime();
      boolean ok;
      try {
        if (c == null) {
          c = settings.target().open();
          c.setAutoCommit(true);
        }
        try (Statement s = c.createStatement()) {
          s.execute("SELECT txid_current()");
        }
        ok = true;
      } catch (SQLException | RuntimeException e) {
        ok = false;
        closeQuietly(c);
        c = null;
      }
      long took = System.nanoTime() - t0;
      record(began, t0, took, ok);
      next = Math.max(next + intervalNanos, System.nanoTime());
      long wait = next - System.nanoTime();
      if (wait > 0) {
        // Not the Sleeper: the writer paces real writes to a real server on System.nanoTime, below a millisecond
        // (Sleeper.system() sleeps whole milliseconds), and a ManualTime sleeper would make it write flat out.
        java.util.concurrent.locks.LockSupport.parkNanos(wait);
      }
    }
    closeQuietly(c);
  }

  private void record(Instant began, long startNanos, long tookNanos, boolean ok) {
    Instant ended = began.plusNanos(tookNanos);
    synchronized (lock) {
      attempted++;
      if (ok) {
        long committed = startNanos + tookNanos;
        longestWithoutCommitNanos = Math.max(longestWithoutCommitNanos, committed - lastCommitNanos);
        lastCommitNanos = committed;
      }
      longestNanos = Math.max(longestNanos, tookNanos);
      if (!ok) {
        failed++;
        if (firstFailure == null) {
          firstFailure = began;
        }
        lastFailure = ended;
      }
      if (!ok || tookNanos > settings.blockedAfter().toNanos()) {
        if (disruptedFrom == null) {
          disruptedFrom = began;
        }
        disruptedTo = ended;
      }
    }
  }

  private static void closeQuietly(@Nullable Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException ignored) {
      // the connection is already broken
    }
  }
}
