package dev.patroni4j.dcs.consul.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patroni4j.client.PatroniException.Delivery;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.DcsEntry;
import dev.patroni4j.client.dcs.DcsException;
import dev.patroni4j.client.dcs.DcsLease;
import dev.patroni4j.client.dcs.spi.HeldLease;
import dev.patroni4j.client.dcs.DcsLeaseLostException;
import dev.patroni4j.client.dcs.spi.LeaseArguments;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code DcsClient.acquireLease} on Consul: a session with the TTL and {@code behavior=delete} (so that the key goes
 * with the session) and no lock-delay (so that the next holder need not wait), and the key locked with it through
 * {@code PUT /v1/kv/<key>?acquire=<session>}. Renewal renews the session and checks the key is still locked by it;
 * release destroys the session, which deletes the key. Thread-safe.
 */
public final class ConsulLeases {

  private final ConsulKv kv;
  private final ConsulTransport transport;

  public ConsulLeases(ConsulKv kv) {
    this.kv = kv;
    this.transport = kv.transport();
  }

  public Optional<DcsLease> acquire(ClusterRef cluster, String name, String holder, Duration ttl) {
    String key = ConsulKv.consulKey(LeaseArguments.check(cluster, name, holder, ttl));
    long seconds = LeaseArguments.seconds(ttl);
    String session = createSession(key, seconds);
    try {
      boolean acquired = lock(key, holder, session);
      if (!acquired) {
        Optional<DcsEntry> current = kv.get("acquireLease", key);
        // Same holder: a run resuming after a crash ends its old session (which deletes the key) and locks anew.
        if (current.isPresent() && current.get().value().equals(holder) && current.get().owner() != null
            && !session.equals(current.get().owner())) {
          destroy(Objects.requireNonNull(current.get().owner()), key);
          acquired = lock(key, holder, session);
        }
      }
      if (!acquired) {
        destroyQuietly(session, key);
        return Optional.empty();
      }
    } catch (DcsException e) {
      if (e.delivery() != Delivery.POSSIBLY_SENT || !lockedBy(key, session, e)) {
        destroyQuietly(session, key);
        throw e;
      }
    }
    return Optional.of(new Held(cluster, name, holder, Duration.ofSeconds(seconds), key, session));
  }

  public Optional<String> holder(ClusterRef cluster, String name) {
    return kv.get("leaseHolder", ConsulKv.consulKey(cluster.leaseKey(name))).map(DcsEntry::value);
  }

  private String createSession(String key, long ttlSeconds) {
    ObjectNode body = transport.json().createObjectNode()
        .put("Name", "patroni4j-lease " + key)
        .put("TTL", ttlSeconds + "s")
        .put("Behavior", "delete")
        .put("LockDelay", "0s");
    ConsulTransport.Reply reply = transport.write("acquireLease", key, "PUT", transport.url("session/create").build(),
        bytes(body), true);
    JsonNode id = answered("acquireLease", key, reply).path("ID");
    if (!id.isTextual() || id.asText().isEmpty()) {
      throw new DcsException("acquireLease " + key + ": Consul's session/create answer has no ID", "acquireLease",
          key, Delivery.ANSWERED, null);
    }
    return id.asText();
  }

  private boolean lock(String key, String holder, String session) {
    ConsulTransport.Reply reply = transport.write("acquireLease", key, "PUT",
        transport.kvUrl(key).addQueryParameter("acquire", session).build(), holder.getBytes(StandardCharsets.UTF_8),
        false);
    return answered("acquireLease", key, reply).asBoolean(false);
  }

  /** Settles a lock whose answer was lost: the key is locked by our session exactly if the lock landed. */
  private boolean lockedBy(String key, String session, DcsException lost) {
    try {
      return kv.get("acquireLease", key).map(e -> session.equals(e.owner())).orElse(false);
    } catch (DcsException observation) {
      lost.addSuppressed(observation);
      return false;
    }
  }

  private void destroy(String session, String key) {
    answered("releaseLease", key, transport.write("releaseLease", key, "PUT",
        transport.url("session/destroy/" + session).build(), null, false));
  }

  private void destroyQuietly(String session, String key) {
    try {
      destroy(session, key);
    } catch (DcsException e) {
      // Nothing else to do: an unused session expires after its TTL.
    }
  }

  private JsonNode answered(String operation, String key, ConsulTransport.Reply reply) {
    if (reply.status() != 200) {
      throw new DcsException(operation + " " + key + " failed: Consul answered " + reply.status() + ": "
          + ConsulTransport.abbreviate(reply.text().trim()), operation, key, Delivery.ANSWERED, null);
    }
    return transport.json(operation, key, reply);
  }

  private byte[] bytes(JsonNode body) {
    try {
      return transport.json().writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private final class Held extends HeldLease {
    private final String key;
    private final String session;

    Held(ClusterRef cluster, String name, String holder, Duration ttl, String key, String session) {
      super(cluster, name, holder, ttl);
      this.key = key;
      this.session = session;
    }

    @Override
    public void renew() {
      ConsulTransport.Reply reply = transport.write("renewLease", key, "PUT",
          transport.url("session/renew/" + session).build(), null, false);
      if (reply.status() == 404) {
        throw new DcsLeaseLostException("lease " + key + " of " + holder() + " expired or was released: "
            + ConsulTransport.abbreviate(reply.text().trim()), "renewLease", key, null);
      }
      answered("renewLease", key, reply);
      Optional<DcsEntry> now = kv.get("renewLease", key);
      if (now.isEmpty() || !session.equals(now.get().owner())) {
        throw new DcsLeaseLostException("lease " + key + " of " + holder() + " lost: the key is "
            + now.map(e -> "held by " + e.value()).orElse("gone"), "renewLease", key, null);
      }
    }

    @Override
    public void release() {
      destroy(session, key);
    }

    @Override
    public String toString() {
      return "DcsLease[" + key + ", holder=" + holder() + ", session " + session + "]";
    }
  }
}
