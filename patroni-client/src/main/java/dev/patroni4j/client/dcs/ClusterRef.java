package dev.patroni4j.client.dcs;

import java.util.Objects;

/**
 * Where one Patroni cluster lives in a DCS: its {@code namespace} (Patroni's {@code namespace}, default
 * {@code /service}) and its {@code scope} (the cluster name).
 *
 * <p>Paths are normalised the way Patroni does it ({@code '/'.join(['', namespace, scope])} with repeated slashes
 * collapsed), so {@code ClusterRef.of("service", "demo")} and {@code ClusterRef.of("/service/", "demo")} name the
 * same cluster, whose keys start with {@link #keyPrefix()} {@code /service/demo/}.
 *
 * <pre>{@code
 * ClusterRef demo = ClusterRef.of("demo");                 // namespace /service
 * String leaderKey = demo.key(DcsKey.LEADER);              // "/service/demo/leader"
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param namespace the normalised namespace, starting with {@code /} and without a trailing {@code /}
 *     ({@code ""} for the root)
 * @param scope the cluster name; never contains {@code /}
 */
public record ClusterRef(String namespace, String scope) {

  /** Patroni's default namespace. */
  public static final String DEFAULT_NAMESPACE = "/service";

  /**
   * @throws IllegalArgumentException if {@code scope} is blank or contains {@code /}
   */
  public ClusterRef {
    Objects.requireNonNull(namespace, "namespace == null");
    Objects.requireNonNull(scope, "scope == null");
    if (scope.isBlank() || scope.contains("/")) {
      throw new IllegalArgumentException("scope must be a non-blank name without '/': \"" + scope + "\"");
    }
    namespace = normaliseNamespace(namespace);
  }

  /** The cluster {@code scope} in Patroni's default namespace {@code /service}. */
  public static ClusterRef of(String scope) {
    return new ClusterRef(DEFAULT_NAMESPACE, scope);
  }

  /** The cluster {@code scope} in {@code namespace}. */
  public static ClusterRef of(String namespace, String scope) {
    return new ClusterRef(namespace, scope);
  }

  /**
   * Normalises a namespace as Patroni does: leading {@code /}, no trailing {@code /}, no repeated {@code /}.
   */
  public static String normaliseNamespace(String namespace) {
    // Already normal, as nearly every namespace is (a fleet read makes one reference per cluster): no regex.
    if (namespace.startsWith("/") && !namespace.endsWith("/") && !namespace.contains("//")) {
      return namespace;
    }
    String collapsed = ("/" + namespace).replaceAll("/+", "/");
    return collapsed.endsWith("/") ? collapsed.substring(0, collapsed.length() - 1) : collapsed;
  }

  /** The prefix every key of this cluster starts with, e.g. {@code /service/demo/}. */
  public String keyPrefix() {
    return namespace + "/" + scope + "/";
  }

  /** The full key of one of Patroni's fixed keys, e.g. {@code /service/demo/leader}. */
  public String key(DcsKey key) {
    return keyPrefix() + key.path();
  }

  /**
   * The directory under {@link #keyPrefix()} that holds {@link DcsClient#acquireLease leases}: a name Patroni never
   * writes, so that leases go away with the cluster ({@link DcsClient#removeCluster}) and are skipped, not reported
   * as unknown keys, by {@link ClusterSnapshot}.
   */
  public static final String LEASE_DIRECTORY = "patroni4j-lease/";

  /**
   * The full key of a lease, e.g. {@code /service/demo/patroni4j-lease/runbook}.
   *
   * @throws IllegalArgumentException if {@code name} is blank or contains {@code /}
   */
  public String leaseKey(String name) {
    Objects.requireNonNull(name, "name == null");
    if (name.isBlank() || name.contains("/")) {
      throw new IllegalArgumentException("lease name must be non-blank and without '/': \"" + name + "\"");
    }
    return keyPrefix() + LEASE_DIRECTORY + name;
  }

  /** The full key of a member, e.g. {@code /service/demo/members/pg1}. */
  public String memberKey(String memberName) {
    return keyPrefix() + DcsKey.MEMBERS.path() + memberName;
  }

  @Override
  public String toString() {
    return keyPrefix();
  }
}
