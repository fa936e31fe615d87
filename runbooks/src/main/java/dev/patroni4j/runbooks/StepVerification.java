package dev.patroni4j.runbooks;

import dev.patroni4j.client.PatroniException;
import dev.patroni4j.client.PatroniWaitTimeoutException;
import dev.patroni4j.client.Waiter;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Verifies a step's action with the step's deadline, through the one deadline loop ({@link
 * dev.patroni4j.client.Waiter}): a timeout fails the step with {@link PatroniWaitTimeoutException} whose last
 * observation is the step's last {@link Verification.Pending}.
 */
final class StepVerification {
  private final RunnerSettings settings;
  private final StepExecution execution;

  StepVerification(RunnerSettings settings, StepExecution execution) {
    this.settings = settings;
    this.execution = execution;
  }

  Optional<RunbookResult> verify(JournalReplay run, Runbook.Resolved r, StepContext ctx, Decision.NeedsAction intent,
      Facts learned, Instant began) {
    Duration timeout = r.policy().verifyTimeout();
    Facts known = intent.facts().with(learned);
    Verification v;
    try {
      v = settings.waiter(r.policy()).until(r.id() + " to take effect", timeout,
          remaining -> attempt(() -> r.step().verify(ctx, intent)));
    } catch (PatroniWaitTimeoutException e) {
      String last = e.lastObservation(Verification.Pending.class).map(Verification::reason).orElse("nothing");
      Facts seen = e.lastObservation(Verification.Pending.class).map(Verification::facts).orElse(Facts.of());
      return Optional.of(execution.fail(run, r, "waited " + timeout + " for " + r.id() + " to take effect; last observed: "
          + last, known.with(seen), e, began));
    } catch (RunbookException e) {
      return Optional.of(execution.fail(run, r, "verification failed: " + e.getMessage(), known, e, began));
    } catch (PatroniException e) {
      // Only an interrupt reaches here: the probe's own errors count as "not yet".
      return Optional.of(execution.fail(run, r, "interrupted while verifying", known, e, began));
    }
    if (v instanceof Verification.Failed f) {
      return Optional.of(execution.fail(run, r, f.reason(), known.with(f.facts()), null, began));
    }
    run.append(r.id(), JournalEntry.Kind.COMPLETED, v.reason(), v.facts(), null);
    run.report(r.id(), StepReport.Outcome.COMPLETED, v.reason(), known.with(v.facts()), began);
    settings.publish(new RunbookEvent.StepVerified(run.plan.id(), settings.clock().instant(), r.id(), v.reason(),
        Duration.between(began, settings.clock().instant())));
    return Optional.empty();
  }

  /** One attempt of a step's probe, as the engine's waits count it. */
  private static Waiter.Attempt<Verification> attempt(Callable<Verification> probe) throws InterruptedException {
    Verification v;
    try {
      v = probe.call();
    } catch (InterruptedException | RunbookException e) {
      throw e;
    } catch (Exception e) {
      return Waiter.Attempt.pending(Verification.pending(RunbookRunner.describe(e)));
    }
    return v instanceof Verification.Pending ? Waiter.Attempt.pending(v) : Waiter.Attempt.done(v);
  }
}
