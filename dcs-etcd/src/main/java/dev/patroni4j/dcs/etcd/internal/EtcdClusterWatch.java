package dev.patroni4j.dcs.etcd.internal;

import dev.patroni4j.client.Sleeper;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsEntry;
import dev.patroni4j.client.dcs.DcsListener;
import dev.patroni4j.client.dcs.DcsWatch;
import dev.patroni4j.client.dcs.spi.WatchDelivery;
import dev.patroni4j.client.dcs.spi.WatchSink;
import io.etcd.jetcd.Watch;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A watch on one cluster's prefix ({@link EtcdPrefixWatch}): a map of the raw entries, published as the cluster's
 * snapshot at each revision.
 */
public final class EtcdClusterWatch implements DcsWatch {

  private static final System.Logger LOG = System.getLogger(EtcdClusterWatch.class.getName());

  private final WatchDelivery delivery;
  private final Consumer<EtcdClusterWatch> onClose;
  private final EtcdPrefixWatch stream;

  public EtcdClusterWatch(EtcdStore store, Watch watchClient, ClusterSnapshot since, DcsListener listener,
      Duration maxBackoff, Sleeper sleeper, Consumer<EtcdClusterWatch> onClose) {
    this.delivery = new WatchDelivery(since, listener, LOG, sleeper);
    this.onClose = onClose;
    this.stream = new EtcdPrefixWatch(store, watchClient, new Entries(since.cluster(), delivery), since.revision(),
        maxBackoff);
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
    stream.stop();
    onClose.accept(this);
  }

  /** The cluster's raw entries; used on the watch's one thread only. */
  private static final class Entries implements EtcdPrefixWatch.Target {
    private final ClusterRef cluster;
    private final WatchDelivery delivery;
    private final Map<String, DcsEntry> entries = new HashMap<>();

    Entries(ClusterRef cluster, WatchDelivery delivery) {
      this.cluster = cluster;
      this.delivery = delivery;
    }

    @Override
    public String prefix() {
      return cluster.keyPrefix();
    }

    @Override
    public WatchSink<?> sink() {
      return delivery;
    }

    @Override
    public void reset(List<DcsEntry> all) {
      entries.clear();
      all.forEach(e -> entries.put(e.key(), e));
    }

    @Override
    public void put(DcsEntry entry) {
      entries.put(entry.key(), entry);
    }

    @Override
    public void remove(String key) {
      entries.remove(key);
    }

    @Override
    public void publish(long revision, @Nullable String resyncReason) {
      delivery.publish(ClusterSnapshot.fromEntries(cluster, revision, entries.values()), resyncReason);
    }
  }
}
