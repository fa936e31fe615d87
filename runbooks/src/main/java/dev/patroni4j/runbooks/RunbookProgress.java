package dev.patroni4j.runbooks;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RunbookListener} that prints a run's progress, one line per event: each step as it
 * starts ({@code [2/5] switchover ...}), acts, is verified, skipped or fails, the switchover's and
 * restarts' own events, and the result with the run's duration (from the events' times, so it
 * needs no clock).
 *
 * <pre>{@code
 * import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
 * // given: PatroniRunbooks catalogue;
 * RunbookRunner runner = catalogue.runner().listener(new RunbookProgress(System.out)).build();
 * }</pre>
 *
 * <p>Prints to the stream it is given and nowhere else; reasons are the runner's own, which never
 * carry secrets. Not thread-safe, as the listener contract allows: the runner calls it on its own
 * thread; one instance follows one run at a time (a new {@code runStarted} starts the count over).
 */
public final class RunbookProgress implements RunbookListener {
  private final PrintStream out;
  private int step;
  private int total;
  private Instant started = Instant.EPOCH;

  /** Progress printed to {@code out} (e.g. {@code System.out}). */
  public RunbookProgress(PrintStream out) {
    this.out = Objects.requireNonNull(out, "out == null");
  }

  @Override
  public void runStarted(RunbookEvent.RunStarted e) {
    step = 0;
    total = e.steps();
    started = e.at();
    out.printf("%s %s (%d steps)%n", e.resumed() ? "resuming" : "running", e.runbook(), e.steps());
  }

  @Override
  public void stepStarted(RunbookEvent.StepStarted e) {
    out.printf("[%d/%d] %-28s ...%n", ++step, total, e.stepId());
  }

  @Override
  public void stepSkipped(RunbookEvent.StepSkipped e) {
    out.printf("      %-28s skipped: %s%n", e.stepId(), e.reason());
  }

  @Override
  public void stepActed(RunbookEvent.StepActed e) {
    out.printf("      %-28s acted: %s%n", e.stepId(), e.reason());
  }

  @Override
  public void stepVerified(RunbookEvent.StepVerified e) {
    out.printf("      %-28s done in %d ms: %s%n", e.stepId(), e.took().toMillis(), e.reason());
  }

  @Override
  public void stepFailed(RunbookEvent.StepFailed e) {
    out.printf("      %-28s FAILED: %s%n", e.stepId(), e.reason());
  }

  @Override
  public void switchoverInitiated(RunbookEvent.SwitchoverInitiated e) {
    out.printf("      switchover requested: %s -> %s%n", e.fromLeader(), e.candidate());
  }

  @Override
  public void switchoverFinalized(RunbookEvent.SwitchoverFinalized e) {
    out.printf("      %s: leader %s on timeline %d%n", e.outcome(), e.newLeader(), e.timeline().id());
  }

  @Override
  public void memberRestarted(RunbookEvent.MemberRestarted e) {
    out.printf("      %s restarted%n", e.member());
  }

  @Override
  public void runFinished(RunbookEvent.RunFinished e) {
    long millis = Duration.between(started, e.at()).toMillis();
    RunbookResult result = e.result();
    if (result instanceof RunbookResult.Refused refused) {
      out.printf("refused%s after %d ms: %s%n", at(refused.stepId()), millis, refused.reason());
    } else if (result instanceof RunbookResult.Failed failed) {
      out.printf("failed%s after %d ms: %s%n", at(failed.stepId()), millis, failed.reason());
    } else {
      out.printf("succeeded after %d ms%n", millis);
    }
  }

  private static String at(@Nullable String stepId) {
    return stepId == null ? "" : " at " + stepId;
  }
}
