package dev.patroni4j.dcs.etcd.internal;

import dev.patroni4j.client.dcs.DcsEntry;
import dev.patroni4j.client.dcs.DcsException;
import dev.patroni4j.client.dcs.spi.WatchDelivery;
import dev.patroni4j.client.dcs.spi.WatchSink;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * A watch on one key prefix (a cluster's, or a whole namespace's), kept the way Patroni keeps its own cache: the
 * raw entries, updated by etcd's watch stream; when the stream breaks or the history it needs was compacted, the
 * prefix is read again in one range, a new stream starts after that read's revision, and the listener gets the
 * net difference. Everything runs on one thread per watch, so the listener sees changes one at a time and in
 * order. What the entries mean, and how a change reaches the listener, is the {@link Target}'s.
 */
final class EtcdPrefixWatch {

  private static final System.Logger LOG = System.getLogger(EtcdPrefixWatch.class.getName());

  /** The state a watch keeps from the entries under its prefix, and the listener it tells. */
  interface Target {
    /** The key prefix watched. */
    String prefix();

    /** Where changes go: the listener side. */
    WatchSink<?> sink();

    /** The entries under the prefix are exactly these (after a range read). */
    void reset(List<DcsEntry> entries);

    /** A key was written. */
    void put(DcsEntry entry);

    /** A key was deleted. */
    void remove(String key);

    /** Publishes the state at {@code revision}, made of the entries so far. */
    void publish(long revision, @Nullable String resyncReason);
  }

  private final EtcdStore store;
  private final Watch watchClient;
  private final Target target;
  private final Duration maxBackoff;
  private final ExecutorService serial;
  private Watch.@Nullable Watcher watcher;
  private long generation;

  EtcdPrefixWatch(EtcdStore store, Watch watchClient, Target target, long sinceRevision, Duration maxBackoff) {
    this.store = store;
    this.watchClient = watchClient;
    this.target = target;
    this.maxBackoff = maxBackoff;
    this.serial = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "patroni4j-etcd-watch " + target.prefix());
      t.setDaemon(true);
      return t;
    });
    serial.execute(() -> start(sinceRevision));
  }

  /** Stops the stream; the caller has closed the sink already. */
  void stop() {
    try {
      serial.execute(this::stopWatcher);
    } catch (RejectedExecutionException e) {
      // already shut down
    }
    serial.shutdown();
  }

  /** Replays from {@code since}: the entries at its revision, then a stream from the next revision. */
  private void start(long since) {
    try {
      target.reset(store.range("watch", target.prefix(), since).entries());
      startWatcher(since + 1);
    } catch (DcsException e) {
      resync(EtcdErrors.isCompacted(e) ? "compacted" : "start failed: " + e.getMessage());
    }
  }

  private void startWatcher(long fromRevision) {
    stopWatcher();
    long mine = ++generation;
    WatchOption option = WatchOption.builder().isPrefix(true).withRevision(fromRevision).withPrevKV(false).build();
    watcher = watchClient.watch(EtcdStore.bytes(target.prefix()), option, new Watch.Listener() {
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
              target.sink().notifyError(EtcdErrors.map(error, "watch", target.prefix(), store.calls().timeout(), false));
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
        target.publish(pending, null);
      }
      pending = revision;
      String key = event.getKeyValue().getKey().toString(StandardCharsets.UTF_8);
      if (event.getEventType() == WatchEvent.EventType.DELETE) {
        target.remove(key);
      } else if (event.getEventType() == WatchEvent.EventType.PUT) {
        target.put(EtcdStore.entry(event.getKeyValue()));
      }
    }
    if (pending != -1) {
      target.publish(pending, null);
    }
  }

  /** Reads the prefix again until it succeeds (or the watch is closed), then streams from after that read. */
  private void resync(String reason) {
    Duration backoff = WatchDelivery.firstBackoff();
    while (!target.sink().isClosed()) {
      try {
        EtcdStore.Range range = store.range("watch", target.prefix(), 0);
        target.reset(range.entries());
        target.publish(range.revision(), reason);
        startWatcher(range.revision() + 1);
        return;
      } catch (DcsException e) {
        target.sink().notifyError(e);
        if (!target.sink().sleep(backoff)) {
          return;
        }
        backoff = WatchDelivery.nextBackoff(backoff, maxBackoff);
      }
    }
  }

  private void runSerially(Runnable task) {
    try {
      serial.execute(() -> {
        if (!target.sink().isClosed()) {
          task.run();
        }
      });
    } catch (RejectedExecutionException e) {
      // closed: nothing more to do
    }
  }
}
