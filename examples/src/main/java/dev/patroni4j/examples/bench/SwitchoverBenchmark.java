package dev.patroni4j.examples.bench;

import dev.patroni4j.client.Sleeper;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.runbooks.FileJournal;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.RunbookRunner;
import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
import dev.patroni4j.runbooks.catalogue.SwitchoverOptions;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.PatroniNode;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Planned switchover, side by side on one 3-member cluster: the runbook (until every member streams on the new
 * timeline) vs {@code patronictl switchover --force} followed by polling {@code patronictl list} until the same state.
 * A writer inserts continuously throughout; for each switchover the longest gap between two acknowledged inserts is
 * the write unavailability window. Prints each run, the medians and the ratios.
 *
 * <pre>
 * mvn -B -q -pl examples -am install -DskipTests -Dmaven.install.skip=false   # or compile, then:
 * java -cp "$(mvn -q -pl examples dependency:build-classpath -Dmdep.outputFile=/dev/stdout):examples/target/classes" \
 *     dev.patroni4j.examples.bench.SwitchoverBenchmark [rounds, default 5]
 * </pre>
 */
public final class SwitchoverBenchmark {
  private static final Sleeper SLEEPER = Sleeper.system();

  private SwitchoverBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    try (LocalPatroniCluster cluster = LocalPatroniCluster.builder().members(3).start()) {
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
      String url = "jdbc:postgresql://" + cluster.nodes().stream().map(n -> "127.0.0.1:" + n.pgPort())
          .collect(Collectors.joining(",")) + "/postgres?targetServerType=primary&connectTimeout=2&socketTimeout=5";
      List<long[]> runbook = new ArrayList<>();
      List<long[]> patronictl = new ArrayList<>();
      try (Writer writer = new Writer(url, user, password)) {
        writer.awaitRows(200);
        for (int i = 0; i < rounds; i++) {
          // Alternate which tool goes first so neither always meets a freshly settled cluster.
          for (int k = 0; k < 2; k++) {
            boolean useRunbook = (i + k) % 2 == 0;
            cluster.awaitHealthy(java.time.Duration.ofSeconds(60));
            SLEEPER.sleep(java.time.Duration.ofSeconds(2));
            writer.resetGap();
            long t0 = System.nanoTime();
            if (useRunbook) {
              RunbookResult r = runner.execute(catalogue.plannedSwitchover(SwitchoverOptions.defaults()),
                  FileJournal.at(Files.createTempFile("bench", ".jsonl")));
              if (!r.succeeded()) {
                throw new IllegalStateException("runbook did not succeed: " + r);
              }
            } else {
              PatronictlSwitchover.run(cluster);
            }
            long took = (System.nanoTime() - t0) / 1_000_000;
            writer.awaitRows(writer.acknowledged() + 50);
            long gap = writer.longestGapMillis();
            (useRunbook ? runbook : patronictl).add(new long[] {took, gap});
            System.out.printf("round %d %-10s switchover+settle %6d ms, write unavailability %6d ms%n", i + 1,
                useRunbook ? "runbook" : "patronictl", took, gap);
          }
        }
        Set<Long> missing = writer.missingAcknowledged();
        System.out.printf("writer: %d rows acknowledged, %d acknowledged rows missing%n", writer.acknowledged(),
            missing.size());
      }
      long rt = median(runbook, 0);
      long pt = median(patronictl, 0);
      long rg = median(runbook, 1);
      long pg = median(patronictl, 1);
      System.out.printf("median switchover until all members stream on the new timeline: runbook %d ms,"
          + " patronictl %d ms, ratio runbook/patronictl %.2f%n", rt, pt, (double) rt / pt);
      System.out.printf("median write unavailability: runbook %d ms, patronictl %d ms, ratio %.2f%n", rg, pg,
          (double) rg / Math.max(1, pg));
    }
  }

  private static long median(List<long[]> xs, int i) {
    List<Long> v = xs.stream().map(x -> x[i]).sorted().toList();
    return v.get(v.size() / 2);
  }

  /** Inserts one row at a time into the primary; tracks acknowledged ids and the longest gap between two. */
  private static final class Writer implements AutoCloseable {
    private final String url;
    private final String user;
    private final String password;
    private final Set<Long> acked = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicLong gapNanos = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    Writer(String url, String user, String password) throws SQLException {
      this.url = url;
      this.user = user;
      this.password = password;
      try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS bench_writer");
        s.execute("CREATE TABLE bench_writer (id bigint PRIMARY KEY)");
      }
      thread = new Thread(this::run, "bench-writer");
      thread.start();
    }

    private void run() {
      long id = 1;
      long last = System.nanoTime();
      Connection c = null;
      while (running.get()) {
        try {
          if (c == null) {
            c = DriverManager.getConnection(url, user, password);
          }
          try (PreparedStatement ps = c.prepareStatement("INSERT INTO bench_writer VALUES (?)")) {
            ps.setLong(1, id);
            ps.executeUpdate();
          }
          acked.add(id);
          long now = System.nanoTime();
          gapNanos.accumulateAndGet(now - last, Math::max);
          last = now;
        } catch (SQLException e) {
          try {
            if (c != null) {
              c.close();
            }
          } catch (SQLException ignored) {
            // broken already
          }
          c = null;
          sleep(20);
        }
        id++;
      }
    }

    int acknowledged() {
      return acked.size();
    }

    void resetGap() {
      gapNanos.set(0);
    }

    long longestGapMillis() {
      return gapNanos.get() / 1_000_000;
    }

    void awaitRows(int n) throws InterruptedException {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (acked.size() < n && System.nanoTime() < deadline) {
        SLEEPER.sleep(java.time.Duration.ofMillis(20));
      }
    }

    Set<Long> missingAcknowledged() throws SQLException {
      running.set(false);
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Set<Long> missing = new HashSet<>(acked);
      try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
          var rs = s.executeQuery("SELECT id FROM bench_writer")) {
        while (rs.next()) {
          missing.remove(rs.getLong(1));
        }
      }
      return missing;
    }

    @Override
    public void close() {
      running.set(false);
    }

    private static void sleep(long ms) {
      try {
        SLEEPER.sleep(java.time.Duration.ofMillis(ms));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
