package dev.patroni4j.client.dcs.spi;

import dev.patroni4j.client.Sleeper;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsEvent;
import dev.patroni4j.client.dcs.DcsException;
import dev.patroni4j.client.dcs.FleetListener;
import dev.patroni4j.client.dcs.FleetSnapshot;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The listener side of a {@code FleetWatch}, shared by every DCS implementation, like {@link WatchDelivery} for
 * one cluster: a new namespace state becomes, cluster by cluster in scope order, the events since the last state
 * (a cluster that appears is compared with an empty one, one that vanishes likewise), an optional
 * resynchronization first, then {@code onSnapshot}. A listener that throws is logged and kept. Deliveries and
 * {@link #close()} share one lock, so once {@code close()} returns no callback is running or will start.
 *
 * <pre>{@code
 * // given: FleetSnapshot since; FleetListener listener; FleetSnapshot next;
 * FleetDelivery delivery = new FleetDelivery(since, listener, System.getLogger("my-dcs"), Sleeper.system());
 * delivery.publish(next, null);
 * }</pre>
 *
 * <p>Thread-safe; the transport-specific watch calls {@link #publish} and {@link #notifyError} from its own thread.
 */
public final class FleetDelivery implements WatchSink<FleetSnapshot> {

  private final System.Logger log;
  private final FleetListener listener;
  private final Sleeper sleeper;
  private final Object deliveryLock = new Object();
  private volatile FleetSnapshot current;
  private volatile boolean closed;

  /**
   * @param since the namespace state the watch starts from; later states are compared with it
   * @param log the watch's own logger, so that a failing listener is reported under the transport's name
   * @param sleeper how the watch pauses between retries (the DCS client's injected one)
   */
  public FleetDelivery(FleetSnapshot since, FleetListener listener, System.Logger log, Sleeper sleeper) {
    this.current = since;
    this.listener = listener;
    this.sleeper = sleeper;
    this.log = log;
  }

  @Override
  public FleetSnapshot current() {
    return current;
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  /**
   * Stops all further callbacks, waiting for one in progress to finish.
   *
   * @return true the first time, false if it was closed already
   */
  public boolean close() {
    synchronized (deliveryLock) {
      if (closed) {
        return false;
      }
      closed = true;
      return true;
    }
  }

  /** Compares every cluster of {@code next} and of the current state. */
  @Override
  public void publish(FleetSnapshot next, @Nullable String resyncReason) {
    Set<String> scopes = new TreeSet<>(current.clusters().keySet());
    scopes.addAll(next.clusters().keySet());
    publish(next, resyncReason, scopes);
  }

  /**
   * Like {@link #publish(FleetSnapshot, String)}, comparing only the clusters in {@code scopes}: for a transport
   * that knows which clusters a change touched, so that a change costs what it touched, not the whole namespace.
   */
  public void publish(FleetSnapshot next, @Nullable String resyncReason, Set<String> scopes) {
    synchronized (deliveryLock) {
      FleetSnapshot before = current;
      current = next;
      if (closed) {
        return;
      }
      if (resyncReason != null) {
        try {
          listener.onResynchronized(new DcsEvent.Resynchronized(next.revision(), resyncReason));
        } catch (RuntimeException e) {
          log.log(Level.WARNING, "DCS fleet listener failed on a resynchronization of " + next.namespace(), e);
        }
      }
      for (String scope : new TreeSet<>(scopes)) {
        ClusterRef cluster = ClusterRef.of(next.namespace(), scope);
        ClusterSnapshot was = before.find(scope).orElseGet(() -> empty(cluster, before.revision()));
        ClusterSnapshot is = next.find(scope).orElseGet(() -> empty(cluster, next.revision()));
        List<DcsEvent> events = is.changesSince(was);
        for (DcsEvent event : events) {
          try {
            listener.onEvent(cluster, event);
          } catch (RuntimeException e) {
            log.log(Level.WARNING, "DCS fleet listener failed on " + event + " of " + cluster.keyPrefix(), e);
          }
        }
      }
      try {
        listener.onSnapshot(next);
      } catch (RuntimeException e) {
        log.log(Level.WARNING, "DCS fleet listener failed on a snapshot of " + next.namespace(), e);
      }
    }
  }

  @Override
  public void notifyError(DcsException error) {
    synchronized (deliveryLock) {
      if (closed) {
        return;
      }
      try {
        listener.onError(error);
      } catch (RuntimeException e) {
        log.log(Level.WARNING, "DCS fleet listener failed on an error", e);
      }
    }
  }

  @Override
  public boolean sleep(Duration duration) {
    try {
      sleeper.sleep(duration);
      return !closed;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static ClusterSnapshot empty(ClusterRef cluster, long revision) {
    return ClusterSnapshot.fromEntries(cluster, revision, List.of());
  }
}
