package dev.patroni4j.runbooks;

import dev.patroni4j.runbooks.internal.JsonCodec;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a runbook would do, computed by {@link RunbookRunner#plan} without changing anything: the cluster it was made
 * on, the plan-time bindings, and each step's decision with its reason. A plan serialises to JSON, can be stored,
 * approved and executed later; execution refuses a plan whose preconditions (cluster identity, leader, timeline,
 * members, each step's decision) no longer hold. Bindings are typed {@link Facts}.
 *
 * <pre>{@code
 * // given: RunbookRunner runner; Runbook switchover; Path path; Journal journal;
 * Plan plan = runner.plan(switchover);
 * Files.writeString(path, plan.toJson());
 * Plan approved = Plan.fromJson(Files.readString(path)).approve("alice");
 * runner.execute(switchover, journal, ExecuteOptions.defaults().plan(approved));
 * }</pre>
 *
 * <p>Thread-safety: immutable.
 */
public record Plan(
    String id,
    String runbook,
    Instant createdAt,
    ClusterIdentity cluster,
    Facts bindings,
    List<PlannedStep> steps,
    @Nullable String approvedBy) {
  public Plan {
    Objects.requireNonNull(id, "id == null");
    Objects.requireNonNull(runbook, "runbook == null");
    Objects.requireNonNull(bindings, "bindings == null");
    steps = List.copyOf(steps);
  }

  /** The steps that would act, in order. */
  public List<PlannedStep> actions() {
    return steps.stream().filter(PlannedStep::wouldAct).toList();
  }

  /** True when a step would act destructively, so execution needs a {@link dev.patroni4j.client.Confirmation}. */
  public boolean requiresConfirmation() {
    return steps.stream().anyMatch(s -> s.impact() == Impact.DESTRUCTIVE && s.wouldAct());
  }

  /** The token that would confirm this plan's destructive steps, if the cluster does not change meanwhile. */
  public String confirmationToken() {
    return cluster.confirmationToken();
  }

  public Optional<String> findApprover() {
    return Optional.ofNullable(approvedBy);
  }

  /** A copy of this plan marked approved by {@code approver}. */
  public Plan approve(String approver) {
    if (approver.isBlank()) {
      throw new IllegalArgumentException("approver is blank");
    }
    return new Plan(id, runbook, createdAt, cluster, bindings, steps, approver);
  }

  /** Stable JSON (UTF-8 text) of this plan. */
  public String toJson() {
    return JsonCodec.planToJson(this);
  }

  /** Reads {@link #toJson()} output; throws {@link PlanFormatException} saying which field is wrong. */
  public static Plan fromJson(String json) {
    return JsonCodec.planFromJson(json);
  }

  /** A human-readable summary, one line per step. */
  public String describe() {
    StringBuilder sb = new StringBuilder("plan ").append(id).append(" for ").append(runbook).append(" on ")
        .append(cluster.scope()).append(" (leader ").append(cluster.leader()).append(", timeline ")
        .append(cluster.timeline()).append(")\n");
    for (PlannedStep s : steps) {
      sb.append("  ").append(s.wouldAct() ? "ACT " : "    ").append(s.stepId()).append(" [")
          .append(s.decision().label()).append("] ").append(s.reason()).append('\n');
    }
    return sb.toString();
  }
}
