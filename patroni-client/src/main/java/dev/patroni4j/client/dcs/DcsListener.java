package dev.patroni4j.client.dcs;

/**
 * Receives what a {@link DcsWatch} sees.
 *
 * <p>Calls for one watch come from one thread, one at a time, in revision order: first the events of a change,
 * then {@link #onSnapshot} with the state after it. Implementations must be quick (a slow listener delays the
 * watch, it never loses changes) and must not throw; an exception is logged and ignored.
 *
 * <pre>{@code
 * // given: DcsClient dcs; ClusterRef cluster; CompletableFuture<String> leaderChanged;
 * DcsWatch w = dcs.watch(cluster, event -> {
 *   if (event instanceof DcsEvent.LeaderChanged c) leaderChanged.complete(c.current());
 * });
 * }</pre>
 */
@FunctionalInterface
public interface DcsListener {

  /** A change, in revision order. */
  void onEvent(DcsEvent event);

  /** The cluster's state after the events just delivered. */
  default void onSnapshot(ClusterSnapshot snapshot) {}

  /**
   * The watch could not reach the store; it keeps retrying until closed and re-reads the cluster when it gets
   * through, so the events that follow still cover every change.
   */
  default void onError(DcsException error) {}
}
