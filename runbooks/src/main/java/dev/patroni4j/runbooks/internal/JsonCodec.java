package dev.patroni4j.runbooks.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patroni4j.runbooks.ClusterIdentity;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.Impact;
import dev.patroni4j.runbooks.JournalEntry;
import dev.patroni4j.runbooks.Plan;
import dev.patroni4j.runbooks.PlanFormatException;
import dev.patroni4j.runbooks.PlannedStep;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** JSON for plans and journal entries, written explicitly so the stored format does not follow refactorings. */
public final class JsonCodec {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int FORMAT = 2;

  private JsonCodec() {}

  public static String planToJson(Plan plan) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("id", plan.id());
    root.put("runbook", plan.runbook());
    root.put("createdAt", plan.createdAt().toString());
    root.set("cluster", identity(plan.cluster()));
    root.set("bindings", facts(plan.bindings()));
    ArrayNode steps = root.putArray("steps");
    for (PlannedStep s : plan.steps()) {
      ObjectNode n = steps.addObject();
      n.put("stepId", s.stepId());
      n.put("impact", s.impact().name());
      n.put("decision", s.decision().name());
      n.put("reason", s.reason());
      n.set("facts", facts(s.facts()));
    }
    if (plan.approvedBy() != null) {
      root.put("approvedBy", plan.approvedBy());
    }
    return write(root);
  }

  public static Plan planFromJson(String json) {
    JsonNode root = read(json, "plan");
    int format = requireInt(root, "format", "plan");
    if (format != FORMAT) {
      throw new PlanFormatException("plan format " + format + " is not supported (expected " + FORMAT + ")");
    }
    Facts bindings = facts(requireObject(root, "bindings", "plan"), "plan.bindings");
    List<PlannedStep> steps = new ArrayList<>();
    JsonNode arr = root.get("steps");
    if (arr == null || !arr.isArray()) {
      throw new PlanFormatException("plan.steps must be an array");
    }
    int i = 0;
    for (JsonNode n : arr) {
      String where = "plan.steps[" + i++ + "]";
      Impact impact;
      try {
        impact = Impact.valueOf(requireText(n, "impact", where));
      } catch (IllegalArgumentException e) {
        throw new PlanFormatException(where + ".impact is not one of NONE, CHANGE, DISRUPTIVE, DESTRUCTIVE");
      }
      Decision.Kind decision;
      try {
        decision = Decision.Kind.valueOf(requireText(n, "decision", where));
      } catch (IllegalArgumentException e) {
        throw new PlanFormatException(where + ".decision is not one of SATISFIED, NEEDS_ACTION, BLOCKED, UNOBSERVABLE");
      }
      steps.add(new PlannedStep(requireText(n, "stepId", where), impact, decision,
          requireText(n, "reason", where), facts(n.get("facts"), where + ".facts")));
    }
    JsonNode approved = root.get("approvedBy");
    return new Plan(requireText(root, "id", "plan"), requireText(root, "runbook", "plan"),
        instant(requireText(root, "createdAt", "plan"), "plan.createdAt"),
        identity(requireObject(root, "cluster", "plan"), "plan.cluster"), bindings, steps,
        approved == null || approved.isNull() ? null : approved.asText());
  }

  public static String entryToJson(JournalEntry e) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("runId", e.runId());
    n.put("seq", e.seq());
    n.put("at", e.at().toString());
    n.put("stepId", e.stepId());
    n.put("kind", e.kind().name());
    n.put("reason", e.reason());
    n.set("facts", facts(e.facts()));
    if (e.payload() != null) {
      n.put("payload", e.payload());
    }
    return write(n);
  }

  public static JournalEntry entryFromJson(String json) {
    JsonNode n = read(json, "journal entry");
    JournalEntry.Kind kind;
    try {
      kind = JournalEntry.Kind.valueOf(requireText(n, "kind", "journal entry"));
    } catch (IllegalArgumentException e) {
      throw new PlanFormatException("journal entry kind is unknown: " + n.get("kind"));
    }
    JsonNode seq = n.get("seq");
    if (seq == null || !seq.canConvertToLong()) {
      throw new PlanFormatException("journal entry.seq must be an integer");
    }
    JsonNode payload = n.get("payload");
    return new JournalEntry(requireText(n, "runId", "journal entry"), seq.asLong(),
        instant(requireText(n, "at", "journal entry"), "journal entry.at"), requireText(n, "stepId", "journal entry"),
        kind, requireText(n, "reason", "journal entry"), facts(n.get("facts"), "journal entry.facts"),
        payload == null || payload.isNull() ? null : payload.asText());
  }

  /** Facts as a compact JSON object, for storage in a JSON column. */
  public static String factsToJson(Facts facts) {
    return write(facts(facts));
  }

  public static Facts factsFromJson(String json) {
    return facts(read(json, "facts"), "facts");
  }

  private static ObjectNode identity(ClusterIdentity c) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("scope", c.scope());
    n.put("systemIdentifier", c.systemIdentifier());
    if (c.leader() != null) {
      n.put("leader", c.leader());
    }
    n.put("timeline", c.timeline());
    ArrayNode m = n.putArray("members");
    c.members().forEach(m::add);
    return n;
  }

  private static ClusterIdentity identity(JsonNode n, String where) {
    JsonNode leader = n.get("leader");
    JsonNode tl = n.get("timeline");
    if (tl == null || !tl.canConvertToLong()) {
      throw new PlanFormatException(where + ".timeline must be an integer");
    }
    List<String> members = new ArrayList<>();
    JsonNode m = n.get("members");
    if (m == null || !m.isArray()) {
      throw new PlanFormatException(where + ".members must be an array");
    }
    m.forEach(x -> members.add(x.asText()));
    return new ClusterIdentity(requireText(n, "scope", where), requireText(n, "systemIdentifier", where),
        leader == null || leader.isNull() ? null : leader.asText(), tl.asLong(), members);
  }

  private static ObjectNode facts(Facts facts) {
    return (ObjectNode) plainToJson(facts.toPlain());
  }

  private static JsonNode plainToJson(Object plain) {
    if (plain instanceof String s) {
      return MAPPER.getNodeFactory().textNode(s);
    }
    if (plain instanceof Long l) {
      return MAPPER.getNodeFactory().numberNode(l);
    }
    if (plain instanceof Boolean b) {
      return MAPPER.getNodeFactory().booleanNode(b);
    }
    if (plain instanceof List<?> list) {
      ArrayNode a = MAPPER.createArrayNode();
      list.forEach(e -> a.add(plainToJson(e)));
      return a;
    }
    ObjectNode o = MAPPER.createObjectNode();
    new TreeMap<>((Map<?, ?>) plain).forEach((k, v) -> o.set(String.valueOf(k), plainToJson(v)));
    return o;
  }

  private static Facts facts(@org.jspecify.annotations.Nullable JsonNode n, String where) {
    if (n == null || n.isNull()) {
      return Facts.of();
    }
    if (!n.isObject()) {
      throw new PlanFormatException(where + " must be an object");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    n.properties().forEach(e -> out.put(e.getKey(), jsonToPlain(e.getValue(), where + "." + e.getKey())));
    return Facts.fromPlain(out);
  }

  private static Object jsonToPlain(JsonNode n, String where) {
    if (n.isTextual()) {
      return n.asText();
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    if (n.isIntegralNumber() && n.canConvertToLong()) {
      return n.asLong();
    }
    if (n.isArray()) {
      List<Object> out = new ArrayList<>();
      int i = 0;
      for (JsonNode e : n) {
        out.add(jsonToPlain(e, where + "[" + i++ + "]"));
      }
      return out;
    }
    if (n.isObject()) {
      Map<String, Object> out = new LinkedHashMap<>();
      n.properties().forEach(e -> out.put(e.getKey(), jsonToPlain(e.getValue(), where + "." + e.getKey())));
      return out;
    }
    throw new PlanFormatException(where + " must be a string, an integer, a boolean, an array or an object, not "
        + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
  }

  private static JsonNode read(String json, String what) {
    try {
      JsonNode n = MAPPER.readTree(json);
      if (n == null || !n.isObject()) {
        throw new PlanFormatException(what + " JSON must be an object");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new PlanFormatException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static String write(JsonNode n) {
    try {
      return MAPPER.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise JSON", e);
    }
  }

  private static String requireText(JsonNode n, String field, String where) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new PlanFormatException(where + "." + field + " must be a string");
    }
    return v.asText();
  }

  private static int requireInt(JsonNode n, String field, String where) {
    JsonNode v = n.get(field);
    if (v == null || !v.canConvertToInt()) {
      throw new PlanFormatException(where + "." + field + " must be an integer");
    }
    return v.asInt();
  }

  private static JsonNode requireObject(JsonNode n, String field, String where) {
    JsonNode v = n.get(field);
    if (v == null || !v.isObject()) {
      throw new PlanFormatException(where + "." + field + " must be an object");
    }
    return v;
  }

  private static Instant instant(String text, String where) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new PlanFormatException(where + " is not an ISO-8601 instant: " + text, e);
    }
  }
}
