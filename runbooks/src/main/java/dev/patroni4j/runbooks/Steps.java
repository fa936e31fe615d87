package dev.patroni4j.runbooks;

import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.ClusterObservation;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Factories for user-written steps: plain lambdas, each allowed to throw its own checked exception type, which the
 * runner reports in a {@link RunbookResult.Failed} (or {@link RunbookResult.Refused} for
 * {@link StepRefusedException}).
 *
 * <pre>{@code
 * import dev.patroni4j.client.Conditions;
 * import dev.patroni4j.client.PatroniClient;
 * import dev.patroni4j.client.RestartRequest;
 * // given: Path drainFlag;   // the load balancer drains the cluster while this file exists
 * // given: PatroniClient client;
 * Step drain = Steps.named("drain-load-balancer").impact(Impact.CHANGE)
 *     .decide(ctx -> Files.exists(drainFlag) ? Decision.satisfied("draining") : Decision.needsAction("in service"))
 *     .act((ctx, intent) -> Files.createFile(drainFlag))                  // throws IOException: fine
 *     .verify((ctx, intent) -> Files.exists(drainFlag) ? Verification.done("draining") : Verification.pending("not yet"))
 *     .build();
 * Step settled = Steps.await("pg2-caught-up", ctx -> ctx.check(Conditions.replicaStreamingWithin("pg2", 16L << 20)));
 * Step streaming = Steps.until("all-streaming", Conditions.allStreaming(List.of("pg1", "pg2", "pg3")));
 * Step restart = Steps.named("restart-pg2").impact(Impact.DISRUPTIVE)
 *     .decide(ctx -> Decision.needsAction("restart pg2"))
 *     .act((ctx, intent) -> client.member("pg2").restart(RestartRequest.now()))
 *     .verifyUntil((ctx, intent) -> Conditions.memberRunning("pg2"))           // waited for through ClusterWaiter
 *     .build();
 * }</pre>
 *
 * <p>Thread-safety: the built steps are immutable; thread-safety of the lambdas is the caller's.
 */
public final class Steps {
  private Steps() {}

  /** Observes and decides; may throw its own checked exception. */
  @FunctionalInterface
  public interface StepCheck<X extends Exception> {
    Decision decide(StepContext ctx) throws X;
  }

  /** Acts once. */
  @FunctionalInterface
  public interface StepAction<X extends Exception> {
    void act(StepContext ctx, Decision.NeedsAction intent) throws X;
  }

  /** Observes whether an action took effect. */
  @FunctionalInterface
  public interface StepProbe<X extends Exception> {
    Verification probe(StepContext ctx, Decision.NeedsAction intent) throws X;
  }

  /** The goal of a step as a cluster condition, from what it decided on ({@link Step#goal}). */
  @FunctionalInterface
  public interface StepGoal {
    ClusterCondition goal(StepContext ctx, Decision.NeedsAction intent);
  }

  /** The verification of a step whose goal held, from the observation in which it did ({@link Step#reached}). */
  @FunctionalInterface
  public interface GoalReached<X extends Exception> {
    Verification reached(StepContext ctx, Decision.NeedsAction intent, ClusterObservation observation) throws X;
  }

  /** A cluster condition to wait for, made when the step runs (e.g. from the plan's bindings), for {@link #until}. */
  @FunctionalInterface
  public interface ConditionFor {
    ClusterCondition condition(StepContext ctx);
  }

  /** Observes a condition without any intent, for {@link #await}. */
  @FunctionalInterface
  public interface Condition<X extends Exception> {
    Verification test(StepContext ctx) throws X;
  }

  public static Builder named(String name) {
    return new Builder(name);
  }

  /**
   * A step that only waits: satisfied if {@code condition} already holds, otherwise polled until it does (within
   * the step's verify timeout). A condition that reports {@link Verification.Failed} blocks a plan, and fails a
   * running run (never refuses it: earlier steps may have acted).
   */
  public static <X extends Exception> Step await(String name, Condition<X> condition) {
    Objects.requireNonNull(condition, "condition == null");
    return named(name)
        .decide(ctx -> {
          Verification v = condition.test(ctx);
          if (v instanceof Verification.Done d) {
            return Decision.satisfied(d.reason(), d.facts());
          }
          if (v instanceof Verification.Failed f) {
            // When planning, an unreachable goal refuses the run before anything is done; once the run executes
            // (earlier steps may have acted), it fails the run with the evidence, through verification.
            return ctx.plannedCluster().isEmpty() ? Decision.blocked(f.reason(), f.facts())
                : Decision.needsAction("goal unreachable: " + f.reason(), f.facts());
          }
          return Decision.needsAction("waiting: " + v.reason());
        })
        .verify((ctx, intent) -> condition.test(ctx))
        .build();
  }

  /**
   * A step that only waits for a cluster condition, observed with the runner's {@link
   * dev.patroni4j.client.ClusterObserver}: satisfied if it holds already, otherwise its goal, waited for through
   * {@link dev.patroni4j.client.ClusterWaiter} within the step's verify timeout.
   */
  public static Step until(String name, ClusterCondition condition) {
    Objects.requireNonNull(condition, "condition == null");
    return until(name, ctx -> condition);
  }

