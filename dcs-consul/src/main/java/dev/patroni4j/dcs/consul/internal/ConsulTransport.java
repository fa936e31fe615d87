package dev.patroni4j.dcs.consul.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patroni4j.client.PatroniException.Delivery;
import dev.patroni4j.client.Sleeper;
import dev.patroni4j.client.dcs.DcsAuthenticationException;
import dev.patroni4j.client.dcs.DcsException;
import dev.patroni4j.client.dcs.DcsTimeoutException;
import dev.patroni4j.client.dcs.DcsUnavailableException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/**
 * Consul's HTTP API as the DCS client uses it: one request per call under a deadline, the token in the {@code
 * X-Consul-Token} header (never in a URL, so never in an access log), and every failure mapped onto the typed DCS
 * exceptions with how far the request got. Reads are retried while Consul is unreachable or leaderless, until the
 * deadline (measured on the injected {@link Clock}, pausing on the injected {@link Sleeper}); writes are sent once.
 *
 * <p>Thread-safe.
 */
public final class ConsulTransport {
  private static final MediaType JSON_TYPE = MediaType.get("application/json");
  private static final MediaType OCTETS = MediaType.get("application/octet-stream");
  private static final int MAX_BODY_IN_MESSAGE = 300;

  /**
   * An answer Consul gave.
   *
   * @param status the HTTP status
   * @param body the body
   * @param index the {@code X-Consul-Index} header, 0 if absent
   * @param filteredByAcls true if Consul left out results the token may not read
   *     ({@code X-Consul-Results-Filtered-By-ACLs})
   */
  // A carrier of one answer, never compared or hashed, so the array's identity equality is harmless.
  @SuppressWarnings("ArrayRecordComponent")
  public record Reply(int status, byte[] body, long index, boolean filteredByAcls) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final OkHttpClient http;
  private final HttpUrl base;
  private final @Nullable String token;
  private final @Nullable String datacenter;
  private final Duration timeout;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Clock clock;
  private final Sleeper sleeper;
  private final ObjectMapper json = new ObjectMapper();

