package dev.patroni4j.dcs.consul;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Plain HTTP to Consul, for tests that write what Patroni (or a stranger) would write, bypassing the client. */
final class RawConsul {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final URI base;
  private final String token;

  RawConsul(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  RawConsul(URI base) {
    this(base, "");
  }

  /** PUT of a raw value at a key given in Patroni's form ({@code /service/demo/leader}). */
  String put(String key, String value) {
    return send("PUT", "/v1/kv/" + strip(key), value);
  }

  String delete(String key) {
    return send("DELETE", "/v1/kv/" + strip(key), null);
  }

  String send(String method, String path, @Nullable String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (!token.isEmpty()) {
      request.header("X-Consul-Token", token);
    }
    try {
      HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
            + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String strip(String key) {
    return key.startsWith("/") ? key.substring(1) : key;
  }
}
