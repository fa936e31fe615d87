package dev.patroni4j.runbooks;

import java.time.Duration;

/**
 * Mutual exclusion of mutating runbooks per cluster: a lease with a TTL, held while a run executes and renewed by
 * the runner. A crashed run's lease expires after its TTL; the same run (same owner) resuming may take it over at once.
 *
 * <pre>{@code
 * // given: ClusterLease lease; String runId;
 * try (ClusterLease.Handle h = lease.acquire("demo", runId, Duration.ofSeconds(30))) {
 *   // only this run acts on the cluster "demo" until the handle is closed
 * }
 * }</pre>
 *
 * <p>Thread-safety: implementations must be thread-safe.
 */
public interface ClusterLease {
  /** The name of the runbook lease in the DCS: the key {@code <namespace>/<scope>/patroni4j-lease/runbook}. */
  String DCS_LEASE_NAME = "runbook";

  /** The evidence of a run refused because another run holds the lease: that run's id. */
  Fact<String> HOLDER = Fact.text("holder");

  /**
   * Takes the lease for {@code scope} or throws {@link LeaseUnavailableException} naming the current holder. Taking
   * a lease already held by the same {@code owner} succeeds.
   */
  Handle acquire(String scope, String owner, Duration ttl);

  /** A held lease. */
  interface Handle extends AutoCloseable {
    /** Extends the lease by its TTL; throws {@link LeaseUnavailableException} if it was lost. */
    void renew();

    /** Releases the lease if still held; never throws. */
    @Override
    void close();
  }

  /**
   * The lease in the DCS ({@link dev.patroni4j.client.dcs.DcsClient#acquireLease}), shared by every process that
   * uses the same store: the key {@code <namespace>/<scope>/patroni4j-lease/runbook} holding the run id, with the
   * run's TTL. The caller keeps ownership of {@code dcs} and closes it.
   */
  static ClusterLease inDcs(dev.patroni4j.client.dcs.DcsClient dcs, String namespace) {
    return new dev.patroni4j.runbooks.internal.DcsClusterLease(java.util.Objects.requireNonNull(dcs, "dcs == null"),
        java.util.Objects.requireNonNull(namespace, "namespace == null"));
  }

  /** A lease shared by runners in this JVM only (e.g. one service running many runbooks); TTL on {@code clock}. */
  static ClusterLease inMemory(java.time.Clock clock) {
    return new dev.patroni4j.runbooks.internal.InMemoryLease(clock);
  }

  /** No mutual exclusion; for single-operator tooling and tests that do not exercise locking. */
  static ClusterLease none() {
    return (scope, owner, ttl) -> new Handle() {
      @Override
      public void renew() {}

      @Override
      public void close() {}
    };
  }
}
