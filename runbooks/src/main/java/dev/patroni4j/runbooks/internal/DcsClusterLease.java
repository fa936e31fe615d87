package dev.patroni4j.runbooks.internal;

import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.DcsClient;
import dev.patroni4j.client.dcs.DcsException;
import dev.patroni4j.client.dcs.DcsLease;
import dev.patroni4j.client.dcs.DcsLeaseLostException;
import dev.patroni4j.runbooks.ClusterLease;
import dev.patroni4j.runbooks.LeaseUnavailableException;
import dev.patroni4j.runbooks.RunbookException;
import java.time.Duration;

/** The runbook lease as the DCS lease {@link ClusterLease#DCS_LEASE_NAME} of the cluster. Thread-safe. */
public final class DcsClusterLease implements ClusterLease {
  private static final System.Logger LOG = System.getLogger(DcsClusterLease.class.getName());

  private final DcsClient dcs;
  private final String namespace;

  public DcsClusterLease(DcsClient dcs, String namespace) {
    this.dcs = dcs;
    this.namespace = namespace;
  }

  @Override
  public Handle acquire(String scope, String owner, Duration ttl) {
    ClusterRef cluster = ClusterRef.of(namespace, scope);
    DcsLease lease;
    try {
      lease = dcs.acquireLease(cluster, DCS_LEASE_NAME, owner, ttl).orElseThrow(() -> new LeaseUnavailableException(
          scope, dcs.leaseHolder(cluster, DCS_LEASE_NAME).orElse("(released meanwhile; try again)")));
    } catch (DcsException e) {
      throw new RunbookException("cannot take the runbook lease of cluster '" + scope + "': " + e.getMessage(), e);
    }
    return new Handle() {
      @Override
      public void renew() {
        try {
          lease.renew();
        } catch (DcsLeaseLostException e) {
          throw new LeaseUnavailableException(scope, "(lease lost: " + e.getMessage() + ")");
        }
      }

      @Override
      public void close() {
        try {
          lease.release();
        } catch (DcsException e) {
          LOG.log(System.Logger.Level.WARNING, "could not release " + lease + "; it expires after its TTL", e);
        }
      }
    };
  }
}
