package dev.patroni4j.testkit.internal.consul;

import static dev.patroni4j.testkit.internal.consul.ConsulDecoding.JSON;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.patroni4j.testkit.internal.consul.ConsulAcl.Authorizer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** One HTTP answer of the Consul test server: status, headers and body ({@code null}: no body at all). */
// A carrier of one answer, never compared or hashed, so the array's identity equality is harmless.
@SuppressWarnings("ArrayRecordComponent")
record Reply(int status, Map<String, String> headers, byte @Nullable [] body) {
  static Reply text(int status, @Nullable String text) {
    return new Reply(status, Map.of("Content-Type", "text/plain; charset=utf-8"),
        (text == null ? "" : text).getBytes(StandardCharsets.UTF_8));
  }

  static Reply json(int status, JsonNode node) {
    try {
      return new Reply(status, Map.of("Content-Type", "application/json"), JSON.writeValueAsBytes(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Consul's header for a list that ACLs shortened. */
  static Map<String, String> filteredHeader(Authorizer authz, boolean somethingHidden) {
    return !authz.allowed() && somethingHidden ? Map.of("X-Consul-Results-Filtered-By-ACLs", "true") : Map.of();
  }

  Reply withHeaders(Map<String, String> extra) {
    if (extra.isEmpty()) {
      return this;
    }
    Map<String, String> merged = new LinkedHashMap<>(headers);
    merged.putAll(extra);
    return new Reply(status, merged, body);
  }
}
