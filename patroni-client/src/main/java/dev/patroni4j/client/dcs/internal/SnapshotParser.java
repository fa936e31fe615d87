package dev.patroni4j.client.dcs.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsConfig;
import dev.patroni4j.client.dcs.DcsEntry;
import dev.patroni4j.client.dcs.DcsFailover;
import dev.patroni4j.client.dcs.DcsFailsafe;
import dev.patroni4j.client.dcs.DcsHistory;
import dev.patroni4j.client.dcs.DcsInitialize;
import dev.patroni4j.client.dcs.DcsKey;
import dev.patroni4j.client.dcs.DcsLeader;
import dev.patroni4j.client.dcs.DcsMember;
import dev.patroni4j.client.dcs.DcsProblem;
import dev.patroni4j.client.dcs.DcsStatus;
import dev.patroni4j.client.dcs.DcsSync;
import dev.patroni4j.client.model.HistoryEntry;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.MemberState;
import dev.patroni4j.client.model.PatroniVersion;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.client.model.ScheduledRestart;
import dev.patroni4j.client.model.Tags;
import dev.patroni4j.client.model.Timeline;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads Patroni's values (as {@code patroni/dcs/__init__.py} writes and reads them) into a {@link ClusterSnapshot}.
 * Lenient like Patroni: a value or a field that does not parse is reported as a {@link DcsProblem} and left out,
 * and the rest is read. Stateless and thread-safe.
 */
public final class SnapshotParser {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SnapshotParser() {}

  /** Builds the snapshot of {@code cluster} from every entry under its prefix. */
  public static ClusterSnapshot parse(ClusterRef cluster, long revision, Collection<DcsEntry> entries) {
    Reader reader = new Reader();
    DcsLeader leader = null;
    List<DcsMember> members = new ArrayList<>();
    DcsConfig config = null;
    DcsInitialize initialize = null;
    DcsFailover failover = null;
    DcsSync sync = null;
    DcsHistory history = null;
    DcsStatus status = null;
    DcsStatus legacyStatus = null;
    DcsFailsafe failsafe = null;
    for (DcsEntry entry : entries) {
      String path = relativePath(cluster, entry.key());
      DcsKey key = path == null ? null : DcsKey.ofRelativePath(path).orElse(null);
      if (key == null) {
        reader.problems.add(new DcsProblem(entry, DcsProblem.Kind.UNKNOWN_KEY, "not a key Patroni writes"));
        continue;
      }
      reader.entry = entry;
      switch (key) {
        case LEADER -> leader = reader.leader();
        case MEMBERS -> {
          DcsMember member = reader.member(path.substring(DcsKey.MEMBERS.path().length()));
          if (member != null) {
            members.add(member);
          }
        }
        case CONFIG -> config = reader.config();
        case INITIALIZE -> initialize = new DcsInitialize(entry.value(), entry.version());
        case FAILOVER -> failover = reader.failover();
        case SYNC -> sync = reader.sync();
        case HISTORY -> history = reader.history();
        case STATUS -> status = reader.status();
        case OPTIME_LEADER -> legacyStatus = reader.legacyOptime();
        case FAILSAFE -> failsafe = reader.failsafe();
      }
    }
    members.sort(Comparator.comparing(DcsMember::name));
    return new ClusterSnapshot(cluster, revision, leader, members, config, initialize, failover, sync, history,
        status != null ? status : legacyStatus, failsafe, reader.problems);
  }

  /** The key relative to the cluster's prefix (with or without the leading {@code /}), or null if outside it. */
  static @Nullable String relativePath(ClusterRef cluster, String key) {
    String prefix = cluster.keyPrefix();
    if (key.startsWith(prefix)) {
      return key.substring(prefix.length());
    }
    String bare = prefix.substring(1);
    return key.startsWith(bare) ? key.substring(bare.length()) : null;
  }

