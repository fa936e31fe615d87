package dev.patroni4j.examples.bench;

import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.PatroniJson;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.testkit.CommandResult;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.PatroniNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Reads one cluster's state three ways, side by side in one run on the same throwaway 3-node
 * cluster, and prints medians and ratios:
 *
 * <ol>
 *   <li>(a) the library's full cluster view: {@code PatroniClient.cluster()} ({@code GET /cluster}
 *       through OkHttp, parsed into the typed model);
 *   <li>(b) the same {@code GET /cluster} done bare: one socket, one request, the bytes read to
 *       the end, no modelling;
 *   <li>(c) {@code patronictl list -f json} as a process.
 * </ol>
 *
 * The three run interleaved (a, b, c, a, b, c, ...) after a warm-up, so drift on a shared machine
 * hits them alike. The time (a) spends parsing is printed too, to split transport from modelling. Run it with:
 *
 * <pre>
 * mvn -B -q -pl examples -am -DskipTests package
 * java -cp "examples/target/classes:examples/target/lib/*" dev.patroni4j.examples.bench.ClusterViewBenchmark [rounds]
 * </pre>
 *
 * <p>Not thread-safe; a program, not an API.
 */
public final class ClusterViewBenchmark {
  private ClusterViewBenchmark() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    try (LocalPatroniCluster cluster = LocalPatroniCluster.builder().members(3).start()) {
      PatroniClient client = PatroniClient.builder()
          .members(cluster.nodes().stream().map(PatroniNode::restUrl).toList())
          .build();
      URI leaderRest = cluster.leader().restUrl();
      // The library otherwise asks the member that answered first; point it at the leader like (b).
      Supplier<Object> library = () -> client.memberAt(leaderRest).cluster();
      Supplier<Object> bare = () -> SideBySide.bareGet(leaderRest, "/cluster", null);
      Supplier<Object> patronictl = () -> {
        CommandResult r = cluster.patronictl("list", "-f", "json");
        if (r.exitCode() != 0) {
          throw new IllegalStateException("patronictl failed: " + r.stderr());
        }
        return r.stdout();
      };
      ClusterView view = client.cluster();
      System.out.printf("cluster %s: %s%n", cluster.scope(), view.summary());
      // Warm-up: the results are only kept so that the JIT cannot drop the calls.
      List<Object> warmUp = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        warmUp.add(library.get());
        warmUp.add(bare.get());
      }
      warmUp.add(patronictl.get());
      System.out.printf("warm-up: %d calls%n", warmUp.size());
      List<Long> a = new ArrayList<>();
      List<Long> b = new ArrayList<>();
      List<Long> c = new ArrayList<>();
      List<Long> parseOnly = new ArrayList<>();
      String body = new String(SideBySide.bareGet(leaderRest, "/cluster", null), StandardCharsets.UTF_8);
      String json = body.substring(body.indexOf("\r\n\r\n") + 4);
      for (int i = 0; i < rounds; i++) {
        a.add(time(library));
        b.add(time(bare));
        c.add(time(patronictl));
        parseOnly.add(time(() -> PatroniJson.clusterView(json)));
      }
      double ma = SideBySide.median(a);
      double mb = SideBySide.median(b);
      double mc = SideBySide.median(c);
      System.out.printf("rounds: %d%n", rounds);
      System.out.printf("(a) library cluster view        median %8.3f ms%n", ma / 1e6);
      System.out.printf("(b) bare GET /cluster, no model median %8.3f ms%n", mb / 1e6);
      System.out.printf("(c) patronictl list -f json     median %8.3f ms%n", mc / 1e6);
      System.out.printf("    of (a), parsing alone       median %8.3f ms%n", SideBySide.median(parseOnly) / 1e6);
      System.out.printf("a/b = %.2f   c/a = %.1f%n", ma / mb, mc / ma);
    }
  }

  private static long time(Supplier<Object> s) {
    long t0 = System.nanoTime();
    Object result = s.get();
    long elapsed = System.nanoTime() - t0;
    if (result == null) {
      throw new IllegalStateException("no result");
    }
    return elapsed;
  }
}
