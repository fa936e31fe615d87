package dev.patroni4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.runbooks.diagnosis.Diagnosis;
import dev.patroni4j.runbooks.diagnosis.Problem;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The README's diagnosis example, on a real cluster: clean when healthy, the paused cluster found with its remedy. */
class DiagnoseClusterTest {
  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER =
      LocalPatroniClusterExtension.of(LocalPatroniCluster.builder().members(2));

  private static String diagnose(Diagnosis[] result) {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    List<URI> members = cluster.nodes().stream().map(PatroniNode::restUrl).toList();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    result[0] = DiagnoseCluster.diagnose(cluster.etcdEndpoint(), cluster.namespace(), cluster.scope(), members,
        (member, host, port) -> DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres",
            cluster.superuser(), cluster.superuserPassword()),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aHealthyClusterPrintsNoFindings() {
    Diagnosis[] d = new Diagnosis[1];
    String table = diagnose(d);
    assertThat(d[0].isClean()).as(table).isTrue();
    assertThat(table).isEqualTo("SEVERITY  PROBLEM  MEMBER  WHAT IS WRONG  REMEDY\nno findings\n");
  }

  @Test
  void aPausedClusterIsPrintedWithItsEvidenceAndTheResumeRemedy() {
    PatroniClient client = PatroniClient.builder()
        .members(CLUSTER.cluster().nodes().stream().map(PatroniNode::restUrl).toList()).build();
    client.pause();
    try {
      client.waitUntil(Conditions.allOf(Conditions.clusterPaused(), Conditions.allMembersPaused()), Duration.ofSeconds(30));
      Diagnosis[] d = new Diagnosis[1];
      String table = diagnose(d);
      assertThat(d[0].find(Problem.CLUSTER_PAUSED)).as(table).isPresent();
      assertThat(table).contains("CLUSTER_PAUSED").contains("resume: turn maintenance mode off")
          .containsPattern("(?m)^    DCS .*/config: .* = true$");
      assertThat(table).doesNotContain(CLUSTER.cluster().superuserPassword());
    } finally {
      client.resume();
    }
  }
}
