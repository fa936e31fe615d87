package dev.patroni4j.client.dcs;

import dev.patroni4j.client.dcs.internal.LazyClusters;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every Patroni cluster of one namespace, read from the DCS at one revision in one request (one etcd prefix range,
 * one recursive Consul read), so that the clusters are consistent with each other and the cost grows with the
 * number of keys, not with the number of clusters.
 *
 * <pre>{@code
 * // given: DcsClient dcs;
 * FleetSnapshot fleet = dcs.fleet("/service");
 * for (ClusterSnapshot c : fleet.clusters().values()) {
 *   System.out.println(c.cluster().scope() + ": leader " + c.leaderName().orElse("<none>"));
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param namespace the normalised namespace read (see {@link ClusterRef#normaliseNamespace})
 * @param revision the store revision every cluster was read at
 * @param clusters each cluster's snapshot by scope, sorted by scope; a scope is listed if it has at least one key.
 *     From {@link #fromEntries} (every {@link DcsClient#fleet} read), a cluster's values are decoded into its
 *     snapshot the first time it is asked for: reading a fleet costs about the range read and the grouping of its
 *     keys, and each cluster looked at costs its own decoding once. A value that does not parse is then listed in
 *     that cluster's {@link ClusterSnapshot#problems()}, as for {@link DcsClient#snapshot}
 */
public record FleetSnapshot(String namespace, long revision, Map<String, ClusterSnapshot> clusters) {

  public FleetSnapshot {
    namespace = ClusterRef.normaliseNamespace(Objects.requireNonNull(namespace, "namespace == null"));
    // A fleet read's own map is already sorted and unmodifiable; copying it would decode every cluster.
    if (!(clusters instanceof LazyClusters)) {
      clusters = Collections.unmodifiableMap(new TreeMap<>(clusters));
    }
  }

  /**
   * Reads Patroni's meaning into every entry under a namespace, grouped by scope; for DCS implementations, like
   * {@link ClusterSnapshot#fromEntries}. Keys directly under the namespace (no scope) are not Patroni's and are
   * left out.
   *
   * @param entries every key under the namespace's prefix (with or without the leading {@code /})
   */
  public static FleetSnapshot fromEntries(String namespace, long revision, Collection<DcsEntry> entries) {
    String normalised = ClusterRef.normaliseNamespace(namespace);
    String prefix = normalised + "/";
    String bare = prefix.substring(1);
    Map<String, List<DcsEntry>> byScope = new HashMap<>();
    // Both stores answer in key order, so a cluster's keys come one after the other: most entries reuse the list
    // of the one before without cutting out their scope.
    String lastScope = null;
    List<DcsEntry> last = null;
    for (DcsEntry entry : entries) {
      String key = entry.key();
      int start;
      if (key.startsWith(prefix)) {
        start = prefix.length();
      } else if (key.startsWith(bare)) {
        start = bare.length();
      } else {
        continue;
      }
      if (last != null && lastScope != null && key.startsWith(lastScope, start)
          && key.length() > start + lastScope.length() && key.charAt(start + lastScope.length()) == '/') {
        last.add(entry);
        continue;
      }
      int slash = key.indexOf('/', start);
      if (slash > start) {
        lastScope = key.substring(start, slash);
        last = byScope.computeIfAbsent(lastScope, s -> new ArrayList<>());
        last.add(entry);
      }
    }
    return new FleetSnapshot(normalised, revision, new LazyClusters(normalised, revision, byScope));
  }

  /** The snapshot of {@code scope}, if it has any key in this namespace. */
  public Optional<ClusterSnapshot> find(String scope) {
    return Optional.ofNullable(clusters.get(scope));
  }
}
