package dev.patroni4j.dcs.etcd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.ManualTime;
import dev.patroni4j.client.PatroniException.Delivery;
import dev.patroni4j.client.dcs.DcsAuthenticationException;
import dev.patroni4j.client.dcs.DcsTimeoutException;
import dev.patroni4j.client.dcs.DcsUnavailableException;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Deadlines and retries around jetcd calls, without etcd: the futures are made here and nothing sleeps. */
class CallsTest {

  private final List<Duration> sleeps = new ArrayList<>();
  private final Calls calls = new Calls(Duration.ofMillis(500), Duration.ofMillis(10), Duration.ofMillis(40),
      Clock.systemUTC(), sleeps::add);

  private static CompletableFuture<String> failed(Status status) {
    return CompletableFuture.failedFuture(status.asRuntimeException());
  }

  @Test
  void readsAreRetriedWithGrowingBackoffWhileEtcdIsUnavailable() {
    AtomicInteger attempts = new AtomicInteger();
    String result = calls.read("snapshot", "/service/demo/", () -> attempts.incrementAndGet() < 4
        ? failed(Status.UNAVAILABLE.withDescription("connection refused"))
        : CompletableFuture.completedFuture("ok"));

    assertThat(result).isEqualTo("ok");
    assertThat(attempts).hasValue(4);
    assertThat(sleeps).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40));
  }

  @Test
  void aConnectionEtcdClosedMidReadIsRetriedLikeUnavailable() {
    AtomicInteger attempts = new AtomicInteger();
    String result = calls.read("snapshot", null, () -> attempts.incrementAndGet() < 2
        ? failed(Status.UNKNOWN.withDescription("channel closed")
            .withCause(new java.nio.channels.ClosedChannelException()))
        : CompletableFuture.completedFuture("ok"));

    assertThat(result).isEqualTo("ok");
    assertThat(attempts).hasValue(2);
  }

  @Test
  void writesAreSentOnceAndAnUnavailableStoreLeavesTheOutcomeOpen() {
    AtomicInteger attempts = new AtomicInteger();

    assertThatThrownBy(() -> calls.write("setConfig", "/service/demo/config", () -> {
      attempts.incrementAndGet();
      return failed(Status.UNAVAILABLE.withDescription("connection reset"));
    })).isInstanceOfSatisfying(DcsUnavailableException.class,
        e -> assertThat(e.delivery()).isEqualTo(Delivery.POSSIBLY_SENT));
    assertThat(attempts).hasValue(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void aCallThatNeverAnswersTimesOutWithinItsDeadlineAndIsCancelled() {
    CompletableFuture<String> hanging = new CompletableFuture<>();
    long start = System.nanoTime();

    assertThatThrownBy(() -> calls.read("snapshot", "/service/demo/", () -> hanging))
        .isInstanceOfSatisfying(DcsTimeoutException.class, e -> {
          assertThat(e.timeout()).isEqualTo(Duration.ofMillis(500));
          assertThat(e.key()).isEqualTo("/service/demo/");
        });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
    assertThat(hanging).isCancelled();
  }

  @Test
  void refusedCredentialsAreNotRetried() {
    AtomicInteger attempts = new AtomicInteger();

    assertThatThrownBy(() -> calls.read("snapshot", null, () -> {
      attempts.incrementAndGet();
      return failed(Status.INVALID_ARGUMENT.withDescription(
          "etcdserver: authentication failed, invalid user ID or password"));
    })).isInstanceOfSatisfying(DcsAuthenticationException.class,
        e -> assertThat(e.delivery()).isEqualTo(Delivery.ANSWERED));
    assertThat(attempts).hasValue(1);
  }

  @Test
  void anUnavailableStoreIsRetriedUntilTheDeadlineOnTheInjectedClockWithoutRealSleeping() {
    ManualTime time = ManualTime.startingAt(Instant.parse("2026-12-02T00:00:00Z"));
    Calls onInjectedTime = new Calls(Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofSeconds(1), time, time);
    AtomicInteger attempts = new AtomicInteger();
    long realStart = System.nanoTime();

    assertThatThrownBy(() -> onInjectedTime.read("snapshot", "/service/demo/", () -> {
      attempts.incrementAndGet();
      return failed(Status.UNAVAILABLE.withDescription("connection refused"));
    })).isInstanceOfSatisfying(DcsUnavailableException.class,
        e -> assertThat(e.getMessage()).contains("connection refused"));

    // 100+200+400+800+1000+1000+1000 ms = 4.5 s of the 5 s deadline; the next 1 s pause would pass it.
    assertThat(time.slept()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400),
        Duration.ofMillis(800), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1));
    assertThat(attempts).hasValue(8);
    assertThat(Duration.ofNanos(System.nanoTime() - realStart)).isLessThan(Duration.ofSeconds(2));
  }
}
