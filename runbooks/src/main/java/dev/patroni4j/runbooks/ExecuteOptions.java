package dev.patroni4j.runbooks;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Per-execution options: a stored plan to execute (refused if it no longer holds), the confirmation token for
 * destructive steps, and whether the plan must be approved.
 *
 * <pre>{@code ExecuteOptions.defaults().plan(approvedPlan).requireApproval().confirmation(token) }</pre>
 *
 * <p>Thread-safety: immutable.
 */
public record ExecuteOptions(@Nullable Plan plan, @Nullable ConfirmationToken confirmationToken,
    boolean approvalRequired) {
  public static ExecuteOptions defaults() {
    return new ExecuteOptions(null, null, false);
  }

  public ExecuteOptions plan(Plan plan) {
    return new ExecuteOptions(plan, confirmationToken, approvalRequired);
  }

  public ExecuteOptions confirmation(ConfirmationToken token) {
    return new ExecuteOptions(plan, token, approvalRequired);
  }

  public ExecuteOptions requireApproval() {
    return new ExecuteOptions(plan, confirmationToken, true);
  }

  public Optional<Plan> findPlan() {
    return Optional.ofNullable(plan);
  }

  public Optional<ConfirmationToken> findConfirmation() {
    return Optional.ofNullable(confirmationToken);
  }
}
