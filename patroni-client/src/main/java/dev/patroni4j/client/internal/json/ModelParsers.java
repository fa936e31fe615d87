package dev.patroni4j.client.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patroni4j.client.PatroniParseException;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.client.model.HistoryEntry;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberState;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.client.model.ParameterChange;
import dev.patroni4j.client.model.PatroniVersion;
import dev.patroni4j.client.model.PostgresVersion;
import dev.patroni4j.client.model.ReplicationConnection;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.client.model.ScheduledRestart;
import dev.patroni4j.client.model.ScheduledSwitchover;
import dev.patroni4j.client.model.Timeline;
import java.math.BigInteger;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads Patroni's JSON documents (REST responses and DCS values) into the model. Lenient about
 * what may vary between versions (missing fields, unknown fields, unknown enum values, old and new
 * spellings), strict about what cannot be right (a timeline that is an object, an LSN that is not
 * one): those raise a {@link PatroniParseException} naming the JSON path.
 */
public final class ModelParsers {
  private ModelParsers() {}

  /** {@code GET /cluster}. */
  public static ClusterView clusterView(String text) {
    JsonObject root = JsonObject.of(JsonSource.read(text, "cluster view"), "$", "cluster view");
    List<Member> members = new ArrayList<>();
    List<JsonNode> nodes = root.array("members");
    for (int i = 0; i < nodes.size(); i++) {
      JsonObject m = JsonObject.of(nodes.get(i), "$.members[" + i + "]", "cluster view");
      members.add(clusterMember(m, JsonSource.text(nodes.get(i))));
    }
    String scope = root.string("scope");
    boolean paused = root.flag("pause");
    ScheduledSwitchover switchover = null;
    JsonObject s = root.object("scheduled_switchover");
    if (s != null) {
      OffsetDateTime at = s.dateTime("at");
      if (at == null) {
        throw s.error("at", "required field is missing");
      }
      switchover = new ScheduledSwitchover(at, s.string("from"), s.string("to"));
    }
    return new ClusterView(scope, members, paused, switchover, root.unknownFields(), text);
  }

  private static Member clusterMember(JsonObject m, String raw) {
    Member.Builder b =
        Member.builder(m.requiredString("name"), Role.of(m.requiredString("role")), MemberState.of(m.requiredString("state")))
            .apiUrl(m.string("api_url"))
            .host(m.string("host"))
            .port(m.intValue("port"))
            .timeline(m.timeline("timeline"))
            .lag(m.lag("lag"))
            .lsn(m.lsn("lsn"))
            .receiveLsn(m.lsn("receive_lsn"))
            .receiveLag(m.lag("receive_lag"))
            .replayLsn(m.lsn("replay_lsn"))
            .replayLag(m.lag("replay_lag"))
            .tags(m.tags("tags"))
            .pendingRestart(m.flag("pending_restart"))
            .pendingRestartReason(pendingRestartReason(m))
            .scheduledRestart(scheduledRestart(m));
    return b.unknownFields(m.unknownFields()).rawJson(raw).build();
  }

  /**
   * A member key of the DCS ({@code /<namespace>/<scope>/members/<name>}). The role and state are
   * the member's own ({@code master}/{@code primary}, PostgreSQL state); the caller turns them into
   * cluster roles from the leader and sync keys.
   */
  public static Member dcsMember(String name, String text) {
    JsonObject m = JsonObject.of(JsonSource.read(text, "member " + name), "$", "member " + name);
    String connUrl = m.string("conn_url");
    String host = null;
    Integer port = null;
    if (connUrl != null) {
      try {
        URI uri = URI.create(connUrl);
        host = uri.getHost();
        port = uri.getPort() < 0 ? null : uri.getPort();
      } catch (IllegalArgumentException e) {
        // Patroni itself leaves host and port out when conn_url cannot be parsed.
      }
    }
    String versionText = m.string("version");
    String replicationState = m.string("replication_state");
    return Member.builder(name, Role.of(m.requiredString("role")), MemberState.of(m.requiredString("state")))
        .apiUrl(m.string("api_url"))
        .connUrl(connUrl)
        .host(host)
        .port(port)
        .timeline(m.timeline("timeline"))
        .xlogLocation(m.lsn("xlog_location"))
        .receiveLsn(m.lsn("receive_lsn"))
        .replayLsn(m.lsn("replay_lsn"))
        .replicationState(replicationState == null ? null : MemberState.of(replicationState))
        .patroniVersion(versionText == null ? null : PatroniVersion.tryParse(versionText).orElse(null))
        .tags(m.tags("tags"))
        .pendingRestart(m.flag("pending_restart"))
        .pendingRestartReason(pendingRestartReason(m))
        .scheduledRestart(scheduledRestart(m))
        .paused(m.optionalBoolean("pause"))
        .unknownFields(m.unknownFields())
        .rawJson(text)
        .build();
  }

