package dev.patroni4j.examples.bench;

import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.Sleeper;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.runbooks.FileJournal;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.RunbookRunner;
import dev.patroni4j.runbooks.WriteDowntime;
import dev.patroni4j.runbooks.WriteProbe;
import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
import dev.patroni4j.runbooks.catalogue.Pooler;
import dev.patroni4j.runbooks.catalogue.PoolerCutover;
import dev.patroni4j.runbooks.catalogue.SwitchoverOptions;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPgBouncer;
import dev.patroni4j.testkit.PatroniNode;
import java.nio.file.Files;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a writer connected through PgBouncer feels during a planned switchover, side by side on one 3-member cluster:
 * {@code patronictl switchover --force}, the runbook without the pooler, and the runbook with the pooler ({@link
 * SwitchoverOptions#poolers}: PAUSE, switchover, re-point, RESUME). A {@link WriteProbe} commits a write transaction
 * through the pooler every 2 ms (its steady rate, printed, is above 200 per second) for each switchover; the figures are failed transactions,
 * the longest single write and the total time until every member streams on the new timeline. Without the pooler
 * option something else must point PgBouncer at the new leader: here a leader-following agent (what consul-template
 * or a watch on Patroni does) polls Patroni's REST API every 100 ms and rewrites {@code [databases]} + RELOAD when the
 * leader changed. Rounds rotate the order of the three methods. Prints each switchover, the medians and the ratios.
 *
 * <pre>
 * mvn -B -q -pl examples -am install -DskipTests
 * java -cp "$(mvn -q -pl examples dependency:build-classpath -Dmdep.outputFile=/dev/stdout):examples/target/classes" \
 *     dev.patroni4j.examples.bench.PoolerSwitchoverBenchmark [rounds, default 5]
 * </pre>
 */
public final class PoolerSwitchoverBenchmark {
  private static final Sleeper SLEEPER = Sleeper.system();

  private enum Method { PATRONICTL, RUNBOOK, RUNBOOK_WITH_POOLER }

  private record Figures(long failed, long longestWriteMillis, long totalMillis, double txPerSecond) {}

  private PoolerSwitchoverBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    try (LocalPatroniCluster cluster = LocalPatroniCluster.builder().members(3).start();
         LocalPgBouncer bouncer = LocalPgBouncer.start(cluster)) {
      String user = cluster.superuser();
      String password = cluster.superuserPassword();
      PatroniClient client = PatroniClient.builder()
          .members(cluster.nodes().stream().map(PatroniNode::restUrl).toList())
          .build();
      PatroniRunbooks catalogue = PatroniRunbooks.builder(client)
          .scope(cluster.scope())
          .postgres((member, host, port) ->
              DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", user, password))
          .build();
      RunbookRunner runner = catalogue.runner().build();
      Pooler pooler = new Pooler("bouncer", bouncer.host(), bouncer.port(), bouncer.adminCredentials().username(),
          bouncer.adminCredentials().password(), List.of(LocalPgBouncer.DATABASE),
          (db, host, port) -> bouncer.pointAt(port));
      WriteProbe.Settings probe = WriteProbe.settings(bouncer::connect).interval(Duration.ofMillis(2));
      Map<Method, List<Figures>> results = new EnumMap<>(Method.class);
      Method[] order = Method.values();
      for (int i = 0; i < rounds; i++) {
        for (int k = 0; k < order.length; k++) {
          Method method = order[(i + k) % order.length];
          cluster.awaitHealthy(Duration.ofSeconds(60));
          SLEEPER.sleep(Duration.ofSeconds(2));
          Figures f;
          try (LeaderFollower agent = method == Method.RUNBOOK_WITH_POOLER ? null
              : new LeaderFollower(client, bouncer)) {
            WriteProbe writer = WriteProbe.start(probe);
            SLEEPER.sleep(Duration.ofSeconds(1));
            double steadyRate = writer.snapshot().attempted(); // in the quiet second before the switchover
            long t0 = System.nanoTime();
            switch (method) {
              case PATRONICTL -> PatronictlSwitchover.run(cluster);
              case RUNBOOK -> runbook(runner, catalogue, SwitchoverOptions.defaults());
              case RUNBOOK_WITH_POOLER -> System.out.println("  pooler run steps: " + runbook(runner, catalogue,
                  SwitchoverOptions.defaults().poolers(PoolerCutover.of(pooler).drainTimeout(Duration.ofSeconds(5))))
                  .steps().stream().map(st -> st.stepId() + " " + st.took().toMillis() + " ms").toList());
            }
            long total = (System.nanoTime() - t0) / 1_000_000;
            SLEEPER.sleep(Duration.ofSeconds(1));
            WriteDowntime d = writer.stop();
            f = new Figures(d.failed(), d.longestWrite().toMillis(), total, steadyRate);
          }
          results.computeIfAbsent(method, x -> new ArrayList<>()).add(f);
          System.out.printf("round %d %-20s failed tx %5d, longest write %6d ms, total %6d ms, %4.0f tx/s%n", i + 1,
              method, f.failed(), f.longestWriteMillis(), f.totalMillis(), f.txPerSecond());
        }
      }
      System.out.println();
      System.out.printf("medians over %d rounds        | failed tx | longest write ms | total ms | steady writer tx/s%n",
          rounds);
      for (Method m : Method.values()) {
        List<Figures> fs = results.getOrDefault(m, List.of());
        System.out.printf("%-29s | %9d | %16d | %8d | %6.0f%n", m, median(fs, Figures::failed),
            median(fs, Figures::longestWriteMillis), median(fs, Figures::totalMillis),
            fs.stream().mapToDouble(Figures::txPerSecond).sorted().toArray()[fs.size() / 2]);
      }
      for (Method base : List.of(Method.PATRONICTL, Method.RUNBOOK)) {
        List<Figures> p = results.getOrDefault(Method.RUNBOOK_WITH_POOLER, List.of());
        List<Figures> b = results.getOrDefault(base, List.of());
        System.out.printf("ratio runbook-with-pooler / %s: failed tx %s, longest write %.2f, total %.2f%n", base,
            ratio(median(p, Figures::failed), median(b, Figures::failed)),
            (double) median(p, Figures::longestWriteMillis) / Math.max(1, median(b, Figures::longestWriteMillis)),
            (double) median(p, Figures::totalMillis) / Math.max(1, median(b, Figures::totalMillis)));
      }
    }
  }

  private static String ratio(long a, long b) {
    return b == 0 ? (a == 0 ? "0/0" : a + "/0") : String.format("%.2f", (double) a / b);
  }

  private static RunbookResult runbook(RunbookRunner runner, PatroniRunbooks catalogue, SwitchoverOptions options)
      throws Exception {
    RunbookResult r = runner.execute(catalogue.plannedSwitchover(options),
        FileJournal.at(Files.createTempFile("bench", ".jsonl")));
    if (!r.succeeded()) {
      throw new IllegalStateException("runbook did not succeed: " + r);
    }
    return r;
  }

  private static long median(List<Figures> xs, java.util.function.ToLongFunction<Figures> f) {
    long[] v = xs.stream().mapToLong(f).sorted().toArray();
    return v[v.length / 2];
  }

  /** Points PgBouncer at Patroni's leader whenever it changed, polling every 100 ms: the pooler follows on its own. */
  private static final class LeaderFollower implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    LeaderFollower(PatroniClient client, LocalPgBouncer bouncer) {
      thread = new Thread(() -> {
        Integer target = null;
        while (running.get()) {
          try {
            Optional<Member> leader = client.cluster().findLeader().filter(m -> m.state().isRunning());
            Integer port = leader.map(Member::port).orElse(null);
            if (port != null && !port.equals(target)) {
              if (target != null) {
                bouncer.pointAt(port);
                bouncer.admin("RELOAD");
              }
              target = port;
            }
          } catch (RuntimeException e) {
            // the REST API is briefly unavailable during the switchover: look again
          }
          try {
            SLEEPER.sleep(Duration.ofMillis(100));
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "leader-follower");
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join();
    }
  }

}
