package dev.patroni4j.runbooks;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The typed final result of a run: succeeded, refused (nothing unsafe was done; the reason says why) or failed (an
 * action or its verification failed; the journal lets a later run resume). Each carries the per-step reports and the
 * evidence that decided it.
 *
 * <pre>{@code
 * // given: RunbookRunner runner; Runbook runbook; Journal journal;
 * RunbookResult result = runner.execute(runbook, journal);
 * if (result instanceof RunbookResult.Refused r) {
 *   System.err.println("refused at " + r.stepId() + ": " + r.reason());   // nothing unsafe happened
 * } else if (result instanceof RunbookResult.Failed f) {
 *   System.err.println("failed at " + f.stepId() + ": " + f.reason());    // run again with the same journal to resume
 * }
 * }</pre>
 *
 * <p>Thread-safety: immutable.
 */
public sealed interface RunbookResult {
  String runId();

  List<StepReport> steps();

  /** Ids of the steps that acted in this run. */
  default List<String> actedSteps() {
    return steps().stream().filter(StepReport::acted).map(StepReport::stepId).toList();
  }

  default boolean succeeded() {
    return this instanceof Succeeded;
  }

  /** What the run's {@link WriteProbe} measured, when {@link ExecuteOptions#writeProbe} asked for one. */
  Optional<WriteDowntime> findWriteDowntime();

  /** This result with the write downtime its run measured. */
  RunbookResult withWriteDowntime(WriteDowntime downtime);

  /**
   * Every step completed, was skipped, or had been completed by an earlier run of the same journal, and every step's
   * goal held for everything the plan named (the final checks of the catalogue's runbooks cover every planned member).
   */
  record Succeeded(String runId, List<StepReport> steps, @Nullable WriteDowntime writeDowntime)
      implements RunbookResult {
    public Succeeded {
      steps = List.copyOf(steps);
    }

    public Succeeded(String runId, List<StepReport> steps) {
      this(runId, steps, null);
    }

    @Override
    public Optional<WriteDowntime> findWriteDowntime() {
      return Optional.ofNullable(writeDowntime);
    }

    @Override
    public Succeeded withWriteDowntime(WriteDowntime downtime) {
      return new Succeeded(runId, steps, downtime);
    }
  }

  /** The run stopped before doing anything unsafe: a step was blocked, the cluster refused, or a guard failed. */
  record Refused(String runId, String reason, @Nullable String stepId, Facts evidence,
      List<StepReport> steps, @Nullable WriteDowntime writeDowntime) implements RunbookResult {
    public Refused {
      java.util.Objects.requireNonNull(evidence, "evidence == null");
      steps = List.copyOf(steps);
    }

    public Refused(String runId, String reason, @Nullable String stepId, Facts evidence, List<StepReport> steps) {
      this(runId, reason, stepId, evidence, steps, null);
    }

    @Override
    public Optional<WriteDowntime> findWriteDowntime() {
      return Optional.ofNullable(writeDowntime);
    }

    @Override
    public Refused withWriteDowntime(WriteDowntime downtime) {
      return new Refused(runId, reason, stepId, evidence, steps, downtime);
    }

    public Optional<String> findStepId() {
      return Optional.ofNullable(stepId);
    }
  }

  /**
   * An action or verification failed or timed out, or the goal was found not to hold (a planned member vanished, more
   * than one member accepts writes); {@code evidence} says what was observed, {@code cause} is the exception, if one
   * was thrown.
   */
  record Failed(String runId, String reason, @Nullable String stepId, Facts evidence,
      @Nullable Throwable cause, List<StepReport> steps, @Nullable WriteDowntime writeDowntime)
      implements RunbookResult {
    public Failed {
      java.util.Objects.requireNonNull(evidence, "evidence == null");
      steps = List.copyOf(steps);
    }

    public Failed(String runId, String reason, @Nullable String stepId, Facts evidence, @Nullable Throwable cause,
        List<StepReport> steps) {
      this(runId, reason, stepId, evidence, cause, steps, null);
    }

    @Override
    public Optional<WriteDowntime> findWriteDowntime() {
      return Optional.ofNullable(writeDowntime);
    }

    @Override
    public Failed withWriteDowntime(WriteDowntime downtime) {
      return new Failed(runId, reason, stepId, evidence, cause, steps, downtime);
    }

    public Optional<String> findStepId() {
      return Optional.ofNullable(stepId);
    }

    public Optional<Throwable> findCause() {
      return Optional.ofNullable(cause);
    }
  }
}
