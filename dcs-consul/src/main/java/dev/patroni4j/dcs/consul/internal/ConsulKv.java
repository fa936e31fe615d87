package dev.patroni4j.dcs.consul.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.patroni4j.client.PatroniException.Delivery;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsAuthenticationException;
import dev.patroni4j.client.dcs.DcsEntry;
import dev.patroni4j.client.dcs.DcsException;
import dev.patroni4j.client.dcs.FleetSnapshot;
import java.io.IOException;
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
    return parse(transport.json().getFactory(), operation, key, reply);
  }

  /**
   * The entries of a 200 answer's body, a JSON array of KV objects. Streamed rather than read into a tree first: a
   * namespace's recursive read holds thousands of entries, and the tree cost more than the read itself
   * (FleetReadBenchmark). Anything but an array of objects, each with a textual {@code Key} and an integral
   * {@code ModifyIndex}, is Consul misbehaving, reported as a {@link DcsException} with the operation.
   */
  static List<DcsEntry> parse(JsonFactory factory, String operation, String key, ConsulTransport.Reply reply) {
    List<DcsEntry> entries = new ArrayList<>();
    try (JsonParser parser = factory.createParser(reply.body())) {
      JsonToken token = parser.nextToken();
      if (token == null) {
        throw new IOException("empty body");
      }
      if (token != JsonToken.START_ARRAY) {
        throw new DcsException(operation + " " + key + ": Consul answered a KV read with JSON " + token
            + " instead of an array", operation, key, Delivery.ANSWERED, null);
      }
      while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
        if (token == null) {
          throw new IOException("the array is not closed");
        }
        if (token != JsonToken.START_OBJECT) {
          throw new DcsException(operation + " " + key + ": Consul returned a KV entry that is not an object: "
              + token, operation, key, Delivery.ANSWERED, null);
        }
        entries.add(entry(operation, parser));
      }
      if (parser.nextToken() != null) {
        throw new IOException("content after the array");
      }
    } catch (IOException e) {
      throw new DcsException(operation + " " + key + ": Consul answered " + reply.status()
          + " with a body that is not JSON: " + ConsulTransport.abbreviate(reply.text()), operation, key,
          Delivery.ANSWERED, e);
    }
    return entries;
  }

  /**
   * One KV entry ({@code Key}, base64 {@code Value}, {@code ModifyIndex}, {@code Session}), the parser on its
   * {@code START_OBJECT}; leaves it on the entry's {@code END_OBJECT}.
   */
  static DcsEntry entry(String operation, JsonParser parser) throws IOException {
    @Nullable String key = null;
    @Nullable String keyShown = null;
    @Nullable String base64 = null;
    @Nullable String session = null;
    long index = 0;
    boolean hasIndex = false;
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (field) {
        case "Key" -> {
          key = value == JsonToken.VALUE_STRING ? parser.getText() : null;
          keyShown = value == JsonToken.VALUE_STRING ? "\"" + parser.getText() + "\"" : parser.getText();
        }
        case "Value" -> base64 = value == JsonToken.VALUE_STRING ? parser.getText() : null;
        case "Session" -> session = value == JsonToken.VALUE_STRING ? parser.getText() : null;
        case "ModifyIndex" -> {
          hasIndex = value == JsonToken.VALUE_NUMBER_INT
              && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
          index = hasIndex ? parser.getLongValue() : 0;
        }
        default -> { }
      }
      if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
        parser.skipChildren();
      }
    }
    if (token != JsonToken.END_OBJECT) {
      throw new IOException("unterminated KV entry");
    }
    if (key == null || !hasIndex) {
      throw new DcsException(operation + ": Consul returned a KV entry without Key or ModifyIndex: "
          + ConsulTransport.abbreviate(String.valueOf(keyShown)), operation, null, Delivery.ANSWERED, null);
    }
    String value = "";
    if (base64 != null) {
      try {
        value = new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new DcsException(operation + ": the value of " + key + " is not base64",
            operation, key, Delivery.ANSWERED, e);
      }
    }
    return new DcsEntry(key, value, index, session == null || session.isEmpty() ? null : session);
  }

  static DcsException unexpected(String operation, @Nullable String key, ConsulTransport.Reply reply) {
    return new DcsException(operation + (key == null ? "" : " " + key) + " failed: Consul answered "
        + reply.status() + ": " + ConsulTransport.abbreviate(reply.text().trim()), operation, key,
        Delivery.ANSWERED, null);
  }
}
