package dev.patroni4j.dcs.consul.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patroni4j.client.PatroniException.Delivery;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsAuthenticationException;
import dev.patroni4j.client.dcs.DcsEntry;
import dev.patroni4j.client.dcs.DcsException;
import dev.patroni4j.client.dcs.FleetSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import okhttp3.Call;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * Patroni's keys on Consul's KV store: the key layout (Patroni's paths without the leading {@code /}) and the
 * reads the client and its watches share.
 *
 * <p>Thread-safe.
 */
public final class ConsulKv {
  private final ConsulTransport transport;

  public ConsulKv(ConsulTransport transport) {
    this.transport = transport;
  }

  public ConsulTransport transport() {
    return transport;
  }

  /** A Patroni path as a Consul key: {@code /service/demo/leader} is {@code service/demo/leader}. */
  public static String consulKey(String patroniPath) {
    return patroniPath.startsWith("/") ? patroniPath.substring(1) : patroniPath;
  }

  /** The Consul prefix of a cluster's keys, e.g. {@code service/demo/}. */
  public static String prefix(ClusterRef cluster) {
    return consulKey(cluster.keyPrefix());
  }

  /** Everything under a cluster's prefix, read consistently (as {@code patronictl}'s reads). */
  public ClusterSnapshot snapshot(ClusterRef cluster) {
    String prefix = prefix(cluster);
    HttpUrl url = transport.kvUrl(prefix).addQueryParameter("recurse", null)
        .addQueryParameter("consistent", null).build();
    ConsulTransport.Reply reply = transport.read("snapshot", prefix, url);
    return ClusterSnapshot.fromEntries(cluster, reply.index(), entries("snapshot", prefix, reply));
  }

  /** Everything under a namespace in one recursive read, consistently. */
  public FleetSnapshot fleet(String namespace) {
    String normalised = ClusterRef.normaliseNamespace(namespace);
    String prefix = consulKey(normalised + "/");
    HttpUrl url = transport.kvUrl(prefix).addQueryParameter("recurse", null)
        .addQueryParameter("consistent", null).build();
    ConsulTransport.Reply reply = transport.read("fleet", prefix, url);
    return FleetSnapshot.fromEntries(normalised, reply.index(), entries("fleet", prefix, reply));
  }

  /**
   * A blocking read of a cluster's prefix: returns once its index passes {@code index} or after {@code wait}.
   */
  public ClusterSnapshot await(ClusterRef cluster, long index, Duration wait, Consumer<Call> onCall) {
    String prefix = prefix(cluster);
    HttpUrl url = transport.kvUrl(prefix).addQueryParameter("recurse", null)
        .addQueryParameter("index", Long.toUnsignedString(index))
        .addQueryParameter("wait", wait.toMillis() + "ms").build();
    ConsulTransport.Reply reply = transport.blockingRead("watch", prefix, url, wait, onCall);
    return ClusterSnapshot.fromEntries(cluster, reply.index(), entries("watch", prefix, reply));
  }

  /**
   * A blocking read of a whole namespace's prefix: returns once its index passes {@code index} or after {@code
   * wait}.
   */
  public FleetSnapshot awaitFleet(String namespace, long index, Duration wait, Consumer<Call> onCall) {
    String normalised = ClusterRef.normaliseNamespace(namespace);
    String prefix = consulKey(normalised + "/");
    HttpUrl url = transport.kvUrl(prefix).addQueryParameter("recurse", null)
        .addQueryParameter("index", Long.toUnsignedString(index))
        .addQueryParameter("wait", wait.toMillis() + "ms").build();
    ConsulTransport.Reply reply = transport.blockingRead("fleet watch", prefix, url, wait, onCall);
    return FleetSnapshot.fromEntries(normalised, reply.index(), entries("fleet watch", prefix, reply));
  }

  /** One key, read consistently; empty if absent. */
  public Optional<DcsEntry> get(String operation, String key) {
    HttpUrl url = transport.kvUrl(key).addQueryParameter("consistent", null).build();
    ConsulTransport.Reply reply = transport.read(operation, key, url);
    List<DcsEntry> entries = entries(operation, key, reply);
    return entries.stream().filter(e -> e.key().equals(key)).findFirst();
  }

  /** The entries of a KV answer: 404 is none; Consul's {@code null} value is the empty string, as in Patroni. */
  public List<DcsEntry> entries(String operation, String key, ConsulTransport.Reply reply) {
    if (reply.filteredByAcls()) {
      // Consul hides keys the token may not read instead of refusing the read: without this check a missing
      // token would look like an empty cluster.
      throw new DcsAuthenticationException(operation + " " + key + " refused by Consul: the ACL token may not read"
          + " these keys (Consul filtered them out of the answer)", operation, key, null);
    }
    if (reply.status() == 404) {
      return List.of();
    }
    if (reply.status() != 200) {
      throw unexpected(operation, key, reply);
    }
    JsonNode array = transport.json(operation, key, reply);
    if (!array.isArray()) {
      throw new DcsException(operation + " " + key + ": Consul answered a KV read with a JSON "
          + array.getNodeType() + " instead of an array", operation, key, Delivery.ANSWERED, null);
    }
    List<DcsEntry> entries = new ArrayList<>();
    for (JsonNode node : array) {
      entries.add(entry(operation, node));
    }
    return entries;
  }

  /** One KV entry ({@code Key}, base64 {@code Value}, {@code ModifyIndex}, {@code Session}). */
  static DcsEntry entry(String operation, JsonNode node) {
    JsonNode keyNode = node.get("Key");
    JsonNode indexNode = node.get("ModifyIndex");
    if (keyNode == null || !keyNode.isTextual() || indexNode == null || !indexNode.canConvertToLong()) {
      throw new DcsException(operation + ": Consul returned a KV entry without Key or ModifyIndex: "
          + ConsulTransport.abbreviate(String.valueOf(node.get("Key"))), operation, null, Delivery.ANSWERED, null);
    }
    JsonNode valueNode = node.get("Value");
    String value = "";
    if (valueNode != null && valueNode.isTextual()) {
      try {
        value = new String(Base64.getDecoder().decode(valueNode.asText()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new DcsException(operation + ": the value of " + keyNode.asText() + " is not base64",
            operation, keyNode.asText(), Delivery.ANSWERED, e);
      }
    }
    JsonNode sessionNode = node.get("Session");
    @Nullable String session = sessionNode != null && sessionNode.isTextual() && !sessionNode.asText().isEmpty()
        ? sessionNode.asText() : null;
    return new DcsEntry(keyNode.asText(), value, indexNode.asLong(), session);
  }

  static DcsException unexpected(String operation, @Nullable String key, ConsulTransport.Reply reply) {
    return new DcsException(operation + (key == null ? "" : " " + key) + " failed: Consul answered "
        + reply.status() + ": " + ConsulTransport.abbreviate(reply.text().trim()), operation, key,
        Delivery.ANSWERED, null);
  }
}
