package dev.patroni4j.examples;

import dev.patroni4j.client.ClusterTable;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsEvent;
import dev.patroni4j.client.dcs.DcsWatch;
import dev.patroni4j.dcs.etcd.EtcdDcsClient;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.PatroniNode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A cluster read straight from etcd, without any REST API: the same table {@link ClusterStatusDemo} prints from
 * {@code GET /cluster}, because the DCS snapshot yields the same {@code ClusterView}. Then a watch names the new
 * leader after the leader's Patroni is killed.
 */
public final class DcsStatusDemo {
  private DcsStatusDemo() {}

  public static void main(String[] args) throws Exception {
    try (LocalPatroniCluster cluster = LocalPatroniCluster.builder().members(3).start();
        // tag::dcs[]
        EtcdDcsClient dcs = EtcdDcsClient.builder()
            .endpoint(cluster.etcdEndpoint())
            .requestTimeout(Duration.ofSeconds(5))
            .build()) {
      ClusterRef ref = ClusterRef.of(cluster.namespace(), cluster.scope());
      ClusterSnapshot snapshot = dcs.snapshot(ref);
      System.out.printf("Cluster %s from etcd at revision %d, system identifier %s%n", cluster.scope(),
          snapshot.revision(), snapshot.systemIdentifier().orElse("-"));
      System.out.print(ClusterTable.render(snapshot.toClusterView()));

      CompletableFuture<String> newLeader = new CompletableFuture<>();
      try (DcsWatch watch = dcs.watch(snapshot, event -> {
        if (event instanceof DcsEvent.LeaderChanged changed) {
          newLeader.complete(changed.current());
        }
      })) {
        // end::dcs[]
        PatroniNode old = cluster.leader();
        long killed = System.nanoTime();
        cluster.killPatroni(old);
        String leader = newLeader.get(60, TimeUnit.SECONDS);
        System.out.printf("Killed %s's Patroni; the watch named %s the new leader after %d ms%n", old.name(), leader,
            Duration.ofNanos(System.nanoTime() - killed).toMillis());
      }
    }
  }
}
