package dev.patroni4j.dcs.etcd.internal;

import dev.patroni4j.client.Sleeper;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsEntry;
import dev.patroni4j.client.dcs.DcsException;
import dev.patroni4j.client.dcs.DcsListener;
import dev.patroni4j.client.dcs.DcsWatch;
import dev.patroni4j.client.dcs.spi.WatchDelivery;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A watch on one cluster's prefix, kept the way Patroni keeps its own cache: a map of the raw entries, updated by
 * etcd's watch stream; when the stream breaks or the history it needs was compacted, the prefix is read again, a
 * new stream starts after that read's revision, and the listener gets the net difference. Everything runs on one
 * thread per watch, so the listener sees changes one at a time and in order.
 */
public final class EtcdClusterWatch implements DcsWatch {

  private static final System.Logger LOG = System.getLogger(EtcdClusterWatch.class.getName());

  private final EtcdStore store;
  private final Watch watchClient;
  private final ClusterRef cluster;
  private final WatchDelivery delivery;
  private final Duration maxBackoff;
  private final Consumer<EtcdClusterWatch> onClose;
  private final ExecutorService serial;
  private final Map<String, DcsEntry> entries = new HashMap<>();
  private Watch.@Nullable Watcher watcher;
  private long generation;

  public EtcdClusterWatch(EtcdStore store, Watch watchClient, ClusterSnapshot since, DcsListener listener,
      Duration maxBackoff, Sleeper sleeper, Consumer<EtcdClusterWatch> onClose) {
    this.store = store;
    this.watchClient = watchClient;
    this.cluster = since.cluster();
    this.delivery = new WatchDelivery(since, listener, LOG, sleeper);
    this.maxBackoff = maxBackoff;
    this.onClose = onClose;
    this.serial = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "patroni4j-etcd-watch " + cluster.keyPrefix());
      t.setDaemon(true);
      return t;
    });
    serial.execute(() -> start(since));
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
    try {
      serial.execute(this::stopWatcher);
    } catch (RejectedExecutionException e) {
      // already shut down
    }
    serial.shutdown();
    onClose.accept(this);
  }

  /** Replays from {@code since}: the entries at its revision, then a stream from the next revision. */
  private void start(ClusterSnapshot since) {
    try {
      EtcdStore.Range range = store.range(cluster, since.revision());
      entries.clear();
      range.entries().forEach(e -> entries.put(e.key(), e));
      startWatcher(since.revision() + 1);
    } catch (DcsException e) {
      resync(EtcdErrors.isCompacted(e) ? "compacted" : "start failed: " + e.getMessage());
    }
  }

  private void startWatcher(long fromRevision) {
    stopWatcher();
    long mine = ++generation;
    WatchOption option = WatchOption.builder().isPrefix(true).withRevision(fromRevision).withPrevKV(false).build();
    watcher = watchClient.watch(EtcdStore.bytes(cluster.keyPrefix()), option, new Watch.Listener() {
      @Override
      public void onNext(WatchResponse response) {
        runSerially(() -> {
          if (mine == generation) {
            apply(response);
          }
        });
      }

      @Override
      public void onError(Throwable error) {
        runSerially(() -> {
          if (mine == generation) {
            if (!EtcdErrors.isCompacted(error)) {
              delivery.notifyError(EtcdErrors.map(error, "watch", cluster.keyPrefix(), store.calls().timeout(), false));
            }
            resync(EtcdErrors.isCompacted(error) ? "compacted" : "watch failed: " + error.getMessage());
          }
        });
      }

      @Override
      public void onCompleted() {
        runSerially(() -> {
          if (mine == generation) {
            resync("watch closed by etcd");
          }
        });
      }
    });
  }

  private void stopWatcher() {
    Watch.Watcher old = watcher;
    watcher = null;
    generation++;
    if (old != null) {
      try {
        old.close();
      } catch (RuntimeException e) {
        LOG.log(Level.DEBUG, "closing an etcd watcher failed", e);
      }
    }
  }

  /** Applies a batch of events revision by revision, so that a key deleted and re-created shows as two changes. */
  private void apply(WatchResponse response) {
    long pending = -1;
    for (WatchEvent event : response.getEvents()) {
      long revision = event.getKeyValue().getModRevision();
      if (pending != -1 && revision != pending) {
        delivery.publish(ClusterSnapshot.fromEntries(cluster, pending, entries.values()), null);
      }
      pending = revision;
      String key = event.getKeyValue().getKey().toString(StandardCharsets.UTF_8);
      if (event.getEventType() == WatchEvent.EventType.DELETE) {
        entries.remove(key);
      } else if (event.getEventType() == WatchEvent.EventType.PUT) {
        entries.put(key, EtcdStore.entry(event.getKeyValue()));
      }
    }
    if (pending != -1) {
      delivery.publish(ClusterSnapshot.fromEntries(cluster, pending, entries.values()), null);
    }
  }

  /** Reads the cluster again until it succeeds (or the watch is closed), then streams from after that read. */
  private void resync(String reason) {
    Duration backoff = WatchDelivery.firstBackoff();
    while (!delivery.isClosed()) {
      try {
        EtcdStore.Range range = store.range(cluster, 0);
        entries.clear();
        range.entries().forEach(e -> entries.put(e.key(), e));
        delivery.publish(ClusterSnapshot.fromEntries(cluster, range.revision(), entries.values()), reason);
        startWatcher(range.revision() + 1);
        return;
      } catch (DcsException e) {
        delivery.notifyError(e);
        if (!delivery.sleep(backoff)) {
          return;
        }
        backoff = WatchDelivery.nextBackoff(backoff, maxBackoff);
      }
    }
  }

  private void runSerially(Runnable task) {
    try {
      serial.execute(() -> {
        if (!delivery.isClosed()) {
          task.run();
        }
      });
    } catch (RejectedExecutionException e) {
      // closed: nothing more to do
    }
  }
}
