package dev.patroni4j.walg;

/**
 * A delete was refused before any request was sent: the confirmation does not match the plan, or
 * the repository changed since the plan was made so that the plan no longer holds.
 */
public final class DeletionRefusedException extends WalgException {
  private static final long serialVersionUID = 1L;

  public DeletionRefusedException(String message) {
    super(message);
  }
}
