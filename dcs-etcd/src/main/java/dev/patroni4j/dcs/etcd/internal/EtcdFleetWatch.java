package dev.patroni4j.dcs.etcd.internal;

import dev.patroni4j.client.Sleeper;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsEntry;
import dev.patroni4j.client.dcs.FleetListener;
import dev.patroni4j.client.dcs.FleetSnapshot;
import dev.patroni4j.client.dcs.FleetWatch;
import dev.patroni4j.client.dcs.spi.FleetDelivery;
import dev.patroni4j.client.dcs.spi.WatchSink;
import io.etcd.jetcd.Watch;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A watch on a whole namespace through one etcd watch stream on its prefix ({@link EtcdPrefixWatch}): the raw
 * entries grouped by scope; a change re-reads only the clusters it touched, so it costs what it touched.
 */
public final class EtcdFleetWatch implements FleetWatch {

  private static final System.Logger LOG = System.getLogger(EtcdFleetWatch.class.getName());

  private final FleetDelivery delivery;
  private final Consumer<EtcdFleetWatch> onClose;
  private final EtcdPrefixWatch stream;

  public EtcdFleetWatch(EtcdStore store, Watch watchClient, FleetSnapshot since, FleetListener listener,
      Duration maxBackoff, Sleeper sleeper, Consumer<EtcdFleetWatch> onClose) {
    this.delivery = new FleetDelivery(since, listener, LOG, sleeper);
    this.onClose = onClose;
    this.stream = new EtcdPrefixWatch(store, watchClient, new Entries(since, delivery), since.revision(), maxBackoff);
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
    stream.stop();
    onClose.accept(this);
  }

  /** The namespace's raw entries by scope, and which scopes changed since the last publication; one thread only. */
  private static final class Entries implements EtcdPrefixWatch.Target {
    private final String namespace;
    private final String prefix;
    private final FleetDelivery delivery;
    private final Map<String, Map<String, DcsEntry>> byScope = new HashMap<>();
    private final Map<String, ClusterSnapshot> clusters = new TreeMap<>();
    private final Set<String> touched = new HashSet<>();

    Entries(FleetSnapshot since, FleetDelivery delivery) {
      this.namespace = since.namespace();
      this.prefix = since.namespace() + "/";
      this.delivery = delivery;
      this.clusters.putAll(since.clusters());
    }

    @Override
    public String prefix() {
      return prefix;
    }

    @Override
    public WatchSink<?> sink() {
      return delivery;
    }

    @Override
    public void reset(List<DcsEntry> all) {
      touched.addAll(byScope.keySet());
      touched.addAll(clusters.keySet());
      byScope.clear();
      all.forEach(this::put);
    }

    @Override
    public void put(DcsEntry entry) {
      String scope = scopeOf(entry.key());
      if (scope != null) {
        byScope.computeIfAbsent(scope, s -> new HashMap<>()).put(entry.key(), entry);
        touched.add(scope);
      }
    }

    @Override
    public void remove(String key) {
      String scope = scopeOf(key);
      if (scope == null) {
        return;
      }
      Map<String, DcsEntry> entries = byScope.get(scope);
      if (entries != null && entries.remove(key) != null) {
        touched.add(scope);
        if (entries.isEmpty()) {
          byScope.remove(scope);
        }
      }
    }

    @Override
    public void publish(long revision, @Nullable String resyncReason) {
      for (String scope : touched) {
        Map<String, DcsEntry> entries = byScope.get(scope);
        if (entries == null) {
          clusters.remove(scope);
        } else {
          clusters.put(scope, ClusterSnapshot.fromEntries(ClusterRef.of(namespace, scope), revision, entries.values()));
        }
      }
      clusters.replaceAll((scope, snapshot) -> snapshot.atRevision(revision));
      Set<String> changed = Set.copyOf(touched);
      touched.clear();
      delivery.publish(new FleetSnapshot(namespace, revision, clusters), resyncReason, changed);
    }

    /** The scope of a key under the namespace; null for a key directly under it, which is not Patroni's. */
    private @Nullable String scopeOf(String key) {
      String rest = key.substring(prefix.length());
      int slash = rest.indexOf('/');
      return slash > 0 ? rest.substring(0, slash) : null;
    }
  }
}
