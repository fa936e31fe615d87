package dev.patroni4j.runbooks;

import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.ClusterObservation;
import dev.patroni4j.client.PatroniException;
import dev.patroni4j.client.PatroniWaitTimeoutException;
import dev.patroni4j.client.Waiter;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Verifies a step's action with the step's deadline, through the one deadline loop ({@link
 * dev.patroni4j.client.Waiter}): a step with a {@link Step#goal} is waited for through {@link
 * dev.patroni4j.client.ClusterWaiter} (a timeout's last observation is the {@link ClusterObservation}, reported with
 * the goal's {@link ClusterCondition#whyNot}); any other step's {@link Step#verify} is polled (a timeout's last
 * observation is its last {@link Verification.Pending}). Either way the timeout fails the step with {@link
 * PatroniWaitTimeoutException}.
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
    ctx.startVerifying();
    Optional<ClusterCondition> goal;
    try {
      goal = r.step().goal(ctx, intent);
    } catch (RuntimeException e) {
      return Optional.of(execution.fail(run, r, "verification failed: " + RunbookRunner.describe(e), known, e, began));
    }
    Verification v;
    try {
      v = goal.isPresent() ? untilGoal(r, ctx, intent, goal.get())
          : settings.waiter(r.policy()).until(r.id() + " to take effect", timeout,
              remaining -> attempt(() -> r.step().verify(ctx, intent)));
    } catch (PatroniWaitTimeoutException e) {
      String last = e.lastObservation(Verification.Pending.class).map(Verification::reason)
          .or(() -> e.lastObserved().map(o -> goal.map(g -> g.whyNot(o)).orElse(o.toString())))
          .orElse("nothing");
      Facts seen = e.lastObservation(Verification.Pending.class).map(Verification::facts).orElse(Facts.of());
      return Optional.of(execution.fail(run, r, "waited " + timeout + " for " + r.id() + " to take effect; last observed: "
          + last, known.with(seen), e, began));
    } catch (RunbookException e) {
      return Optional.of(execution.fail(run, r, "verification failed: " + e.getMessage(), known, e, began));
    } catch (PatroniException e) {
      // A polled probe's own errors count as "not yet", so from the waits only an interrupt reaches here; a goal
      // step's reached(...) may fail with its own reads.
      return Optional.of(execution.fail(run, r, Thread.currentThread().isInterrupted() ? "interrupted while verifying"
          : "verification failed: " + RunbookRunner.describe(e), known, e, began));
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return Optional.of(execution.fail(run, r, "verification failed: " + RunbookRunner.describe(e), known, e, began));
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

  /**
   * Waits for the step's goal through {@link dev.patroni4j.client.ClusterWaiter} within the step's deadline, then
   * lets the step make its verification from the observation in which the goal held.
   */
  private static Verification untilGoal(Runbook.Resolved r, StepContext ctx, Decision.NeedsAction intent,
      ClusterCondition goal) throws Exception {
    ClusterObservation o = ctx.await(goal);
    return r.step().reached(ctx, intent, o);
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
