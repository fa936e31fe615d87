package dev.patroni4j.client.dcs;

import java.time.Duration;

/**
 * A lease held in the DCS through {@link DcsClient#acquireLease}: a key under the cluster's prefix that names its
 * holder and disappears by itself unless renewed within {@link #expiresAfter()} (etcd: a key bound to an etcd lease;
 * Consul: a key locked by a session with {@code behavior=delete}).
 *
 * <pre>{@code
 * // given: DcsClient dcs; ClusterRef demo; String runId;
 * Optional<DcsLease> lease = dcs.acquireLease(demo, "runbook", runId, Duration.ofSeconds(30));
 * if (lease.isEmpty()) {
 *   throw new IllegalStateException("held by " + dcs.leaseHolder(demo, "runbook").orElse("(just released)"));
 * }
 * try (DcsLease held = lease.get()) {
 *   // work, calling held.renew() at least every held.expiresAfter() / 3
 * }
 * }</pre>
 *
 * <p>Thread-safe: renewing from one thread while another releases is fine.
 */
public interface DcsLease extends AutoCloseable {

  /** The cluster the lease belongs to. */
  ClusterRef cluster();

  /** The lease's name, e.g. {@code runbook}; its key is {@link ClusterRef#leaseKey cluster().leaseKey(name())}. */
  String name();

  /** Who holds it (the value of the key), as given to {@link DcsClient#acquireLease}. */
  String holder();

  /**
   * How long the lease outlives its last acquisition or renewal if nobody renews it: the TTL asked for, rounded up
   * to whole seconds (etcd: as granted, which raises a TTL below its minimum). The store may keep it somewhat
   * longer (Consul: up to twice this).
   */
  Duration expiresAfter();

  /**
   * Extends the lease by {@link #expiresAfter()} from now. Sent once; a renewal is idempotent, so a caller may
   * simply renew again after a failure that left the outcome open.
   *
   * @throws DcsLeaseLostException if the lease expired, was released or its key is gone or holds another holder
   * @throws DcsException if the store could not be asked in time
   */
  void renew();

  /**
   * Gives the lease up: its key is removed at once (not after the TTL). Releasing a lease that is already gone does
   * nothing.
   *
   * @throws DcsException if the store could not be asked in time; the lease then expires after its TTL
   */
  void release();

  /** {@link #release()}. */
  @Override
  default void close() {
    release();
  }
}
