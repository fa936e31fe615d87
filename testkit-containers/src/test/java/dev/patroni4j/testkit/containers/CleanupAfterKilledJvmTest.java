package dev.patroni4j.testkit.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.testkit.containers.internal.Resources;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

class CleanupAfterKilledJvmTest {

  @Test
  void whatAJvmKilledWithSigkillLeftBehindIsRemovedByTheSweepAndNothingElse() throws Exception {
    Resources resources = new Resources(DockerClientFactory.instance().client());
    try (PatroniContainerCluster alive = PatroniContainerCluster.builder(TestImages.image()).members(1).start()) {
      String scope = startAndKillChildJvm();

      Resources.Inventory left = resources.ofCluster(scope);
      // the child's etcd and member containers, the member's volume and the network outlived it
      assertThat(left.containers()).hasSize(2);
      assertThat(left.volumes()).hasSize(1);
      assertThat(left.networks()).hasSize(1);

      int removed = PatroniContainerCluster.sweepDeadOwners();

      assertThat(removed).isGreaterThanOrEqualTo(left.size());
      assertThat(resources.ofCluster(scope).isEmpty()).as("left by the killed JVM: %s", resources.ofCluster(scope)).isTrue();
      // a cluster of a JVM that still runs is not the sweep's to take
      assertThat(resources.ofCluster(alive.scope()).size()).isEqualTo(left.size());
      assertThat(alive.leader().name()).isEqualTo("pg1");
    }
  }

  /** Starts {@link OrphanedClusterMain} in a new JVM, SIGKILLs it once its cluster runs, returns the cluster's scope. */
  private static String startAndKillChildJvm() throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        OrphanedClusterMain.class.getName(), TestImages.image()).redirectErrorStream(true);
    Process child = builder.start();
    List<String> output = new ArrayList<>();
    String scope = null;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        output.add(line);
        if (line.startsWith("READY ")) {
          scope = line.substring("READY ".length());
          break;
        }
      }
      child.destroyForcibly(); // SIGKILL: no close(), no shutdown hook
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(child.exitValue()).isEqualTo(137);
    assertThat(scope).as("the child JVM's output:\n%s", String.join("\n", output)).isNotNull();
    return scope;
  }
}
