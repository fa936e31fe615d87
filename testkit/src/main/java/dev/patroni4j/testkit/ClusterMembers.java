package dev.patroni4j.testkit;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The nodes of one cluster and whether it is closed: the state every part of {@link
 * LocalPatroniCluster} shares. Operations that change processes hold {@link #lock}.
 *
 * <p>Thread-safe.
 */
final class ClusterMembers {
  private final String scope;
  private final List<PatroniNode> nodes = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private volatile boolean closed;
  // Its own signal, not lock's monitor: a wait on lock would release it to the operations it serialises.
  private final CountDownLatch closedSignal = new CountDownLatch(1);

  ClusterMembers(String scope) {
    this.scope = scope;
  }

  /** Serialises everything that starts, stops or adds processes. */
  Object lock() {
    return lock;
  }

  void add(PatroniNode node) {
    nodes.add(node);
  }

  /** The members, in start order. */
  List<PatroniNode> all() {
    return List.copyOf(nodes);
  }

  int size() {
    return nodes.size();
  }

  PatroniNode first() {
    return nodes.get(0);
  }

  PatroniNode byName(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node named " + name + "; nodes are "
            + nodes.stream().map(PatroniNode::name).toList()));
  }

  /** Marks the cluster closed; true only for the first caller. */
  boolean close() {
    synchronized (lock) {
      if (closed) {
        return false;
      }
      closed = true;
      closedSignal.countDown();
      return true;
    }
  }

  /**
   * Waits up to {@code timeout} for the cluster to be closed: the pause between two observations of a wait, cut
   * short by {@link #close()}. True if it is closed.
   */
  boolean awaitClosed(Duration timeout) {
    try {
      return closedSignal.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestkitException("interrupted", e);
    }
  }

  boolean isClosed() {
    return closed;
  }

  void requireOpen() {
    if (closed) {
      throw new IllegalStateException("cluster " + scope + " is closed");
    }
  }
}
