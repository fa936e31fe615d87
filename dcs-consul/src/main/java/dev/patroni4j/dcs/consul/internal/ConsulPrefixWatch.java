package dev.patroni4j.dcs.consul.internal;

import dev.patroni4j.client.dcs.DcsEvent;
import dev.patroni4j.client.dcs.DcsException;
import dev.patroni4j.client.dcs.spi.WatchDelivery;
import dev.patroni4j.client.dcs.spi.WatchSink;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import okhttp3.Call;
import org.jspecify.annotations.Nullable;

/**
 * A watch through Consul blocking queries on one prefix (a cluster's or a whole namespace's, {@code
 * ?recurse&index=N&wait=...}), as Consul's own watches work: each answer with a new index is the whole prefix,
 * compared with the last state delivered, and the difference is reported. Consul keeps no history, so a watch
 * started from an older state reports the net changes since then, and several changes between two answers arrive
 * as their net effect.
 *
 * <p>One daemon thread per watch calls the listener, one call at a time. After a failed query the watch reports
 * the error, backs off, and on its next answer emits {@link DcsEvent.Resynchronized} before the net changes. An
 * index that goes backwards (a Consul server restored from a snapshot) restarts the blocking queries from 0, as
 * Consul's documentation asks clients to.
 *
 * @param <S> the state read: a cluster's snapshot or a namespace's
 */
final class ConsulPrefixWatch<S> {
  private static final System.Logger LOG = System.getLogger(ConsulPrefixWatch.class.getName());

  /** One blocking read: returns once the prefix's index passes {@code index} or after the wait. */
  interface BlockingRead<S> {
    S await(long index, Consumer<Call> onCall);
  }

  private final String prefix;
  private final WatchSink<S> sink;
  private final BlockingRead<S> read;
  private final ToLongFunction<S> revision;
  private final BiPredicate<S, S> changed;
  private final Duration maxBackoff;
  private final Thread thread;
  private volatile @Nullable Call inFlight;

  /**
   * @param changed whether the second state differs from the first in any key (the revision alone does not
   *     count: Consul bumps it for unrelated writes too)
   */
  ConsulPrefixWatch(String prefix, WatchSink<S> sink, BlockingRead<S> read, ToLongFunction<S> revision,
      BiPredicate<S, S> changed, Duration maxBackoff) {
    this.prefix = prefix;
    this.sink = sink;
    this.read = read;
    this.revision = revision;
    this.changed = changed;
    this.maxBackoff = maxBackoff;
    this.thread = new Thread(this::run, "patroni4j-consul-watch " + prefix);
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops the queries; the caller has closed the sink already. */
  void stop() {
    Call call = inFlight;
    if (call != null) {
      call.cancel();
    }
    thread.interrupt();
  }

  private void run() {
    long index = Math.max(1, revision.applyAsLong(sink.current()));
    @Nullable String resyncReason = null;
    Duration backoff = WatchDelivery.firstBackoff();
    while (!sink.isClosed()) {
      S next;
      try {
        next = read.await(index, call -> inFlight = call);
      } catch (DcsException e) {
        if (sink.isClosed()) {
          return;
        }
        sink.notifyError(e);
        resyncReason = "Consul query failed: " + e.getMessage();
        if (!sink.sleep(backoff)) {
          return;
        }
        backoff = WatchDelivery.nextBackoff(backoff, maxBackoff);
        continue;
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Consul watch on " + prefix + " failed unexpectedly", e);
        resyncReason = "unexpected failure: " + e;
        if (!sink.sleep(maxBackoff)) {
          return;
        }
        continue;
      }
      backoff = WatchDelivery.firstBackoff();
      long nextIndex = revision.applyAsLong(next);
      if (Long.compareUnsigned(nextIndex, index) < 0) {
        index = 0;
        resyncReason = "Consul's index went backwards";
        continue;
      }
      index = Math.max(1, nextIndex);
      if (resyncReason != null || changed.test(sink.current(), next)) {
        sink.publish(next, resyncReason);
        resyncReason = null;
      }
    }
  }
}
