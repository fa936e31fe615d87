package dev.patroni4j.client.dcs.internal;

import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.DcsKey;
import dev.patroni4j.client.dcs.DcsRemovalRefusedException;
import dev.patroni4j.client.dcs.RemovalConfirmation;

/** The refusals every DCS implementation gives for a guarded removal, worded alike. Stateless and thread-safe. */
public final class RemovalRefusals {

  private RemovalRefusals() {}

  /** Refuses a removal at once if the confirmation is for another cluster; the DCS is not touched. */
  public static void checkScope(String operation, ClusterRef cluster, RemovalConfirmation confirmation) {
    if (!confirmation.scope().equals(cluster.scope())) {
      throw new DcsRemovalRefusedException(operation + " refused: the confirmation names cluster \""
          + confirmation.scope() + "\", not \"" + cluster.scope() + "\"; nothing was removed", operation, cluster,
          confirmation);
    }
  }

  /** The refusal when the initialize key does not hold the system identifier the confirmation names. */
  public static DcsRemovalRefusedException identifierMismatch(String operation, ClusterRef cluster,
      RemovalConfirmation confirmation) {
    return new DcsRemovalRefusedException(operation + " refused: " + cluster.key(DcsKey.INITIALIZE)
        + (confirmation.systemIdentifier().isEmpty()
            ? " holds a system identifier, but the confirmation names none"
            : " does not hold the confirmed system identifier " + confirmation.systemIdentifier())
        + "; nothing was removed", operation, cluster, confirmation);
  }
}
