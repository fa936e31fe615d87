package dev.patroni4j.testkit.internal.consul;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
  // A carrier of the stored bytes, never compared or hashed, so the array's identity equality is harmless.
  @SuppressWarnings("ArrayRecordComponent")
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
  private long checksIndex;
  private final Map<String, List<CheckStatus>> checkStatuses = new HashMap<>();
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
    return setAt(nextIndex(), key, value, flags);
  }

  private boolean setAt(long idx, String key, byte @Nullable [] value, long flags) {
    KvEntry existing = kvs.get(key);
    store(idx, key, value, flags, 0, existing == null ? null : existing.session(), existing);
    return true;
  }

  /** Check-and-set: {@code cas == 0} creates only; otherwise the ModifyIndex must match. */
  public synchronized boolean cas(String key, byte @Nullable [] value, long flags, long cas) {
    return casAt(nextIndex(), key, value, flags, cas);
  }

  private boolean casAt(long idx, String key, byte @Nullable [] value, long flags, long cas) {
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
        && Objects.equals(existing.session(), session) && Arrays.equals(existing.value(), stored)) {
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
    deleteKey(nextIndex(), key);
    return true;
  }

  /** Delete everything under a prefix (the whole store for an empty prefix). */
  public synchronized boolean deleteTree(String prefix) {
    deleteTreeAt(nextIndex(), prefix);
    return true;
  }

  private void deleteTreeAt(long idx, String prefix) {
    for (String key : new ArrayList<>(underPrefix(kvs, prefix).keySet())) {
      deleteKey(idx, key);
    }
  }

  /** CAS delete: true when deleted or when the key is already missing; false on an index mismatch. */
  public synchronized boolean deleteCas(String key, long cas) {
    return deleteCasAt(nextIndex(), key, cas);
  }

  private boolean deleteCasAt(long idx, String key, long cas) {
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

  /** One KV operation of a transaction ({@code PUT /v1/txn}); {@code index} is the CAS/check index. */
  // A carrier of the stored bytes, never compared or hashed, so the array's identity equality is harmless.
  @SuppressWarnings("ArrayRecordComponent")
  public record TxnOp(String verb, String key, byte @Nullable [] value, long flags, long index) {}

  /** The outcome of a transaction: the entries its operations returned, or the errors that rolled it back. */
  public record TxnOutcome(List<KvEntry> results, List<TxnError> errors) {}

  /** Why one operation failed: its position and Consul's message. */
  public record TxnError(int opIndex, String what) {}

  /**
   * Runs KV operations atomically under one Raft index, as Consul's transaction endpoint does: all apply, or the
   * first failure rolls every one back. Writes return their entry without its value, reads with it.
   */
  public synchronized TxnOutcome txn(List<TxnOp> ops) {
    NavigableMap<String, KvEntry> kvsBefore = new TreeMap<>(kvs);
    NavigableMap<String, Long> tombstonesBefore = new TreeMap<>(tombstones);
    long kvsIndexBefore = kvsIndex;
    long idx = nextIndex();
    List<KvEntry> results = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      TxnOp op = ops.get(i);
      String failure = applyTxnOp(idx, op, results);
      if (failure != null) {
        kvs.clear();
        kvs.putAll(kvsBefore);
        tombstones.clear();
        tombstones.putAll(tombstonesBefore);
        kvsIndex = kvsIndexBefore;
        return new TxnOutcome(List.of(), List.of(new TxnError(i, failure)));
      }
    }
    return new TxnOutcome(results, List.of());
  }

  private @Nullable String applyTxnOp(long idx, TxnOp op, List<KvEntry> results) {
    String key = op.key();
    KvEntry existing = kvs.get(key);
    switch (op.verb()) {
      case "set" -> setAt(idx, key, op.value(), op.flags());
      case "cas" -> {
        if (!casAt(idx, key, op.value(), op.flags(), op.index())) {
          return "failed to set key " + quote(key) + ", index is stale";
        }
      }
      case "get" -> {
        if (existing == null) {
          return "key " + quote(key) + " doesn't exist";
        }
        results.add(existing);
        return null;
      }
      case "get-tree" -> {
        results.addAll(underPrefix(kvs, key).values());
        return null;
      }
      case "check-index" -> {
        if (existing == null) {
          return "failed to check index, key " + quote(key) + " doesn't exist";
        }
        if (existing.modifyIndex() != op.index()) {
          return "failed index check for key " + quote(key) + ", current modify index " + existing.modifyIndex()
              + " != " + op.index();
        }
      }
      case "check-not-exists" -> {
        return existing != null ? "key " + quote(key) + " exists" : null;
      }
      case "delete" -> {
        deleteKey(idx, key);
        return null;
      }
      case "delete-tree" -> {
        deleteTreeAt(idx, key);
        return null;
      }
      case "delete-cas" -> {
        return deleteCasAt(idx, key, op.index()) ? null : "failed to delete key " + quote(key) + ", index is stale";
      }
      default -> {
        return "unknown KV verb " + quote(op.verb());
      }
    }
    KvEntry now = kvs.get(key);
    if (now != null) {
      results.add(new KvEntry(now.key(), null, now.flags(), now.lockIndex(), now.session(), now.createIndex(),
          now.modifyIndex()));
    }
    return null;
  }

  /** Go's {@code %q}. */
  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
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

  // ---------------------------------------------------------------- services and their checks

  /** The index of service reads: the last registration change. */
  public synchronized long servicesIndex() {
    return atLeastOne(servicesIndex);
  }

  /** The index of health reads: the last registration or check status change. */
  public synchronized long healthIndex() {
    return atLeastOne(Math.max(servicesIndex, checksIndex));
  }

  public synchronized List<Service> services() {
    return new ArrayList<>(services.values());
  }

  /** The status of each of a service's checks, in registration order ({@code critical} until a check first runs). */
  public synchronized List<CheckStatus> checkStatuses(String serviceId) {
    return List.copyOf(checkStatuses.getOrDefault(serviceId, List.of()));
  }

  /** A check's last result: {@code passing}, {@code warning} or {@code critical}, and what the check saw. */
  public record CheckStatus(String status, String output) {
    static final CheckStatus INITIAL = new CheckStatus("critical", "");
  }

  public synchronized void registerService(String id, String name, List<String> tags, String address, int port,
      Map<String, String> meta, boolean enableTagOverride, List<Map<String, Object>> checks) {
    long idx = nextIndex();
    Service existing = services.get(id);
    services.put(id, new Service(id, name, List.copyOf(tags), address, port, Map.copyOf(meta), enableTagOverride,
        List.copyOf(checks), existing == null ? idx : existing.createIndex(), idx));
    // A re-registered check keeps its status while its definition is unchanged; a new or changed one starts
    // critical, as the agent's checks do.
    List<CheckStatus> before = checkStatuses.getOrDefault(id, List.of());
    List<CheckStatus> statuses = new ArrayList<>();
    for (int i = 0; i < checks.size(); i++) {
      boolean same = existing != null && i < existing.checks().size() && i < before.size()
          && existing.checks().get(i).equals(checks.get(i));
      statuses.add(same ? before.get(i) : CheckStatus.INITIAL);
    }
    checkStatuses.put(id, statuses);
    servicesIndex = idx;
    changed();
  }

  public synchronized void deregisterService(String id) {
    long idx = nextIndex();
    if (services.remove(id) != null) {
      checkStatuses.remove(id);
      servicesIndex = idx;
      changed();
    }
  }

  /** Records a check's result; a change of status is a write (new index), a new output alone is not. */
  public synchronized void updateCheck(String serviceId, Map<String, Object> check, CheckStatus result) {
    Service service = services.get(serviceId);
    List<CheckStatus> statuses = checkStatuses.get(serviceId);
    if (service == null || statuses == null) {
      return;
    }
    int i = service.checks().indexOf(check);
    if (i < 0 || i >= statuses.size()) {
      return;
    }
    boolean statusChanged = !statuses.get(i).status().equals(result.status());
    statuses.set(i, result);
    if (statusChanged) {
      checksIndex = nextIndex();
      changed();
    }
  }

  // ---------------------------------------------------------------- waiting

  /**
   * Waits until some write changed the state, the deadline ({@link System#nanoTime()}) passes or the server
   * closes. The caller holds this object's monitor and re-runs its query afterwards.
   */
  // One wait by design: the caller loops, re-running its query after every wake-up, spurious ones too.
  @SuppressWarnings("WaitNotInLoop")
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

  /**
   * Waits until the server closes or {@code timeout} passes; true if it closed. Writes wake the wait early, so it
   * waits again for what is left.
   */
  public synchronized boolean awaitClosed(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long remaining = timeout.toNanos();
    while (!closed && remaining > 0) {
      TimeUnit.NANOSECONDS.timedWait(this, remaining);
      remaining = deadline - System.nanoTime();
    }
    return closed;
  }

  public synchronized boolean isClosed() {
    return closed;
  }
}
