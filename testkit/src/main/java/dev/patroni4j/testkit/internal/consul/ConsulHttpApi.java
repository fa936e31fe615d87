package dev.patroni4j.testkit.internal.consul;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.patroni4j.testkit.internal.consul.ConsulAcl.Authorizer;
import dev.patroni4j.testkit.internal.consul.ConsulState.KvEntry;
import dev.patroni4j.testkit.internal.consul.ConsulState.RpcError;
import dev.patroni4j.testkit.internal.consul.ConsulState.Service;
import dev.patroni4j.testkit.internal.consul.ConsulState.Session;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Consul's agent HTTP API over {@link ConsulState}: routing, parameter parsing, ACL checks, blocking queries and
 * the exact status codes and bodies Consul answers with.
 *
 * <p>Thread-safety: safe for concurrent requests; the state is guarded by its own monitor.
 */
public final class ConsulHttpApi implements HttpHandler {
  /** Agent {@code kv_max_value_size} default. */
  static final long KV_MAX_VALUE_SIZE = 512 * 1024;

  static final Duration DEFAULT_QUERY_TIME = Duration.ofMinutes(5);
  static final Duration MAX_QUERY_TIME = Duration.ofMinutes(10);
  private static final int REQUEST_LOG_SIZE = 2000;
  private static final String SERF_HEALTH = "serfHealth";

  private final ConsulState state;
  private final ConsulAcl acl;
  private final String datacenter;
  private final String nodeId = UUID.randomUUID().toString();
  private static final ObjectMapper JSON = new ObjectMapper();
  private final AtomicInteger failuresToInject = new AtomicInteger();
  private volatile Duration responseDelay = Duration.ZERO;
  private final Deque<String> requestLog = new ArrayDeque<>();
  private final Object freezeLock = new Object();
  private boolean frozen;

  public ConsulHttpApi(ConsulState state, @Nullable String managementToken, String datacenter) {
    this.state = state;
    this.acl = new ConsulAcl(managementToken);
    this.datacenter = datacenter;
  }

  /** The next {@code count} requests fail with 500 {@code No cluster leader}, as during a leader election. */
  public void failNextRequests(int count) {
    failuresToInject.set(count);
  }

  /** Every response is held back this long before it is sent (zero to stop). */
  public void delayResponses(Duration delay) {
    responseDelay = delay;
  }

  /** Stops answering: requests are read but neither handled nor answered until {@link #thaw()}. */
  public void freeze() {
    synchronized (freezeLock) {
      frozen = true;
    }
  }

  public void thaw() {
    synchronized (freezeLock) {
      frozen = false;
      freezeLock.notifyAll();
    }
  }

