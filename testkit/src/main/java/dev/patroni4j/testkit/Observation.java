package dev.patroni4j.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What one look at a cluster showed: Patroni's {@code GET /cluster} (null when no node answered,
 * then {@code error} says why), the members the leader's {@code pg_stat_replication} shows
 * streaming, and the nodes the test kit runs.
 */
record Observation(@Nullable JsonNode cluster, String error, Set<String> streaming, List<PatroniNode> nodes) {
  static Optional<String> leaderOf(JsonNode cluster) {
    for (JsonNode m : cluster.path("members")) {
      String role = m.path("role").asText();
      String state = m.path("state").asText();
      // A standby cluster's leader is itself a standby: from 3.0.4 on Patroni reports it "streaming".
      boolean up = state.equals("running") || (role.equals("standby_leader") && state.equals("streaming"));
      if ((role.equals("leader") || role.equals("master") || role.equals("standby_leader")) && up) {
        return Optional.of(m.path("name").asText());
      }
    }
    return Optional.empty();
  }

  Optional<String> leader() {
    return cluster == null ? Optional.empty() : leaderOf(cluster);
  }

  Optional<JsonNode> member(String name) {
    if (cluster == null) {
      return Optional.empty();
    }
    for (JsonNode m : cluster.path("members")) {
      if (m.path("name").asText().equals(name)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  Set<String> memberNames() {
    Set<String> names = new TreeSet<>();
    if (cluster != null) {
      cluster.path("members").forEach(m -> names.add(m.path("name").asText()));
    }
    return names;
  }

  boolean paused() {
    return cluster != null && cluster.path("pause").asBoolean(false);
  }

  boolean healthy() {
    Optional<String> leader = leader();
    if (leader.isEmpty()) {
      return false;
    }
    long timeline = member(leader.get()).map(m -> m.path("timeline").asLong(-1)).orElse(-1L);
    for (PatroniNode n : nodes) {
      if (n.name().equals(leader.get()) || !n.isPatroniRunning()) {
        continue;
      }
      Optional<JsonNode> m = member(n.name());
      if (m.isEmpty() || !streaming.contains(n.name()) || m.get().path("timeline").asLong(-2) != timeline) {
        return false;
      }
      // The leader's WAL sender streams before the replica's Patroni notices: from 3.0.4 on Patroni reports
      // "streaming" itself, and a cluster is healthy only once its REST API says so too.
      if (reportsReplicationState(n.patroniVersion()) && !m.get().path("state").asText().equals("streaming")) {
        return false;
      }
    }
    return true;
  }

  /** Patroni 3.0.4 and later show a replica's replication state ({@code streaming}) instead of {@code running}. */
  static boolean reportsReplicationState(String patroniVersion) {
    String[] parts = patroniVersion.split("\\.", -1);
    try {
      int major = Integer.parseInt(parts[0]);
      int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
      int patch = parts.length > 2 ? Integer.parseInt(parts[2].replaceAll("\\D.*", "")) : 0;
      return major > 3 || (major == 3 && (minor > 0 || patch >= 4));
    } catch (NumberFormatException e) {
      return true; // a version we cannot read is a newer one than the test kit knows
    }
  }

  String summary() {
    if (cluster == null) {
      return error;
    }
    StringBuilder sb = new StringBuilder();
    for (JsonNode m : cluster.path("members")) {
      sb.append(m.path("name").asText()).append('=').append(m.path("role").asText()).append('/')
          .append(m.path("state").asText()).append("/tl").append(m.path("timeline").asText("?"));
      if (m.has("lag")) {
        sb.append("/lag").append(m.path("lag").asText());
      }
      sb.append(' ');
    }
    sb.append("streaming=").append(new TreeSet<>(streaming));
    if (paused()) {
      sb.append(" paused");
    }
    return sb.toString();
  }
}
