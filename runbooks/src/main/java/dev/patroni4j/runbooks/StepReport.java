package dev.patroni4j.runbooks;

import java.time.Duration;
import java.util.Map;

/**
 * What happened to one step in a run.
 *
 * <p>Thread-safety: immutable.
 */
public record StepReport(String stepId, Outcome outcome, String reason, Map<String, String> facts, Duration took) {
  public StepReport {
    facts = Map.copyOf(facts);
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
    /** The action or its verification failed or timed out. */
    FAILED
  }

  public boolean acted() {
    return outcome == Outcome.COMPLETED;
  }
}
