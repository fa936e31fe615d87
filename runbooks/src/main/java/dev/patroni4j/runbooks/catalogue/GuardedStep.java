package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.ClusterObservation;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Impact;
import dev.patroni4j.runbooks.Step;
import dev.patroni4j.runbooks.StepContext;
import dev.patroni4j.runbooks.Verification;
import java.util.Optional;

/**
 * Another step, possibly under another name, satisfied without asking it when {@code skip} says why (a member
 * migrated already, a rollback complete already); everything else is the wrapped step's. Package migration and the
 * blue-green rollback use it so that a second run acts on nothing.
 */
class GuardedStep implements Step {
  interface Skip {
    Optional<String> because(StepContext ctx) throws Exception;
  }

  private final String name;
  private final Step step;
  private final Skip skip;

  GuardedStep(String name, Step step, Skip skip) {
    this.name = name;
    this.step = step;
    this.skip = skip;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Impact impact() {
    return step.impact();
  }

  @Override
  public Decision decide(StepContext ctx) throws Exception {
    Optional<String> why = skip.because(ctx);
    return why.isPresent() ? Decision.satisfied(why.get()) : step.decide(ctx);
  }

  @Override
  public void act(StepContext ctx, Decision.NeedsAction intent) throws Exception {
    step.act(ctx, intent);
  }

  @Override
  public Optional<ClusterCondition> goal(StepContext ctx, Decision.NeedsAction intent) {
    return step.goal(ctx, intent);
  }

  @Override
  public Verification reached(StepContext ctx, Decision.NeedsAction intent, ClusterObservation observation)
      throws Exception {
    return step.reached(ctx, intent, observation);
  }

  @Override
  public Verification verify(StepContext ctx, Decision.NeedsAction intent) throws Exception {
    return step.verify(ctx, intent);
  }

  @Override
  public Decision decideAfterInterruption(StepContext ctx, Decision.NeedsAction intent) throws Exception {
    Optional<String> why = skip.because(ctx);
    return why.isPresent() ? Decision.satisfied(why.get()) : step.decideAfterInterruption(ctx, intent);
  }
}
