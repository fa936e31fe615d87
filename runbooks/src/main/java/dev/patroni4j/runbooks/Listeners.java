package dev.patroni4j.runbooks;

/** Dispatches an event to the listener method of its type, isolating the caller from listener failures. */
final class Listeners {
  private static final System.Logger LOG = System.getLogger(Listeners.class.getName());

  private Listeners() {}

  static void deliver(RunbookListener l, RunbookEvent event) {
    try {
      if (event instanceof RunbookEvent.RunStarted e) {
        l.runStarted(e);
      } else if (event instanceof RunbookEvent.RunFinished e) {
        l.runFinished(e);
      } else if (event instanceof RunbookEvent.StepStarted e) {
        l.stepStarted(e);
      } else if (event instanceof RunbookEvent.StepSkipped e) {
        l.stepSkipped(e);
      } else if (event instanceof RunbookEvent.StepActed e) {
        l.stepActed(e);
      } else if (event instanceof RunbookEvent.StepVerified e) {
        l.stepVerified(e);
      } else if (event instanceof RunbookEvent.StepFailed e) {
        l.stepFailed(e);
      } else if (event instanceof RunbookEvent.SwitchoverInitiated e) {
        l.switchoverInitiated(e);
      } else if (event instanceof RunbookEvent.SwitchoverFinalized e) {
        l.switchoverFinalized(e);
      } else if (event instanceof RunbookEvent.MemberRestarted e) {
        l.memberRestarted(e);
      } else if (event instanceof RunbookEvent.WriteDowntimeMeasured e) {
        l.writeDowntimeMeasured(e);
      }
    } catch (RuntimeException ex) {
      LOG.log(System.Logger.Level.WARNING, "runbook listener threw on " + event.getClass().getSimpleName(), ex);
    }
  }
}
