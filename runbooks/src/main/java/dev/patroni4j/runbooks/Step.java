package dev.patroni4j.runbooks;

import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.ClusterObservation;
import java.util.Optional;

/**
 * One idempotent unit of a runbook: observe, decide, act at most once, verify with a deadline.
 *
 * <p>The runner drives a step like this:
 * <ol>
 *   <li>{@link #decide} observes the cluster and returns {@link Decision.Satisfied} (the goal already holds: the step is
 *       skipped and reported), {@link Decision.Blocked} (the runbook ends refused) or {@link Decision.NeedsAction}
 *       with the facts it decided on;</li>
 *   <li>the intent and those facts are journaled, then {@link #act} runs exactly once;</li>
 *   <li>{@link #verify} is polled until it reports done or failed, or the step's deadline passes; a step whose
 *       goal is a cluster condition ({@link #goal}) is waited for through {@code ClusterWaiter} instead.</li>
 * </ol>
 * If the process died after the intent was journaled but before the outcome was, the next run calls
 * {@link #decideAfterInterruption} instead of {@link #decide}: it must resolve by observation whether the earlier
 * action already took effect (then return satisfied) and may only return needs-action when repeating is safe.
 *
 * <pre>{@code
 * import dev.patroni4j.client.PatroniClient;
 * // given: PatroniClient client;
 * Step reload = Steps.named("reload-pg2").impact(Impact.CHANGE)
 *     .decide(ctx -> Decision.needsAction("reload requested"))
 *     .act((ctx, intent) -> client.member("pg2").reload().orThrow())
 *     .build();
 * }</pre>
 *
 * <p>Thread-safety: the runner calls a step from one thread at a time; implementations must not keep per-run state
 * in fields (put it in the decision's facts instead).
 */
public interface Step {
  /** Unique within its runbook; journal entries and plans refer to it. Letters, digits, {@code -_.[]}. */
  String name();

  /** What {@link #act} does to the cluster; {@link Impact#DESTRUCTIVE} steps need a confirmation token. */
  default Impact impact() {
    return Impact.NONE;
  }

  /** Observes and decides without changing anything. Also used by {@code plan()}. */
  Decision decide(StepContext ctx) throws Exception;

  /** Performs the action once. Throw {@link StepRefusedException} when the cluster definitely refused it. */
  default void act(StepContext ctx, Decision.NeedsAction intent) throws Exception {}

  /**
   * The step's goal as a cluster condition, when it can be said as one (e.g. {@code Conditions.memberRunning("pg2")}).
   * The runner then verifies the action by waiting for it with the step's deadline through {@link
   * dev.patroni4j.client.ClusterWaiter} on the run's observer, instead of polling {@link #verify}; a wait that runs out
   * fails the step with {@link dev.patroni4j.client.PatroniWaitTimeoutException} carrying the last {@link
   * ClusterObservation}. Empty (the default): {@link #verify} is polled.
   */
  default Optional<ClusterCondition> goal(StepContext ctx, Decision.NeedsAction intent) {
    return Optional.empty();
  }

  /**
   * The verification recorded once the {@link #goal} holds, made from the observation in which it did (publish the
   * step's domain events and note its facts here). The default is done, naming the goal.
   */
  default Verification reached(StepContext ctx, Decision.NeedsAction intent, ClusterObservation observation)
      throws Exception {
    return Verification.done(goal(ctx, intent).map(ClusterCondition::describe).orElse("goal reached"));
  }

  /**
   * One observation of whether the action took effect; polled until done or failed or the deadline. The default
   * observes the {@link #goal} once ({@link #reached} if it holds, pending with {@link ClusterCondition#whyNot} if
   * not), or has nothing to verify.
   */
  default Verification verify(StepContext ctx, Decision.NeedsAction intent) throws Exception {
    Optional<ClusterCondition> goal = goal(ctx, intent);
    if (goal.isEmpty()) {
      return Verification.done("nothing to verify");
    }
    ClusterObservation o = ctx.observe(goal.get().needsMemberStatuses());
    return goal.get().test(o) ? reached(ctx, intent, o) : Verification.pending(goal.get().whyNot(o));
  }

  /**
   * Decides after a crash between journaling {@code intent} and recording the outcome. The default re-decides from
   * the current observation, which is right for steps whose {@link #decide} already recognises the achieved goal.
   */
  default Decision decideAfterInterruption(StepContext ctx, Decision.NeedsAction intent) throws Exception {
    return decide(ctx);
  }
}
