package dev.patroni4j.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ManualTimeTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void sleepingMovesTheClockOnAndIsRecordedWithoutWaitingForReal() throws Exception {
    ManualTime time = ManualTime.startingAt(START);
    long realStart = System.nanoTime();

    time.sleep(Duration.ofHours(1));
    time.sleep(Duration.ofMillis(250));

    assertThat(time.instant()).isEqualTo(START.plus(Duration.ofHours(1)).plusMillis(250));
    assertThat(time.slept()).containsExactly(Duration.ofHours(1), Duration.ofMillis(250));
    assertThat(time.totalSlept()).isEqualTo(Duration.ofHours(1).plusMillis(250));
    assertThat(Duration.ofNanos(System.nanoTime() - realStart)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void advancingMovesTheClockWithoutASleepOrTheHooks() {
    AtomicInteger hooks = new AtomicInteger();
    ManualTime time = ManualTime.startingAt(START).onSleep(hooks::incrementAndGet);

    time.advance(Duration.ofSeconds(30));

    assertThat(time.instant()).isEqualTo(START.plusSeconds(30));
    assertThat(time.slept()).isEmpty();
    assertThat(hooks).hasValue(0);
    assertThatThrownBy(() -> time.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hooksRunAfterEachSleepAndSeeTheNewTime() throws Exception {
    ManualTime time = ManualTime.startingAt(START);
    StringBuilder seen = new StringBuilder();
    time.onSleep(() -> seen.append(time.instant().getEpochSecond() - START.getEpochSecond()).append(' '));

    time.sleep(Duration.ofSeconds(2));
    time.sleep(Duration.ofSeconds(3));

    assertThat(seen.toString()).isEqualTo("2 5 ");
  }

  @Test
  void aSleepOnAnInterruptedThreadThrowsAndLeavesTheClock() {
    ManualTime time = ManualTime.startingAt(START);
    Thread.currentThread().interrupt();

    assertThatThrownBy(() -> time.sleep(Duration.ofSeconds(1))).isInstanceOf(InterruptedException.class);
    assertThat(Thread.interrupted()).isFalse();
    assertThat(time.instant()).isEqualTo(START);
    assertThat(time.slept()).isEmpty();
  }

  @Test
  void aWaitTimesOutOnTheScheduleItWouldFollowInRealTime() {
    ManualTime time = ManualTime.startingAt(START);
    Waiter waiter = Waiter.polling(Duration.ofSeconds(1), time, time);

    assertThatThrownBy(() -> waiter.until("never", Duration.ofMillis(2500), remaining -> Waiter.Attempt.pending("no")))
        .isInstanceOf(PatroniWaitTimeoutException.class);
    assertThat(time.slept()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(500));
    assertThat(time.instant()).isEqualTo(START.plusMillis(2500));
  }

  @Test
  void aZonedViewMovesWithTheTime() throws Exception {
    ManualTime time = ManualTime.startingAt(START);
    java.time.Clock paris = time.withZone(ZoneId.of("Europe/Paris"));

    time.sleep(Duration.ofMinutes(5));

    assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
    assertThat(paris.instant()).isEqualTo(START.plusSeconds(300));
  }

  @Test
  void concurrentSleepsAreAllCounted() throws Exception {
    ManualTime time = ManualTime.startingAt(START);
    int threads = 4;
    int each = 1000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < each; i++) {
            time.sleep(Duration.ofMillis(1));
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdown();
    }
    assertThat(time.slept()).hasSize(threads * each);
    assertThat(time.instant()).isEqualTo(START.plusMillis((long) threads * each));
  }
}
