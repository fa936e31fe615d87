package dev.patroni4j.client.dcs;

import java.util.Objects;

/**
 * The guard for destructive DCS writes ({@link DcsClient#removeCluster}, {@link DcsClient#removeInitialize}): the
 * caller names the cluster and the PostgreSQL system identifier it believes the cluster holds, as
 * {@code patronictl remove} makes its user type the cluster name. A write goes ahead only if both match what the
 * DCS holds at the moment of the write.
 *
 * <pre>{@code
 * ClusterSnapshot s = dcs.snapshot(cluster);
 * // show s to a human, who confirms "demo" and "7310852917352427550"
 * dcs.removeCluster(cluster, RemovalConfirmation.of("demo", "7310852917352427550"));
 * }</pre>
 *
 * @param scope the cluster name
 * @param systemIdentifier the system identifier in the cluster's {@code initialize} key; {@code ""} confirms a
 *     cluster whose {@code initialize} key is absent or empty
 */
public record RemovalConfirmation(String scope, String systemIdentifier) {

  public RemovalConfirmation {
    Objects.requireNonNull(scope, "scope == null");
    Objects.requireNonNull(systemIdentifier, "systemIdentifier == null");
  }

  /** A confirmation naming {@code scope} and {@code systemIdentifier}. */
  public static RemovalConfirmation of(String scope, String systemIdentifier) {
    return new RemovalConfirmation(scope, systemIdentifier);
  }
}
