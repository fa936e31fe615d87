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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * Every round runs the three, and (a)'s parsing alone, once each in a shuffled order after a warm-up,
 * so drift on a shared machine, and whatever the previous contender left in the caches, hit them alike. The time (a) spends parsing is printed too, to split transport from modelling. Run it with:
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

  private static final String LIBRARY = "(a) library cluster view";
  private static final String BARE = "(b) bare GET /cluster, no model";
  private static final String PATRONICTL = "(c) patronictl list -f json";
  private static final String PARSE = "    of (a), parsing alone";

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
      System.out.printf(Locale.ROOT, "cluster %s: %s%n", cluster.scope(), view.summary());
      String body = new String(SideBySide.bareGet(leaderRest, "/cluster", null), StandardCharsets.UTF_8);
      String json = body.substring(body.indexOf("\r\n\r\n") + 4);
      Map<String, Supplier<Object>> contenders = new LinkedHashMap<>();
      contenders.put(LIBRARY, library);
      contenders.put(BARE, bare);
      contenders.put(PATRONICTL, patronictl);
      contenders.put(PARSE, () -> PatroniJson.clusterView(json));
      // Warm-up: the results are only kept so that the JIT cannot drop the calls.
      List<Object> warmUp = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        warmUp.add(library.get());
        warmUp.add(bare.get());
        warmUp.add(PatroniJson.clusterView(json));
      }
      warmUp.add(patronictl.get());
      System.out.printf(Locale.ROOT, "warm-up: %d calls%n", warmUp.size());
      Map<String, List<Long>> times = SideBySide.rounds(contenders, rounds);
      double ma = SideBySide.median(SideBySide.entry(times, LIBRARY));
      double mb = SideBySide.median(SideBySide.entry(times, BARE));
      double mc = SideBySide.median(SideBySide.entry(times, PATRONICTL));
      System.out.printf(Locale.ROOT, "rounds: %d, shuffled; medians (p10 .. p90)%n", rounds);
      times.forEach((name, t) -> System.out.printf(Locale.ROOT, "%-36s %8.3f ms  (%7.3f .. %8.3f)%n", name,
          SideBySide.median(t) / 1e6, SideBySide.percentile(t, 10) / 1e6, SideBySide.percentile(t, 90) / 1e6));
      System.out.printf(Locale.ROOT, "a/b = %.2f   c/a = %.1f%n", ma / mb, mc / ma);
    }
  }
}
