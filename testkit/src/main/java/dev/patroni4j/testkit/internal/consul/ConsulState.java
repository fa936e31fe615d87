package dev.patroni4j.testkit.internal.consul;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Consul's state store as far as Patroni uses it: KV entries with lock sessions, tombstones, sessions with TTLs
 * and lock-delay, and agent services. One global Raft index is bumped by every write request, whether or not it
 * changes anything, as every write goes through the Raft log in Consul; tables carry their own last-change index.
 *
 * <p>Thread-safety: every method is {@code synchronized} on this object; callers that combine several calls into
 * one consistent read (or wait for a change with {@link #awaitChange}) synchronize on it too.
 */
public final class ConsulState {
  /** Consul keeps a TTL session up to this many TTLs before it invalidates it. */
  static final int SESSION_TTL_MULTIPLIER = 2;

  static final Duration SESSION_TTL_MAX = Duration.ofHours(24);
  static final Duration MAX_LOCK_DELAY = Duration.ofSeconds(60);

  /** A KV entry; {@code value} is null for an empty value, as Consul stores an empty body as nil. */
  public record KvEntry(String key, byte @Nullable [] value, long flags, long lockIndex, @Nullable String session,
      long createIndex, long modifyIndex) {}

  /** A session; {@code ttl} is the text given at creation, echoed back as Consul does. */
  public record Session(String id, String name, String node, Duration lockDelay, String behavior, String ttl,
      List<String> nodeChecks, long createIndex, long modifyIndex, @Nullable Instant expiresAt) {}

  /** A service registered with the agent. */
  public record Service(String id, String name, List<String> tags, String address, int port,
      Map<String, String> meta, boolean enableTagOverride, List<Map<String, Object>> checks, long createIndex,
      long modifyIndex) {}

  /** A Consul RPC error: the HTTP layer answers it with 500 and the message as plain text. */
  public static final class RpcError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RpcError(String message) {
      super(message, null, false, false);
    }
  }

  private final Clock clock;
  private final String nodeName;
  private final Duration sessionTtlMin;
  private long raftIndex;
  private long kvsIndex;
  private long sessionsIndex;
  private long servicesIndex;
  private final NavigableMap<String, KvEntry> kvs = new TreeMap<>();
  private final NavigableMap<String, Long> tombstones = new TreeMap<>();
  private final Map<String, Session> sessions = new LinkedHashMap<>();
  private final Map<String, Instant> lockDelayUntil = new HashMap<>();
  private final Map<String, Service> services = new TreeMap<>();
  private boolean closed;

  public ConsulState(Clock clock, String nodeName, Duration sessionTtlMin) {
    this.clock = clock;
    this.nodeName = nodeName;
    this.sessionTtlMin = sessionTtlMin;
    // A fresh Consul server has applied some Raft entries (its own node, serfHealth) before any client write.
    this.raftIndex = 10;
  }

  public String nodeName() {
    return nodeName;
  }

  public Duration sessionTtlMin() {
    return sessionTtlMin;
  }

  private long nextIndex() {
    return ++raftIndex;
  }

  private void changed() {
    notifyAll();
  }

  // ---------------------------------------------------------------- KV reads

  public synchronized Optional<KvEntry> get(String key) {
    return Optional.ofNullable(kvs.get(key));
  }

  public synchronized List<KvEntry> list(String prefix) {
    return new ArrayList<>(underPrefix(kvs, prefix).values());
  }

  /** Max of the KV table and its tombstones: what Consul answers for a missing key. */
  public synchronized long kvsTableIndex() {
    return kvsIndex;
  }

  /**
   * The index of a prefix read: the highest ModifyIndex of the entries and tombstones under the prefix, or the
   * table index when there are none (or when the prefix is empty), and never 0.
   */
  public synchronized long prefixIndex(String prefix) {
    if (prefix.isEmpty()) {
      return atLeastOne(kvsIndex);
    }
    long index = 0;
    for (KvEntry e : underPrefix(kvs, prefix).values()) {
      index = Math.max(index, e.modifyIndex());
    }
    for (long deleted : underPrefix(tombstones, prefix).values()) {
      index = Math.max(index, deleted);
    }
    return atLeastOne(index != 0 ? index : kvsIndex);
  }

  /** The last change to one key: its ModifyIndex, its deletion index, or 0 when it never existed. */
  public synchronized long keyVersion(String key) {
    KvEntry entry = kvs.get(key);
    if (entry != null) {
      return entry.modifyIndex();
    }
    return tombstones.getOrDefault(key, 0L);
  }

  static long atLeastOne(long index) {
    return index == 0 ? 1 : index;
  }

  private static <V> NavigableMap<String, V> underPrefix(NavigableMap<String, V> map, String prefix) {
    if (prefix.isEmpty()) {
      return map;
    }
    return map.subMap(prefix, true, prefix + Character.MAX_VALUE, false);
  }

  // ---------------------------------------------------------------- KV writes

  /** Plain set: keeps an existing lock holder, resets LockIndex as Consul's set does, skips no-op writes. */
  public synchronized boolean set(String key, byte @Nullable [] value, long flags) {
    long idx = nextIndex();
    KvEntry existing = kvs.get(key);
    store(idx, key, value, flags, 0, existing == null ? null : existing.session(), existing);
    return true;
  }

  /** Check-and-set: {@code cas == 0} creates only; otherwise the ModifyIndex must match. */
  public synchronized boolean cas(String key, byte @Nullable [] value, long flags, long cas) {
    long idx = nextIndex();
    KvEntry existing = kvs.get(key);
    if (cas == 0 ? existing != null : existing == null || existing.modifyIndex() != cas) {
      return false;
    }
    store(idx, key, value, flags, 0, existing == null ? null : existing.session(), existing);
    return true;
  }

  /** Lock acquisition; lock-delay is checked before the write, as Consul's leader does before Raft apply. */
  public synchronized boolean acquire(String key, byte @Nullable [] value, long flags, String session) {
    if (session.isEmpty()) {
      throw new RpcError("missing session");
    }
    Instant delayedUntil = lockDelayUntil.get(key);
    if (delayedUntil != null && delayedUntil.isAfter(clock.instant())) {
      return false;
    }
    long idx = nextIndex();
    if (!sessions.containsKey(session)) {
      throw new RpcError("invalid session \"" + session + "\"");
    }
    KvEntry existing = kvs.get(key);
    long lockIndex;
    if (existing == null) {
      lockIndex = 1;
    } else if (session.equals(existing.session())) {
      lockIndex = existing.lockIndex();
    } else if (existing.session() != null) {
      return false;
    } else {
      lockIndex = existing.lockIndex() + 1;
    }
    store(idx, key, value, flags, lockIndex, session, existing);
    return true;
  }

  /** Lock release: only by the holder; the value is replaced by the request body. */
  public synchronized boolean release(String key, byte @Nullable [] value, long flags, String session) {
    if (session.isEmpty()) {
      throw new RpcError("missing session");
    }
    long idx = nextIndex();
    KvEntry existing = kvs.get(key);
    if (existing == null || !session.equals(existing.session())) {
      return false;
    }
    store(idx, key, value, flags, existing.lockIndex(), null, existing);
    return true;
  }

  private void store(long idx, String key, byte @Nullable [] value, long flags, long lockIndex,
      @Nullable String session, @Nullable KvEntry existing) {
    byte[] stored = value == null || value.length == 0 ? null : value.clone();
    if (existing != null && existing.flags() == flags && existing.lockIndex() == lockIndex
        && java.util.Objects.equals(existing.session(), session)
        && java.util.Arrays.equals(existing.value(), stored)) {
      return;
    }
    long createIndex = existing == null ? idx : existing.createIndex();
    kvs.put(key, new KvEntry(key, stored, flags, lockIndex, session, createIndex, idx));
    tombstones.remove(key);
    kvsIndex = idx;
    changed();
  }

  /** Plain delete: true even when the key is missing. */
  public synchronized boolean delete(String key) {
    long idx = nextIndex();
    deleteKey(idx, key);
    return true;
  }

  /** Delete everything under a prefix (the whole store for an empty prefix). */
  public synchronized boolean deleteTree(String prefix) {
    long idx = nextIndex();
    for (String key : new ArrayList<>(underPrefix(kvs, prefix).keySet())) {
      deleteKey(idx, key);
    }
    return true;
  }

  /** CAS delete: true when deleted or when the key is already missing; false on an index mismatch. */
  public synchronized boolean deleteCas(String key, long cas) {
    long idx = nextIndex();
    KvEntry existing = kvs.get(key);
    if (existing == null) {
      return true;
    }
    if (existing.modifyIndex() != cas) {
      return false;
    }
    deleteKey(idx, key);
    return true;
  }

  private void deleteKey(long idx, String key) {
    if (kvs.remove(key) != null) {
      tombstones.put(key, idx);
      kvsIndex = idx;
      changed();
    }
  }

  // ---------------------------------------------------------------- sessions

  public synchronized long sessionsIndex() {
    return sessionsIndex;
  }

  public synchronized List<Session> sessions() {
    return new ArrayList<>(sessions.values());
  }

  public synchronized Optional<Session> session(String id) {
    return Optional.ofNullable(sessions.get(id));
  }

  /** Creates a session after Consul's validations; the returned session carries the new ID. */
  public synchronized Session createSession(String name, String node, Duration lockDelay, String behavior,
      String ttlText, List<String> nodeChecks, List<String> serviceChecks) {
    String effectiveBehavior = behavior.isEmpty() ? "release" : behavior;
    if (!effectiveBehavior.equals("release") && !effectiveBehavior.equals("delete")) {
      throw new RpcError("Invalid Behavior setting '" + behavior + "'");
    }
    Duration ttl = Duration.ZERO;
    if (!ttlText.isEmpty()) {
      try {
        ttl = GoDuration.parse(ttlText);
      } catch (IllegalArgumentException e) {
        throw new RpcError("Session TTL '" + ttlText + "' invalid: " + e.getMessage());
      }
      if (!ttl.isZero() && (ttl.compareTo(sessionTtlMin) < 0 || ttl.compareTo(SESSION_TTL_MAX) > 0)) {
        throw new RpcError("Invalid Session TTL '" + ttl.toNanos() + "', must be between ["
            + GoDuration.format(sessionTtlMin) + "=" + GoDuration.format(SESSION_TTL_MAX) + "]");
      }
    }
    if (!node.equals(nodeName)) {
      throw new RpcError("Missing node registration");
    }
    for (String check : nodeChecks) {
      if (!check.equals("serfHealth")) {
        throw new RpcError("Missing check '" + check + "' registration");
      }
    }
    for (String check : serviceChecks) {
      throw new RpcError("Missing check '" + check + "' registration");
    }
    long idx = nextIndex();
    String id = UUID.randomUUID().toString();
    Session session = new Session(id, name, node, lockDelay, effectiveBehavior, ttlText, List.copyOf(nodeChecks),
        idx, idx, expiry(ttl));
    sessions.put(id, session);
    sessionsIndex = idx;
    changed();
    return session;
  }

  private @Nullable Instant expiry(Duration ttl) {
    return ttl.isZero() ? null : clock.instant().plus(ttl.multipliedBy(SESSION_TTL_MULTIPLIER));
  }

  /** Renews a session's TTL timer; empty when the session does not exist (any more). */
  public synchronized Optional<Session> renew(String id) {
    Session session = sessions.get(id);
    if (session == null) {
      return Optional.empty();
    }
    Duration ttl = session.ttl().isEmpty() ? Duration.ZERO : GoDuration.parse(session.ttl());
    Session renewed = new Session(session.id(), session.name(), session.node(), session.lockDelay(),
        session.behavior(), session.ttl(), session.nodeChecks(), session.createIndex(), session.modifyIndex(),
        expiry(ttl));
    sessions.put(id, renewed);
    return Optional.of(renewed);
  }

  /** Destroys a session (idempotent): its locks are released or deleted and lock-delay is armed. */
  public synchronized boolean destroy(String id) {
    long idx = nextIndex();
    invalidate(idx, id);
    return true;
  }

  /** Invalidates every TTL session whose timer ran out at the clock's current instant. */
  public synchronized void expireSessions() {
    Instant now = clock.instant();
    for (Session s : new ArrayList<>(sessions.values())) {
      if (s.expiresAt() != null && !s.expiresAt().isAfter(now)) {
        invalidate(nextIndex(), s.id());
      }
    }
  }

  private void invalidate(long idx, String id) {
    Session session = sessions.remove(id);
    if (session == null) {
      return;
    }
    sessionsIndex = idx;
    Duration delay = session.lockDelay().compareTo(MAX_LOCK_DELAY) > 0 ? MAX_LOCK_DELAY : session.lockDelay();
    Instant now = clock.instant();
    for (KvEntry entry : new ArrayList<>(kvs.values())) {
      if (!id.equals(entry.session())) {
        continue;
      }
      if (session.behavior().equals("delete")) {
        deleteKey(idx, entry.key());
      } else {
        kvs.put(entry.key(), new KvEntry(entry.key(), entry.value(), entry.flags(), entry.lockIndex(), null,
            entry.createIndex(), idx));
        kvsIndex = idx;
      }
      if (!delay.isZero()) {
        lockDelayUntil.put(entry.key(), now.plus(delay));
      }
    }
    changed();
  }

  // ---------------------------------------------------------------- services

  public synchronized long servicesIndex() {
    return atLeastOne(servicesIndex);
  }

  public synchronized List<Service> services() {
    return new ArrayList<>(services.values());
  }

  public synchronized void registerService(String id, String name, List<String> tags, String address, int port,
      Map<String, String> meta, boolean enableTagOverride, List<Map<String, Object>> checks) {
    long idx = nextIndex();
    Service existing = services.get(id);
    services.put(id, new Service(id, name, List.copyOf(tags), address, port, Map.copyOf(meta), enableTagOverride,
        List.copyOf(checks), existing == null ? idx : existing.createIndex(), idx));
    servicesIndex = idx;
    changed();
  }

  public synchronized void deregisterService(String id) {
    long idx = nextIndex();
    if (services.remove(id) != null) {
      servicesIndex = idx;
      changed();
    }
  }

  // ---------------------------------------------------------------- waiting

  /**
   * Waits until some write changed the state, the deadline ({@link System#nanoTime()}) passes or the server
   * closes. The caller holds this object's monitor and re-runs its query afterwards.
   */
  public void awaitChange(long deadlineNanos) throws InterruptedException {
    long remaining = deadlineNanos - System.nanoTime();
    if (remaining > 0 && !closed) {
      long millis = Math.max(1, remaining / 1_000_000);
      wait(millis);
    }
  }

  public synchronized void close() {
    closed = true;
    notifyAll();
  }

  public synchronized boolean isClosed() {
    return closed;
  }
}
