package dev.patroni4j.runbooks;

import dev.patroni4j.client.Confirmation;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Per-execution options: a stored plan to execute (refused if it no longer holds), the confirmation for
 * destructive steps, and whether the plan must be approved.
 *
 * <pre>{@code ExecuteOptions.defaults().plan(approvedPlan).requireApproval().confirmation(token) }</pre>
 *
 * <p>Thread-safety: immutable.
 */
public record ExecuteOptions(@Nullable Plan plan, @Nullable Confirmation confirmation,
    boolean approvalRequired) {
  public static ExecuteOptions defaults() {
    return new ExecuteOptions(null, null, false);
  }

  public ExecuteOptions plan(Plan plan) {
    return new ExecuteOptions(plan, confirmation, approvalRequired);
  }

  /** The operator's confirmation of the cluster ({@link ClusterIdentity#confirmationToken()}) for destructive steps. */
  public ExecuteOptions confirmation(Confirmation confirmation) {
    return new ExecuteOptions(plan, confirmation, approvalRequired);
  }

  public ExecuteOptions requireApproval() {
    return new ExecuteOptions(plan, confirmation, true);
  }

  public Optional<Plan> findPlan() {
    return Optional.ofNullable(plan);
  }

  public Optional<Confirmation> findConfirmation() {
    return Optional.ofNullable(confirmation);
  }
}
