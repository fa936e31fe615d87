package dev.patroni4j.runbooks;

import dev.patroni4j.client.ClusterCondition;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Factories for user-written steps: plain lambdas, each allowed to throw its own checked exception type, which the
 * runner reports in a {@link RunbookResult.Failed} (or {@link RunbookResult.Refused} for
 * {@link StepRefusedException}).
 *
 * <pre>{@code
 * Step drainPool = Steps.named("drain-pgbouncer").impact(Impact.CHANGE)
 *     .decide(ctx -> pool.isPaused() ? Decision.satisfied("pool paused") : Decision.needsAction("pool active"))
 *     .act((ctx, intent) -> pool.pause())                                  // throws IOException: fine
 *     .verify((ctx, intent) -> pool.isPaused() ? Verification.done("paused") : Verification.pending("draining"))
 *     .build();
 * Step settled = Steps.await("replicas-caught-up", ctx -> lagBelow(16 << 20));
 * Step streaming = Steps.until("all-streaming", Conditions.allStreaming(List.of("pg1", "pg2", "pg3")));
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
   * dev.patroni4j.client.ClusterObserver}: satisfied if it holds already, otherwise verified until it does.
   */
  public static Step until(String name, ClusterCondition condition) {
    Objects.requireNonNull(condition, "condition == null");
    return await(name, ctx -> ctx.check(condition));
  }

  /** Builder for lambda steps; not thread-safe. */
  public static final class Builder {
    private final String name;
    private Impact impact = Impact.NONE;
    private @Nullable StepCheck<?> decide;
    private StepAction<?> act = (ctx, intent) -> { };
    private StepProbe<?> verify = (ctx, intent) -> Verification.done("nothing to verify");
    private @Nullable StepProbe<?> afterInterruption;

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
      return new LambdaStep(name, impact, d, act, verify, afterInterruption);
    }
  }

  private record LambdaStep(String name, Impact impact, StepCheck<?> check, StepAction<?> action,
      StepProbe<?> probe, @Nullable StepProbe<?> resume) implements Step {
    @Override
    public Decision decide(StepContext ctx) throws Exception {
      return check.decide(ctx);
    }

    @Override
    public void act(StepContext ctx, Decision.NeedsAction intent) throws Exception {
      action.act(ctx, intent);
    }

    @Override
    public Verification verify(StepContext ctx, Decision.NeedsAction intent) throws Exception {
      return probe.probe(ctx, intent);
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
