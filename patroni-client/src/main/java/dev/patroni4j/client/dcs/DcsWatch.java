package dev.patroni4j.client.dcs;

/**
 * A running watch on one cluster, from {@link DcsClient#watch}. Close it to stop the events; closing twice is
 * harmless.
 *
 * <p>Thread-safe.
 */
public interface DcsWatch extends AutoCloseable {

  /** The state after the last change delivered to the listener. */
  ClusterSnapshot current();

  /** Stops the watch; no listener call starts after this returns. */
  @Override
  void close();
}
