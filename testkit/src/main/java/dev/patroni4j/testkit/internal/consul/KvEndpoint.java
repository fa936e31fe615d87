package dev.patroni4j.testkit.internal.consul;

import static dev.patroni4j.testkit.internal.consul.ConsulDecoding.JSON;
import static dev.patroni4j.testkit.internal.consul.ConsulDecoding.caseInsensitiveObject;
import static dev.patroni4j.testkit.internal.consul.ConsulDecoding.conflictingFlags;
import static dev.patroni4j.testkit.internal.consul.ConsulDecoding.goType;
import static dev.patroni4j.testkit.internal.consul.ConsulDecoding.parseUint;
import static dev.patroni4j.testkit.internal.consul.ConsulDecoding.stringField;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patroni4j.testkit.internal.consul.ConsulAcl.Authorizer;
import dev.patroni4j.testkit.internal.consul.ConsulState.KvEntry;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** {@code /v1/kv/} and {@code /v1/txn}: the key/value store, with locks held by sessions and KV transactions. */
final class KvEndpoint {
  /** Agent {@code kv_max_value_size} default. */
  static final long KV_MAX_VALUE_SIZE = 512 * 1024;

  /** Consul's transaction size limit (operations per request). */
  static final int MAX_TXN_OPS = 64;

  private final ConsulState state;
  private final ConsulAcl acl;

  KvEndpoint(ConsulState state, ConsulAcl acl) {
    this.state = state;
    this.acl = acl;
  }

  /** {@code /v1/kv/<key>}: GET (one key, {@code ?recurse}, {@code ?keys}), PUT and DELETE. */
  Reply handle(ConsulRequest req, String key) throws IOException {
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
        return new Blocking.Result(index, state.keyVersion(key), new Reply(404, Map.of(), null));
      }
      if (req.has("raw")) {
        byte[] raw = entry.value() == null ? new byte[0] : entry.value();
        return new Blocking.Result(index, entry.modifyIndex(), new Reply(200, Map.of("Content-Type", "text/plain",
            "X-Content-Type-Options", "nosniff", "Content-Security-Policy", "sandbox"), raw));
      }
      return new Blocking.Result(index, entry.modifyIndex(),
          Reply.json(200, JSON.createArrayNode().add(kvJson(entry))));
    });
  }

  private Reply kvList(ConsulRequest req, String prefix) {
    Blocking blocking = Blocking.parse(req);
    Authorizer authz = acl.resolve(req.token());
    return blocking.run(state, () -> {
      long index = state.prefixIndex(prefix);
      List<KvEntry> entries = authz.allowed() ? state.list(prefix) : List.of();
      Map<String, String> filtered = Reply.filteredHeader(authz, !state.list(prefix).isEmpty());
      if (entries.isEmpty()) {
        return new Blocking.Result(index, index, new Reply(404, filtered, null));
      }
      ArrayNode array = JSON.createArrayNode();
      entries.forEach(e -> array.add(kvJson(e)));
      return new Blocking.Result(index, index, Reply.json(200, array).withHeaders(filtered));
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
      Map<String, String> filtered = Reply.filteredHeader(authz, !state.list(prefix).isEmpty());
      if (keys.isEmpty() && !prefix.isEmpty()) {
        return new Blocking.Result(index, index, new Reply(404, filtered, null));
      }
      ArrayNode array = JSON.createArrayNode();
      keys.forEach(array::add);
      return new Blocking.Result(index, index, Reply.json(200, array).withHeaders(filtered));
    });
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
  /** {@code PUT /v1/txn} with KV operations: 200 with the results, or 409 with the errors and nothing applied. */
  Reply txn(ConsulRequest req) throws IOException {
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
}
