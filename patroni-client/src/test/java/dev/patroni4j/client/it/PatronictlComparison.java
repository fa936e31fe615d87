package dev.patroni4j.client.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Member;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders the client's view the way {@code patronictl list -f json} does, to compare the two. */
final class PatronictlComparison {
  private PatronictlComparison() {}

  /** One row per member: name, role, state, timeline and lag in MB, as patronictl prints them. */
  static List<String> rows(ClusterView view) {
    List<String> rows = new ArrayList<>();
    for (Member m : view.members()) {
      String lag = m.lag().knownBytes().isPresent() ? Long.toString(Math.round(m.lag().knownBytes().getAsLong() / 1048576.0)) : "";
      rows.add(String.join("|", m.name(), title(m.role().raw()), m.state().raw(),
          m.timeline() == null ? "" : m.timeline().toString(), lag));
    }
    return rows;
  }

  static List<String> rows(String patronictlJson) throws Exception {
    List<String> rows = new ArrayList<>();
    for (JsonNode n : new ObjectMapper().readTree(patronictlJson)) {
      rows.add(String.join("|", n.path("Member").asText(), n.path("Role").asText(), n.path("State").asText(),
          n.has("TL") ? n.get("TL").asText() : "", n.has("Lag in MB") ? n.get("Lag in MB").asText() : ""));
    }
    return rows;
  }

  private static String title(String role) {
    StringBuilder sb = new StringBuilder();
    for (String word : role.split("_")) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(word.substring(0, 1).toUpperCase(Locale.ROOT)).append(word.substring(1));
    }
    return sb.toString();
  }
}