  /** {@code GET /patroni} and every health-check body. */
  public static MemberStatus memberStatus(String text) {
    JsonObject s = JsonObject.of(JsonSource.read(text, "member status"), "$", "member status");
    MemberStatus.Builder b =
        MemberStatus.builder(MemberState.of(s.requiredString("state")), Role.of(s.requiredString("role")));
    Integer serverVersion = s.intValue("server_version");
    if (serverVersion != null && serverVersion <= 0) {
      throw s.error("server_version", "server_version must be positive: " + serverVersion);
    }
    b.serverVersion(serverVersion == null ? null : PostgresVersion.of(serverVersion))
        .timeline(s.timeline("timeline"))
        .postmasterStartTime(s.dateTime("postmaster_start_time"));
    JsonObject xlog = s.object("xlog");
    if (xlog != null) {
      b.xlogLocation(xlog.lsn("location"))
          .receivedLocation(xlog.lsn("received_location"))
          .replayedLocation(xlog.lsn("replayed_location"))
          .replayedTimestamp(xlog.dateTime("replayed_timestamp"))
          .replayPaused(xlog.optionalBoolean("paused"));
    }
    List<ReplicationConnection> replication = new ArrayList<>();
    List<JsonNode> rows = s.array("replication");
    for (int i = 0; i < rows.size(); i++) {
      JsonObject r = JsonObject.of(rows.get(i), "$.replication[" + i + "]", "member status");
      Long priority = r.longValue("sync_priority");
      replication.add(
          new ReplicationConnection(
              r.string("usename"),
              nonNull(r.string("application_name")),
              r.string("client_addr"),
              nonNull(r.string("state")),
              nonNull(r.string("sync_state")),
              priority == null ? 0 : priority));
    }
    String replicationState = s.string("replication_state");
    b.replication(replication)
        .replicationState(replicationState == null ? null : MemberState.of(replicationState))
        .syncStandby(s.flag("sync_standby"))
        .quorumStandby(s.flag("quorum_standby"))
        .paused(s.flag("pause"))
        .clusterUnlocked(s.flag("cluster_unlocked"))
        .failsafeModeActive(s.flag("failsafe_mode_is_active"))
        .dcsLastSeen(s.epochSeconds("dcs_last_seen"))
        .tags(s.tags("tags"))
        .systemIdentifier(s.string("database_system_identifier"))
        .pendingRestart(s.flag("pending_restart"))
        .pendingRestartReason(pendingRestartReason(s))
        .scheduledRestart(scheduledRestart(s))
        .watchdogFailed(s.flag("watchdog_failed"));
    JsonObject patroni = s.object("patroni");
    if (patroni != null) {
      String version = patroni.string("version");
      b.patroniVersion(version == null ? null : PatroniVersion.tryParse(version).orElse(null))
          .scope(patroni.string("scope"))
          .name(patroni.string("name"));
    }
    return b.unknownFields(s.unknownFields()).rawJson(text).build();
  }

  /** {@code GET /config} and the {@code config} DCS key. */
  @SuppressWarnings("unchecked")
  public static DynamicConfig dynamicConfig(String text) {
    JsonNode root = JsonSource.read(text, "dynamic configuration");
    JsonObject.of(root, "$", "dynamic configuration");
    return new DynamicConfig((Map<String, Object>) nonNull(PlainJava.of(root)), text);
  }

