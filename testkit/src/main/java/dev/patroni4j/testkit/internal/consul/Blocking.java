package dev.patroni4j.testkit.internal.consul;

import static dev.patroni4j.testkit.internal.consul.ConsulDecoding.parseUint;

import dev.patroni4j.testkit.internal.consul.ConsulState.RpcError;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Consul's blocking queries, shared by every read: consistency mode, {@code index} and {@code wait} parsed from the
 * request, and the wait for a change of what the query watches.
 *
 * @param minIndex the {@code index} the client has seen (0: answer at once)
 * @param maxWait how long to wait for a newer answer
 */
record Blocking(long minIndex, Duration maxWait) {
  static final Duration DEFAULT_QUERY_TIME = Duration.ofMinutes(5);
  static final Duration MAX_QUERY_TIME = Duration.ofMinutes(10);

  /** One evaluation of a read: its index, what it watches (a change re-evaluates it), and the reply. */
  record Result(long index, long watched, Reply reply) {}

  static Blocking parse(ConsulRequest req) {
    if (req.has("stale") && req.has("consistent")) {
      throw new ConsulHttpError(400, "Cannot specify ?stale with ?consistent, conflicting semantics.");
    }
    Duration wait = Duration.ZERO;
    if (!req.param("wait").isEmpty()) {
      try {
        wait = GoDuration.parse(req.param("wait"));
      } catch (IllegalArgumentException e) {
        throw new ConsulHttpError(400, "Invalid wait time");
      }
    }
    long index = 0;
    if (!req.param("index").isEmpty()) {
      try {
        index = parseUint(req.param("index"));
      } catch (RpcError e) {
        throw new ConsulHttpError(400, "Invalid index");
      }
    }
    if (wait.compareTo(MAX_QUERY_TIME) > 0) {
      wait = MAX_QUERY_TIME;
    } else if (wait.compareTo(Duration.ZERO) <= 0) {
      wait = DEFAULT_QUERY_TIME;
    }
    return new Blocking(index, wait);
  }

  /**
   * Runs the query; with {@code index > 0} and no newer result, waits until what the query watches changes to
   * an index above the given one, or until {@code wait} plus up to {@code wait/16} jitter has passed.
   */
  Reply run(ConsulState state, Supplier<Result> query) {
    Result result;
    synchronized (state) {
      result = query.get();
      if (minIndex != 0 && Long.compareUnsigned(result.index, minIndex) <= 0) {
        long jitter = ThreadLocalRandom.current().nextLong(Math.max(1, maxWait.toNanos() / 16));
        long deadline = System.nanoTime() + maxWait.toNanos() + jitter;
        long watched = result.watched;
        try {
          while (System.nanoTime() < deadline && !state.isClosed()) {
            state.awaitChange(deadline);
            Result next = query.get();
            if (next.watched != watched && Long.compareUnsigned(next.index, minIndex) > 0) {
              break;
            }
            watched = next.watched;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        result = query.get();
      }
    }
    Map<String, String> meta = new LinkedHashMap<>(result.reply.headers());
    meta.put("X-Consul-Index", Long.toUnsignedString(result.index));
    meta.put("X-Consul-KnownLeader", "true");
    meta.put("X-Consul-LastContact", "0");
    return new Reply(result.reply.status(), meta, result.reply.body());
  }
}