  /** Writes a configuration document as Patroni does: compact JSON. */
  public static String toJson(JsonNode value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Reads one entry at a time and collects what does not parse. */
  private static final class Reader {
    final List<DcsProblem> problems = new ArrayList<>();
    DcsEntry entry = new DcsEntry("", "", 0, null);

    void problem(String detail) {
      problems.add(new DcsProblem(entry, DcsProblem.Kind.UNPARSABLE, detail));
    }

    @Nullable JsonNode json() {
      try {
        JsonNode node = JSON.readTree(entry.value());
        if (node == null || node.isMissingNode()) {
          problem("empty value, expected JSON");
          return null;
        }
        return node;
      } catch (JsonProcessingException e) {
        problem("not JSON: " + e.getOriginalMessage());
        return null;
      }
    }

    @Nullable ObjectNode jsonObject() {
      JsonNode node = json();
      if (node != null && !node.isObject()) {
        problem("not a JSON object but " + node.getNodeType());
        return null;
      }
      return (ObjectNode) node;
    }

    @Nullable DcsLeader leader() {
      String name = entry.value().trim();
      if (name.isEmpty()) {
        problem("empty leader name");
        return null;
      }
      return new DcsLeader(name, entry.version(), entry.owner());
    }

    @Nullable DcsConfig config() {
      ObjectNode node = jsonObject();
      return node == null ? null : new DcsConfig(node, entry.version());
    }

    @Nullable DcsMember member(String name) {
      String value = entry.value();
      if (value.startsWith("postgres")) {
        return legacyMember(name, value);
      }
      ObjectNode node = jsonObject();
      if (node == null) {
        return null;
      }
      String role = text(node, "role");
      String state = text(node, "state");
      String version = text(node, "version");
      return new DcsMember(
          name,
          entry.version(),
          entry.owner(),
          uri(node, "conn_url"),
          uri(node, "api_url"),
          uri(node, "proxy_url"),
          role == null ? null : Role.of(role),
          state == null ? null : MemberState.of(state),
          version == null ? null : PatroniVersion.tryParse(version).orElse(null),
          lsn(node, "xlog_location"),
          lsn(node, "receive_lsn"),
          lsn(node, "replay_lsn"),
          text(node, "replication_state"),
          timeline(node, "timeline"),
          tags(node),
          bool(node, "pending_restart"),
          scheduledRestart(node),
          bool(node, "pause"),
          node.get("checkpoint_after_promote") == null ? null : bool(node, "checkpoint_after_promote"),
          node);
    }

    /** Patroni before 1.0 wrote {@code postgres://user:pw@host:port/db?application_name=<api_url>}. */
    @Nullable DcsMember legacyMember(String name, String value) {
      try {
        URI url = new URI(value);
        URI connUrl = new URI(url.getScheme(), null, url.getHost(), url.getPort(), url.getPath(), null, null);
        URI apiUrl = null;
        String query = url.getRawQuery() == null ? "" : url.getRawQuery();
        for (String pair : query.split("&")) {
          if (pair.startsWith("application_name=")) {
            apiUrl = new URI(URLDecoder.decode(pair.substring("application_name=".length()), StandardCharsets.UTF_8));
          }
        }
        return new DcsMember(name, entry.version(), entry.owner(), connUrl, apiUrl, null, null, null, null, null,
            null, null, null, null, Tags.empty(), false, null, false, null, JsonNodeFactory.instance.objectNode());
      } catch (URISyntaxException | IllegalArgumentException e) {
        problem("not a member URL (legacy format): " + e.getMessage());
        return null;
      }
    }

    @Nullable DcsFailover failover() {
      String value = entry.value().trim();
      if (value.isEmpty()) {
        return new DcsFailover(null, null, null, entry.version());
      }
      JsonNode node;
      try {
        node = JSON.readTree(value);
      } catch (JsonProcessingException e) {
        // Before JSON, Patroni wrote "leader:candidate".
        String[] parts = value.split(":", -1);
        String leader = parts[0].trim();
        String candidate = parts.length > 1 ? parts[1].trim() : "";
        return new DcsFailover(leader.isEmpty() ? null : leader, candidate.isEmpty() ? null : candidate, null,
            entry.version());
      }
      if (!node.isObject()) {
        problem("not a JSON object but " + node.getNodeType());
        return null;
      }
      return new DcsFailover(text(node, "leader"), text(node, "member"), time(node, "scheduled_at"),
          entry.version());
    }

    @Nullable DcsSync sync() {
      ObjectNode node = jsonObject();
      if (node == null) {
        return null;
      }
      List<String> standbys = new ArrayList<>();
      JsonNode standby = node.get("sync_standby");
      if (standby != null && standby.isTextual()) {
        for (String name : standby.asText().split(",")) {
          if (!name.isBlank()) {
            standbys.add(name.trim());
          }
        }
      } else if (standby != null && standby.isArray()) {
        standby.forEach(n -> standbys.add(n.asText()));
      } else if (standby != null && !standby.isNull()) {
        problem("field sync_standby: not a string but " + standby.getNodeType());
      }
      JsonNode quorum = node.get("quorum");
      Integer quorumSize = null;
      if (quorum != null && quorum.canConvertToInt() && quorum.isIntegralNumber()) {
        quorumSize = quorum.intValue();
      } else if (quorum != null && !quorum.isNull()) {
        problem("field quorum: not an integer");
      }
      return new DcsSync(text(node, "leader"), standbys, quorumSize, entry.version());
    }

    @Nullable DcsHistory history() {
      JsonNode node = json();
      if (node == null) {
        return null;
      }
      if (!node.isArray()) {
        problem("not a JSON array but " + node.getNodeType());
        return null;
      }
      List<HistoryEntry> lines = new ArrayList<>();
      int index = 0;
      for (JsonNode line : node) {
        HistoryEntry parsed = historyLine(line);
        if (parsed == null) {
          problem("line " + index + ": not [timeline, lsn, reason, timestamp?, new_leader?]");
        } else {
          lines.add(parsed);
        }
        index++;
      }
      return new DcsHistory(lines, entry.version());
    }

    @Nullable HistoryEntry historyLine(JsonNode line) {
      if (!line.isArray() || line.size() < 2 || !line.get(0).canConvertToLong() || !line.get(1).canConvertToLong()
          || !line.get(0).isIntegralNumber() || !line.get(1).isIntegralNumber()) {
        return null;
      }
      try {
        String reason = line.size() > 2 && line.get(2).isTextual() ? line.get(2).asText() : "";
        OffsetDateTime at = line.size() > 3 && line.get(3).isTextual() ? parseTime(line.get(3).asText()) : null;
        String newLeader = line.size() > 4 && line.get(4).isTextual() ? line.get(4).asText() : null;
        return new HistoryEntry(Timeline.of(line.get(0).longValue()), Lsn.of(line.get(1).longValue()), reason, at,
            newLeader);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }

    @Nullable DcsStatus status() {
      JsonNode node = json();
      if (node == null) {
        return null;
      }
      if (node.isIntegralNumber()) {
        return new DcsStatus(Lsn.of(node.longValue()), Map.of(), List.of(), entry.version(), false);
      }
      if (!node.isObject()) {
        problem("not a JSON object but " + node.getNodeType());
        return null;
      }
      Lsn optime = lsn(node, "optime");
      Map<String, Lsn> slots = new LinkedHashMap<>();
      JsonNode slotNode = node.get("slots");
      if (slotNode != null && slotNode.isObject()) {
        slotNode.fields().forEachRemaining(f -> {
          if (f.getValue().isIntegralNumber() && f.getValue().canConvertToLong() && f.getValue().longValue() >= 0) {
            slots.put(f.getKey(), Lsn.of(f.getValue().longValue()));
          } else {
            problem("field slots." + f.getKey() + ": not an LSN");
          }
        });
      }
      List<String> retain = new ArrayList<>();
      JsonNode retainNode = node.get("retain_slots");
      if (retainNode != null && retainNode.isArray()) {
        retainNode.forEach(n -> retain.add(n.asText()));
      }
      return new DcsStatus(optime == null ? Lsn.ZERO : optime, slots, retain, entry.version(), false);
    }

    @Nullable DcsStatus legacyOptime() {
      try {
        long value = Long.parseLong(entry.value().trim());
        return new DcsStatus(Lsn.of(value), Map.of(), List.of(), entry.version(), true);
      } catch (IllegalArgumentException e) {
        problem("not a decimal LSN");
        return null;
      }
    }

    @Nullable DcsFailsafe failsafe() {
      ObjectNode node = jsonObject();
      if (node == null) {
        return null;
      }
      Map<String, String> members = new LinkedHashMap<>();
      node.fields().forEachRemaining(f -> members.put(f.getKey(), f.getValue().asText()));
      return new DcsFailsafe(members, entry.version());
    }

    @Nullable String text(JsonNode node, String field) {
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        return null;
      }
      if (!value.isValueNode()) {
        problem("field " + field + ": not a string but " + value.getNodeType());
        return null;
      }
      return value.asText();
    }

    boolean bool(JsonNode node, String field) {
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        return false;
      }
      if (!value.isBoolean()) {
        problem("field " + field + ": not a boolean but " + value.getNodeType());
        return false;
      }
      return value.booleanValue();
    }

    @Nullable URI uri(JsonNode node, String field) {
      String text = text(node, field);
      if (text == null) {
        return null;
      }
      try {
        return new URI(text);
      } catch (URISyntaxException e) {
        problem("field " + field + ": not a URL: " + e.getMessage());
        return null;
      }
    }

    @Nullable Lsn lsn(JsonNode node, String field) {
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        return null;
      }
      if (value.isIntegralNumber() && value.canConvertToLong() && value.longValue() >= 0) {
        return Lsn.of(value.longValue());
      }
      problem("field " + field + ": not an LSN (non-negative integer): " + value);
      return null;
    }

