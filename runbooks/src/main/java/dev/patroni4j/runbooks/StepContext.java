package dev.patroni4j.runbooks;

import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.ClusterObservation;
import dev.patroni4j.client.ClusterObserver;
import dev.patroni4j.client.ClusterWaiter;
import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.PatroniWaitTimeoutException;
import dev.patroni4j.client.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a step sees of its run: the typed plan-time bindings, the cluster the plan was made on, the confirmation
 * token, the injected clock and sleeper, the event sink, and waits for {@link ClusterCondition}s within the step's
 * deadline (through {@link ClusterWaiter}) that time out into {@link PatroniWaitTimeoutException} with the last {@link
 * ClusterObservation}.
 *
 * <pre>{@code
 * import dev.patroni4j.client.Conditions;
 * import dev.patroni4j.client.model.Timeline;
 * // given: StepContext ctx; Fact<String> FROM; Timeline before;
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
  private Instant deadline;

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
    this.deadline = clock.instant().plus(policy.verifyTimeout());
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
   * When the step's current phase must be over: its verify timeout after the step started deciding, and again after
   * it acted (verification has the whole timeout). Waits of this context never run past it.
   */
  public Instant deadline() {
    return deadline;
  }

  /** The time left until {@link #deadline()}, zero once it passed. */
  public Duration remaining() {
    Duration left = Duration.between(clock.instant(), deadline);
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** Starts the verification phase: the deadline is the step's verify timeout from now. */
  void startVerifying() {
    deadline = clock.instant().plus(policy.verifyTimeout());
  }

  /**
   * Waits until {@code condition} holds on the cluster, observed with the runner's {@link ClusterObserver} through
   * {@link ClusterWaiter}, polling at the step's poll interval, until the step's {@link #deadline()}.
   *
   * @throws PatroniWaitTimeoutException at the deadline, with the last {@link ClusterObservation}
   * @throws IllegalStateException if the runner has no cluster observer
   */
  public ClusterObservation await(ClusterCondition condition) {
    return await(condition, remaining());
  }

  /**
   * Like {@link #await(ClusterCondition)}, for at most {@code timeout}: a resumed step that gives an interrupted
   * action a window to take effect waits for the window or until the step's deadline, whichever is first.
   */
  public ClusterObservation await(ClusterCondition condition, Duration timeout) {
    Duration left = remaining();
    Duration bounded = timeout.compareTo(left) < 0 ? timeout : left;
    return ClusterWaiter.polling(requireObserver(), pollInterval(), clock, sleeper).waitUntil(condition, bounded);
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

  private Duration pollInterval() {
    return policy.pollInterval().isZero() ? Duration.ofMillis(1) : policy.pollInterval();
  }

  private ClusterObserver requireObserver() {
    if (observer == null) {
      throw new IllegalStateException("the runner has no ClusterObserver: RunbookRunner.builder().observer(...)");
    }
    return observer;
  }
}
