package dev.patroni4j.dcs.etcd;

import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsEvent;
import dev.patroni4j.client.dcs.DcsWatch;
import dev.patroni4j.testkit.LocalPatroniCluster;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark program (not a test): what the library costs over raw jetcd, side by side in one run, on a real Patroni
 * 3.0.2 cluster (2 members) on etcd 3.4.
 *
 * <ol>
 *   <li>Reading a cluster: {@code EtcdDcsClient.snapshot} (range + parsing into the model) vs one raw jetcd
 *       linearizable prefix range of the same keys, interleaved; for context also one raw HTTP {@code GET /cluster}
 *       and {@code patronictl list -f json}.
 *   <li>Leader-change notification: a raw put of a leader key (its revision known from the put's response); time from
 *       sending the put to the library's {@code LeaderChanged} event of that revision vs to a raw jetcd watch event of
 *       that revision, both watching at once.
 * </ol>
 *
 * <p>Run from the repository root:
 *
 * <pre>
 * mvn -B -q -pl dcs-etcd -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * java -cp dcs-etcd/target/test-classes:dcs-etcd/target/classes:$(cat dcs-etcd/target/bench.cp) dev.patroni4j.dcs.etcd.EtcdDcsBenchmark [iterations]
 * </pre>
 */
public final class EtcdDcsBenchmark {

  private EtcdDcsBenchmark() {}

  public static void main(String[] args) throws Exception {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    try (LocalPatroniCluster cluster = LocalPatroniCluster.builder().members(2)
            .dynamicConfig("ttl", 10).dynamicConfig("loop_wait", 2).start();
        EtcdDcsClient dcs = EtcdDcsClient.builder().endpoint(cluster.etcdEndpoint()).build();
        Client raw = Client.builder().endpoints(cluster.etcdEndpoint()).build()) {
      ClusterRef ref = ClusterRef.of(cluster.namespace(), cluster.scope());
      System.out.printf("cluster %s: %d keys, %d members, Java %s%n", ref, raw.getKVClient()
          .get(bytes(ref.keyPrefix()), GetOption.builder().isPrefix(true).build()).get().getCount(),
          dcs.snapshot(ref).members().size(), Runtime.version());
      reads(cluster, dcs, raw, ref, iterations);
      leaderChanges(dcs, raw, ClusterRef.of(cluster.namespace(), cluster.scope() + "-bench"), iterations / 4);
    }
  }

  private static void reads(LocalPatroniCluster cluster, EtcdDcsClient dcs, Client raw, ClusterRef ref,
      int iterations) throws Exception {
    GetOption prefix = GetOption.builder().isPrefix(true).build();
    ByteSequence key = bytes(ref.keyPrefix());
    List<Long> library = new ArrayList<>();
    List<Long> rawRange = new ArrayList<>();
    long sink = 0;
    for (int i = -iterations / 4; i < iterations; i++) {
      long t0 = System.nanoTime();
      ClusterSnapshot s = dcs.snapshot(ref);
      long t1 = System.nanoTime();
      GetResponse r = raw.getKVClient().get(key, prefix).get(5, TimeUnit.SECONDS);
      long t2 = System.nanoTime();
      sink += s.members().size() + r.getCount();
      if (i >= 0) {
        library.add(t1 - t0);
        rawRange.add(t2 - t1);
      }
    }
    HttpClient http = HttpClient.newHttpClient();
    URI url = cluster.leader().restUrl().resolve("/cluster");
    List<Long> rest = new ArrayList<>();
    for (int i = -20; i < 200; i++) {
      long t0 = System.nanoTime();
      sink += http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString()).body().length();
      if (i >= 0) {
        rest.add(System.nanoTime() - t0);
      }
    }
    List<Long> patronictl = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      long t0 = System.nanoTime();
      sink += cluster.patronictl("list", "-f", "json").stdout().length();
      patronictl.add(System.nanoTime() - t0);
    }
    System.out.printf("%nReading one cluster (%d iterations, interleaved; sink %d)%n", iterations, sink);
    report("raw jetcd prefix range", rawRange, median(rawRange));
    report("EtcdDcsClient.snapshot", library, median(rawRange));
    report("raw HTTP GET /cluster", rest, median(rawRange));
    report("patronictl list -f json", patronictl, median(rawRange));
  }

  @SuppressWarnings("try") // the raw watcher only needs to live as long as the block
  private static void leaderChanges(EtcdDcsClient dcs, Client raw, ClusterRef ref, int changes) throws Exception {
    ByteSequence leaderKey = bytes(ref.keyPrefix() + "leader");
    raw.getKVClient().put(leaderKey, bytes("m0")).get();
    raw.getKVClient().put(bytes(ref.keyPrefix() + "members/m0"), bytes("{\"role\":\"master\",\"state\":\"running\"}"))
        .get();
    Map<Long, Long> libraryAt = new ConcurrentHashMap<>();
    Map<Long, Long> rawAt = new ConcurrentHashMap<>();
    try (DcsWatch watch = dcs.watch(ref, event -> {
          if (event instanceof DcsEvent.LeaderChanged changed) {
            libraryAt.put(changed.revision(), System.nanoTime());
          }
        });
        Watch.Watcher rawWatch = raw.getWatchClient().watch(leaderKey, WatchOption.DEFAULT, response -> {
          long now = System.nanoTime();
          for (WatchEvent e : response.getEvents()) {
            rawAt.put(e.getKeyValue().getModRevision(), now);
          }
        })) {
      Thread.sleep(500);
      List<Long> library = new ArrayList<>();
      List<Long> rawWatchLatency = new ArrayList<>();
      for (int i = -changes / 5; i < changes; i++) {
        long sent = System.nanoTime();
        long revision = raw.getKVClient().put(leaderKey, bytes("m" + ((i & 1) == 0 ? 1 : 0))).get()
            .getHeader().getRevision();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while ((!libraryAt.containsKey(revision) || !rawAt.containsKey(revision)) && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
        if (i >= 0) {
          library.add(libraryAt.getOrDefault(revision, Long.MAX_VALUE) - sent);
          rawWatchLatency.add(rawAt.getOrDefault(revision, Long.MAX_VALUE) - sent);
        }
      }
      System.out.printf("%nLeader-key change to notification (%d changes, from sending the put)%n", changes);
      report("raw jetcd watch event", rawWatchLatency, median(rawWatchLatency));
      report("library LeaderChanged event", library, median(rawWatchLatency));
      System.out.printf("  watch state after the run: leader %s%n", watch.current().leaderName().orElse("-"));
    }
  }

  private static void report(String what, List<Long> nanos, long baseline) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    long median = sorted.get(sorted.size() / 2);
    long p90 = sorted.get((int) (sorted.size() * 0.9));
    System.out.printf("  %-30s median %8.3f ms   p90 %8.3f ms   x%.2f of the raw median%n", what, median / 1e6,
        p90 / 1e6, (double) median / baseline);
  }

  private static long median(List<Long> nanos) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
