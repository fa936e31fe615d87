package dev.patroni4j.runbooks;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One record in a run's journal. Intent entries are written before a step acts, with the facts it decided on;
 * outcome entries after; facts are typed ({@link Fact}) and journaled as JSON. {@code payload} carries the plan's JSON on {@link Kind#RUN_STARTED}.
 *
 * <p>Thread-safety: immutable.
 */
public record JournalEntry(
    String runId,
    long seq,
    Instant at,
    String stepId,
    Kind kind,
    String reason,
    Facts facts,
    @Nullable String payload) {
  public JournalEntry {
    Objects.requireNonNull(runId, "runId == null");
    Objects.requireNonNull(stepId, "stepId == null");
    Objects.requireNonNull(kind, "kind == null");
    Objects.requireNonNull(reason, "reason == null");
    Objects.requireNonNull(facts, "facts == null");
  }

  /** Entry kinds. The run-level kinds use the empty step id. */
  public enum Kind {
    RUN_STARTED,
    /** The step is about to act; facts are what it decided on. */
    INTENT,
    /** The action returned (its outcome may still be unverified). */
    ACTED,
    /** The action's effect was verified. Terminal for the step. */
    COMPLETED,
    /** The step's goal already held. Terminal for the step. */
    SKIPPED,
    /** The step was blocked or the cluster refused the action; nothing was changed by it. */
    REFUSED,
    /** The action or its verification failed; the next run re-resolves by observation. */
    FAILED,
    RUN_FINISHED
  }
}
