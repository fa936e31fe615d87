package dev.patroni4j.runbooks;

import dev.patroni4j.client.Confirmation;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Per-execution options: a stored plan to execute (refused if it no longer holds), the confirmation for
 * destructive steps, and whether the plan must be approved.
 *
 * <pre>{@code
 * // given: Plan approvedPlan; Confirmation token;
 * ExecuteOptions options = ExecuteOptions.defaults().plan(approvedPlan).requireApproval().confirmation(token);
 * }</pre>
 *
 * <p>Thread-safety: immutable.
 */
public record ExecuteOptions(@Nullable Plan plan, @Nullable Confirmation confirmation,
    boolean approvalRequired, WriteProbe.@Nullable Settings writeProbe) {
  public ExecuteOptions(@Nullable Plan plan, @Nullable Confirmation confirmation, boolean approvalRequired) {
    this(plan, confirmation, approvalRequired, null);
  }

  public static ExecuteOptions defaults() {
    return new ExecuteOptions(null, null, false, null);
  }

  public ExecuteOptions plan(Plan plan) {
    return new ExecuteOptions(plan, confirmation, approvalRequired, writeProbe);
  }

  /** The operator's confirmation of the cluster ({@link ClusterIdentity#confirmationToken()}) for destructive steps. */
  public ExecuteOptions confirmation(Confirmation confirmation) {
    return new ExecuteOptions(plan, confirmation, approvalRequired, writeProbe);
  }

  public ExecuteOptions requireApproval() {
    return new ExecuteOptions(plan, confirmation, true, writeProbe);
  }

  /**
   * Runs a {@link WriteProbe} from the start of the run's steps to their end: the result's {@link
   * RunbookResult#findWriteDowntime()} and a {@link RunbookEvent.WriteDowntimeMeasured} event report what it felt.
   */
  public ExecuteOptions writeProbe(WriteProbe.Settings probe) {
    return new ExecuteOptions(plan, confirmation, approvalRequired, java.util.Objects.requireNonNull(probe, "probe"));
  }

  public Optional<WriteProbe.Settings> findWriteProbe() {
    return Optional.ofNullable(writeProbe);
  }

  public Optional<Plan> findPlan() {
    return Optional.ofNullable(plan);
  }

  public Optional<Confirmation> findConfirmation() {
    return Optional.ofNullable(confirmation);
  }
}
