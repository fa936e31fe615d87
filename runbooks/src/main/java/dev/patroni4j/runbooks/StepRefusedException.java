package dev.patroni4j.runbooks;

import java.util.Map;

/**
 * Thrown by a step's action when the cluster gave a definite "no" (for example Patroni's 412 "no good candidates") and
 * nothing was changed. The runner turns it into a {@link RunbookResult.Refused} carrying the reason and evidence.
 *
 * <pre>{@code
 * if (response.code() == 412) throw new StepRefusedException("Patroni refused: " + body, Map.of("http", "412"));
 * }</pre>
 *
 * <p>Thread-safety: immutable.
 */
public final class StepRefusedException extends RunbookException {
  private static final long serialVersionUID = 1L;
  private final Map<String, String> evidence;

  public StepRefusedException(String reason, Map<String, String> evidence) {
    super(reason);
    this.evidence = Map.copyOf(evidence);
  }

  /** The observations that decided the refusal. */
  public Map<String, String> evidence() {
    return evidence;
  }
}
