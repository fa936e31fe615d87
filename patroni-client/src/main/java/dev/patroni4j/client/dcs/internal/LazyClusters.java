package dev.patroni4j.client.dcs.internal;

import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsEntry;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The clusters of a fleet read by scope, sorted, each decoded into its {@link ClusterSnapshot} the first time it is
 * asked for. A fleet read groups thousands of keys at one revision; decoding every value of every cluster up front
 * cost about as much again as the read itself (FleetReadBenchmark), most of it for clusters a caller never looks
 * at. The keys (scopes) and the entries are fixed when the map is made, so the result is the same whenever a
 * cluster is decoded. Unmodifiable; thread-safe (two threads decoding the same cluster at once get equal
 * snapshots, and one of them is kept).
 */
public final class LazyClusters extends AbstractMap<String, ClusterSnapshot> {
  private final NavigableMap<String, Slot> slots = new TreeMap<>();
  private final AtomicInteger decoded = new AtomicInteger();

  /** {@code entriesByScope}: each scope's entries (the lists are kept, not copied: the caller hands them over). */
  public LazyClusters(String namespace, long revision, Map<String, List<DcsEntry>> entriesByScope) {
    entriesByScope.forEach((scope, entries) ->
        slots.put(scope, new Slot(ClusterRef.of(namespace, scope), revision, entries)));
  }

  /** How many clusters have been decoded so far (each at most once, but for a race between two threads). */
  public int decodedClusters() {
    return decoded.get();
  }

  @Override
  public int size() {
    return slots.size();
  }

  @Override
  public boolean containsKey(@Nullable Object key) {
    // A TreeMap throws on null and on keys of another type; a Map answers false.
    return key instanceof String && slots.containsKey(key);
  }

  @Override
  public @Nullable ClusterSnapshot get(@Nullable Object key) {
    Slot slot = key instanceof String ? slots.get(key) : null;
    return slot == null ? null : slot.snapshot();
  }

  @Override
  public Set<String> keySet() {
    return Collections.unmodifiableSet(slots.keySet());
  }

  @Override
  public Set<Map.Entry<String, ClusterSnapshot>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, ClusterSnapshot>> iterator() {
        Iterator<Map.Entry<String, Slot>> it = slots.entrySet().iterator();
        return new Iterator<>() {
          @Override
          public boolean hasNext() {
            return it.hasNext();
          }

          @Override
          public Map.Entry<String, ClusterSnapshot> next() {
            Map.Entry<String, Slot> e = it.next();
            return Map.entry(e.getKey(), e.getValue().snapshot());
          }
        };
      }

      @Override
      public int size() {
        return slots.size();
      }
    };
  }

  private final class Slot {
    private final ClusterRef cluster;
    private final long revision;
    private final List<DcsEntry> entries;
    private volatile @Nullable ClusterSnapshot snapshot;

    Slot(ClusterRef cluster, long revision, List<DcsEntry> entries) {
      this.cluster = cluster;
      this.revision = revision;
      this.entries = entries;
    }

    ClusterSnapshot snapshot() {
      ClusterSnapshot s = snapshot;
      if (s == null) {
        s = ClusterSnapshot.fromEntries(cluster, revision, entries);
        snapshot = s;
        decoded.incrementAndGet();
      }
      return s;
    }
  }
}
