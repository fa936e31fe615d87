package dev.patroni4j.client;

import java.time.Duration;

/**
 * A source of cluster observations for {@link ClusterWaiter}. A polling observer answers at once
 * with a fresh read; a reacting one (e.g. on a DCS watch) may block until something changes, up
 * to {@code maxWait}, and then answers with the new state.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface ClusterObserver {
  /**
   * The next observation.
   *
   * @param withMemberStatuses whether each member's {@code /patroni} status is needed
   * @param maxWait how long a reacting observer may block before answering
   * @throws PatroniException if the cluster cannot be observed right now (the waiter keeps trying)
   */
  ClusterObservation next(boolean withMemberStatuses, Duration maxWait) throws InterruptedException;
}
