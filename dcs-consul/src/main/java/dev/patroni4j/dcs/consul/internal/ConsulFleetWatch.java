package dev.patroni4j.dcs.consul.internal;

import dev.patroni4j.client.Sleeper;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.FleetListener;
import dev.patroni4j.client.dcs.FleetSnapshot;
import dev.patroni4j.client.dcs.FleetWatch;
import dev.patroni4j.client.dcs.spi.FleetDelivery;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A watch on a whole namespace through one chain of Consul blocking queries on its prefix ({@link
 * ConsulPrefixWatch}): each answer is every cluster of the namespace, compared with the last state delivered.
 */
public final class ConsulFleetWatch implements FleetWatch {
  private static final System.Logger LOG = System.getLogger(ConsulFleetWatch.class.getName());

  private final FleetDelivery delivery;
  private final Consumer<ConsulFleetWatch> onClose;
  private final ConsulPrefixWatch<FleetSnapshot> queries;

  public ConsulFleetWatch(ConsulKv kv, FleetSnapshot since, FleetListener listener, Duration wait,
      Duration maxBackoff, Sleeper sleeper, Consumer<ConsulFleetWatch> onClose) {
    this.delivery = new FleetDelivery(since, listener, LOG, sleeper);
    this.onClose = onClose;
    this.queries = new ConsulPrefixWatch<>(ConsulKv.consulKey(since.namespace() + "/"), delivery,
        (index, onCall) -> kv.awaitFleet(since.namespace(), index, wait, onCall), FleetSnapshot::revision,
        ConsulFleetWatch::changed, maxBackoff);
  }

  @Override
  public FleetSnapshot current() {
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

  /** True if a cluster appeared, vanished or has a key that differs. */
  private static boolean changed(FleetSnapshot before, FleetSnapshot after) {
    if (!before.clusters().keySet().equals(after.clusters().keySet())) {
      return true;
    }
    for (Map.Entry<String, ClusterSnapshot> e : after.clusters().entrySet()) {
      if (ConsulClusterWatch.changed(Objects.requireNonNull(before.clusters().get(e.getKey())), e.getValue())) {
        return true;
      }
    }
    return false;
  }
}
