package dev.patroni4j.runbooks;

import dev.patroni4j.client.model.Timeline;
import java.time.Duration;
import java.time.Instant;

/**
 * Typed progress events, delivered to a {@link RunbookListener}. Every event names the run, the step (a path such as
 * {@code rolling-restart/restart[pg2]}) and when it happened.
 *
 * <p>Thread-safety: immutable.
 */
public sealed interface RunbookEvent {
  String runId();

  Instant at();

  /** A run began (or resumed from its journal). */
  record RunStarted(String runId, Instant at, String runbook, boolean resumed, int steps) implements RunbookEvent {}

  /** A run ended with {@code result}. */
  record RunFinished(String runId, Instant at, RunbookResult result) implements RunbookEvent {}

  /** A step is about to observe the cluster. */
  record StepStarted(String runId, Instant at, String stepId, Impact impact) implements RunbookEvent {}

  /** A step's goal already held (or the journal shows it completed); nothing was done. */
  record StepSkipped(String runId, Instant at, String stepId, String reason) implements RunbookEvent {}

  /** A step's action ran; verification follows. */
  record StepActed(String runId, Instant at, String stepId, String reason, Facts facts) implements RunbookEvent {}

  /** A step's effect was observed. */
  record StepVerified(String runId, Instant at, String stepId, String reason, Duration took) implements RunbookEvent {}

  /** A step was blocked, refused, failed or timed out. */
  record StepFailed(String runId, Instant at, String stepId, String reason) implements RunbookEvent {}

  /** A switchover or failover request was sent; its outcome is not known yet. */
  record SwitchoverInitiated(String runId, Instant at, String stepId, String fromLeader, String candidate)
      implements RunbookEvent {}

  /** The switchover's outcome was resolved by observation. */
  record SwitchoverFinalized(String runId, Instant at, String stepId, String newLeader, Timeline timeline,
      String outcome)
      implements RunbookEvent {}

  /** A member's PostgreSQL was restarted (observed running again). */
  record MemberRestarted(String runId, Instant at, String stepId, String member) implements RunbookEvent {}

  /** The run's {@link WriteProbe} stopped: what its writer felt during the run (before {@link RunFinished}). */
  record WriteDowntimeMeasured(String runId, Instant at, WriteDowntime downtime) implements RunbookEvent {}
}
