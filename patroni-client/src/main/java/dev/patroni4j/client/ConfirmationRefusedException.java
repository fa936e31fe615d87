package dev.patroni4j.client;

import org.jspecify.annotations.Nullable;

/**
 * A destructive action was refused because its {@link Confirmation} does not confirm the target as it is (another
 * cluster, a rebuilt cluster, a changed deletion plan). Nothing was changed.
 *
 * <pre>{@code
 * import dev.patroni4j.walg.DeletionPlan;
 * import dev.patroni4j.walg.WalgRepository;
 * // given: WalgRepository repo; DeletionPlan plan; String typed;
 * try {
 *   repo.delete(plan, Confirmation.of(typed));
 * } catch (ConfirmationRefusedException e) {
 *   System.err.println(e.action() + " not confirmed for " + e.subject());
 * }
 * }</pre>
 *
 * <p>Immutable.
 */
public class ConfirmationRefusedException extends PatroniException {
  private static final long serialVersionUID = 1L;

  private final String action;
  private final String subject;
  private final Confirmation given;

  /**
   * @param message what was refused and why, ending in what was left unchanged
   * @param action the refused action, e.g. {@code removeCluster}
   * @param subject the target as it is, e.g. {@code cluster demo (system 7310852917352427550)}
   * @param given the confirmation that did not match
   * @param delivery {@link Delivery#NO_REQUEST} if refused before asking anything, {@link Delivery#ANSWERED} if the
   *     server refused the guarded write
   * @param target what was called, if anything
   */
  public ConfirmationRefusedException(String message, String action, String subject, Confirmation given,
      Delivery delivery, @Nullable String target) {
    super(message, null, delivery, target, -1, null);
    this.action = action;
    this.subject = subject;
    this.given = given;
  }

  static ConfirmationRefusedException notFor(String action, String subject, Confirmation given) {
    return new ConfirmationRefusedException(action + " refused: confirmation '" + given + "' does not confirm "
        + subject + "; nothing was changed", action, subject, given, Delivery.NO_REQUEST, null);
  }

  /** The refused action. */
  public String action() {
    return action;
  }

  /** The target the action was refused on, as it is now. */
  public String subject() {
    return subject;
  }

  /** The confirmation that did not match. */
  public Confirmation given() {
    return given;
  }
}
