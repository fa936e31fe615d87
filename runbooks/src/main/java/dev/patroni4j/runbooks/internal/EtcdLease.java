package dev.patroni4j.runbooks.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patroni4j.runbooks.ClusterLease;
import dev.patroni4j.runbooks.LeaseUnavailableException;
import dev.patroni4j.runbooks.RunbookException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * The runbook lease as an etcd v3 key bound to an etcd lease with the run's TTL, over etcd's JSON gateway. The DCS
 * SPI has no generic "key with TTL" write, so this is the smallest thing that gives one. The key lives outside
 * Patroni's prefix ({@code /patroni4j/runbook-lease<namespace>/<scope>}) so that Patroni and DCS readers never see it.
 */
public final class EtcdLease implements ClusterLease {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType TYPE = MediaType.get("application/json");

  private final OkHttpClient http;
  private final URI endpoint;
  private final String namespace;
  private final @Nullable String username;
  private final @Nullable String password;

  public EtcdLease(OkHttpClient http, URI endpoint, String namespace, @Nullable String username,
      @Nullable String password) {
    this.http = http.newBuilder().callTimeout(Duration.ofSeconds(5)).build();
    this.endpoint = endpoint;
    this.namespace = namespace.endsWith("/") ? namespace.substring(0, namespace.length() - 1) : namespace;
    this.username = username;
    this.password = password;
  }

  /** The etcd key holding {@code scope}'s lease. */
  public String keyFor(String scope) {
    return "/patroni4j/runbook-lease" + namespace + "/" + scope;
  }

  @Override
  public Handle acquire(String scope, String owner, Duration ttl) {
    String key = keyFor(scope);
    String token = authenticate();
    long lease = call("/v3/lease/grant", obj().put("TTL", Math.max(1, ttl.toSeconds())), token).path("ID").asLong();
    // Create if absent, or take over if this same run (owner) held it before a crash.
    ObjectNode txn = obj();
    ObjectNode cmp = txn.putArray("compare").addObject();
    cmp.put("key", b64(key)).put("target", "CREATE").put("result", "EQUAL").put("create_revision", 0);
    txn.putArray("success").addObject().putObject("request_put").put("key", b64(key)).put("value", b64(owner))
        .put("lease", lease);
    txn.putArray("failure").addObject().putObject("request_range").put("key", b64(key));
    JsonNode r = call("/v3/kv/txn", txn, token);
    if (!r.path("succeeded").asBoolean(false)) {
      String holder = decode(r.path("responses").path(0).path("response_range").path("kvs").path(0).path("value")
          .asText(""));
      if (!holder.equals(owner)) {
        revoke(lease, token);
        throw new LeaseUnavailableException(scope, holder);
      }
      ObjectNode takeOver = obj();
      takeOver.putArray("compare").addObject().put("key", b64(key)).put("target", "VALUE").put("result", "EQUAL")
          .put("value", b64(owner));
      takeOver.putArray("success").addObject().putObject("request_put").put("key", b64(key))
          .put("value", b64(owner)).put("lease", lease);
      if (!call("/v3/kv/txn", takeOver, token).path("succeeded").asBoolean(false)) {
        revoke(lease, token);
        throw new LeaseUnavailableException(scope, "(changed while taking over)");
      }
    }
    return new Handle() {
      @Override
      public void renew() {
        JsonNode k = call("/v3/lease/keepalive", obj().put("ID", lease), authenticate());
        if (k.path("result").path("TTL").asLong(0) <= 0) {
          throw new LeaseUnavailableException(scope, "(lease expired)");
        }
      }

      @Override
      public void close() {
        try {
          String t = authenticate();
          ObjectNode del = obj();
          del.putArray("compare").addObject().put("key", b64(key)).put("target", "VALUE").put("result", "EQUAL")
              .put("value", b64(owner));
          del.putArray("success").addObject().putObject("request_delete_range").put("key", b64(key));
          call("/v3/kv/txn", del, t);
          revoke(lease, t);
        } catch (RuntimeException e) {
          // the lease expires after its TTL anyway
        }
      }
    };
  }

  /** The current holder of {@code scope}'s lease, if any. */
  public @Nullable String holder(String scope) {
    JsonNode r = call("/v3/kv/range", obj().put("key", b64(keyFor(scope))), authenticate());
    JsonNode v = r.path("kvs").path(0).path("value");
    return v.isMissingNode() ? null : decode(v.asText());
  }

  private void revoke(long lease, @Nullable String token) {
    call("/v3/lease/revoke", obj().put("ID", lease), token);
  }

  private @Nullable String authenticate() {
    if (username == null) {
      return null;
    }
    return call("/v3/auth/authenticate", obj().put("name", username).put("password", password), null)
        .path("token").asText();
  }

  private JsonNode call(String path, ObjectNode body, @Nullable String token) {
    Request.Builder rb = new Request.Builder().url(endpoint.resolve(path).toString())
        .post(RequestBody.create(body.toString().getBytes(StandardCharsets.UTF_8), TYPE));
    if (token != null) {
      rb.header("Authorization", token);
    }
    try (Response r = http.newCall(rb.build()).execute()) {
      String text = r.body() == null ? "" : r.body().string();
      if (!r.isSuccessful()) {
        throw new RunbookException("etcd " + path + " answered " + r.code() + ": "
            + (text.length() > 300 ? text.substring(0, 300) : text));
      }
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new RunbookException("etcd " + path + " failed: " + e.getMessage(), e);
    }
  }

  private static ObjectNode obj() {
    return JSON.createObjectNode();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String b64) {
    return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
  }
}