    @Nullable Timeline timeline(JsonNode node, String field) {
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        return null;
      }
      try {
        if (value.isIntegralNumber() && value.canConvertToLong()) {
          return Timeline.of(value.longValue());
        }
      } catch (IllegalArgumentException e) {
        // reported below
      }
      problem("field " + field + ": not a timeline: " + value);
      return null;
    }

    Tags tags(JsonNode node) {
      JsonNode value = node.get("tags");
      if (value == null || value.isNull()) {
        return Tags.empty();
      }
      if (!value.isObject()) {
        problem("field tags: not a JSON object but " + value.getNodeType());
        return Tags.empty();
      }
      return Tags.of(JSON.convertValue(value, new TypeReference<Map<String, Object>>() {}));
    }

    @Nullable ScheduledRestart scheduledRestart(JsonNode node) {
      JsonNode value = node.get("scheduled_restart");
      if (value == null || value.isNull()) {
        return null;
      }
      OffsetDateTime schedule = value.isObject() ? time(value, "schedule") : null;
      if (schedule == null) {
        problem("field scheduled_restart: no valid schedule");
        return null;
      }
      JsonNode postmaster = value.get("postmaster_start_time");
      JsonNode timeout = value.get("timeout");
      return new ScheduledRestart(
          schedule,
          postmaster != null && postmaster.isTextual() ? parseTime(postmaster.asText()) : null,
          value.path("restart_pending").asBoolean(false),
          value.hasNonNull("role") ? value.get("role").asText() : null,
          value.hasNonNull("postgres_version") ? value.get("postgres_version").asText() : null,
          timeout != null && timeout.isNumber() ? Duration.ofMillis((long) (timeout.doubleValue() * 1000)) : null);
    }

    @Nullable OffsetDateTime time(JsonNode node, String field) {
      String text = text(node, field);
      if (text == null) {
        return null;
      }
      OffsetDateTime parsed = parseTime(text);
      if (parsed == null) {
        problem("field " + field + ": not an ISO-8601 time with offset: " + text);
      }
      return parsed;
    }
  }

  /** Parses Patroni's timestamps ({@code datetime.isoformat()}, with an offset); null if they are not that. */
  static @Nullable OffsetDateTime parseTime(String text) {
    try {
      return OffsetDateTime.parse(text.trim().replace(' ', 'T'));
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
