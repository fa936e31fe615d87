package dev.patroni4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.testkit.internal.Processes;
import dev.patroni4j.testkit.internal.RunRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Nothing a cluster started outlives it: not after close(), not after its JVM was SIGKILLed. */
class CleanupTest {

  @Test
  void closeStopsEveryProcessAndDeletesTheDirectory() {
    LocalPatroniCluster cluster = LocalPatroniCluster.builder().members(1).start();
    Path dir = cluster.directory();
    assertThat(Processes.pidsMentioning(dir + "/")).as("etcd, Patroni and PostgreSQL while running").hasSizeGreaterThanOrEqualTo(3);
    // A killed Patroni leaves PostgreSQL orphaned; close() must still get it.
    cluster.killPatroni(cluster.node("pg1"));

    cluster.close();

    assertThat(Processes.pidsMentioning(dir + "/")).isEmpty();
    assertThat(dir).doesNotExist();
  }

  @Test
  void processesOfAJvmKilledWithSigkillAreReapedByTheNextStart() throws Exception {
    Process child = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        ClusterInChildJvm.class.getName())
        .redirectErrorStream(true)
        .start();
    Path dir = null;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("READY ")) {
          dir = Path.of(line.substring("READY ".length()));
          break;
        }
      }
      assertThat(dir).as("the child JVM started its cluster").isNotNull();
      child.destroyForcibly();
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    List<Long> orphans = Processes.pidsMentioning(dir + "/");
    assertThat(orphans).as("etcd, Patroni and PostgreSQL outlive a SIGKILLed JVM").hasSizeGreaterThanOrEqualTo(3);
    assertThat(Files.exists(dir)).isTrue();

    RunRegistry.reapOrphans(); // what every cluster start does first

    assertThat(Processes.pidsMentioning(dir + "/")).isEmpty();
    assertThat(dir).doesNotExist();
  }
}