  /** {@code GET /history} and the {@code history} DCS key: {@code [[tl, lsn, reason, ts?, leader?], ...]}. */
  public static List<HistoryEntry> history(String text) {
    JsonNode root = JsonSource.read(text, "history");
    if (!root.isArray()) {
      throw new PatroniParseException("history: expected an array at $ but found " + JsonObject.describe(root), "$", null);
    }
    List<HistoryEntry> out = new ArrayList<>(root.size());
    for (int i = 0; i < root.size(); i++) {
      String path = "$[" + i + "]";
      JsonNode e = root.get(i);
      if (!e.isArray() || e.size() < 3) {
        throw new PatroniParseException(
            "history: expected [timeline, lsn, reason, ...] at " + path + " but found " + JsonObject.describe(e), path, null);
      }
      Timeline tl = historyTimeline(e.get(0), path + "[0]");
      Lsn lsn = historyLsn(e.get(1), path + "[1]");
      String reason = e.get(2).isNull() ? "" : e.get(2).asText();
      OffsetDateTime ts = null;
      if (e.size() > 3 && !e.get(3).isNull()) {
        String t = e.get(3).asText();
        ts = PatroniTime.parse(t)
            .orElseThrow(() -> new PatroniParseException("history: not a timestamp at " + path + "[3]: \"" + JsonObject.abbreviate(t) + "\"", path + "[3]", null));
      }
      String leader = e.size() > 4 && !e.get(4).isNull() ? e.get(4).asText() : null;
      out.add(new HistoryEntry(tl, lsn, reason, ts, leader));
    }
    return out;
  }

  /** {@code GET /failsafe}: member name to REST URL. */
  public static Map<String, String> failsafe(String text) {
    JsonObject root = JsonObject.of(JsonSource.read(text, "failsafe"), "$", "failsafe");
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : root.fieldNames()) {
      String url = root.string(name);
      if (url != null) {
        out.put(name, url);
      }
    }
    return out;
  }

  private static Timeline historyTimeline(JsonNode n, String path) {
    if (n.isIntegralNumber() && n.canConvertToLong() && n.longValue() >= 1 && n.longValue() <= Timeline.MAX_ID) {
      return Timeline.of(n.longValue());
    }
    throw new PatroniParseException("history: expected a timeline at " + path + " but found " + JsonObject.describe(n), path, null);
  }

  private static Lsn historyLsn(JsonNode n, String path) {
    if (n.isIntegralNumber()) {
      BigInteger b = n.bigIntegerValue();
      if (b.signum() >= 0 && b.bitLength() <= 64) {
        return Lsn.of(b.longValue());
      }
    }
    if (n.isTextual() && Lsn.tryParse(n.asText()).isPresent()) {
      return Lsn.parse(n.asText());
    }
    throw new PatroniParseException("history: expected an LSN at " + path + " but found " + JsonObject.describe(n), path, null);
  }

  private static Map<String, ParameterChange> pendingRestartReason(JsonObject o) {
    JsonObject reasons = o.object("pending_restart_reason");
    if (reasons == null) {
      return Map.of();
    }
    Map<String, ParameterChange> out = new LinkedHashMap<>();
    for (String guc : reasons.fieldNames()) {
      JsonObject change = reasons.object(guc);
      if (change != null) {
        String oldValue = change.string("old_value");
        String newValue = change.string("new_value");
        out.put(guc, new ParameterChange(oldValue == null ? "" : oldValue, newValue == null ? "" : newValue));
      }
    }
    return out;
  }

  private static @Nullable ScheduledRestart scheduledRestart(JsonObject o) {
    JsonObject r = o.object("scheduled_restart");
    if (r == null) {
      return null;
    }
    OffsetDateTime schedule = r.dateTime("schedule");
    if (schedule == null) {
      throw r.error("schedule", "required field is missing");
    }
    String timeout = r.string("timeout");
    return new ScheduledRestart(
        schedule,
        r.dateTime("postmaster_start_time"),
        r.has("restart_pending") && r.flag("restart_pending"),
        r.string("role"),
        r.string("postgres_version"),
        timeout == null ? null : PatroniDurations.parseSeconds(timeout).orElse(null));
  }

  private static <T> T nonNull(@Nullable T value) {
    if (value == null) {
      throw new PatroniParseException("required value is missing", "$", null);
    }
    return value;
  }
}
