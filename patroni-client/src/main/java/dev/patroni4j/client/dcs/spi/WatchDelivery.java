package dev.patroni4j.client.dcs.spi;

import dev.patroni4j.client.Sleeper;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsEvent;
import dev.patroni4j.client.dcs.DcsException;
import dev.patroni4j.client.dcs.DcsListener;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The listener side of a {@code DcsWatch}, shared by every DCS implementation: the last snapshot delivered, the
 * closed flag, and the calls into the listener. A new snapshot becomes the events since the last one, an optional
 * {@link DcsEvent.Resynchronized} first, then {@code onSnapshot}. A listener that throws is logged and kept; it
 * never stops the watch. Deliveries and {@link #close()} share one lock, so once {@code close()} returns no
 * callback is running or will start.
 *
 * <p>Thread-safe; the transport-specific watch calls {@link #publish} and {@link #notifyError} from its own thread.
 */
public final class WatchDelivery implements WatchSink<ClusterSnapshot> {

  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);

  private final System.Logger log;
  private final DcsListener listener;
  private final Sleeper sleeper;
  private final Object deliveryLock = new Object();
  private volatile ClusterSnapshot current;
  private volatile boolean closed;

  /**
   * @param since the snapshot the watch starts from; later snapshots are compared with it
   * @param log the watch's own logger, so that a failing listener is reported under the transport's name
   * @param sleeper how the watch pauses between retries (the DCS client's injected one)
   */
  public WatchDelivery(ClusterSnapshot since, DcsListener listener, System.Logger log, Sleeper sleeper) {
    this.current = since;
    this.listener = listener;
    this.sleeper = sleeper;
    this.log = log;
  }

  /** The last snapshot published (or the one the watch started from). */
  @Override
  public ClusterSnapshot current() {
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

  /** Makes {@code next} current and tells the listener what changed since the previous one, unless closed. */
  @Override
  public void publish(ClusterSnapshot next, @Nullable String resyncReason) {
    synchronized (deliveryLock) {
      List<DcsEvent> events = next.changesSince(current);
      current = next;
      if (closed) {
        return;
      }
      if (resyncReason != null) {
        deliver(new DcsEvent.Resynchronized(next.revision(), resyncReason));
      }
      events.forEach(this::deliver);
      try {
        listener.onSnapshot(next);
      } catch (RuntimeException e) {
        log.log(Level.WARNING, "DCS listener failed on a snapshot of " + next.cluster().keyPrefix(), e);
      }
    }
  }

  /** Passes a failure of the watch's transport to the listener, unless closed. */
  @Override
  public void notifyError(DcsException error) {
    synchronized (deliveryLock) {
      if (closed) {
        return;
      }
      try {
        listener.onError(error);
      } catch (RuntimeException e) {
        log.log(Level.WARNING, "DCS listener failed on an error", e);
      }
    }
  }

  /**
   * Sleeps between retries, on the injected {@link Sleeper}.
   *
   * @return true to go on; false if the watch was closed or the thread interrupted (the interrupt is kept)
   */
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

  /** The pause before the first retry after a failure. */
  public static Duration firstBackoff() {
    return FIRST_BACKOFF;
  }

  /** The pause after {@code backoff}: twice as long, at most {@code maxBackoff}. */
  public static Duration nextBackoff(Duration backoff, Duration maxBackoff) {
    Duration doubled = backoff.multipliedBy(2);
    return doubled.compareTo(maxBackoff) > 0 ? maxBackoff : doubled;
  }

  private void deliver(DcsEvent event) {
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      log.log(Level.WARNING, "DCS listener failed on " + event, e);
    }
  }
}
