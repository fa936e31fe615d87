package dev.patroni4j.runbooks;


/**
 * Thrown by a step's action when the cluster gave a definite "no" (for example Patroni's 412 "no good candidates") and
 * nothing was changed. The runner turns it into a {@link RunbookResult.Refused} carrying the reason and evidence.
 *
 * <pre>{@code
 * import dev.patroni4j.client.Outcome;
 * // given: Outcome outcome; Facts evidence;
 * if (outcome instanceof Outcome.Refused r) throw new StepRefusedException("Patroni refused: " + r.message(), evidence);
 * }</pre>
 *
 * <p>Thread-safety: immutable.
 */
public final class StepRefusedException extends RunbookException {
  private static final long serialVersionUID = 1L;
  private final transient Facts evidence;

  public StepRefusedException(String reason) {
    this(reason, Facts.of());
  }

  public StepRefusedException(String reason, Facts evidence) {
    super(reason);
    this.evidence = java.util.Objects.requireNonNull(evidence, "evidence == null");
  }

  /** The observations that decided the refusal. */
  public Facts evidence() {
    return evidence;
  }
}