  private boolean awaitThawed() {
    synchronized (freezeLock) {
      try {
        while (frozen && !state.isClosed()) {
          freezeLock.wait(100);
        }
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  /** The most recent request lines, oldest first, tokens hidden. */
  public List<String> requestLog() {
    synchronized (requestLog) {
      return new ArrayList<>(requestLog);
    }
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      ConsulRequest request = new ConsulRequest(exchange);
      log(request.logLine());
      if (!awaitThawed()) {
        return;
      }
      Reply reply;
      try {
        state.expireSessions();
        if (failuresToInject.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
          throw new RpcError("No cluster leader");
        }
        reply = dispatch(request);
      } catch (ConsulHttpError e) {
        reply = Reply.text(e.status, e.getMessage()).withHeaders(e.headers);
      } catch (RpcError e) {
        reply = Reply.text(isPermissionDenied(e) ? 403 : 500, e.getMessage());
      }
      if (sleep(responseDelay) && awaitThawed()) {
        send(exchange, reply);
      }
    }
  }

  /** False when interrupted: the server is closing and the exchange is dropped unanswered. */
  private static boolean sleep(Duration delay) {
    if (delay.isZero()) {
      return true;
    }
    try {
      Thread.sleep(delay.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean isPermissionDenied(RpcError e) {
    String message = e.getMessage();
    return message != null && (message.contains("Permission denied") || message.contains("ACL not found"));
  }

  private void log(String line) {
    synchronized (requestLog) {
      if (requestLog.size() == REQUEST_LOG_SIZE) {
        requestLog.removeFirst();
      }
      requestLog.addLast(line);
    }
  }

  private static void send(HttpExchange exchange, Reply reply) throws IOException {
    // Read what the handler left unread (e.g. a refused oversized value) so the client sees the answer rather
    // than a connection reset.
    exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
    reply.headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    if (reply.body == null) {
      exchange.sendResponseHeaders(reply.status, -1);
      return;
    }
    exchange.sendResponseHeaders(reply.status, reply.body.length == 0 ? -1 : reply.body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(reply.body);
    }
  }

  // ---------------------------------------------------------------- routing

  private Reply dispatch(ConsulRequest req) throws IOException {
    String path = req.path();
    if (!req.param("dc").isEmpty() && !req.param("dc").equals(datacenter)) {
      throw new RpcError("No path to datacenter");
    }
    if (path.startsWith("/v1/kv/")) {
      return kv(req, path.substring("/v1/kv/".length()));
    }
    if (path.equals("/v1/txn")) {
      return only(req, "PUT", () -> txn(req));
    }
    if (path.equals("/v1/session/create")) {
      return only(req, "PUT", () -> sessionCreate(req));
    }
    if (path.startsWith("/v1/session/destroy/") || path.equals("/v1/session/destroy")) {
      return only(req, "PUT", () -> sessionDestroy(req, suffix(path, "/v1/session/destroy")));
    }
    if (path.startsWith("/v1/session/renew/") || path.equals("/v1/session/renew")) {
      return only(req, "PUT", () -> sessionRenew(req, suffix(path, "/v1/session/renew")));
    }
    if (path.startsWith("/v1/session/info/")) {
      String id = suffix(path, "/v1/session/info");
      return only(req, "GET", () -> sessionQuery(req, s -> s.id().equals(id)));
    }
    if (path.startsWith("/v1/session/node/")) {
      String node = suffix(path, "/v1/session/node");
      return only(req, "GET", () -> sessionQuery(req, s -> s.node().equals(node)));
    }
    if (path.equals("/v1/session/list")) {
      return only(req, "GET", () -> sessionQuery(req, s -> true));
    }
    if (path.equals("/v1/agent/self")) {
      return only(req, "GET", () -> agentSelf(req));
    }
    if (path.equals("/v1/status/leader")) {
      return only(req, "GET", () -> Reply.json(200, JSON.getNodeFactory().textNode(serverAddress())));
    }
    if (path.equals("/v1/status/peers")) {
      return only(req, "GET", () -> Reply.json(200, JSON.createArrayNode().add(serverAddress())));
    }
    if (path.equals("/v1/agent/service/register")) {
      return only(req, "PUT", () -> serviceRegister(req));
    }
    if (path.startsWith("/v1/agent/service/deregister/")) {
      return only(req, "PUT", () -> serviceDeregister(req, suffix(path, "/v1/agent/service/deregister")));
    }
    if (path.equals("/v1/agent/services")) {
      return only(req, "GET", () -> agentServices(req));
    }
    if (path.equals("/v1/catalog/services")) {
      return only(req, "GET", () -> catalogServices(req));
    }
    if (path.startsWith("/v1/health/service/")) {
      return only(req, "GET", () -> healthService(req, suffix(path, "/v1/health/service")));
    }
    if (path.startsWith("/v1/catalog/service/")) {
      return only(req, "GET", () -> catalogService(req, suffix(path, "/v1/catalog/service")));
    }
    return new Reply(404, Map.of(), null);
  }

  private interface Handler {
    Reply handle() throws IOException;
  }

  private static Reply only(ConsulRequest req, String method, Handler handler) throws IOException {
    if (!req.method().equals(method)) {
      throw ConsulHttpError.methodNotAllowed(req.method(), "OPTIONS", method);
    }
    return handler.handle();
  }

  private static String suffix(String path, String prefix) {
    return path.length() <= prefix.length() + 1 ? "" : path.substring(prefix.length() + 1);
  }

  private String serverAddress() {
    return "127.0.0.1:8300";
  }

  // ---------------------------------------------------------------- KV

  private Reply kv(ConsulRequest req, String key) throws IOException {
    validateKey(key);
    switch (req.method()) {
      case "GET":
        if (req.has("keys")) {
          return kvKeys(req, key);
        }
        if (req.has("recurse")) {
          return kvList(req, key);
        }
        if (key.isEmpty()) {
          throw new ConsulHttpError(400, "Missing key name");
        }
        return kvGet(req, key);
      case "PUT":
        return kvPut(req, key);
      case "DELETE":
        return kvDelete(req, key);
      default:
        throw ConsulHttpError.methodNotAllowed(req.method(), "GET", "PUT", "DELETE");
    }
  }

  /** The relaxed validation of current Consul releases: no path traversal, no leading slash or spaces. */
  private static void validateKey(String key) {
    if (key.isEmpty()) {
      return;
    }
    if (key.startsWith("/")) {
      throw new ConsulHttpError(400, "key must not begin with a '/'");
    }
    if (key.contains("../") || key.contains("..\\") || key.equals("..") || key.endsWith("/..")) {
      throw new ConsulHttpError(400, "key contains path traversal sequence");
    }
    if (key.startsWith(" ") || key.endsWith(" ")) {
      throw new ConsulHttpError(400, "key must not begin or end with a space");
    }
  }

  private Reply kvGet(ConsulRequest req, String key) {
    Blocking blocking = Blocking.parse(req);
    Authorizer authz = acl.resolve(req.token());
    authz.require("key", "read", key);
    return blocking.run(state, () -> {
      KvEntry entry = state.get(key).orElse(null);
      long index = entry != null ? entry.modifyIndex() : ConsulState.atLeastOne(state.kvsTableIndex());
      if (entry == null) {
        return new Result(index, state.keyVersion(key), new Reply(404, Map.of(), null));
      }
      if (req.has("raw")) {
        byte[] raw = entry.value() == null ? new byte[0] : entry.value();
        return new Result(index, entry.modifyIndex(), new Reply(200, Map.of("Content-Type", "text/plain",
            "X-Content-Type-Options", "nosniff", "Content-Security-Policy", "sandbox"), raw));
      }
      return new Result(index, entry.modifyIndex(), Reply.json(200, JSON.createArrayNode().add(kvJson(entry))));
    });
  }

  private Reply kvList(ConsulRequest req, String prefix) {
    Blocking blocking = Blocking.parse(req);
    Authorizer authz = acl.resolve(req.token());
    return blocking.run(state, () -> {
      long index = state.prefixIndex(prefix);
      List<KvEntry> entries = authz.allowed() ? state.list(prefix) : List.of();
      Map<String, String> filtered = filteredHeader(authz, !state.list(prefix).isEmpty());
      if (entries.isEmpty()) {
        return new Result(index, index, new Reply(404, filtered, null));
      }
      ArrayNode array = JSON.createArrayNode();
      entries.forEach(e -> array.add(kvJson(e)));
      return new Result(index, index, Reply.json(200, array).withHeaders(filtered));
    });
  }

  private Reply kvKeys(ConsulRequest req, String prefix) {
    Blocking blocking = Blocking.parse(req);
    Authorizer authz = acl.resolve(req.token());
    String separator = req.has("separator") ? req.param("separator") : req.param("seperator");
    return blocking.run(state, () -> {
      long index = state.prefixIndex(prefix);
      List<String> keys = new ArrayList<>();
      if (authz.allowed()) {
        for (KvEntry e : state.list(prefix)) {
          String k = e.key();
          int cut = separator.isEmpty() ? -1 : k.indexOf(separator, prefix.length());
          String listed = cut < 0 ? k : k.substring(0, cut + separator.length());
          if (keys.isEmpty() || !keys.get(keys.size() - 1).equals(listed)) {
            keys.add(listed);
          }
        }
      }
      Map<String, String> filtered = filteredHeader(authz, !state.list(prefix).isEmpty());
      if (keys.isEmpty() && !prefix.isEmpty()) {
        return new Result(index, index, new Reply(404, filtered, null));
      }
      ArrayNode array = JSON.createArrayNode();
      keys.forEach(array::add);
      return new Result(index, index, Reply.json(200, array).withHeaders(filtered));
    });
  }

  private static Map<String, String> filteredHeader(Authorizer authz, boolean somethingHidden) {
    return !authz.allowed() && somethingHidden ? Map.of("X-Consul-Results-Filtered-By-ACLs", "true") : Map.of();
  }

  private ObjectNode kvJson(KvEntry e) {
    ObjectNode node = JSON.createObjectNode();
    node.put("LockIndex", e.lockIndex());
    node.put("Key", e.key());
    node.put("Flags", new BigInteger(Long.toUnsignedString(e.flags())));
    if (e.value() == null) {
      node.putNull("Value");
    } else {
      node.put("Value", Base64.getEncoder().encodeToString(e.value()));
    }
    if (e.session() != null) {
      node.put("Session", e.session());
    }
    node.put("CreateIndex", e.createIndex());
    node.put("ModifyIndex", e.modifyIndex());
    return node;
  }

  private Reply kvPut(ConsulRequest req, String key) throws IOException {
    if (key.isEmpty()) {
      throw new ConsulHttpError(400, "Missing key name");
    }
    conflictingFlags(req, "cas", "acquire", "release");
    long flags = req.has("flags") ? parseUint(req.param("flags")) : 0;
    Long cas = req.has("cas") ? parseUint(req.param("cas")) : null;
    long declared = req.declaredContentLength();
    if (declared > KV_MAX_VALUE_SIZE) {
      throw tooLarge(declared);
    }
    byte[] value = req.body();
    if (value.length > KV_MAX_VALUE_SIZE) {
      throw tooLarge(value.length);
    }
    acl.resolve(req.token()).require("key", "write", key);
    boolean result;
    if (req.has("acquire")) {
      result = state.acquire(key, value, flags, req.param("acquire"));
    } else if (req.has("release")) {
      result = state.release(key, value, flags, req.param("release"));
    } else if (cas != null) {
      result = state.cas(key, value, flags, cas);
    } else {
      result = state.set(key, value, flags);
    }
    return Reply.json(200, JSON.getNodeFactory().booleanNode(result));
  }

  private static ConsulHttpError tooLarge(long size) {
    return new ConsulHttpError(413, "Request body(" + size + " bytes) too large, max size: " + KV_MAX_VALUE_SIZE
        + " bytes. See https://developer.hashicorp.com/docs/agent/config/config-files#kv_max_value_size.");
  }

  private Reply kvDelete(ConsulRequest req, String key) {
    conflictingFlags(req, "recurse", "cas");
    boolean recurse = req.has("recurse");
    if (!recurse && key.isEmpty()) {
      throw new ConsulHttpError(400, "Missing key name");
    }
    Long cas = req.has("cas") ? parseUint(req.param("cas")) : null;
    Authorizer authz = acl.resolve(req.token());
    authz.require("key", "write", key);
    boolean result;
    if (recurse) {
      result = state.deleteTree(key);
    } else if (cas != null) {
      result = state.deleteCas(key, cas);
    } else {
      result = state.delete(key);
    }
    return Reply.json(200, JSON.getNodeFactory().booleanNode(result));
  }

  private static void conflictingFlags(ConsulRequest req, String... flags) {
    boolean found = false;
    for (String flag : flags) {
      if (req.has(flag)) {
        if (found) {
          throw new ConsulHttpError(400, "Conflicting flags: " + req.encodedQuery() + "\n");
        }
        found = true;
      }
    }
  }

  /** Go's {@code strconv.ParseUint(s, 10, 64)}; Consul answers its error with 500. */
  private static long parseUint(String s) {
    try {
      if (s.isEmpty() || s.charAt(0) == '+' || s.charAt(0) == '-') {
        throw new NumberFormatException();
      }
      return Long.parseUnsignedLong(s);
    } catch (NumberFormatException e) {
      boolean digits = !s.isEmpty() && s.chars().allMatch(Character::isDigit);
      throw new RpcError("strconv.ParseUint: parsing \"" + s + "\": "
          + (digits ? "value out of range" : "invalid syntax"));
    }
  }

  // ---------------------------------------------------------------- transactions

  /** Consul's transaction size limit (operations per request). */
  static final int MAX_TXN_OPS = 64;

  /** {@code PUT /v1/txn} with KV operations: 200 with the results, or 409 with the errors and nothing applied. */
  private Reply txn(ConsulRequest req) throws IOException {
    JsonNode body;
    try {
      body = JSON.readTree(req.body());
    } catch (IOException e) {
      throw new ConsulHttpError(400, "Failed to parse body: " + e.getMessage());
    }
    if (body == null || !body.isArray()) {
      throw new ConsulHttpError(400, "Failed to parse body: json: cannot unmarshal "
          + (body == null || body.isMissingNode() ? "EOF" : goType(body)) + " into Go value of type api.TxnOps");
    }
    if (body.size() > MAX_TXN_OPS) {
      throw new ConsulHttpError(413, "Transaction contains too many operations (" + body.size() + " > "
          + MAX_TXN_OPS + ")");
    }
    Authorizer authz = acl.resolve(req.token());
    List<ConsulState.TxnOp> ops = new ArrayList<>();
    List<ConsulState.TxnError> denied = new ArrayList<>();
    for (JsonNode element : body) {
      Map<String, JsonNode> op = element.isObject() ? caseInsensitiveObject(JSON.writeValueAsBytes(element),
          "api.TxnOp") : Map.of();
      JsonNode kvNode = op.get("kv");
      if (kvNode == null || !kvNode.isObject()) {
        throw new ConsulHttpError(400, "Failed to parse body: only KV operations are supported by this server");
      }
      Map<String, JsonNode> kv = caseInsensitiveObject(JSON.writeValueAsBytes(kvNode), "api.KVTxnOp");
      String verb = stringField(kv, "verb", "KVTxnOp.Verb");
      String key = stringField(kv, "key", "KVTxnOp.Key");
      byte[] value = null;
      String encoded = stringField(kv, "value", "KVTxnOp.Value");
      if (!encoded.isEmpty()) {
        try {
          value = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
          throw new ConsulHttpError(400, "Failed to parse body: illegal base64 data: " + e.getMessage());
        }
      }
      long flags = kv.containsKey("flags") ? kv.get("flags").asLong() : 0;
      long index = kv.containsKey("index") ? kv.get("index").asLong() : 0;
      boolean read = verb.startsWith("get") || verb.startsWith("check");
      if (!authz.allowed()) {
        denied.add(new ConsulState.TxnError(ops.size(), "Permission denied: anonymous token lacks permission 'key:"
            + (read ? "read" : "write") + "' on " + "\"" + key + "\""));
      }
      ops.add(new ConsulState.TxnOp(verb, key, value, flags, index));
    }
    ConsulState.TxnOutcome outcome = denied.isEmpty() ? state.txn(ops) : new ConsulState.TxnOutcome(List.of(), denied);
    ObjectNode reply = JSON.createObjectNode();
    if (outcome.errors().isEmpty()) {
      if (outcome.results().isEmpty()) {
        reply.putNull("Results");
      } else {
        ArrayNode results = reply.putArray("Results");
        outcome.results().forEach(e -> results.addObject().set("KV", kvJson(e)));
      }
      reply.putNull("Errors");
      return Reply.json(200, reply);
    }
    reply.putNull("Results");
    ArrayNode errors = reply.putArray("Errors");
    outcome.errors().forEach(e -> {
      ObjectNode error = errors.addObject();
      error.put("OpIndex", e.opIndex());
      error.put("What", e.what());
    });
    return Reply.json(409, reply);
  }

  // ---------------------------------------------------------------- sessions

  private Reply sessionCreate(ConsulRequest req) throws IOException {
    Map<String, JsonNode> body = Map.of();
    byte[] raw = req.body();
    if (raw.length > 0) {
      body = caseInsensitiveObject(raw, "structs.Session");
    }
    String name = stringField(body, "name", "Session.Name");
    String node = body.containsKey("node") ? stringField(body, "node", "Session.Node") : state.nodeName();
    String behavior = stringField(body, "behavior", "Session.Behavior");
    String ttl = stringField(body, "ttl", "Session.TTL");
    Duration lockDelay = Duration.ofSeconds(15);
    JsonNode lockDelayNode = body.get("lockdelay");
    if (lockDelayNode != null && !lockDelayNode.isNull()) {
      lockDelay = lockDelay(lockDelayNode);
    }
    List<String> checks = body.containsKey("checks") ? stringList(body.get("checks"), "Session.Checks")
        : List.of(SERF_HEALTH);
    List<String> nodeChecks = body.containsKey("nodechecks")
        ? stringList(body.get("nodechecks"), "Session.NodeChecks") : List.of(SERF_HEALTH);
    List<String> serviceChecks = new ArrayList<>();
    JsonNode serviceChecksNode = body.get("servicechecks");
    if (serviceChecksNode != null && serviceChecksNode.isArray()) {
      serviceChecksNode.forEach(c -> serviceChecks.add(c.path("ID").asText(c.path("id").asText(""))));
    }
    // Consul's fixupEmptySessionChecks: an explicit empty Checks list drops the default serfHealth check.
    if (checks.isEmpty()) {
      nodeChecks = List.of();
    } else if (checks.equals(List.of(SERF_HEALTH)) || nodeChecks.isEmpty()) {
      checks = List.of();
    }
    List<String> effective = new ArrayList<>(nodeChecks);
    checks.stream().filter(c -> !effective.contains(c)).forEach(effective::add);
    acl.resolve(req.token()).require("session", "write", node);
    Session session = state.createSession(name, node, lockDelay, behavior, ttl, effective, serviceChecks);
    ObjectNode reply = JSON.createObjectNode();
    reply.put("ID", session.id());
    return Reply.json(200, reply);
  }

  /** Consul's LockDelay: a Go duration string or a number of nanoseconds; values under 1000 mean seconds. */
  private static Duration lockDelay(JsonNode node) {
    Duration delay;
    if (node.isTextual()) {
      try {
        delay = GoDuration.parse(node.asText());
      } catch (IllegalArgumentException e) {
        throw new ConsulHttpError(400, "Request decode failed: " + e.getMessage());
      }
    } else if (node.isNumber()) {
      delay = Duration.ofNanos(node.asLong());
    } else {
      throw new ConsulHttpError(400, "Request decode failed: json: cannot unmarshal " + goType(node)
          + " into Go struct field Session.LockDelay of type time.Duration");
    }
    return delay.toNanos() < 1000 ? Duration.ofSeconds(delay.toNanos()) : delay;
  }

  private Map<String, JsonNode> caseInsensitiveObject(byte[] raw, String goType) {
    JsonNode parsed;
    try {
      parsed = JSON.readTree(raw);
    } catch (IOException e) {
      throw new ConsulHttpError(400, "Request decode failed: " + (e instanceof JsonProcessingException j
          ? j.getOriginalMessage() : e.getMessage()));
    }
    if (parsed == null || parsed.isMissingNode()) {
      throw new ConsulHttpError(400, "Request decode failed: EOF");
    }
    if (!parsed.isObject()) {
      throw new ConsulHttpError(400, "Request decode failed: json: cannot unmarshal "
          + goType(parsed) + " into Go value of type " + goType);
    }
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> f : parsed.properties()) {
      fields.put(normalize(f.getKey()), f.getValue());
    }
    return fields;
  }

  /** Go decodes field names case-insensitively; Consul also accepts snake_case for most agent fields. */
  private static String normalize(String name) {
    return name.replace("_", "").toLowerCase(java.util.Locale.ROOT);
  }

  private static String goType(JsonNode node) {
    if (node.isTextual()) {
      return "string";
    }
    if (node.isNumber()) {
      return "number";
    }
    if (node.isBoolean()) {
      return "bool";
    }
    if (node.isArray()) {
      return "array";
    }
    return node.isObject() ? "object" : "null";
  }

  private static String stringField(Map<String, JsonNode> body, String key, String goField) {
    JsonNode node = body.get(key);
    if (node == null || node.isNull()) {
      return "";
    }
    if (!node.isTextual()) {
      throw new ConsulHttpError(400, "Request decode failed: json: cannot unmarshal " + goType(node)
          + " into Go struct field " + goField + " of type string");
    }
    return node.asText();
  }

  private static List<String> stringList(@Nullable JsonNode node, String goField) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new ConsulHttpError(400, "Request decode failed: json: cannot unmarshal " + goType(node)
          + " into Go struct field " + goField + " of type []string");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : node) {
      if (!item.isTextual()) {
        throw new ConsulHttpError(400, "Request decode failed: json: cannot unmarshal " + goType(item)
            + " into Go struct field " + goField + " of type string");
      }
      out.add(item.asText());
    }
    return out;
  }

  private Reply sessionDestroy(ConsulRequest req, String id) {
    if (id.isEmpty()) {
      throw new ConsulHttpError(400, "Missing session");
    }
    acl.resolve(req.token()).require("session", "write", state.nodeName());
    return Reply.json(200, JSON.getNodeFactory().booleanNode(state.destroy(id)));
  }

  private Reply sessionRenew(ConsulRequest req, String id) {
    if (id.isEmpty()) {
      throw new ConsulHttpError(400, "Missing session");
    }
    acl.resolve(req.token()).require("session", "write", state.nodeName());
    Session renewed = state.renew(id)
        .orElseThrow(() -> new ConsulHttpError(404, "Session id '" + id + "' not found"));
    return Reply.json(200, JSON.createArrayNode().add(sessionJson(renewed)));
  }

  private Reply sessionQuery(ConsulRequest req, Predicate<Session> filter) {
    Blocking blocking = Blocking.parse(req);
    Authorizer authz = acl.resolve(req.token());
    return blocking.run(state, () -> {
      long index = ConsulState.atLeastOne(state.sessionsIndex());
      ArrayNode array = JSON.createArrayNode();
      boolean hidden = false;
      for (Session s : state.sessions()) {
        if (filter.test(s)) {
          if (authz.allowed()) {
            array.add(sessionJson(s));
          } else {
            hidden = true;
          }
        }
      }
      return new Result(index, index, Reply.json(200, array).withHeaders(filteredHeader(authz, hidden)));
    });
  }

  private ObjectNode sessionJson(Session s) {
    ObjectNode node = JSON.createObjectNode();
    node.put("ID", s.id());
    node.put("Name", s.name());
    node.put("Node", s.node());
    node.put("LockDelay", s.lockDelay().toNanos());
    node.put("Behavior", s.behavior());
    node.put("TTL", s.ttl());
    ArrayNode checks = node.putArray("NodeChecks");
    s.nodeChecks().forEach(checks::add);
    node.putNull("ServiceChecks");
    node.put("CreateIndex", s.createIndex());
    node.put("ModifyIndex", s.modifyIndex());
    return node;
  }

  // ---------------------------------------------------------------- agent, status, services

  private Reply agentSelf(ConsulRequest req) {
    acl.resolve(req.token()).require("agent", "read", state.nodeName());
    ObjectNode root = JSON.createObjectNode();
    ObjectNode config = root.putObject("Config");
    config.put("Datacenter", datacenter);
    config.put("PrimaryDatacenter", datacenter);
    config.put("NodeName", state.nodeName());
    config.put("NodeID", nodeId);
    config.put("Revision", "patroni4j-testkit");
    config.put("Server", true);
    config.put("Version", "1.21.0");
    // Since Consul 1.0 runtime settings such as SessionTTLMin live only under DebugConfig, as duration strings.
    ObjectNode debug = root.putObject("DebugConfig");
    debug.put("Datacenter", datacenter);
    debug.put("NodeName", state.nodeName());
    debug.put("ACLsEnabled", acl.enabled());
    debug.put("SessionTTLMin", GoDuration.format(state.sessionTtlMin()));
    ObjectNode member = root.putObject("Member");
    member.put("Name", state.nodeName());
    member.put("Addr", "127.0.0.1");
    member.put("Port", 8301);
    member.put("Status", 1);
    root.putObject("Meta");
    return Reply.json(200, root);
  }

  private Reply serviceRegister(ConsulRequest req) throws IOException {
    Map<String, JsonNode> body = caseInsensitiveObject(req.body(), "structs.ServiceDefinition");
    String name = stringField(body, "name", "ServiceDefinition.Name");
    if (name.isEmpty()) {
      throw new ConsulHttpError(400, "Missing service name");
    }
    String id = body.containsKey("id") ? stringField(body, "id", "ServiceDefinition.ID") : "";
    if (id.isEmpty()) {
      id = name;
    }
    List<String> tags = stringList(body.get("tags"), "ServiceDefinition.Tags");
    String address = stringField(body, "address", "ServiceDefinition.Address");
    JsonNode portNode = body.get("port");
    int port = 0;
    if (portNode != null && !portNode.isNull()) {
      if (!portNode.canConvertToInt()) {
        throw new ConsulHttpError(400, "Request decode failed: json: cannot unmarshal " + goType(portNode)
            + " into Go struct field ServiceDefinition.Port of type int");
      }
      port = portNode.asInt();
    }
    Map<String, String> meta = new LinkedHashMap<>();
    JsonNode metaNode = body.get("meta");
    if (metaNode != null && metaNode.isObject()) {
      metaNode.properties().forEach(e -> meta.put(e.getKey(), e.getValue().asText()));
    }
    JsonNode overrideNode = body.get("enabletagoverride");
    boolean enableTagOverride = overrideNode != null && overrideNode.asBoolean(false);
    List<Map<String, Object>> checks = new ArrayList<>();
    JsonNode check = body.get("check");
    if (check != null && !check.isNull()) {
      checks.add(check(check));
    }
    JsonNode checksNode = body.get("checks");
    if (checksNode != null && checksNode.isArray()) {
      for (JsonNode c : checksNode) {
        checks.add(check(c));
      }
    }
    acl.resolve(req.token()).require("service", "write", name);
    state.registerService(id, name, tags, address, port, meta, enableTagOverride, checks);
    return new Reply(200, Map.of(), null);
  }

  /** A service check in Consul's canonical field names, validated as the agent does. */
  private Map<String, Object> check(JsonNode node) {
    if (!node.isObject()) {
      throw new ConsulHttpError(400, "Request decode failed: json: cannot unmarshal " + goType(node)
          + " into Go struct field ServiceDefinition.Check of type structs.CheckType");
    }
    Map<String, String> canonical = Map.of("http", "HTTP", "tcp", "TCP", "ttl", "TTL", "interval", "Interval",
        "timeout", "Timeout", "deregistercriticalserviceafter", "DeregisterCriticalServiceAfter",
        "tlsservername", "TLSServerName", "tlsskipverify", "TLSSkipVerify", "name", "Name", "args", "Args");
    Map<String, Object> check = new LinkedHashMap<>();
    node.properties().forEach(e -> {
      String key = canonical.getOrDefault(normalize(e.getKey()), e.getKey());
      check.put(key, e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
    });
    for (String durationField : List.of("Interval", "Timeout", "DeregisterCriticalServiceAfter", "TTL")) {
      Object value = check.get(durationField);
      if (value != null) {
        try {
          GoDuration.parse(value.toString());
        } catch (IllegalArgumentException e) {
          throw new ConsulHttpError(400, "Request decode failed: " + e.getMessage());
        }
      }
    }
    boolean intervalCheck = check.containsKey("HTTP") || check.containsKey("TCP") || check.containsKey("Args");
    if (intervalCheck && (!check.containsKey("Interval")
        || GoDuration.parse(check.get("Interval").toString()).compareTo(Duration.ZERO) <= 0)) {
      throw new ConsulHttpError(400,
          "Invalid check: Interval must be > 0 for Script, HTTP, H2PING, TCP or UDP checks");
    }
    if (!intervalCheck && !check.containsKey("TTL")) {
      throw new ConsulHttpError(400, "Invalid check: TTL must be > 0 for TTL checks");
    }
    return check;
  }

  private Reply serviceDeregister(ConsulRequest req, String id) {
    Authorizer authz = acl.resolve(req.token());
    Service existing = state.services().stream().filter(s -> s.id().equals(id)).findFirst()
        .orElseThrow(() -> new ConsulHttpError(404, "Unknown service ID \"" + id + "\""));
    authz.require("service", "write", existing.name());
    state.deregisterService(id);
    return new Reply(200, Map.of(), null);
  }

  private Reply agentServices(ConsulRequest req) {
    Authorizer authz = acl.resolve(req.token());
    ObjectNode root = JSON.createObjectNode();
    if (authz.allowed()) {
      for (Service s : state.services()) {
        ObjectNode node = root.putObject(s.id());
        node.put("ID", s.id());
        node.put("Service", s.name());
        ArrayNode tags = node.putArray("Tags");
        s.tags().forEach(tags::add);
        ObjectNode meta = node.putObject("Meta");
        s.meta().forEach(meta::put);
        node.put("Port", s.port());
        node.put("Address", s.address());
        ObjectNode weights = node.putObject("Weights");
        weights.put("Passing", 1);
        weights.put("Warning", 1);
        node.put("EnableTagOverride", s.enableTagOverride());
        node.put("Datacenter", datacenter);
      }
    }
    return Reply.json(200, root);
  }

  private Reply catalogServices(ConsulRequest req) {
    Blocking blocking = Blocking.parse(req);
    Authorizer authz = acl.resolve(req.token());
    return blocking.run(state, () -> {
      long index = state.servicesIndex();
      ObjectNode root = JSON.createObjectNode();
      if (authz.allowed()) {
        root.putArray("consul");
        for (Service s : state.services()) {
          ArrayNode tags = root.has(s.name()) ? (ArrayNode) root.get(s.name()) : root.putArray(s.name());
          for (String tag : s.tags()) {
            boolean present = false;
            for (JsonNode t : tags) {
              present |= t.asText().equals(tag);
            }
            if (!present) {
              tags.add(tag);
            }
          }
        }
      }
      return new Result(index, index, Reply.json(200, root));
    });
  }

  private Reply catalogService(ConsulRequest req, String name) {
    Blocking blocking = Blocking.parse(req);
    Authorizer authz = acl.resolve(req.token());
    String tag = req.param("tag");
    return blocking.run(state, () -> {
      long index = state.servicesIndex();
      ArrayNode array = JSON.createArrayNode();
      boolean hidden = false;
      for (Service s : state.services()) {
        if (!s.name().equals(name) || (!tag.isEmpty() && !s.tags().contains(tag))) {
          continue;
        }
        if (!authz.allowed()) {
          hidden = true;
          continue;
        }
        ObjectNode node = array.addObject();
        node.put("ID", nodeId);
        node.put("Node", state.nodeName());
        node.put("Address", "127.0.0.1");
        node.put("Datacenter", datacenter);
        node.put("ServiceID", s.id());
        node.put("ServiceName", s.name());
        ArrayNode tags = node.putArray("ServiceTags");
        s.tags().forEach(tags::add);
        node.put("ServiceAddress", s.address());
        node.put("ServicePort", s.port());
        ObjectNode meta = node.putObject("ServiceMeta");
        s.meta().forEach(meta::put);
        node.put("ServiceEnableTagOverride", s.enableTagOverride());
        node.put("CreateIndex", s.createIndex());
        node.put("ModifyIndex", s.modifyIndex());
      }
      return new Result(index, index, Reply.json(200, array).withHeaders(filteredHeader(authz, hidden)));
    });
  }

  /** {@code GET /v1/health/service/<name>[?passing][&tag=]}: instances with their node and check states. */
  private Reply healthService(ConsulRequest req, String name) {
    Blocking blocking = Blocking.parse(req);
    Authorizer authz = acl.resolve(req.token());
    String tag = req.param("tag");
    boolean passingOnly = req.has("passing");
    return blocking.run(state, () -> {
      long index = state.healthIndex();
      ArrayNode array = JSON.createArrayNode();
      boolean hidden = false;
      for (Service s : state.services()) {
        if (!s.name().equals(name) || (!tag.isEmpty() && !s.tags().contains(tag))) {
          continue;
        }
        if (!authz.allowed()) {
          hidden = true;
          continue;
        }
        List<ConsulState.CheckStatus> statuses = state.checkStatuses(s.id());
        if (passingOnly && statuses.stream().anyMatch(c -> !c.status().equals("passing"))) {
          continue;
        }
        ObjectNode entry = array.addObject();
        ObjectNode node = entry.putObject("Node");
        node.put("ID", nodeId);
        node.put("Node", state.nodeName());
        node.put("Address", "127.0.0.1");
        node.put("Datacenter", datacenter);
        ObjectNode service = entry.putObject("Service");
        service.put("ID", s.id());
        service.put("Service", s.name());
        ArrayNode tags = service.putArray("Tags");
        s.tags().forEach(tags::add);
        service.put("Address", s.address());
        service.put("Port", s.port());
        ObjectNode meta = service.putObject("Meta");
        s.meta().forEach(meta::put);
        service.put("EnableTagOverride", s.enableTagOverride());
        ArrayNode checks = entry.putArray("Checks");
        ObjectNode serf = checks.addObject();
        serf.put("Node", state.nodeName());
        serf.put("CheckID", "serfHealth");
        serf.put("Name", "Serf Health Status");
        serf.put("Status", "passing");
        serf.put("Output", "Agent alive and reachable");
        serf.put("ServiceID", "");
        serf.put("ServiceName", "");
        for (int i = 0; i < statuses.size(); i++) {
          ObjectNode check = checks.addObject();
          check.put("Node", state.nodeName());
          check.put("CheckID", "service:" + s.id() + (statuses.size() > 1 ? ":" + (i + 1) : ""));
          check.put("Name", "Service '" + s.name() + "' check");
          check.put("Status", statuses.get(i).status());
          check.put("Output", statuses.get(i).output());
          check.put("ServiceID", s.id());
          check.put("ServiceName", s.name());
          check.put("Type", s.checks().get(i).containsKey("HTTP") ? "http" : "");
        }
      }
      return new Result(index, index, Reply.json(200, array).withHeaders(filteredHeader(authz, hidden)));
    });
  }

  // ---------------------------------------------------------------- blocking queries

  /** One evaluation of a read: its index, what it watches (a change re-evaluates it), and the reply. */
  private record Result(long index, long watched, Reply reply) {}

  /** Query options shared by every read: consistency mode, {@code index} and {@code wait}. */
  private record Blocking(long minIndex, Duration maxWait) {
    static Blocking parse(ConsulRequest req) {
      if (req.has("stale") && req.has("consistent")) {
        throw new ConsulHttpError(400, "Cannot specify ?stale with ?consistent, conflicting semantics.");
      }
      Duration wait = Duration.ZERO;
      if (!req.param("wait").isEmpty()) {
        try {
          wait = GoDuration.parse(req.param("wait"));
        } catch (IllegalArgumentException e) {
          throw new ConsulHttpError(400, "Invalid wait time");
        }
      }
      long index = 0;
      if (!req.param("index").isEmpty()) {
        try {
          index = parseUint(req.param("index"));
        } catch (RpcError e) {
          throw new ConsulHttpError(400, "Invalid index");
        }
      }
      if (wait.compareTo(MAX_QUERY_TIME) > 0) {
        wait = MAX_QUERY_TIME;
      } else if (wait.compareTo(Duration.ZERO) <= 0) {
        wait = DEFAULT_QUERY_TIME;
      }
      return new Blocking(index, wait);
    }

    /**
     * Runs the query; with {@code index > 0} and no newer result, waits until what the query watches changes to
     * an index above the given one, or until {@code wait} plus up to {@code wait/16} jitter has passed.
     */
    Reply run(ConsulState state, Supplier<Result> query) {
      Result result;
      synchronized (state) {
        result = query.get();
        if (minIndex != 0 && Long.compareUnsigned(result.index, minIndex) <= 0) {
          long jitter = ThreadLocalRandom.current().nextLong(Math.max(1, maxWait.toNanos() / 16));
          long deadline = System.nanoTime() + maxWait.toNanos() + jitter;
          long watched = result.watched;
          try {
            while (System.nanoTime() < deadline && !state.isClosed()) {
              state.awaitChange(deadline);
              Result next = query.get();
              if (next.watched != watched && Long.compareUnsigned(next.index, minIndex) > 0) {
                break;
              }
              watched = next.watched;
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          result = query.get();
        }
      }
      Map<String, String> meta = new LinkedHashMap<>(result.reply.headers);
      meta.put("X-Consul-Index", Long.toUnsignedString(result.index));
      meta.put("X-Consul-KnownLeader", "true");
      meta.put("X-Consul-LastContact", "0");
      return new Reply(result.reply.status, meta, result.reply.body);
    }
  }

  // ---------------------------------------------------------------- replies

  private record Reply(int status, Map<String, String> headers, byte @Nullable [] body) {
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

    Reply withHeaders(Map<String, String> extra) {
      if (extra.isEmpty()) {
        return this;
      }
      Map<String, String> merged = new LinkedHashMap<>(headers);
      merged.putAll(extra);
      return new Reply(status, merged, body);
    }
  }
}
