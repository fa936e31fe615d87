package dev.patroni4j.testkit.consul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A bare HTTP client for protocol tests: sends exactly what a test says and exposes the raw answer. */
final class Http {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final URI base;
  private final Map<String, String> headers;

  Http(ConsulTestServer server) {
    this(server.uri(), Map.of());
  }

  private Http(URI base, Map<String, String> headers) {
    this.base = base;
    this.headers = headers;
  }

  Http withHeader(String name, String value) {
    return new Http(base, Map.of(name, value));
  }

  record Answer(int status, String body, HttpResponse<String> raw) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    long index() {
      return Long.parseLong(raw.headers().firstValue("X-Consul-Index").orElseThrow());
    }

    String header(String name) {
      return raw.headers().firstValue(name).orElse("");
    }
  }

  Answer get(String pathAndQuery) {
    return send("GET", pathAndQuery, null);
  }

  Answer put(String pathAndQuery, @Nullable String body) {
    return send("PUT", pathAndQuery, body);
  }

  Answer delete(String pathAndQuery) {
    return send("DELETE", pathAndQuery, null);
  }

  Answer send(String method, String pathAndQuery, @Nullable String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(pathAndQuery))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    headers.forEach(request::header);
    try {
      HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body(), response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Creates a session the way Patroni 3.0.2 does (python-consul JSON plus Patroni's injected ttl). */
  String patroniSession(String name, String ttl) {
    Answer created = put("/v1/session/create",
        "{\"name\": \"" + name + "\", \"checks\": [], \"lockdelay\": \"0.001s\", \"behavior\": \"delete\", \"ttl\": \""
            + ttl + "\"}");
    if (created.status() != 200) {
      throw new AssertionError("session create failed: " + created.status() + " " + created.body());
    }
    return created.json().get("ID").asText();
  }
}
