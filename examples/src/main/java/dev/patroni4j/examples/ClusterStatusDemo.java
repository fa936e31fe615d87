package dev.patroni4j.examples;

import dev.patroni4j.client.ClusterTable;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.PatroniNode;
import java.time.Duration;

/**
 * The README's demo ({@code bin/demo}): starts a throwaway 3-node Patroni cluster, prints its
 * members through the typed REST client, and tears it down.
 */
public final class ClusterStatusDemo {
  private ClusterStatusDemo() {}

  public static void main(String[] args) {
    long started = System.nanoTime();
    // tag::demo[]
    try (LocalPatroniCluster cluster = LocalPatroniCluster.builder().members(3).start()) {
      PatroniClient client = PatroniClient.builder()
          .members(cluster.nodes().stream().map(PatroniNode::restUrl).toList())
          .build();
      ClusterView view = client.cluster();
      System.out.printf("Cluster %s (started in %d s)%n", cluster.scope(),
          Duration.ofNanos(System.nanoTime() - started).toSeconds());
      System.out.print(ClusterTable.render(view));
    }
    // end::demo[]
  }
}
