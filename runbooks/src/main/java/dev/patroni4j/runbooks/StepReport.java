package dev.patroni4j.runbooks;

import java.time.Duration;
import java.util.Objects;

/**
 * What happened to one step in a run, with the typed facts it decided on and observed.
 *
 * <p>Thread-safety: immutable.
 */
public record StepReport(String stepId, Outcome outcome, String reason, Facts facts, Duration took) {
  public StepReport {
    Objects.requireNonNull(stepId, "stepId == null");
    Objects.requireNonNull(outcome, "outcome == null");
    Objects.requireNonNull(facts, "facts == null");
  }

  /** A step's outcome. */
  public enum Outcome {
    /** The goal already held; nothing was done. */
    SKIPPED,
    /** An earlier run with the same journal completed it. */
    ALREADY_DONE,
    /** It acted and the effect was verified. */
    COMPLETED,
    /** It was blocked or the cluster refused the action. */
    REFUSED,
    /** The action or its verification failed or timed out, or its goal was found unreachable. */
    FAILED
  }

  public boolean acted() {
    return outcome == Outcome.COMPLETED;
  }
}
