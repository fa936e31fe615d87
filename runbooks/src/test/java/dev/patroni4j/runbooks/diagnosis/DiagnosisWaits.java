package dev.patroni4j.runbooks.diagnosis;

import dev.patroni4j.client.PatroniWaitTimeoutException;
import dev.patroni4j.client.Sleeper;
import dev.patroni4j.client.Waiter;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Predicate;

/** Waits, through the library's one deadline loop, until a diagnosis shows what a test expects. */
final class DiagnosisWaits {
  private static final Waiter WAITER = Waiter.polling(Duration.ofMillis(500), Clock.systemUTC(), Sleeper.system());
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private DiagnosisWaits() {}

  /** What a test waits for, read afresh on every attempt. */
  @FunctionalInterface
  interface Observation<T> {
    T read() throws Exception;
  }

  /** Waits until {@code holds} accepts what {@code observe} reads; a timeout fails with the last reading. */
  static <T> T until(String what, Duration timeout, Observation<T> observe, Predicate<T> holds) {
    try {
      return WAITER.until(what, timeout, remaining -> {
        T now;
        try {
          now = observe.read();
        } catch (InterruptedException e) {
          throw e;
        } catch (Exception e) {
          return Waiter.Attempt.pending(e.toString());
        }
        return holds.test(now) ? Waiter.Attempt.done(now) : Waiter.Attempt.pending(now);
      });
    } catch (PatroniWaitTimeoutException e) {
      throw new AssertionError("timed out waiting for " + what + "; last seen: "
          + e.lastObservation(Object.class).map(String::valueOf).orElse(e.getMessage()), e);
    }
  }

  /** The first diagnosis for which {@code until} holds; a timeout fails with the last diagnosis as a table. */
  static Diagnosis await(ClusterDiagnostics diagnostics, String what, Predicate<Diagnosis> until) {
    try {
      return WAITER.until(what, TIMEOUT, remaining -> {
        Diagnosis d = diagnostics.diagnose();
        return until.test(d) ? Waiter.Attempt.done(d) : Waiter.Attempt.pending(d);
      });
    } catch (PatroniWaitTimeoutException e) {
      throw new AssertionError("timed out waiting for " + what + "; last diagnosis:\n"
          + e.lastObservation(Diagnosis.class).map(Diagnosis::table).orElse("(none: " + e.getMessage() + ")"), e);
    }
  }
}
