package dev.patroni4j.client.dcs.spi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import dev.patroni4j.client.PatroniJson;
import dev.patroni4j.client.PatroniParseException;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberState;
import dev.patroni4j.client.model.Role;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
      if (path != null && path.startsWith(ClusterRef.LEASE_DIRECTORY)) {
        continue; // patroni4j's own leases (DcsClient.acquireLease): not Patroni's, but not garbage either
      }
      DcsKey key = path == null ? null : DcsKey.ofRelativePath(path).orElse(null);
      if (path == null || key == null) {
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

  /** Writes a document as Patroni does: compact JSON. */
  public static String toJson(Object value) {
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
      try {
        return new DcsConfig(PatroniJson.dynamicConfig(entry.value()), entry.version());
      } catch (PatroniParseException e) {
        problem(Objects.requireNonNullElse(e.getMessage(), e.toString()));
        return null;
      }
    }

    @Nullable DcsMember member(String name) {
      String value = entry.value();
      if (value.startsWith("postgres")) {
        return legacyMember(name, value);
      }
      try {
        return new DcsMember(PatroniJson.dcsMember(name, value), entry.version(), entry.owner());
      } catch (PatroniParseException e) {
        problem(Objects.requireNonNullElse(e.getMessage(), e.toString()));
        return null;
      }
    }

    /** Patroni before 1.0 wrote {@code postgres://user:pw@host:port/db?application_name=<api_url>}. */
    @Nullable DcsMember legacyMember(String name, String value) {
      try {
        URI url = new URI(value);
        URI connUrl = new URI(url.getScheme(), null, url.getHost(), url.getPort(), url.getPath(), null, null);
        String apiUrl = null;
        String query = url.getRawQuery() == null ? "" : url.getRawQuery();
        for (String pair : query.split("&", -1)) {
          if (pair.startsWith("application_name=")) {
            apiUrl = URLDecoder.decode(pair.substring("application_name=".length()), StandardCharsets.UTF_8);
          }
        }
        Member member = Member.builder(name, Role.of("unknown"), MemberState.of("unknown"))
            .connUrl(connUrl.toString())
            .host(connUrl.getHost())
            .port(connUrl.getPort() < 0 ? null : connUrl.getPort())
            .apiUrl(apiUrl)
            .build();
        return new DcsMember(member, entry.version(), entry.owner());
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
        for (String name : standby.asText().split(",", -1)) {
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
      try {
        return new DcsHistory(PatroniJson.history(entry.value()), entry.version());
      } catch (PatroniParseException e) {
        problem(Objects.requireNonNullElse(e.getMessage(), e.toString()));
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
        slotNode.properties().forEach(f -> {
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
      try {
        return new DcsFailsafe(PatroniJson.failsafe(entry.value()), entry.version());
      } catch (PatroniParseException e) {
        problem(Objects.requireNonNullElse(e.getMessage(), e.toString()));
        return null;
      }
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
