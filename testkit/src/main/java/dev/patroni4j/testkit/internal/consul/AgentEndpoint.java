package dev.patroni4j.testkit.internal.consul;

import static dev.patroni4j.testkit.internal.consul.ConsulDecoding.JSON;
import static dev.patroni4j.testkit.internal.consul.ConsulDecoding.caseInsensitiveObject;
import static dev.patroni4j.testkit.internal.consul.ConsulDecoding.goType;
import static dev.patroni4j.testkit.internal.consul.ConsulDecoding.normalize;
import static dev.patroni4j.testkit.internal.consul.ConsulDecoding.stringField;
import static dev.patroni4j.testkit.internal.consul.ConsulDecoding.stringList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patroni4j.testkit.internal.consul.ConsulAcl.Authorizer;
import dev.patroni4j.testkit.internal.consul.ConsulState.Service;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent and what it knows of services: {@code /v1/agent/self}, {@code /v1/status/}, service registration,
 * {@code /v1/agent/services}, {@code /v1/catalog/} and {@code /v1/health/service/}.
 */
final class AgentEndpoint {
  private static final String SERVER_ADDRESS = "127.0.0.1:8300";

  private final ConsulState state;
  private final ConsulAcl acl;
  private final String datacenter;
  private final String nodeId;

  AgentEndpoint(ConsulState state, ConsulAcl acl, String datacenter, String nodeId) {
    this.state = state;
    this.acl = acl;
    this.datacenter = datacenter;
    this.nodeId = nodeId;
  }

  /** {@code GET /v1/status/leader}: the one server's RPC address. */
  Reply statusLeader() {
    return Reply.json(200, JSON.getNodeFactory().textNode(SERVER_ADDRESS));
  }

  /** {@code GET /v1/status/peers}: the one server. */
  Reply statusPeers() {
    return Reply.json(200, JSON.createArrayNode().add(SERVER_ADDRESS));
  }
  Reply self(ConsulRequest req) {
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

  Reply register(ConsulRequest req) throws IOException {
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
  private static Map<String, Object> check(JsonNode node) {
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

  Reply deregister(ConsulRequest req, String id) {
    Authorizer authz = acl.resolve(req.token());
    Service existing = state.services().stream().filter(s -> s.id().equals(id)).findFirst()
        .orElseThrow(() -> new ConsulHttpError(404, "Unknown service ID \"" + id + "\""));
    authz.require("service", "write", existing.name());
    state.deregisterService(id);
    return new Reply(200, Map.of(), null);
  }

  Reply services(ConsulRequest req) {
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

  Reply catalogServices(ConsulRequest req) {
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
      return new Blocking.Result(index, index, Reply.json(200, root));
    });
  }

  Reply catalogService(ConsulRequest req, String name) {
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
      return new Blocking.Result(index, index, Reply.json(200, array).withHeaders(Reply.filteredHeader(authz, hidden)));
    });
  }

  /** {@code GET /v1/health/service/<name>[?passing][&tag=]}: instances with their node and check states. */
  Reply healthService(ConsulRequest req, String name) {
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
      return new Blocking.Result(index, index, Reply.json(200, array).withHeaders(Reply.filteredHeader(authz, hidden)));
    });
  }
}