  /** Like {@link #until(String, ClusterCondition)}, with the condition made when the step runs. */
  public static Step until(String name, ConditionFor condition) {
    Objects.requireNonNull(condition, "condition == null");
    return named(name)
        .decide(ctx -> {
          ClusterCondition c = condition.condition(ctx);
          ClusterObservation o = ctx.observe(c.needsMemberStatuses());
          return c.test(o) ? Decision.satisfied(c.describe()) : Decision.needsAction("waiting: " + c.whyNot(o));
        })
        .verifyUntil((ctx, intent) -> condition.condition(ctx))
        .build();
  }

  /** Builder for lambda steps; not thread-safe. */
  public static final class Builder {
    private final String name;
    private Impact impact = Impact.NONE;
    private @Nullable StepCheck<?> decide;
    private StepAction<?> act = (ctx, intent) -> { };
    private StepProbe<?> verify = (ctx, intent) -> Verification.done("nothing to verify");
    private @Nullable StepProbe<?> afterInterruption;
    private @Nullable StepGoal goal;
    private @Nullable GoalReached<?> reached;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name == null");
    }

    public Builder impact(Impact impact) {
      this.impact = Objects.requireNonNull(impact, "impact == null");
      return this;
    }

    public <X extends Exception> Builder decide(StepCheck<X> decide) {
      this.decide = Objects.requireNonNull(decide, "decide == null");
      return this;
    }

    public <X extends Exception> Builder act(StepAction<X> act) {
      this.act = Objects.requireNonNull(act, "act == null");
      return this;
    }

    public <X extends Exception> Builder verify(StepProbe<X> verify) {
      this.verify = Objects.requireNonNull(verify, "verify == null");
      this.goal = null;
      return this;
    }

    /**
     * Verifies by waiting for a cluster condition ({@link Step#goal}) through {@link
     * dev.patroni4j.client.ClusterWaiter} instead of polling a probe; replaces {@link #verify}.
     */
    public Builder verifyUntil(StepGoal goal) {
      this.goal = Objects.requireNonNull(goal, "goal == null");
      return this;
    }

    /** What a {@link #verifyUntil} step records once its goal holds ({@link Step#reached}); default: done. */
    public <X extends Exception> Builder onReached(GoalReached<X> reached) {
      this.reached = Objects.requireNonNull(reached, "reached == null");
      return this;
    }

    /**
     * After a crash between intent and outcome: {@link Verification.Done} means the earlier action took effect (the
     * step is satisfied), {@link Verification.Failed} that it did not and may be repeated, {@link
     * Verification.Pending} is not allowed here (resolve it by waiting inside the probe). Without this, the step
     * re-decides with {@code decide}.
     */
    public <X extends Exception> Builder afterInterruption(StepProbe<X> probe) {
      this.afterInterruption = Objects.requireNonNull(probe, "probe == null");
      return this;
    }

    public Step build() {
      StepCheck<?> d = Objects.requireNonNull(decide, "decide(...) is required for step " + name);
      if (reached != null && goal == null) {
        throw new IllegalStateException("onReached(...) needs verifyUntil(...) for step " + name);
      }
      return new LambdaStep(name, impact, d, act, verify, afterInterruption, goal, reached);
    }
  }

  private record LambdaStep(String name, Impact impact, StepCheck<?> check, StepAction<?> action,
      StepProbe<?> probe, @Nullable StepProbe<?> resume, @Nullable StepGoal condition,
      @Nullable GoalReached<?> onGoal) implements Step {
    @Override
    public Decision decide(StepContext ctx) throws Exception {
      return check.decide(ctx);
    }

    @Override
    public void act(StepContext ctx, Decision.NeedsAction intent) throws Exception {
      action.act(ctx, intent);
    }

    @Override
    public Optional<ClusterCondition> goal(StepContext ctx, Decision.NeedsAction intent) {
      return condition == null ? Optional.empty() : Optional.of(condition.goal(ctx, intent));
    }

    @Override
    public Verification reached(StepContext ctx, Decision.NeedsAction intent, ClusterObservation observation)
        throws Exception {
      return onGoal == null ? Step.super.reached(ctx, intent, observation) : onGoal.reached(ctx, intent, observation);
    }

    @Override
    public Verification verify(StepContext ctx, Decision.NeedsAction intent) throws Exception {
      return condition == null ? probe.probe(ctx, intent) : Step.super.verify(ctx, intent);
    }

    @Override
    public Decision decideAfterInterruption(StepContext ctx, Decision.NeedsAction intent) throws Exception {
      if (resume == null) {
        return decide(ctx);
      }
      Verification v = resume.probe(ctx, intent);
      if (v instanceof Verification.Done d) {
        return Decision.satisfied("earlier action took effect: " + d.reason(), d.facts());
      }
      if (v instanceof Verification.Failed) {
        return decide(ctx);
      }
      throw new IllegalStateException("afterInterruption of step " + name + " returned pending: " + v.reason());
    }
  }
}
