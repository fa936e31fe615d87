package dev.patroni4j.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patroni4j.client.Sleeper;
import dev.patroni4j.testkit.CommandResult;
import dev.patroni4j.testkit.LocalPatroniCluster;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The benchmarks' baseline: {@code patronictl switchover --force}, done when {@code patronictl list} shows another
 * leader and every member running on one timeline without lag (what the runbook's last step waits for).
 */
final class PatronictlSwitchover {
  private static final Sleeper SLEEPER = Sleeper.system();
  private static final ObjectMapper JSON = new ObjectMapper();

  private PatronictlSwitchover() {}

  static void run(LocalPatroniCluster cluster) throws Exception {
    String leader = leaderOf(list(cluster));
    CommandResult r = cluster.patronictl("switchover", "--leader", leader, "--force");
    if (r.exitCode() != 0) {
      throw new IllegalStateException("patronictl switchover failed: " + r.stderr() + r.stdout());
    }
    while (true) {
      JsonNode members = list(cluster);
      String now = leaderOf(members);
      if (!now.isEmpty() && !now.equals(leader) && allStreamingOnOneTimeline(members)) {
        return;
      }
      SLEEPER.sleep(Duration.ofMillis(200));
    }
  }

  private static JsonNode list(LocalPatroniCluster cluster) throws Exception {
    return JSON.readTree(cluster.patronictl("list", "-f", "json").stdout());
  }

  private static String leaderOf(JsonNode members) {
    for (JsonNode m : members) {
      if ("Leader".equals(m.path("Role").asText())) {
        return m.path("Member").asText();
      }
    }
    return "";
  }

  private static boolean allStreamingOnOneTimeline(JsonNode members) {
    Set<Long> timelines = new HashSet<>();
    for (JsonNode m : members) {
      String state = m.path("State").asText();
      if (!state.equals("running") && !state.equals("streaming")) {
        return false;
      }
      if (!"Leader".equals(m.path("Role").asText()) && m.path("Lag in MB").asLong(-1) != 0) {
        return false;
      }
      timelines.add(m.path("TL").asLong(-1));
    }
    return timelines.size() == 1 && members.size() == 3;
  }
}