  public ConsulTransport(OkHttpClient http, HttpUrl base, @Nullable String token, @Nullable String datacenter,
      Duration timeout, Duration initialBackoff, Duration maxBackoff, Clock clock, Sleeper sleeper) {
    this.http = http;
    this.base = base;
    this.token = token;
    this.datacenter = datacenter;
    this.timeout = timeout;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** The sleeper backoffs pause on (watches share it). */
  public Sleeper sleeper() {
    return sleeper;
  }

  public Duration timeout() {
    return timeout;
  }

  public ObjectMapper json() {
    return json;
  }

  /** {@code /v1/<path>} with the configured datacenter, ready for query parameters. */
  public HttpUrl.Builder url(String path) {
    HttpUrl.Builder url = base.newBuilder().addPathSegment("v1").addPathSegments(path);
    if (datacenter != null) {
      url.addQueryParameter("dc", datacenter);
    }
    return url;
  }

  /** {@code /v1/kv/<key>}; the key's segments are escaped, a trailing {@code /} is kept. */
  public HttpUrl.Builder kvUrl(String key) {
    HttpUrl.Builder url = base.newBuilder().addPathSegment("v1").addPathSegment("kv");
    if (!key.isEmpty()) {
      url.addPathSegments(key);
    } else {
      url.addPathSegment("");
    }
    if (datacenter != null) {
      url.addQueryParameter("dc", datacenter);
    }
    return url;
  }

  /**
   * A read, retried with backoff while Consul cannot be reached or has no leader, within the deadline.
   *
   * @return the answer, whatever its status, unless it was 403 or 5xx (which throw)
   */
  public Reply read(String operation, @Nullable String key, HttpUrl url) {
    Instant deadline = clock.instant().plus(timeout);
    Duration backoff = initialBackoff;
    while (true) {
      Duration remaining = Duration.between(clock.instant(), deadline);
      try {
        return send(operation, key, "GET", url, null, false, remaining, null);
      } catch (DcsUnavailableException e) {
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.compareTo(backoff) <= 0) {
          throw e;
        }
        try {
          sleeper.sleep(backoff);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
      }
    }
  }

  /** A blocking query: it may take {@code wait} plus Consul's jitter ({@code wait/16}) before the deadline. */
  public Reply blockingRead(String operation, @Nullable String key, HttpUrl url, Duration wait,
      Consumer<Call> onCall) {
    Duration limit = wait.plus(wait.dividedBy(16)).plus(timeout);
    return send(operation, key, "GET", url, null, false, limit, onCall);
  }

  /** A write, sent once; JSON bodies for {@code /v1/txn}, raw bytes for KV values. */
  public Reply write(String operation, @Nullable String key, String method, HttpUrl url, byte @Nullable [] body,
      boolean jsonBody) {
    RequestBody requestBody = body == null ? RequestBody.create(new byte[0], null)
        : RequestBody.create(body, jsonBody ? JSON_TYPE : OCTETS);
    return send(operation, key, method, url, requestBody, true, timeout, null);
  }

  /** Parses an answer's JSON body; a body that is not JSON is Consul misbehaving, reported with the operation. */
  public JsonNode json(String operation, @Nullable String key, Reply reply) {
    try {
      JsonNode node = json.readTree(reply.body());
      if (node == null || node.isMissingNode()) {
        throw new IOException("empty body");
      }
      return node;
    } catch (IOException e) {
      throw new DcsException(where(operation, key) + ": Consul answered " + reply.status()
          + " with a body that is not JSON: " + abbreviate(reply.text()), operation, key, Delivery.ANSWERED, e);
    }
  }

  private Reply send(String operation, @Nullable String key, String method, HttpUrl url,
      @Nullable RequestBody body, boolean write, Duration limit, @Nullable Consumer<Call> onCall) {
    if (limit.isNegative() || limit.isZero()) {
      throw new DcsTimeoutException(operation, key, timeout, Delivery.NOT_SENT, null);
    }
    Request.Builder request = new Request.Builder().url(url).method(method, body);
    if (token != null) {
      request.header("X-Consul-Token", token);
    }
    Call call = http.newCall(request.build());
    call.timeout().timeout(limit.toNanos(), TimeUnit.NANOSECONDS);
    if (onCall != null) {
      onCall.accept(call);
    }
    try (Response response = call.execute()) {
      ResponseBody responseBody = response.body();
      byte[] bytes = responseBody == null ? new byte[0] : responseBody.bytes();
      long index = parseIndex(response.header("X-Consul-Index"));
      Reply reply = new Reply(response.code(), bytes, index,
          "true".equalsIgnoreCase(response.header("X-Consul-Results-Filtered-By-ACLs")));
      if (response.code() == 403 || response.code() >= 500) {
        throw failure(operation, key, reply, write);
      }
      return reply;
    } catch (IOException e) {
      throw failure(operation, key, e, write, limit);
    }
  }

  private static long parseIndex(@Nullable String header) {
    if (header == null) {
      return 0;
    }
    try {
      return Long.parseUnsignedLong(header.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The typed exception for an answer Consul gave with status 403 or 5xx. */
  private static DcsException failure(String operation, @Nullable String key, Reply reply, boolean write) {
    String body = abbreviate(reply.text().trim());
    String where = where(operation, key);
    if (reply.status() == 403) {
      return new DcsAuthenticationException(where + " refused by Consul (403): " + body
          + (body.startsWith("ACL not found") ? " (the token is unknown to Consul)" : ""), operation, key, null);
    }
    if (body.contains("No cluster leader") || body.contains("No path to datacenter")
        || reply.status() == 503) {
      // Refused before anything was applied: the server has no Raft leader to apply it.
      return new DcsUnavailableException(where + ": Consul is unavailable (" + reply.status() + "): " + body,
          operation, key, Delivery.ANSWERED, null);
    }
    return new DcsException(where + " failed: Consul answered " + reply.status() + ": " + body, operation, key,
        write ? Delivery.POSSIBLY_SENT : Delivery.ANSWERED, null);
  }

  /** The typed exception for a request that got no answer. */
  private DcsException failure(String operation, @Nullable String key, IOException e, boolean write,
      Duration limit) {
    String where = where(operation, key);
    if (e instanceof ConnectException || e instanceof NoRouteToHostException || e instanceof UnknownHostException) {
      return new DcsUnavailableException(where + ": cannot connect to Consul at " + base + ": " + e.getMessage(),
          operation, key, Delivery.NOT_SENT, e);
    }
    if (e instanceof SSLHandshakeException || e instanceof SSLPeerUnverifiedException) {
      return new DcsUnavailableException(where + ": TLS handshake with Consul at " + base + " failed: "
          + e.getMessage(), operation, key, Delivery.NOT_SENT, e);
    }
    Delivery delivery = write ? Delivery.POSSIBLY_SENT : Delivery.NOT_SENT;
    if (e instanceof InterruptedIOException) {
      // OkHttp's call deadline (or a cancelled call, which only a closing watch does and does not report).
      return new DcsTimeoutException(operation, key, limit, delivery, e);
    }
    return new DcsUnavailableException(where + ": connection to Consul failed: " + e, operation, key, delivery, e);
  }

  private static String where(String operation, @Nullable String key) {
    return operation + (key == null ? "" : " " + key);
  }

  static String abbreviate(String text) {
    return text.length() <= MAX_BODY_IN_MESSAGE ? text : text.substring(0, MAX_BODY_IN_MESSAGE) + "...";
  }

  @Override
  public String toString() {
    return "ConsulTransport[" + base + ", token=" + (token == null ? "none" : "***") + ", timeout=" + timeout + "]";
  }
}
