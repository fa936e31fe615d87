package dev.patroni4j.runbooks;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Makes plans (bindings, then each step's decision, changing nothing) and checks that a stored plan still holds. */
final class Planning {
  private final RunnerSettings settings;

  Planning(RunnerSettings settings) {
    this.settings = settings;
  }

  Plan plan(Runbook runbook, String planId, ClusterIdentity now) {
    Facts bindings = resolveBindings(runbook, planId);
    List<PlannedStep> planned = new ArrayList<>();
    for (Runbook.Resolved r : runbook.resolve(bindings, settings.defaultPolicy())) {
      planned.add(planStep(r, settings.context(planId, r.id(), bindings, null, null, r.policy())));
    }
    return new Plan(planId, runbook.name(), settings.clock().instant(), now, bindings, planned, null);
  }

  private PlannedStep planStep(Runbook.Resolved r, StepContext ctx) {
    try {
      Decision d = settings.read(r.policy(), () -> r.step().decide(ctx));
      return new PlannedStep(r.id(), r.step().impact(), d.kind(), d.reason(), d.facts());
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return new PlannedStep(r.id(), r.step().impact(), Decision.Kind.UNOBSERVABLE, RunbookRunner.describe(e),
          Facts.of());
    }
  }

  private Facts resolveBindings(Runbook runbook, String planId) {
    Facts values = Facts.of();
    for (Runbook.Bind<?> b : runbook.bindings()) {
      Facts sofar = values;
      StepContext ctx = settings.context(planId, "bind:" + b.name(), sofar, null, null, settings.defaultPolicy());
      try {
        values = settings.read(settings.defaultPolicy(), () -> b.resolveInto(sofar, ctx));
      } catch (RunbookException e) {
        throw e;
      } catch (Exception e) {
        throw new RunbookException("cannot resolve binding '" + b.name() + "': " + RunbookRunner.describe(e), e);
      }
    }
    return values;
  }

  /** Why {@code plan} no longer holds on the cluster as it is now; empty while it does. */
  Optional<String> staleness(Runbook runbook, Plan plan, ClusterIdentity now, ExecuteOptions options) {
    if (!plan.runbook().equals(runbook.name())) {
      return Optional.of("plan is for runbook '" + plan.runbook() + "', not '" + runbook.name() + "'");
    }
    if (options.approvalRequired() && plan.approvedBy() == null) {
      return Optional.of("plan " + plan.id() + " is not approved");
    }
    Optional<String> changed = plan.cluster().differenceFrom(now);
    if (changed.isPresent()) {
      return Optional.of("plan no longer holds: " + changed.get());
    }
    Plan fresh = plan(runbook, plan.id(), now);
    if (!fresh.bindings().equals(plan.bindings())) {
      return Optional.of("plan no longer holds: bindings are now " + fresh.bindings() + ", planned "
          + plan.bindings());
    }
    for (int i = 0; i < plan.steps().size(); i++) {
      PlannedStep was = plan.steps().get(i);
      PlannedStep is = fresh.steps().get(i);
      if (was.decision() != is.decision()) {
        return Optional.of("plan no longer holds: step " + was.stepId() + " was " + was.decision().label() + " ("
            + was.reason() + "), now " + is.decision().label() + " (" + is.reason() + ")");
      }
    }
    return Optional.empty();
  }
}
