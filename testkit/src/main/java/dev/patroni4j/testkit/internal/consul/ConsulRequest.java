package dev.patroni4j.testkit.internal.consul;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** One HTTP request as Consul's handlers see it: decoded path, presence-based query flags, token sources. */
final class ConsulRequest {
  private final HttpExchange exchange;
  private final String method;
  private final String path;
  private final Map<String, List<String>> params;

  ConsulRequest(HttpExchange exchange) {
    this.exchange = exchange;
    this.method = exchange.getRequestMethod();
    this.path = exchange.getRequestURI().getPath();
    this.params = parseQuery(exchange.getRequestURI().getRawQuery());
  }

  private static Map<String, List<String>> parseQuery(String rawQuery) {
    Map<String, List<String>> result = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return result;
    }
    for (String pair : rawQuery.split("[&;]", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      result.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return result;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ConsulHttpError(500, "invalid URL escape in query");
    }
  }

  String method() {
    return method;
  }

  String path() {
    return path;
  }

  boolean has(String flag) {
    return params.containsKey(flag);
  }

  /** The first value of a parameter, or "" (Go's {@code url.Values.Get}). */
  String param(String name) {
    List<String> values = params.get(name);
    return values == null || values.isEmpty() ? "" : values.get(0);
  }

  /** The query re-encoded as Go's {@code url.Values.Encode()}: keys sorted, values query-escaped. */
  String encodedQuery() {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, List<String>> e : new TreeMap<>(params).entrySet()) {
      for (String value : e.getValue()) {
        if (out.length() > 0) {
          out.append('&');
        }
        out.append(queryEscape(e.getKey())).append('=').append(queryEscape(value));
      }
    }
    return out.toString();
  }

  private static String queryEscape(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("*", "%2A").replace("%7E", "~");
  }

  /** The ACL token: {@code ?token=}, else {@code X-Consul-Token}, else {@code Authorization: Bearer}. */
  Optional<String> token() {
    String query = param("token");
    if (!query.isEmpty()) {
      return Optional.of(query);
    }
    String header = exchange.getRequestHeaders().getFirst("X-Consul-Token");
    if (header != null && !header.isEmpty()) {
      return Optional.of(header);
    }
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String bearer = authorization.substring(7).trim();
      if (!bearer.isEmpty()) {
        return Optional.of(bearer);
      }
    }
    return Optional.empty();
  }

  long declaredContentLength() {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length == null) {
      return -1;
    }
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  byte[] body() throws IOException {
    return exchange.getRequestBody().readAllBytes();
  }

  /** The request line for the server's request log, with any token in the query hidden as Consul's log does. */
  String logLine() {
    String rawQuery = exchange.getRequestURI().getRawQuery();
    String shown = rawQuery == null ? "" : "?" + rawQuery.replaceAll("(^|&)token=[^&]*", "$1token=<hidden>");
    return method + " " + exchange.getRequestURI().getRawPath() + shown;
  }
}
