package dev.patroni4j.runbooks;

import java.util.Map;

/**
 * One step of a {@link Plan}: what it would do and why, judged against the cluster as observed when planning.
 *
 * @param decision {@code satisfied}, {@code needs-action}, {@code blocked} or {@code unobservable}
 */
public record PlannedStep(String stepId, Impact impact, String decision, String reason, Map<String, String> facts) {
  public PlannedStep {
    facts = Map.copyOf(facts);
  }

  /** True when executing would act (or wait) in this step. */
  public boolean wouldAct() {
    return "needs-action".equals(decision);
  }
}
