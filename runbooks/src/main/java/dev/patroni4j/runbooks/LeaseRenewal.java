package dev.patroni4j.runbooks;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The cluster's runbook lease for one mutating run: taken at the start, renewed every third of its TTL on a daemon
 * thread, released at the end. {@link #lost()} says why it was lost, if it was; the run stops before its next step.
 */
final class LeaseRenewal implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RunbookRunner.class.getName());

  private final ClusterLease.Handle handle;
  private final @Nullable ScheduledExecutorService renewer;
  private final AtomicReference<@Nullable String> lost = new AtomicReference<>();

  private LeaseRenewal(ClusterLease.Handle handle, @Nullable Duration ttl) {
    this.handle = handle;
    this.renewer = ttl == null ? null : start(ttl);
  }

  /** Takes the lease of {@code scope} for {@code owner}; throws {@link LeaseUnavailableException} if held. */
  static LeaseRenewal acquire(ClusterLease lease, String scope, String owner, Duration ttl) {
    return new LeaseRenewal(lease.acquire(scope, owner, ttl), ttl);
  }

  /** No lease (a run that only observes). */
  static LeaseRenewal none() {
    return new LeaseRenewal(ClusterLease.none().acquire("", "", Duration.ofSeconds(1)), null);
  }

  @Nullable String lost() {
    return lost.get();
  }

  // The task records its own failures (lost), and close() ends it by shutting the executor down.
  @SuppressWarnings("FutureReturnValueIgnored")
  private ScheduledExecutorService start(Duration ttl) {
    ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "runbook-lease-renewal");
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(100, ttl.toMillis() / 3);
    s.scheduleAtFixedRate(() -> {
      try {
        handle.renew();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "runbook lease renewal failed", e);
        lost.compareAndSet(null, RunbookRunner.describe(e));
      }
    }, period, period, TimeUnit.MILLISECONDS);
    return s;
  }

  @Override
  public void close() {
    if (renewer != null) {
      renewer.shutdownNow();
    }
    handle.close();
  }
}
