package dev.patroni4j.testkit.containers.bench;

import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.containers.PatroniContainerCluster;
import java.util.ArrayList;
import java.util.List;

/**
 * Start-up of a 3-member cluster, side by side in one run: {@link LocalPatroniCluster} (local processes, the
 * machine's PostgreSQL 15 and Patroni 3.0.2) vs {@link PatroniContainerCluster} on an image (etcd and the
 * members as containers), alternating, each until every replica streams; close not counted. Prints each round, the
 * medians and the ratio. The image is built beforehand (not counted):
 *
 * <pre>
 * img=$(testkit-containers/images/build debian12-pg15)
 * mvn -B -q -pl testkit-containers -am install -DskipTests
 * TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 java -cp \
 *     "$(mvn -q -pl testkit-containers dependency:build-classpath -Dmdep.outputFile=/dev/stdout):testkit-containers/target/classes:testkit-containers/target/test-classes" \
 *     dev.patroni4j.testkit.containers.bench.ClusterStartBenchmark "$img" [rounds, default 3]
 * </pre>
 */
public final class ClusterStartBenchmark {
  /** The Patroni of the debian12-pg15 image, Debian 12's own: the same software on both sides. */
  private static final String PATRONI = "3.0.2";

  private ClusterStartBenchmark() {}

  public static void main(String[] args) {
    String image = args[0];
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    List<Long> local = new ArrayList<>();
    List<Long> containers = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      long started = System.nanoTime();
      try (LocalPatroniCluster cluster = LocalPatroniCluster.builder().members(3).patroniVersion(PATRONI).start()) {
        local.add((System.nanoTime() - started) / 1_000_000);
      }
      started = System.nanoTime();
      try (PatroniContainerCluster cluster = PatroniContainerCluster.builder(image).members(3).start()) {
        containers.add((System.nanoTime() - started) / 1_000_000);
      }
      System.out.printf("round %d: local processes %d ms, containers %d ms%n", round, local.get(round - 1),
          containers.get(round - 1));
    }
    long localMedian = median(local);
    long containerMedian = median(containers);
    System.out.printf("median of %d: local processes %d ms, containers %d ms; containers/local = %.2f%n", rounds,
        localMedian, containerMedian, (double) containerMedian / localMedian);
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
