package dev.patroni4j.runbooks.testkit;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.dcs.etcd.EtcdDcsClient;
import dev.patroni4j.runbooks.ExecuteOptions;
import dev.patroni4j.runbooks.FileJournal;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.catalogue.BlueGreen;
import dev.patroni4j.runbooks.catalogue.DeploymentMark;
import dev.patroni4j.runbooks.catalogue.FreezeOptions;
import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.PatroniNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Blue-green rollback on a database of about 1 GB (default; the first argument is the size in MiB), side by side in
 * one run: a rollback from a replica frozen with the cluster paused, then one frozen in managed mode, each after the
 * same number of rows written past the mark (second argument, default 100000). Prints each rollback's time (until
 * every member streams from the recovered leader), the rows the rollback discarded (checked: exactly the rows
 * written after the mark), and the ratio of the two modes' times.
 *
 * <p>A program, not a test (a test class of this module so that it runs on the test kit's clusters):
 * <pre>
 * mvn -B -q -pl runbooks-testkit -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp \
 *     -Dmdep.includeScope=test
 * java -cp runbooks-testkit/target/test-classes:runbooks-testkit/target/classes:$(cat runbooks-testkit/target/bench.cp) \
 *     dev.patroni4j.runbooks.testkit.RollbackBenchmark [MiB, default 1024] [rows after the mark, default 100000]
 * </pre>
 */
final class RollbackBenchmark {
  private RollbackBenchmark() {}

  public static void main(String[] args) throws Exception {
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
    int after = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    try (LocalPatroniCluster cluster = LocalPatroniCluster.builder().members(3)
        .startupTimeout(java.time.Duration.ofMinutes(5)).start();
        EtcdDcsClient dcs = EtcdDcsClient.builder().endpoint(cluster.etcdEndpoint()).build()) {
      String user = cluster.superuser();
      String password = cluster.superuserPassword();
      PatroniClient client = PatroniClient.builder()
          .members(cluster.nodes().stream().map(PatroniNode::restUrl).toList()).build();
      PatroniRunbooks catalogue = PatroniRunbooks.builder(client).scope(cluster.scope())
          .postgres((member, host, port) -> DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port
              + "/postgres", user, password))
          .dcs(dcs)
          .hostActions(LocalClusterHostActions.of(cluster))
          .build();
      Map<String, Path> files = new LinkedHashMap<>();
      cluster.nodes().forEach(n -> files.put(n.name(), n.configFile()));
      BlueGreen blueGreen = BlueGreen.of(catalogue, files);

      long l0 = System.nanoTime();
      execute(cluster, "CREATE TABLE ballast AS SELECT g AS id, repeat('x', 1000) AS pad FROM generate_series(1, "
          + (long) mib * 1000 + ") g");
      execute(cluster, "CREATE TABLE deployment (id bigint PRIMARY KEY)");
      cluster.awaitHealthy(java.time.Duration.ofMinutes(10));
      System.out.printf("loaded %d MiB of ballast in %.1f s; database size %s%n", mib, (System.nanoTime() - l0) / 1e9,
          query(cluster, "SELECT pg_size_pretty(pg_database_size('postgres'))"));

      Map<FreezeOptions.Mode, Double> seconds = new LinkedHashMap<>();
      long next = 1;
      for (FreezeOptions.Mode mode : FreezeOptions.Mode.values()) {
        cluster.awaitHealthy(java.time.Duration.ofMinutes(10));
        String replica = cluster.nodes().stream().map(PatroniNode::name)
            .filter(n -> !n.equals(cluster.leader().name())).findFirst().orElseThrow();
        RunbookResult frozen = blueGreen.runner().build().execute(blueGreen.freeze(FreezeOptions.builder(mode)
            .replica(replica).build()), FileJournal.at(Files.createTempFile("freeze", ".jsonl")));
        if (!frozen.succeeded()) {
          throw new IllegalStateException("freeze did not succeed: " + frozen);
        }
        DeploymentMark mark = DeploymentMark.from(frozen);
        long before = Long.parseLong(query(cluster, "SELECT count(*) FROM deployment"));
        execute(cluster, "INSERT INTO deployment SELECT generate_series(" + next + ", " + (next + after - 1) + ")");
        next += after;
        String token = catalogue.identitySource().observe().confirmationToken();
        long t0 = System.nanoTime();
        RunbookResult r = blueGreen.runner().build().execute(blueGreen.rollback(mark),
            FileJournal.at(Files.createTempFile("rollback", ".jsonl")),
            ExecuteOptions.defaults().confirmation(Confirmation.of(token)));
        double took = (System.nanoTime() - t0) / 1e9;
        if (!r.succeeded()) {
          throw new IllegalStateException("rollback did not succeed: " + r);
        }
        long kept = Long.parseLong(query(cluster, "SELECT count(*) FROM deployment"));
        long discarded = before + after - kept;
        if (kept != before) {
          throw new IllegalStateException("rollback kept " + kept + " rows, the mark had " + before);
        }
        seconds.put(mode, took);
        System.out.printf("%-13s rollback of %s to transaction %d: %.1f s, %d rows discarded (all %d written after"
            + " the mark), %d kept%n", mode, replica, mark.xid(), took, discarded, after, kept);
      }
      System.out.printf("ratio MANAGED/PAUSE_CLUSTER rollback time: %.2f%n",
          seconds.getOrDefault(FreezeOptions.Mode.MANAGED, 0.0)
          / seconds.getOrDefault(FreezeOptions.Mode.PAUSE_CLUSTER, 1.0));
    }
  }

  private static void execute(LocalPatroniCluster cluster, String sql) throws SQLException {
    try (Connection c = cluster.connect(cluster.leader()); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String query(LocalPatroniCluster cluster, String sql) throws SQLException {
    try (Connection c = cluster.connect(cluster.leader()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
