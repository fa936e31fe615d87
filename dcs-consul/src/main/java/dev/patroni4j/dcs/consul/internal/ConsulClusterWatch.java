package dev.patroni4j.dcs.consul.internal;

import dev.patroni4j.client.Sleeper;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsListener;
import dev.patroni4j.client.dcs.DcsWatch;
import dev.patroni4j.client.dcs.spi.WatchDelivery;
import java.time.Duration;
import java.util.function.Consumer;

/** A watch on one cluster through Consul blocking queries on its prefix ({@link ConsulPrefixWatch}). */
public final class ConsulClusterWatch implements DcsWatch {
  private static final System.Logger LOG = System.getLogger(ConsulClusterWatch.class.getName());

  private final WatchDelivery delivery;
  private final Consumer<ConsulClusterWatch> onClose;
  private final ConsulPrefixWatch<ClusterSnapshot> queries;

  public ConsulClusterWatch(ConsulKv kv, ClusterSnapshot since, DcsListener listener, Duration wait,
      Duration maxBackoff, Sleeper sleeper, Consumer<ConsulClusterWatch> onClose) {
    this.delivery = new WatchDelivery(since, listener, LOG, sleeper);
    this.onClose = onClose;
    this.queries = new ConsulPrefixWatch<>(ConsulKv.prefix(since.cluster()), delivery,
        (index, onCall) -> kv.await(since.cluster(), index, wait, onCall), ClusterSnapshot::revision,
        ConsulClusterWatch::changed, maxBackoff);
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
    queries.stop();
    onClose.accept(this);
  }

  /** True if any key differs; the revision alone does not count (Consul bumps it for unrelated writes too). */
  static boolean changed(ClusterSnapshot before, ClusterSnapshot after) {
    return !after.atRevision(before.revision()).equals(before);
  }
}
