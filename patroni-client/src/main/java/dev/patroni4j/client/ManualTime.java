package dev.patroni4j.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Time that moves only when told to, for tests: both the {@link Clock} and the {@link Sleeper} that patroni4j's
 * builders take ({@code clock(...)} and {@code sleeper(...)}). {@link #sleep} returns at once and moves the clock on
 * by the slept duration, so a wait with a one-minute deadline times out in microseconds, on exactly the schedule it
 * would have followed in real time; {@link #advance} moves it without a sleep (another party's time passing).
 * Registered {@link #onSleep} hooks run after each sleep, which lets a scripted fake cluster make progress between
 * two polls.
 *
 * <pre>{@code
 * ManualTime time = ManualTime.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
 * Waiter waiter = Waiter.polling(Duration.ofSeconds(1), time, time);
 * try {
 *   waiter.until("never", Duration.ofSeconds(3), remaining -> Waiter.Attempt.pending("not yet"));
 * } catch (PatroniWaitTimeoutException e) {
 *   assert time.slept().equals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)));
 * }
 * }</pre>
 *
 * <p>Thread-safe: the current instant and the record of sleeps change atomically; hooks run on the sleeping thread,
 * outside any lock. Like {@link Sleeper#system()}, a sleep on an interrupted thread throws {@link
 * InterruptedException} (and clears the flag) without moving the clock.
 */
public final class ManualTime extends Clock implements Sleeper {
  private final Object lock = new Object();
  private final List<Duration> slept = new ArrayList<>();
  private final List<Runnable> hooks = new CopyOnWriteArrayList<>();
  private Instant now;

  private ManualTime(Instant start) {
    this.now = Objects.requireNonNull(start, "start == null");
  }

  /** Time standing at {@code start} until slept on or advanced. */
  public static ManualTime startingAt(Instant start) {
    return new ManualTime(start);
  }

  /** Moves the clock on by {@code duration} and records the sleep, then runs the {@link #onSleep} hooks. */
  @Override
  public void sleep(Duration duration) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException("sleep on an interrupted thread");
    }
    Duration d = duration.isNegative() ? Duration.ZERO : duration;
    synchronized (lock) {
      slept.add(d);
      now = now.plus(d);
    }
    for (Runnable hook : hooks) {
      hook.run();
    }
  }

  /** Moves the clock on by {@code duration} without recording a sleep or running the hooks. */
  public void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("time does not go back: " + duration);
    }
    synchronized (lock) {
      now = now.plus(duration);
    }
  }

  /** Runs {@code hook} after every later {@link #sleep}, on the sleeping thread; returns this time. */
  public ManualTime onSleep(Runnable hook) {
    hooks.add(Objects.requireNonNull(hook, "hook == null"));
    return this;
  }

  /** Every sleep so far, in order. */
  public List<Duration> slept() {
    synchronized (lock) {
      return List.copyOf(slept);
    }
  }

  /** The sum of every sleep so far. */
  public Duration totalSlept() {
    synchronized (lock) {
      return slept.stream().reduce(Duration.ZERO, Duration::plus);
    }
  }

  @Override
  public Instant instant() {
    synchronized (lock) {
      return now;
    }
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** A clock in {@code zone} that reads this time (it moves with it). */
  @Override
  public Clock withZone(ZoneId zone) {
    Objects.requireNonNull(zone, "zone == null");
    return zone.equals(ZoneOffset.UTC) ? this : new Zoned(this, zone);
  }

  @Override
  public String toString() {
    return "ManualTime{" + instant() + "}";
  }

  private static final class Zoned extends Clock {
    private final ManualTime time;
    private final ZoneId zone;

    Zoned(ManualTime time, ZoneId zone) {
      this.time = time;
      this.zone = zone;
    }

    @Override
    public ZoneId getZone() {
      return zone;
    }

    @Override
    public Clock withZone(ZoneId z) {
      return time.withZone(z);
    }

    @Override
    public Instant instant() {
      return time.instant();
    }
  }
}
