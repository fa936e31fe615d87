package dev.patroni4j.testkit.internal.consul;

import dev.patroni4j.testkit.internal.consul.ConsulState.CheckStatus;
import dev.patroni4j.testkit.internal.consul.ConsulState.Service;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Runs the HTTP checks of registered services as a Consul agent does: a {@code GET} of the check's URL every
 * {@code Interval} (at least 1 s), {@code passing} on 2xx, {@code warning} on 429, {@code critical} otherwise or
 * when the request fails. This is what Patroni's {@code /primary}, {@code /replica} checks rely on to keep Consul
 * DNS pointing at the right member between a role change and Patroni's re-registration.
 *
 * <p>Call {@link #tick()} often (the server does every 50 ms); requests run asynchronously. Thread-safe.
 */
public final class ConsulHealthChecker {
  private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_OUTPUT = 4096;

  private record CheckKey(String serviceId, Map<String, Object> check) {}

  private final ConsulState state;
  private final Executor executor;
  private volatile @Nullable HttpClient http;
  private final Map<CheckKey, Long> nextRunNanos = new ConcurrentHashMap<>();
  private final Set<CheckKey> inFlight = ConcurrentHashMap.newKeySet();

  public ConsulHealthChecker(ConsulState state, Executor executor) {
    this.state = state;
    this.executor = executor;
  }

  /** The HTTP client, made on the first check: most servers never see one, and each client keeps a thread. */
  private synchronized HttpClient http() {
    HttpClient client = http;
    if (client == null) {
      client = HttpClient.newBuilder().executor(executor).connectTimeout(Duration.ofSeconds(2))
          .followRedirects(HttpClient.Redirect.NEVER).build();
      http = client;
    }
    return client;
  }

  /** Starts every HTTP check that is due and forgets checks whose service is gone. */
  public void tick() {
    long now = System.nanoTime();
    Set<CheckKey> live = new HashSet<>();
    for (Service service : state.services()) {
      for (Map<String, Object> check : service.checks()) {
        if (!(check.get("HTTP") instanceof String url)) {
          continue;
        }
        CheckKey key = new CheckKey(service.id(), check);
        live.add(key);
        if (now - nextRunNanos.getOrDefault(key, now) >= 0 && inFlight.add(key)) {
          nextRunNanos.put(key, now + duration(check.get("Interval"), MIN_INTERVAL, MIN_INTERVAL).toNanos());
          run(key, url, duration(check.get("Timeout"), DEFAULT_TIMEOUT, Duration.ofMillis(1)));
        }
      }
    }
    nextRunNanos.keySet().retainAll(live);
  }

  // The completion handler records every outcome, a failure included, and nothing waits on the chain.
  @SuppressWarnings("FutureReturnValueIgnored")
  private void run(CheckKey key, String url, Duration timeout) {
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
    } catch (IllegalArgumentException e) {
      state.updateCheck(key.serviceId(), key.check(), new CheckStatus("critical", "invalid URL " + url));
      inFlight.remove(key);
      return;
    }
    http().sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
      try {
        CheckStatus result;
        if (failure != null) {
          result = new CheckStatus("critical", "Get \"" + url + "\": " + failure.getMessage());
        } else {
          int code = response.statusCode();
          String status = code >= 200 && code < 300 ? "passing" : code == 429 ? "warning" : "critical";
          String body = response.body();
          result = new CheckStatus(status, "HTTP GET " + url + ": " + code + " Output: "
              + (body.length() > MAX_OUTPUT ? body.substring(0, MAX_OUTPUT) : body));
        }
        state.updateCheck(key.serviceId(), key.check(), result);
      } finally {
        inFlight.remove(key);
      }
    });
  }

  private static Duration duration(@Nullable Object value, Duration fallback, Duration minimum) {
    if (value == null) {
      return fallback;
    }
    try {
      Duration parsed = GoDuration.parse(value.toString());
      return parsed.compareTo(minimum) < 0 ? minimum : parsed;
    } catch (IllegalArgumentException e) {
      return fallback;
    }
  }
}
