package dev.patroni4j.runbooks.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The planned switchover runs in a child JVM that is SIGKILLed at every step boundary and once right after the
 * switchover request was sent (before its outcome is journaled); each kill is followed by a resume with the same
 * journal. The end state must equal an uninterrupted run's, with the timeline advanced exactly once.
 */
class SwitchoverCrashResumeTest {
  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = LocalPatroniClusterExtension.of(LocalPatroniCluster.builder());

  @TempDir Path dir;

  @Test
  void killedAtEveryBoundaryAndAfterTheRequestResumesToTheSameEndWithOneTimelineAdvance() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    long before = RealCluster.timeline(cluster);
    int historyBefore = historyEntries(cluster);
    Path journal = dir.resolve("switchover.jsonl");
    List<String> killPoints = List.of("start:candidate", "end:candidate", "start:checkpoint", "start:switchover",
        "sent:switchover", "start:all-streaming", "end:all-streaming");

    List<String> reached = new ArrayList<>();
    for (String point : killPoints) {
      reached.add(runChild(cluster, journal, point));
    }
    String last = runChild(cluster, journal, "none");

    assertThat(reached).containsExactlyElementsOf(killPoints.stream().map(p -> "KILLPOINT " + p).toList());
    assertThat(last).isEqualTo("RESULT Succeeded acted=[]");
    assertThat(cluster.leader().name()).isEqualTo("pg2");
    assertThat(RealCluster.timeline(cluster)).as("timeline advanced exactly once").isEqualTo(before + 1);
    assertThat(historyEntries(cluster)).as("exactly one new history entry").isEqualTo(historyBefore + 1);
    assertThat(RealCluster.writablePrimaries(cluster)).containsExactly("pg2");
    cluster.awaitHealthy(java.time.Duration.ofSeconds(30));
  }

  private static int historyEntries(LocalPatroniCluster cluster) throws Exception {
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(cluster.patronictl("history", "-f", "json").stdout()).size();
  }

  /** Runs the child until it prints its kill point (then SIGKILLs it) or its result; returns that line. */
  private static String runChild(LocalPatroniCluster cluster, Path journal, String killPoint) throws Exception {
    String rest = cluster.nodes().stream().map(PatroniNode::restUrl).map(Object::toString)
        .collect(Collectors.joining(","));
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), SwitchoverChild.class.getName(), journal.toString(), killPoint,
        cluster.scope(), rest);
    pb.environment().put("P4J_PG_USER", cluster.superuser());
    pb.environment().put("P4J_PG_PASSWORD", cluster.superuserPassword());
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("KILLPOINT ")) {
          p.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no flushing, nothing journaled after this
          p.waitFor(10, TimeUnit.SECONDS);
          return line;
        }
        if (line.startsWith("RESULT ")) {
          p.waitFor(10, TimeUnit.SECONDS);
          return line;
        }
      }
    } finally {
      p.destroyForcibly();
    }
    throw new AssertionError("child exited with " + p.waitFor() + " before reaching " + killPoint);
  }
}
