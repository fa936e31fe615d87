package dev.patroni4j.runbooks.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.runbooks.RunbookException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReadsTest {
  private final List<Duration> slept = new ArrayList<>();

  @Test
  void aFailingReadIsTriedAgainAfterPausingOnTheInjectedSleeper() throws Exception {
    AtomicInteger attempts = new AtomicInteger();

    String value = Reads.withRetry(3, Duration.ofSeconds(30), slept::add, () -> {
      if (attempts.incrementAndGet() < 3) {
        throw new IOException("connection reset");
      }
      return "observed";
    });

    assertThat(value).isEqualTo("observed");
    assertThat(slept).containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(30));
  }

  @Test
  void afterTheLastAttemptItsFailureIsThrownWithTheEarlierOnesSuppressed() {
    AtomicInteger attempts = new AtomicInteger();

    assertThatThrownBy(() -> Reads.withRetry(2, Duration.ofMillis(5), slept::add, () -> {
      throw new IOException("attempt " + attempts.incrementAndGet());
    })).isInstanceOfSatisfying(IOException.class, e -> {
      assertThat(e).hasMessage("attempt 2");
      assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("attempt 1");
    });
    assertThat(slept).containsExactly(Duration.ofMillis(5));
  }

  @Test
  void aStepsOwnVerdictIsNotRetried() {
    AtomicInteger attempts = new AtomicInteger();

    assertThatThrownBy(() -> Reads.withRetry(5, Duration.ofMillis(5), slept::add, () -> {
      attempts.incrementAndGet();
      throw new RunbookException("blocked: no leader");
    })).isInstanceOf(RunbookException.class);
    assertThat(attempts).hasValue(1);
    assertThat(slept).isEmpty();
  }
}
