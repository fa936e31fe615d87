package dev.patroni4j.client.dcs.spi;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.ConfirmationRefusedException;
import dev.patroni4j.client.PatroniException.Delivery;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.DcsKey;

/**
 * How every DCS implementation reads a removal's {@link Confirmation} (a cluster token, {@code
 * scope:systemIdentifier}) and the refusals it gives, worded alike. Stateless and thread-safe.
 */
public final class RemovalRefusals {

  private RemovalRefusals() {}

  /**
   * The system identifier {@code confirmation} confirms for {@code cluster}, which the removal then guards on
   * atomically; refuses at once, before the DCS is touched, if the token is not for this cluster's scope.
   */
  public static String confirmedSystemIdentifier(String operation, ClusterRef cluster, Confirmation confirmation) {
    String scopePart = Confirmation.forCluster(cluster.scope(), "").token();
    if (!confirmation.token().startsWith(scopePart)) {
      throw new ConfirmationRefusedException(operation + " refused: confirmation '" + confirmation
          + "' is not for cluster \"" + cluster.scope() + "\" (a cluster's token is scope:systemIdentifier); "
          + "nothing was removed", operation, "cluster " + cluster.scope(), confirmation, Delivery.NO_REQUEST,
          cluster.keyPrefix());
    }
    return confirmation.token().substring(scopePart.length());
  }

  /** The refusal when the initialize key does not hold the system identifier the confirmation names. */
  public static ConfirmationRefusedException identifierMismatch(String operation, ClusterRef cluster,
      Confirmation confirmation) {
    String confirmed = confirmedSystemIdentifier(operation, cluster, confirmation);
    return new ConfirmationRefusedException(operation + " refused: " + cluster.key(DcsKey.INITIALIZE)
        + (confirmed.isEmpty()
            ? " holds a system identifier, but the confirmation names none"
            : " does not hold the confirmed system identifier " + confirmed)
        + "; nothing was removed", operation, "cluster " + cluster.scope(), confirmation, Delivery.ANSWERED,
        cluster.keyPrefix());
  }
}
