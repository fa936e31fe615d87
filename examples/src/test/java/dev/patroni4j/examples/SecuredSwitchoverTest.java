package dev.patroni4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import dev.patroni4j.testkit.TlsFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The README's runbook switches over a cluster that needs TLS, a client certificate and basic auth. */
class SecuredSwitchoverTest {
  private static final String REST_PASSWORD = "readme-Pw-51c2";

  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = LocalPatroniClusterExtension.of(
      LocalPatroniCluster.builder().members(2).restTls(true).restBasicAuth("patroni", REST_PASSWORD));

  @TempDir Path dir;

  @Test
  void theReadmeRunbookSwitchesOverASecuredClusterAndPrintsItsProgress() {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    TlsFiles tls = cluster.tls().orElseThrow();
    PrintStream console = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    RunbookResult result;
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      result = SecuredSwitchover.run(cluster.nodes().stream().map(PatroniNode::restUrl).toList(),
          tls.caCert(), tls.clientCert(), tls.clientKey(), "patroni", REST_PASSWORD, cluster.scope(),
          cluster.superuser(), cluster.superuserPassword(), dir.resolve("switchover.jsonl"));
    } finally {
      System.setOut(console);
    }

    assertThat(result.succeeded()).as("%s", result).isTrue();
    assertThat(cluster.leader().name()).isEqualTo("pg2");
    String progress = printed.toString(StandardCharsets.UTF_8);
    console.print(progress);
    assertThat(progress).contains("running ", "switchover", "succeeded after ")
        .doesNotContain(REST_PASSWORD, cluster.superuserPassword());
  }
}
