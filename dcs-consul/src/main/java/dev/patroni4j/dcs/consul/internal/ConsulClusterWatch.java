package dev.patroni4j.dcs.consul.internal;

import dev.patroni4j.client.Sleeper;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsEvent;
import dev.patroni4j.client.dcs.DcsException;
import dev.patroni4j.client.dcs.DcsListener;
import dev.patroni4j.client.dcs.DcsWatch;
import dev.patroni4j.client.dcs.spi.WatchDelivery;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.function.Consumer;
import okhttp3.Call;
import org.jspecify.annotations.Nullable;

/**
 * A watch on one cluster through Consul blocking queries on its prefix ({@code ?recurse&index=N&wait=...}), as
 * Consul's own watches work: each answer with a new index is the whole prefix, compared with the last state
 * delivered, and the difference is reported. Consul keeps no history, so a watch started from an older snapshot
 * reports the net changes since then, and several changes between two answers arrive as their net effect.
 *
 * <p>One daemon thread per watch calls the listener, one call at a time. After a failed query the watch reports
 * the error, backs off, and on its next answer emits {@link DcsEvent.Resynchronized} before the net changes. An
 * index that goes backwards (a Consul server restored from a snapshot) restarts the blocking queries from 0, as
 * Consul's documentation asks clients to.
 */
public final class ConsulClusterWatch implements DcsWatch {
  private static final System.Logger LOG = System.getLogger(ConsulClusterWatch.class.getName());

  private final ConsulKv kv;
  private final ClusterRef cluster;
  private final WatchDelivery delivery;
  private final Duration wait;
  private final Duration maxBackoff;
  private final Consumer<ConsulClusterWatch> onClose;
  private final Thread thread;
  private volatile @Nullable Call inFlight;

  public ConsulClusterWatch(ConsulKv kv, ClusterSnapshot since, DcsListener listener, Duration wait,
      Duration maxBackoff, Sleeper sleeper, Consumer<ConsulClusterWatch> onClose) {
    this.kv = kv;
    this.cluster = since.cluster();
    this.delivery = new WatchDelivery(since, listener, LOG, sleeper);
    this.wait = wait;
    this.maxBackoff = maxBackoff;
    this.onClose = onClose;
    this.thread = new Thread(this::run, "patroni4j-consul-watch " + cluster.keyPrefix());
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public ClusterSnapshot current() {
    return delivery.current();
  }

  @Override
  public void close() {
    if (!delivery.close()) {
      return;
    }
    Call call = inFlight;
    if (call != null) {
      call.cancel();
    }
    thread.interrupt();
    onClose.accept(this);
  }

  private void run() {
    long index = Math.max(1, delivery.current().revision());
    @Nullable String resyncReason = null;
    Duration backoff = WatchDelivery.firstBackoff();
    while (!delivery.isClosed()) {
      ClusterSnapshot next;
      try {
        next = kv.await(cluster, index, wait, call -> inFlight = call);
      } catch (DcsException e) {
        if (delivery.isClosed()) {
          return;
        }
        delivery.notifyError(e);
        resyncReason = "Consul query failed: " + e.getMessage();
        if (!delivery.sleep(backoff)) {
          return;
        }
        backoff = WatchDelivery.nextBackoff(backoff, maxBackoff);
        continue;
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Consul watch on " + cluster.keyPrefix() + " failed unexpectedly", e);
        resyncReason = "unexpected failure: " + e;
        if (!delivery.sleep(maxBackoff)) {
          return;
        }
        continue;
      }
      backoff = WatchDelivery.firstBackoff();
      if (Long.compareUnsigned(next.revision(), index) < 0) {
        index = 0;
        resyncReason = "Consul's index went backwards";
        continue;
      }
      index = Math.max(1, next.revision());
      if (resyncReason != null || changed(delivery.current(), next)) {
        delivery.publish(next, resyncReason);
        resyncReason = null;
      }
    }
  }

  /** True if any key differs; the revision alone does not count (Consul bumps it for unrelated writes too). */
  private static boolean changed(ClusterSnapshot before, ClusterSnapshot after) {
    ClusterSnapshot sameRevision = new ClusterSnapshot(after.cluster(), before.revision(), after.leader(),
        after.members(), after.config(), after.initialize(), after.failover(), after.sync(), after.history(),
        after.status(), after.failsafe(), after.problems());
    return !sameRevision.equals(before);
  }
}
