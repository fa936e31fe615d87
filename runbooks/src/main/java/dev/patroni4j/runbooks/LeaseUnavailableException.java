package dev.patroni4j.runbooks;

/**
 * Another run holds the cluster's runbook lease (or the lease was lost while running).
 *
 * <p>Thread-safety: immutable.
 */
public final class LeaseUnavailableException extends RunbookException {
  private static final long serialVersionUID = 1L;
  private final String scope;
  private final String holder;

  public LeaseUnavailableException(String scope, String holder) {
    super("cluster '" + scope + "' is locked by another runbook run: " + holder);
    this.scope = scope;
    this.holder = holder;
  }

  public String scope() {
    return scope;
  }

  /** The owner recorded in the lease (a run id), or a description of why it was lost. */
  public String holder() {
    return holder;
  }
}
