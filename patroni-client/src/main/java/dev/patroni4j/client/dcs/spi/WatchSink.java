package dev.patroni4j.client.dcs.spi;

import dev.patroni4j.client.dcs.DcsException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The listener side of a watch as its transport sees it, for one cluster ({@link WatchDelivery}) or a whole
 * namespace ({@link FleetDelivery}): what was delivered last, the closed flag, and the calls that reach the
 * listener. Thread-safe.
 *
 * <pre>{@code
 * import dev.patroni4j.client.dcs.ClusterSnapshot;
 * // given: WatchSink<ClusterSnapshot> sink; ClusterSnapshot next;
 * if (!sink.isClosed()) {
 *   sink.publish(next, null);
 * }
 * }</pre>
 *
 * @param <S> the state watched: a {@code ClusterSnapshot} or a {@code FleetSnapshot}
 */
public interface WatchSink<S> {

  /** The last state published (or the one the watch started from). */
  S current();

  boolean isClosed();

  /** Makes {@code next} current and tells the listener what changed since the previous one, unless closed. */
  void publish(S next, @Nullable String resyncReason);

  /** Passes a failure of the watch's transport to the listener, unless closed. */
  void notifyError(DcsException error);

  /**
   * Sleeps between retries, on the DCS client's injected sleeper.
   *
   * @return true to go on; false if the watch was closed or the thread interrupted (the interrupt is kept)
   */
  boolean sleep(Duration duration);
}
