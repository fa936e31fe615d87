package dev.patroni4j.runbooks;

import java.util.List;

/**
 * Receives a run's {@link RunbookEvent}s, for logs, progress bars and metrics. Every method has a no-op default, so
 * new events can be added without breaking implementations.
 *
 * <p>Contract: listeners are called synchronously on the runner's thread, must be fast, must not throw (exceptions are
 * logged and ignored) and must not re-enter the runner.
 *
 * <pre>{@code
 * RunbookListener progress = new RunbookListener() {
 *   public void stepVerified(RunbookEvent.StepVerified e) { System.out.println("done " + e.stepId()); }
 * };
 * }</pre>
 */
public interface RunbookListener {
  default void runStarted(RunbookEvent.RunStarted event) {}

  default void runFinished(RunbookEvent.RunFinished event) {}

  default void stepStarted(RunbookEvent.StepStarted event) {}

  default void stepSkipped(RunbookEvent.StepSkipped event) {}

  default void stepActed(RunbookEvent.StepActed event) {}

  default void stepVerified(RunbookEvent.StepVerified event) {}

  default void stepFailed(RunbookEvent.StepFailed event) {}

  default void switchoverInitiated(RunbookEvent.SwitchoverInitiated event) {}

  default void switchoverFinalized(RunbookEvent.SwitchoverFinalized event) {}

  default void memberRestarted(RunbookEvent.MemberRestarted event) {}

  default void writeDowntimeMeasured(RunbookEvent.WriteDowntimeMeasured event) {}

  /** Does nothing. */
  static RunbookListener noop() {
    return new RunbookListener() {};
  }

  /** Delivers each event to every listener in order; one listener's exception does not stop the others. */
  static RunbookListener composite(List<RunbookListener> listeners) {
    List<RunbookListener> copy = List.copyOf(listeners);
    return new RunbookListener() {
      @Override
      public void runStarted(RunbookEvent.RunStarted e) {
        copy.forEach(l -> Listeners.deliver(l, e));
      }

      @Override
      public void runFinished(RunbookEvent.RunFinished e) {
        copy.forEach(l -> Listeners.deliver(l, e));
      }

      @Override
      public void stepStarted(RunbookEvent.StepStarted e) {
        copy.forEach(l -> Listeners.deliver(l, e));
      }

      @Override
      public void stepSkipped(RunbookEvent.StepSkipped e) {
        copy.forEach(l -> Listeners.deliver(l, e));
      }

      @Override
      public void stepActed(RunbookEvent.StepActed e) {
        copy.forEach(l -> Listeners.deliver(l, e));
      }

      @Override
      public void stepVerified(RunbookEvent.StepVerified e) {
        copy.forEach(l -> Listeners.deliver(l, e));
      }

      @Override
      public void stepFailed(RunbookEvent.StepFailed e) {
        copy.forEach(l -> Listeners.deliver(l, e));
      }

      @Override
      public void switchoverInitiated(RunbookEvent.SwitchoverInitiated e) {
        copy.forEach(l -> Listeners.deliver(l, e));
      }

      @Override
      public void switchoverFinalized(RunbookEvent.SwitchoverFinalized e) {
        copy.forEach(l -> Listeners.deliver(l, e));
      }

      @Override
      public void memberRestarted(RunbookEvent.MemberRestarted e) {
        copy.forEach(l -> Listeners.deliver(l, e));
      }

      @Override
      public void writeDowntimeMeasured(RunbookEvent.WriteDowntimeMeasured e) {
        copy.forEach(l -> Listeners.deliver(l, e));
      }
    };
  }
}
