package dev.patroni4j.client.dcs;

/**
 * A removal was refused because its {@link RemovalConfirmation} does not name the cluster's scope and the system
 * identifier its {@code initialize} key holds. Nothing was removed.
 */
public class DcsRemovalRefusedException extends DcsException {

  private static final long serialVersionUID = 1L;

  private final RemovalConfirmation confirmation;

  public DcsRemovalRefusedException(String message, String operation, ClusterRef cluster,
      RemovalConfirmation confirmation) {
    super(message, operation, cluster.keyPrefix(), Delivery.ANSWERED, null);
    this.confirmation = confirmation;
  }

  /** The confirmation that did not match. */
  public RemovalConfirmation confirmation() {
    return confirmation;
  }
}
