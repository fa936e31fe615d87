package dev.patroni4j.client.dcs;

/**
 * Receives what a {@link FleetWatch} sees: the changes of every cluster of one namespace.
 *
 * <p>Calls for one watch come from one thread, one at a time, in revision order: first the events of a change,
 * each with the cluster it belongs to (clusters of one revision in scope order), then {@link #onSnapshot} with
 * the namespace's state after it. A cluster that appears reports its keys as changes from nothing (e.g. {@link
 * DcsEvent.MemberAdded}); one whose keys are all removed reports their removal. Implementations must be quick (a
 * slow listener delays the watch, it never loses changes) and must not throw; an exception is logged and ignored.
 *
 * <pre>{@code
 * // given: DcsClient dcs; Map<String, String> leaders;
 * FleetWatch w = dcs.watchFleet("/service", (cluster, event) -> {
 *   if (event instanceof DcsEvent.LeaderChanged c) leaders.put(cluster.scope(), c.current());
 * });
 * }</pre>
 */
@FunctionalInterface
public interface FleetListener {

  /** A change of {@code cluster}, in revision order. */
  void onEvent(ClusterRef cluster, DcsEvent event);

  /**
   * The watch lost track (its history was compacted, the connection dropped) and read the namespace again; the
   * events that follow are the net changes since the last state delivered, so none is lost.
   */
  default void onResynchronized(DcsEvent.Resynchronized event) {}

  /** The namespace's state after the events just delivered. */
  default void onSnapshot(FleetSnapshot fleet) {}

  /**
   * The watch could not reach the store; it keeps retrying until closed and re-reads the namespace when it gets
   * through.
   */
  default void onError(DcsException error) {}
}
