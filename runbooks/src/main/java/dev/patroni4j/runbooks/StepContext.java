package dev.patroni4j.runbooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * What a step sees of its run: the plan-time bindings, the confirmation token, the injected clock and sleeper, the
 * event sink and a deadline-bounded wait.
 *
 * <pre>{@code
 * String from = ctx.binding("leader");
 * ctx.await("leader other than " + from, Duration.ofSeconds(60), () -> observeLeaderChange(from));
 * }</pre>
 *
 * <p>Thread-safety: confined to the runner's thread for the duration of one step.
 */
public final class StepContext {
  private final String runId;
  private final String stepId;
  private final Map<String, List<String>> bindings;
  private final @Nullable ConfirmationToken confirmation;
  private final Clock clock;
  private final Sleeper sleeper;
  private final StepPolicy policy;
  private final RunbookListener listener;

  StepContext(String runId, String stepId, Map<String, List<String>> bindings,
      @Nullable ConfirmationToken confirmation, Clock clock, Sleeper sleeper, StepPolicy policy,
      RunbookListener listener) {
    this.runId = runId;
    this.stepId = stepId;
    this.bindings = bindings;
    this.confirmation = confirmation;
    this.clock = clock;
    this.sleeper = sleeper;
    this.policy = policy;
    this.listener = listener;
  }

  public String runId() {
    return runId;
  }

  /** The step's id within the runbook, e.g. {@code rolling-restart/restart[pg2]}. */
  public String stepId() {
    return stepId;
  }

  /** The single value of a binding; throws {@link IllegalStateException} if absent or multi-valued. */
  public String binding(String name) {
    List<String> values = bindingValues(name);
    if (values.size() != 1) {
      throw new IllegalStateException("binding '" + name + "' has " + values.size() + " values, expected one");
    }
    return values.get(0);
  }

  /** A binding's values; throws {@link IllegalStateException} if the binding was not resolved yet. */
  public List<String> bindingValues(String name) {
    List<String> values = bindings.get(name);
    if (values == null) {
      throw new IllegalStateException("binding '" + name + "' is not resolved (declared after this step?)");
    }
    return values;
  }

  public Optional<ConfirmationToken> confirmation() {
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
   * Polls {@code probe} every {@link StepPolicy#pollInterval()} until it reports done; exceptions from the probe count
   * as "not yet". Throws {@link WaitTimeoutException} with the last observation at the deadline, and
   * {@link RunbookException} if the probe reports failure.
   */
  public Verification.Done await(String awaited, Duration timeout, Callable<Verification> probe)
      throws InterruptedException {
    Instant deadline = clock.instant().plus(timeout);
    String last = "nothing observed yet";
    while (true) {
      Verification v;
      try {
        v = probe.call();
      } catch (InterruptedException e) {
        throw e;
      } catch (RunbookException e) {
        throw e;
      } catch (Exception e) {
        v = Verification.pending(e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      if (v instanceof Verification.Done done) {
        return done;
      }
      if (v instanceof Verification.Failed failed) {
        throw new RunbookException(awaited + " failed: " + failed.reason());
      }
      last = v.reason();
      if (!clock.instant().isBefore(deadline)) {
        throw new WaitTimeoutException(awaited, timeout, last);
      }
      sleeper.sleep(policy.pollInterval());
    }
  }
}
