package dev.patroni4j.client.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patroni4j.testkit.LocalPatroniCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The cluster's keys in etcd, through etcd's JSON gateway: this module has no DCS client of its own
 * (that is dcs-etcd), and its tests only need to read the keys and delete one.
 */
final class EtcdKeys {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final OkHttpClient HTTP = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(10)).build();

  private final LocalPatroniCluster cluster;
  private final String base;

  EtcdKeys(LocalPatroniCluster cluster) {
    this.cluster = cluster;
    this.base = "/" + cluster.namespace().replaceAll("^/+|/+$", "") + "/" + cluster.scope() + "/";
  }

  /** Every key of the cluster (relative to {@code /<namespace>/<scope>/}) with its value as stored. */
  Map<String, String> all() {
    JsonNode answer = call("/v3/kv/range", Map.of("key", b64(base), "range_end", b64(base.substring(0, base.length() - 1) + "0")));
    Map<String, String> values = new TreeMap<>();
    for (JsonNode kv : answer.path("kvs")) {
      String key = decode(kv.path("key").asText()).substring(base.length());
      values.put(key, decode(kv.path("value").asText()));
    }
    return values;
  }

  /** Deletes one key; returns how many keys etcd deleted. */
  long delete(String key) {
    return call("/v3/kv/deleterange", Map.of("key", b64(base + key))).path("deleted").asLong(0);
  }

  private JsonNode call(String path, Map<String, String> body) {
    try {
      Request r = new Request.Builder().url(cluster.etcdEndpoint().resolve(path).toString())
          .post(RequestBody.create(JSON.writeValueAsString(body), MediaType.get("application/json"))).build();
      try (Response response = HTTP.newCall(r).execute()) {
        String text = response.body() == null ? "" : response.body().string();
        if (response.code() != 200) {
          throw new IllegalStateException("etcd " + path + " answered " + response.code() + ": " + text);
        }
        return JSON.readTree(text);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("etcd " + path, e);
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String s) {
    return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
  }
}
