package dev.patroni4j.client.dcs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
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
 * @param clusters each cluster's snapshot by scope, sorted by scope; a scope is listed if it has at least one key
 */
public record FleetSnapshot(String namespace, long revision, Map<String, ClusterSnapshot> clusters) {

  public FleetSnapshot {
    namespace = ClusterRef.normaliseNamespace(Objects.requireNonNull(namespace, "namespace == null"));
    clusters = Collections.unmodifiableMap(new TreeMap<>(clusters));
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
    Map<String, List<DcsEntry>> byScope = new LinkedHashMap<>();
    for (DcsEntry entry : entries) {
      String key = entry.key();
      String rest;
      if (key.startsWith(prefix)) {
        rest = key.substring(prefix.length());
      } else if (key.startsWith(bare)) {
        rest = key.substring(bare.length());
      } else {
        continue;
      }
      int slash = rest.indexOf('/');
      if (slash > 0) {
        byScope.computeIfAbsent(rest.substring(0, slash), s -> new ArrayList<>()).add(entry);
      }
    }
    Map<String, ClusterSnapshot> clusters = new TreeMap<>();
    byScope.forEach((scope, scoped) ->
        clusters.put(scope, ClusterSnapshot.fromEntries(ClusterRef.of(normalised, scope), revision, scoped)));
    return new FleetSnapshot(normalised, revision, clusters);
  }

  /** The snapshot of {@code scope}, if it has any key in this namespace. */
  public Optional<ClusterSnapshot> find(String scope) {
    return Optional.ofNullable(clusters.get(scope));
  }
}
