package dev.patroni4j.testkit.internal.consul;

import static dev.patroni4j.testkit.internal.consul.ConsulDecoding.JSON;
import static dev.patroni4j.testkit.internal.consul.ConsulDecoding.caseInsensitiveObject;
import static dev.patroni4j.testkit.internal.consul.ConsulDecoding.goType;
import static dev.patroni4j.testkit.internal.consul.ConsulDecoding.stringField;
import static dev.patroni4j.testkit.internal.consul.ConsulDecoding.stringList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patroni4j.testkit.internal.consul.ConsulAcl.Authorizer;
import dev.patroni4j.testkit.internal.consul.ConsulState.Session;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** {@code /v1/session/}: create, destroy, renew, and the blocking reads info, node and list. */
final class SessionEndpoint {
  private static final String SERF_HEALTH = "serfHealth";

  private final ConsulState state;
  private final ConsulAcl acl;

  SessionEndpoint(ConsulState state, ConsulAcl acl) {
    this.state = state;
    this.acl = acl;
  }

  Reply create(ConsulRequest req) throws IOException {
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
  Reply destroy(ConsulRequest req, String id) {
    if (id.isEmpty()) {
      throw new ConsulHttpError(400, "Missing session");
    }
    acl.resolve(req.token()).require("session", "write", state.nodeName());
    return Reply.json(200, JSON.getNodeFactory().booleanNode(state.destroy(id)));
  }

  Reply renew(ConsulRequest req, String id) {
    if (id.isEmpty()) {
      throw new ConsulHttpError(400, "Missing session");
    }
    acl.resolve(req.token()).require("session", "write", state.nodeName());
    Session renewed = state.renew(id)
        .orElseThrow(() -> new ConsulHttpError(404, "Session id '" + id + "' not found"));
    return Reply.json(200, JSON.createArrayNode().add(sessionJson(renewed)));
  }

  Reply query(ConsulRequest req, Predicate<Session> filter) {
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
      return new Blocking.Result(index, index, Reply.json(200, array).withHeaders(Reply.filteredHeader(authz, hidden)));
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
}
