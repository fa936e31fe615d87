package dev.patroni4j.runbooks;

import java.time.Duration;

/**
 * Mutual exclusion of mutating runbooks per cluster: a lease with a TTL, held while a run executes and renewed by
 * the runner. A crashed run's lease expires after its TTL; the same run (same owner) resuming may take it over at once.
 *
 * <pre>{@code
 * try (ClusterLease.Handle h = lease.acquire("demo", runId, Duration.ofSeconds(30))) { ... }
 * }</pre>
 *
 * <p>Thread-safety: implementations must be thread-safe.
 */
public interface ClusterLease {
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
