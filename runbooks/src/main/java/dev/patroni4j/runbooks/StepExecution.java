package dev.patroni4j.runbooks;

import dev.patroni4j.client.Confirmation;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Runs one step of an execution: skips what the journal shows completed, resolves an interrupted intent by
 * observation, decides, checks the confirmation of destructive steps, journals the intent, acts once, then hands
 * over to {@link StepVerification}.
 */
final class StepExecution {
  private final RunnerSettings settings;
  private final StepVerification verification;

  StepExecution(RunnerSettings settings) {
    this.settings = settings;
    this.verification = new StepVerification(settings, this);
  }

  /** Runs {@code r}; returns a result only when the run must stop. */
  Optional<RunbookResult> run(JournalReplay run, Runbook.Resolved r) {
    Step step = r.step();
    StepContext ctx = settings.context(run.plan.id(), r.id(), run.plan.bindings(), run.plan.cluster(),
        run.confirmation, r.policy());
    Instant began = settings.clock().instant();
    settings.publish(new RunbookEvent.StepStarted(run.plan.id(), began, r.id(), step.impact()));
    JournalReplay.StepHistory history = run.history(r.id());
    if (history.terminal != null) {
      // reported with the facts the earlier run reported: what it decided on, what its action learned, its outcome
      Facts earlier = (history.intent == null ? Facts.of() : history.intent.facts()).with(run.actedFacts(r.id()))
          .with(history.terminal.facts());
      run.report(r.id(), StepReport.Outcome.ALREADY_DONE, "completed by an earlier run: " + history.terminal.reason(),
          earlier, began);
      settings.publish(new RunbookEvent.StepSkipped(run.plan.id(), settings.clock().instant(), r.id(),
          "completed by an earlier run"));
      return Optional.empty();
    }
    Decision.NeedsAction intent;
    Facts learned;
    if (history.acted && history.intent != null) {
      intent = history.intent;
      learned = run.actedFacts(r.id());
    } else {
      Decision decision;
      try {
        Decision.NeedsAction previous = history.intent;
        decision = settings.read(r.policy(), previous == null
            ? () -> step.decide(ctx)
            : () -> step.decideAfterInterruption(ctx, previous));
      } catch (Exception e) {
        return Optional.of(fail(run, r, "could not observe: " + RunbookRunner.describe(e), Facts.of(), e, began));
      }
      if (decision instanceof Decision.Satisfied s) {
        run.append(r.id(), JournalEntry.Kind.SKIPPED, s.reason(), s.facts(), null);
        run.report(r.id(), StepReport.Outcome.SKIPPED, s.reason(), s.facts(), began);
        settings.publish(new RunbookEvent.StepSkipped(run.plan.id(), settings.clock().instant(), r.id(), s.reason()));
        return Optional.empty();
      }
      if (decision instanceof Decision.Blocked b) {
        return Optional.of(refuse(run, r, b.reason(), b.facts(), began));
      }
      intent = (Decision.NeedsAction) decision;
      if (step.impact() == Impact.DESTRUCTIVE) {
        Optional<String> mismatch = run.confirmationTarget != null
            ? RunbookRunner.whyNotConfirmed(run.confirmationTarget, run.confirmation)
            : confirmationMismatch(run.confirmation);
        if (mismatch.isPresent()) {
          return Optional.of(refuse(run, r, "confirmation refused: " + mismatch.get(), intent.facts(), began));
        }
      }
      run.append(r.id(), JournalEntry.Kind.INTENT, intent.reason(), intent.facts(), null);
      try {
        step.act(ctx, intent);
      } catch (StepRefusedException e) {
        return Optional.of(refuse(run, r, RunbookRunner.message(e), intent.facts().with(ctx.noted()).with(e.evidence()), began));
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        return Optional.of(fail(run, r, "action failed: " + RunbookRunner.describe(e),
            intent.facts().with(ctx.noted()), e, began));
      }
      learned = ctx.noted();
      run.append(r.id(), JournalEntry.Kind.ACTED, intent.reason(), learned, null);
      settings.publish(new RunbookEvent.StepActed(run.plan.id(), settings.clock().instant(), r.id(), intent.reason(),
          intent.facts().with(learned)));
    }
    return verification.verify(run, r, ctx, intent, learned, began);
  }

  RunbookResult refuse(JournalReplay run, Runbook.Resolved r, String reason, Facts facts, Instant began) {
    run.append(r.id(), JournalEntry.Kind.REFUSED, reason, facts, null);
    run.report(r.id(), StepReport.Outcome.REFUSED, reason, facts, began);
    settings.publish(new RunbookEvent.StepFailed(run.plan.id(), settings.clock().instant(), r.id(), reason));
    return new RunbookResult.Refused(run.plan.id(), reason, r.id(), facts, run.reports);
  }

  RunbookResult fail(JournalReplay run, Runbook.Resolved r, String reason, Facts facts, @Nullable Throwable cause,
      Instant began) {
    run.append(r.id(), JournalEntry.Kind.FAILED, reason, facts, null);
    run.report(r.id(), StepReport.Outcome.FAILED, reason, facts, began);
    settings.publish(new RunbookEvent.StepFailed(run.plan.id(), settings.clock().instant(), r.id(), reason));
    return new RunbookResult.Failed(run.plan.id(), reason, r.id(), facts, cause, run.reports);
  }

  private Optional<String> confirmationMismatch(@Nullable Confirmation confirmation) {
    try {
      return settings.observeIdentity().whyNotConfirmedBy(confirmation);
    } catch (RunbookException e) {
      return Optional.of("cannot observe the cluster to check the token: " + e.getMessage());
    }
  }
}
