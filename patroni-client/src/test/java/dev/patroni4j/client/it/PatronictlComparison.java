package dev.patroni4j.client.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Lag;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Member;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Renders the client's view the way {@code patronictl list -f json} does, to compare the two. */
final class PatronictlComparison {
  private PatronictlComparison() {}

  /**
   * One row per member: name, role, state, timeline and lag in MB, as patronictl prints them; from
   * 4.1 on patronictl shows receive and replay positions and lags instead of one lag.
   */
  static List<String> rows(ClusterView view) {
    List<String> rows = new ArrayList<>();
    for (Member m : view.members()) {
      List<String> row = new ArrayList<>(List.of(m.name(), title(m.role().raw()), m.state().raw(),
          m.timeline() == null ? "" : m.timeline().toString()));
      if (m.receiveLsn() != null || m.replayLsn() != null) {
        row.addAll(List.of(lsn(m.receiveLsn()), megabytes(m.receiveLag()), lsn(m.replayLsn()), megabytes(m.replayLag())));
      } else {
        row.add(megabytes(m.lag()));
      }
      rows.add(String.join("|", row));
    }
    return rows;
  }

  static List<String> rows(String patronictlJson) throws Exception {
    List<String> rows = new ArrayList<>();
    for (JsonNode n : new ObjectMapper().readTree(patronictlJson)) {
      List<String> row = new ArrayList<>(List.of(n.path("Member").asText(), n.path("Role").asText(), n.path("State").asText(),
          text(n, "TL")));
      if (n.has("Receive LSN") || n.has("Replay LSN")) {
        row.addAll(List.of(text(n, "Receive LSN"), text(n, "Receive Lag"), text(n, "Replay LSN"), text(n, "Replay Lag")));
      } else {
        row.add(text(n, "Lag in MB"));
      }
      rows.add(String.join("|", row));
    }
    return rows;
  }

  private static String text(JsonNode n, String field) {
    return n.has(field) ? n.get(field).asText() : "";
  }

  private static String lsn(@Nullable Lsn lsn) {
    return lsn == null ? "" : lsn.toString();
  }

  private static String megabytes(Lag lag) {
    return lag.knownBytes().isPresent() ? Long.toString(Math.round(lag.knownBytes().getAsLong() / 1048576.0)) : "";
  }

  private static String title(String role) {
    StringBuilder sb = new StringBuilder();
    for (String word : role.split("_", -1)) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(word.substring(0, 1).toUpperCase(Locale.ROOT)).append(word.substring(1));
    }
    return sb.toString();
  }
}
