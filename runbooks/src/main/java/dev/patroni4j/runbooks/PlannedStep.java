package dev.patroni4j.runbooks;

import java.util.Objects;

/**
 * One step of a {@link Plan}: what it would do and why, judged against the cluster as observed when planning.
 *
 * <p>Thread-safety: immutable.
 *
 * @param decision what the step decided, or {@link Decision.Kind#UNOBSERVABLE} if it could not observe
 */
public record PlannedStep(String stepId, Impact impact, Decision.Kind decision, String reason, Facts facts) {
  public PlannedStep {
    Objects.requireNonNull(stepId, "stepId == null");
    Objects.requireNonNull(impact, "impact == null");
    Objects.requireNonNull(decision, "decision == null");
    Objects.requireNonNull(reason, "reason == null");
    Objects.requireNonNull(facts, "facts == null");
  }

  /** True when executing would act (or wait) in this step. */
  public boolean wouldAct() {
    return decision == Decision.Kind.NEEDS_ACTION;
  }
}
