package dev.patroni4j.runbooks;

import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.ClusterObservation;
import dev.patroni4j.client.ClusterObserver;
import dev.patroni4j.client.ClusterWaiter;
import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.PatroniWaitTimeoutException;
import dev.patroni4j.client.Sleeper;
import dev.patroni4j.client.Waiter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * What a step sees of its run: the typed plan-time bindings, the cluster the plan was made on, the confirmation
 * token, the injected clock and sleeper, the event sink, and waits with a deadline that time out into {@link
 * PatroniWaitTimeoutException} with the typed last observation.
 *
 * <pre>{@code
 * String from = ctx.binding(FROM);
 * ClusterObservation o = ctx.await(Conditions.leaderChangedFrom(from, before), Duration.ofSeconds(60));
 * }</pre>
 *
 * <p>Thread-safety: confined to the runner's thread for the duration of one step.
 */
public final class StepContext {
  private final String runId;
  private final String stepId;
  private final Facts bindings;
  private final @Nullable ClusterIdentity plannedCluster;
  private final @Nullable Confirmation confirmation;
  private final Clock clock;
  private final Sleeper sleeper;
  private final StepPolicy policy;
  private final RunbookListener listener;
  private final @Nullable ClusterObserver observer;
  private Facts noted = Facts.of();

  StepContext(String runId, String stepId, Facts bindings, @Nullable ClusterIdentity plannedCluster,
      @Nullable Confirmation confirmation, Clock clock, Sleeper sleeper, StepPolicy policy,
      RunbookListener listener, @Nullable ClusterObserver observer) {
    this.runId = runId;
    this.stepId = stepId;
    this.bindings = bindings;
    this.plannedCluster = plannedCluster;
    this.confirmation = confirmation;
    this.clock = clock;
    this.sleeper = sleeper;
    this.policy = policy;
    this.listener = listener;
    this.observer = observer;
  }

  public String runId() {
    return runId;
  }

  /** The step's id within the runbook, e.g. {@code rolling-restart/restart[pg2]}. */
  public String stepId() {
    return stepId;
  }

  /** A binding's value; throws {@link IllegalStateException} if it was not resolved (declared after this step?). */
  public <T> T binding(Fact<T> fact) {
    return findBinding(fact).orElseThrow(() -> new IllegalStateException("binding '" + fact.name()
        + "' is not resolved (declared after this step, or an optional binding that resolved to nothing?)"));
  }

  /** A binding's value, empty if it is optional and resolved to nothing. */
  public <T> Optional<T> findBinding(Fact<T> fact) {
    return bindings.find(fact);
  }

  /** Every binding resolved so far. */
  public Facts bindings() {
    return bindings;
  }

  /**
   * The cluster as the plan found it (scope, system identifier, leader, timeline and every member's name): what the
   * run's final checks must cover. Empty while the plan itself is being made.
   */
  public Optional<ClusterIdentity> plannedCluster() {
    return Optional.ofNullable(plannedCluster);
  }

  public Optional<Confirmation> confirmation() {
    return Optional.ofNullable(confirmation);
  }

  public Clock clock() {
    return clock;
  }

  public Instant now() {
    return clock.instant();
  }

  public Sleeper sleeper() {
    return sleeper;
  }

  public StepPolicy policy() {
    return policy;
  }

  /** Delivers a domain event (switchover initiated, member restarted, ...) to the run's listener. */
  public void publish(RunbookEvent event) {
    Listeners.deliver(listener, event);
  }

  /**
   * Records what an action learned (the member Patroni actually switched to, the HTTP outcome): journaled with the
   * step's {@code ACTED} entry and reported with the step.
   */
  public <T> void note(Fact<T> fact, T value) {
    noted = noted.with(fact, value);
  }

  Facts noted() {
    return noted;
  }

  /**
   * Asks {@code probe} every {@link StepPolicy#pollInterval()} until it reports done; exceptions other than {@link
   * RunbookException} count as "not yet". Throws {@link PatroniWaitTimeoutException} at the deadline, whose last
   * observation is the last {@link Verification.Pending}, and {@link RunbookException} if the probe reports failure.
   */
  public Verification.Done await(String awaited, Duration timeout, Callable<Verification> probe) {
    Verification v = waiter().until(awaited, timeout, remaining -> attempt(probe));
    if (v instanceof Verification.Failed f) {
      throw new RunbookException(awaited + " failed: " + f.reason());
    }
    return (Verification.Done) v;
  }

  /**
   * Waits until {@code condition} holds on the cluster, observed with the runner's {@link ClusterObserver}.
   *
   * @throws PatroniWaitTimeoutException at the deadline, with the last {@link ClusterObservation}
   * @throws IllegalStateException if the runner has no cluster observer
   */
  public ClusterObservation await(ClusterCondition condition, Duration timeout) {
    return ClusterWaiter.polling(requireObserver(), pollInterval(), clock, sleeper).waitUntil(condition, timeout);
  }

  /**
   * One observation of {@code condition}: {@link Verification.Done} if it holds, else {@link Verification.Pending}
   * saying why not ({@link ClusterCondition#whyNot}); for steps whose goal is a cluster condition.
   */
  public Verification check(ClusterCondition condition) throws InterruptedException {
    ClusterObservation o = observe(condition.needsMemberStatuses());
    return condition.test(o) ? Verification.done(condition.describe())
        : Verification.pending(condition.whyNot(o));
  }

  /** Observes the cluster once with the runner's {@link ClusterObserver}. */
  public ClusterObservation observe(boolean withMemberStatuses) throws InterruptedException {
    return requireObserver().next(withMemberStatuses, Duration.ZERO);
  }

  Waiter waiter() {
    return Waiter.polling(pollInterval(), clock, sleeper);
  }

  private Duration pollInterval() {
    return policy.pollInterval().isZero() ? Duration.ofMillis(1) : policy.pollInterval();
  }

  private ClusterObserver requireObserver() {
    if (observer == null) {
      throw new IllegalStateException("the runner has no ClusterObserver: RunbookRunner.builder().observer(...)");
    }
    return observer;
  }

  /** One attempt of a step's probe, as the engine's waits count it. */
  static Waiter.Attempt<Verification> attempt(Callable<Verification> probe) throws InterruptedException {
    Verification v;
    try {
      v = probe.call();
    } catch (InterruptedException | RunbookException e) {
      throw e;
    } catch (Exception e) {
      return Waiter.Attempt.pending(Verification.pending(RunbookRunner.describe(e)));
    }
    return v instanceof Verification.Pending ? Waiter.Attempt.pending(v) : Waiter.Attempt.done(v);
  }
}
