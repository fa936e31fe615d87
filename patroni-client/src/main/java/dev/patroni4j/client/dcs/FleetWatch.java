package dev.patroni4j.client.dcs;

/**
 * A running watch on every cluster of one namespace, from {@link DcsClient#watchFleet}: one stream of the
 * store's changes under the namespace (one etcd watch on its prefix, one Consul blocking query), not one per
 * cluster. Close it to stop the events; closing twice is harmless.
 *
 * <pre>{@code
 * // given: DcsClient dcs;
 * try (FleetWatch w = dcs.watchFleet("/service", (cluster, event) -> System.out.println(cluster.scope() + ": " + event))) {
 *   System.out.println(w.current().clusters().size() + " clusters");
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public interface FleetWatch extends AutoCloseable {

  /** The namespace's state after the last change delivered to the listener. */
  FleetSnapshot current();

  /** Stops the watch; no listener call starts after this returns. */
  @Override
  void close();
}
