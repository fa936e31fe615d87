package dev.patroni4j.runbooks.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.RequestListener;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.config.ClusterSpec;
import dev.patroni4j.config.ConfigGenerator;
import dev.patroni4j.config.PatroniConfig;
import dev.patroni4j.runbooks.FileJournal;
import dev.patroni4j.runbooks.Journal;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.catalogue.ConversionOptions;
import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
import dev.patroni4j.runbooks.catalogue.StandaloneConversion;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conversion of a real standalone PostgreSQL 15 primary (started with {@code pg_ctl}) and its physical standby
 * (streaming through slot {@code standby_pg2}), with a logical slot {@code cdc} (test_decoding) whose consumer reads
 * every change, into a Patroni cluster: refused first (a standby that does not stream, a consumer lagging beyond the
 * bound) with nothing changed, then converted with a writer running and the runner, a child JVM
 * ({@link ConversionChild}), SIGKILLed at every step boundary,
 * each server's old service (a loop that would start PostgreSQL again, as a unit with {@code Restart=always} would)
 * retired by its command on the host before Patroni starts there.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneConversionTest {
  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = LocalPatroniClusterExtension.of(LocalPatroniCluster.builder()
      .members(2).standalone()).withoutResetBeforeEach();

  private static final Consumer CONSUMER = new Consumer();
  private static final Map<String, AtomicInteger> RESTART_REQUESTS = new ConcurrentHashMap<>();
  private static final AtomicReference<@Nullable Instant> SLOT_PATCH_SENT = new AtomicReference<>();

  @TempDir Path dir;

  @Test
  @Order(1)
  void aStandbyThatDoesNotStreamOrALaggingSlotConsumerIsRefusedAndNothingChanges() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    long started = System.nanoTime();
    sql(cluster, cluster.node("pg1"), "SELECT pg_create_logical_replication_slot('cdc', 'test_decoding')");
    sql(cluster, cluster.node("pg1"), "CREATE TABLE pre_rows (id bigint PRIMARY KEY, pad text)");
    PatroniRunbooks catalogue = catalogue(cluster);

    // the standby's WAL receiver stops when its primary_conninfo is emptied
    PatroniNode pg2 = cluster.node("pg2");
    String conninfo = text(cluster, pg2, "SHOW primary_conninfo");
    sql(cluster, pg2, "ALTER SYSTEM SET primary_conninfo = ''");
    sql(cluster, pg2, "SELECT pg_reload_conf()");
    awaitTrue(() -> text(cluster, pg2, "SELECT count(*) FROM pg_stat_wal_receiver").equals("0"));
    RunbookResult notStreaming = run(catalogue, options(cluster, 16L << 20), journal());
    assertThat(notStreaming).isInstanceOfSatisfying(RunbookResult.Refused.class, r -> assertThat(r.reason())
        .contains("standby pg2 is not streaming (no wal receiver)"));
    assertNothingChanged(cluster);
    sql(cluster, pg2, "ALTER SYSTEM SET primary_conninfo = '" + conninfo.replace("'", "''") + "'");
    sql(cluster, pg2, "SELECT pg_reload_conf()");
    awaitTrue(() -> text(cluster, pg2, "SELECT coalesce((SELECT status FROM pg_stat_wal_receiver), '')")
        .equals("streaming"));

    // about 3 MB of WAL the logical consumer has not read yet
    sql(cluster, cluster.node("pg1"), "INSERT INTO pre_rows SELECT g, repeat('x', 100) FROM generate_series(1, 20000) g");
    RunbookResult lagging = run(catalogue, options(cluster, 1L << 20), journal());
    assertThat(lagging).isInstanceOfSatisfying(RunbookResult.Refused.class, r -> assertThat(r.reason())
        .containsPattern("slot cdc's consumer is \\d+ bytes behind the primary \\(bound 1048576\\)"));
    assertNothingChanged(cluster);

    CONSUMER.drain(cluster);
    assertThat(CONSUMER.ids("pre_rows")).hasSize(20000);
    System.out.printf("conversion refusals: 2 refused runs in %d ms%n", (System.nanoTime() - started) / 1_000_000);
  }

  @Test
  @Order(2)
  void aConversionSigkilledAtEveryStepBoundaryKeepsEveryRowEveryChangeOnceAndRestartsEachMemberOnce() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniRunbooks catalogue = catalogue(cluster);
    Map<String, String> firstPids = postmasterPids(cluster);
    Map<String, OldService> services = new LinkedHashMap<>();
    try {
      for (PatroniNode n : cluster.nodes()) {
        services.put(n.name(), OldService.start(n));
      }
      convertCrashingAtEveryBoundary(cluster, catalogue, firstPids, services);
    } finally {
      services.values().forEach(OldService::kill);
    }
  }

  private void convertCrashingAtEveryBoundary(LocalPatroniCluster cluster, PatroniRunbooks catalogue,
      Map<String, String> firstPids, Map<String, OldService> services) throws Exception {
    Monitor monitor = Monitor.start(cluster);
    Writer writer = Writer.start(cluster, "conv_rows");
    CONSUMER.startPolling(cluster);
    writer.awaitRows(50);
    long started = System.nanoTime();
    // the primary's hand-over restart: a scheduled restart in the window the caller chose
    ConversionOptions options = options(cluster, 16L << 20, OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(75),
        services);
    Path journal = Files.createTempFile(dir, "journal", ".jsonl");
    int crashes = runKilledAtEveryBoundary(cluster, options, journal);
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    Writer.Report written = writer.stop();
    monitor.stop();
    CONSUMER.stopPolling();
    CONSUMER.drain(cluster);
    System.out.printf("conversion crashed at %d step boundaries and resumed: %d ms; writer acknowledged %d rows,"
        + " failed writes %d%n", crashes, tookMs, written.acknowledged(), written.failures());

    assertThat(crashes).as("crashes (one per step boundary)").isGreaterThanOrEqualTo(15);
    assertThat(written.missing()).as("acknowledged rows lost").isEmpty();
    Set<Long> rows = ids(cluster, cluster.node("pg1"), "conv_rows");
    for (PatroniNode n : cluster.nodes()) {
      awaitTrue(() -> ids(cluster, n, "conv_rows").equals(rows));
      assertThat(count(cluster, n, "pre_rows")).as("rows written before, on " + n.name()).isEqualTo(20000);
    }
    // every committed row decoded exactly once and in commit order
    assertThat(CONSUMER.ids("conv_rows")).as("changes received by the logical consumer")
        .doesNotHaveDuplicates().isSorted().containsExactlyElementsOf(new TreeSet<>(rows));
    assertThat(CONSUMER.ids("pre_rows")).hasSize(20000);

    // each member restarted exactly once, by Patroni: two postmasters each. The primary on the request scheduled
    // for its window; the standby when Patroni copied the permanent logical slot to it (a stop and start), which
    // handed its start-up over, so the runbook requested no second restart
    Map<String, List<String>> pids = monitor.pids();
    for (PatroniNode n : cluster.nodes()) {
      assertThat(pids.get(n.name())).as("postmasters of " + n.name()).hasSize(2).startsWith(firstPids.get(n.name()));
      assertThat(Files.readString(n.dataDir().resolve("postmaster.opts"))).contains("--cluster_name=" + cluster.scope());
    }
    // the old services were retired on their hosts by the command given, before Patroni started there: each one
    // ended, none ever had to start PostgreSQL (it would have, racing Patroni, at the standby's hand-over restart)
    for (Map.Entry<String, OldService> e : services.entrySet()) {
      assertThat(e.getValue().isRunning()).as("old service of " + e.getKey() + " still running").isFalse();
      assertThat(e.getValue().retirements()).as("retire commands run on " + e.getKey()).isPositive();
      assertThat(e.getValue().postgresStarts()).as("PostgreSQL starts by the old service of " + e.getKey()).isZero();
    }
    assertThat(RESTART_REQUESTS.get("pg1")).as("restart requests to the primary").hasValue(1);
    assertThat(RESTART_REQUESTS.get("pg2")).as("restart requests to the standby").isNull();
    assertThat(text(cluster, cluster.node("pg2"), "SELECT string_agg(slot_name, ',') FROM pg_replication_slots"
        + " WHERE slot_type = 'logical'")).as("the logical slot on the standby, for a failover").isEqualTo("cdc");
    // the users Patroni needs: the standby streams as the replication user with the password given (the runbook
    // sent only its SCRAM verifier), the rewind user may run what pg_rewind needs, the existing superuser was kept
    assertThat(text(cluster, cluster.node("pg1"), "SELECT string_agg(usename || '/' || application_name, ',')"
        + " FROM pg_stat_replication")).isEqualTo("replicator/pg2");
    assertThat(text(cluster, cluster.node("pg1"), "SELECT bool_and(has_function_privilege('rewind_user', f,"
        + " 'EXECUTE')) FROM unnest(ARRAY['pg_ls_dir(text, boolean, boolean)', 'pg_stat_file(text, boolean)',"
        + " 'pg_read_binary_file(text)', 'pg_read_binary_file(text, bigint, bigint, boolean)']) f")).isEqualTo("t");
    // no slot disappeared early
    assertThat(monitor.cdcMissing()).as("polls on which slot cdc was missing").isZero();
    Instant patch = SLOT_PATCH_SENT.get();
    assertThat(patch).as("the standby slot's removal was requested").isNotNull();
    assertThat(monitor.standbySlotGone()).as("standby_pg2 dropped").isNotNull();
    assertThat(monitor.standbySlotGone()).as("standby_pg2 dropped only after its removal was requested")
        .isAfter(patch);
    assertThat(monitor.lastLsnsBeforeDrop().get("pg2")).as("Patroni's slot pg2 at the old slot's position")
        .isGreaterThanOrEqualTo(monitor.lastLsnsBeforeDrop().get("standby_pg2"));
    Map<String, Object> config = catalogue.client().config().values();
    assertThat(config.get("slots")).asString().contains("cdc").doesNotContain("standby_pg2");

    // a second run, on a fresh journal, changes nothing
    Map<String, Integer> requests = new HashMap<>();
    RESTART_REQUESTS.forEach((k, v) -> requests.put(k, v.get()));
    RunbookResult again = run(catalogue, options, journal());
    assertThat(again.succeeded()).as(again.toString()).isTrue();
    assertThat(again.actedSteps()).as("a second run changes nothing").isEmpty();
    Map<String, String> secondPids = new LinkedHashMap<>();
    pids.forEach((node, seen) -> secondPids.put(node, seen.get(seen.size() - 1)));
    assertThat(postmasterPids(cluster)).as("no restart by the second run").isEqualTo(secondPids);
    RESTART_REQUESTS.forEach((k, v) -> assertThat(v.get()).isEqualTo(requests.get(k)));
  }

  // ------------------------------------------------------------------------------------------------ the runbook

  private static PatroniRunbooks catalogue(LocalPatroniCluster cluster) {
    PatroniClient client = PatroniClient.builder().members(cluster.nodes().stream().map(PatroniNode::restUrl).toList())
        .requestListener(new RequestListener() {
          @Override
          public void requestSent(String method, URI target, String endpointKind) {
            if (method.equals("POST") && endpointKind.equals("restart")) {
              cluster.nodes().stream().filter(n -> n.restPort() == target.getPort()).findFirst().ifPresent(n ->
                  RESTART_REQUESTS.computeIfAbsent(n.name(), k -> new AtomicInteger()).incrementAndGet());
            }
            if (method.equals("PATCH") && endpointKind.equals("config")) {
              SLOT_PATCH_SENT.compareAndSet(null, Instant.now());
            }
          }
        }).build();
    return PatroniRunbooks.builder(client).scope(cluster.scope())
        .postgres((member, host, port) -> cluster.connect(cluster.node(member)))
        .hostActions(LocalClusterHostActions.of(cluster)).build();
  }

  private static ConversionOptions options(LocalPatroniCluster cluster, long maxLag) {
    return options(cluster, maxLag, OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(5), Map.of());
  }

  private static ConversionOptions options(LocalPatroniCluster cluster, long maxLag, OffsetDateTime primaryRestart,
      Map<String, OldService> services) {
    ConversionOptions.Builder b = ConversionOptions.builder(cluster.clusterSpec()).maxSlotLagBytes(maxLag)
        .primaryRestartAt(primaryRestart);
    for (PatroniNode n : cluster.nodes()) {
      OldService service = services.get(n.name());
      b.node(ConversionChild.host(n.name(), n.restPort(), n.pgPort(), n.dataDir().toString(),
          n.directory().resolve("pgpass").toString()), n.configFile(),
          service == null ? List.of() : service.retireCommand());
    }
    return b.build();
  }

  /**
   * Stands in for the service that managed PostgreSQL before Patroni (a unit with {@code Restart=always}): a loop,
   * as the cluster's OS user, that starts PostgreSQL again whenever the postmaster of {@code postmaster.pid} is gone.
   * Retired by its command (run through the runbook's host actions): it stops the loop, leaves PostgreSQL running,
   * and may run again after a crash, as {@code systemctl disable --now} may.
   */
  private static final class OldService {
    private static final String SCRIPT = """
        #!/bin/sh
        # $1: the service's directory, $2: the data directory
        echo $$ > "$1/old-service.pid"
        while :; do
          pid=$(head -n 1 "$2/postmaster.pid" 2>/dev/null || true)
          if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
            echo "starting postgres" >> "$1/old-service.log"
            /usr/lib/postgresql/15/bin/pg_ctl -D "$2" -l "$1/old-service-postgres.log" start >> "$1/old-service.log" 2>&1
          fi
          sleep 0.2
        done
        """;
    private final Path directory;
    private final Process process;

    private OldService(Path directory, Process process) {
      this.directory = directory;
      this.process = process;
    }

    static OldService start(PatroniNode node) throws Exception {
      Path directory = node.directory();
      Path script = directory.resolve("old-service.sh");
      Files.writeString(script, SCRIPT);
      Files.setOwner(script, Files.getOwner(directory));
      List<String> command = new ArrayList<>();
      if ("root".equals(System.getProperty("user.name"))) {
        command.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"));
      }
      command.addAll(List.of("sh", script.toString(), directory.toString(), node.dataDir().toString()));
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      OldService service = new OldService(directory, process);
      awaitTrue(() -> Files.exists(directory.resolve("old-service.pid")));
      return service;
    }

    List<String> retireCommand() {
      return List.of("sh", "-c", "kill \"$(cat '" + directory.resolve("old-service.pid") + "')\" 2>/dev/null;"
          + " echo retired >> '" + directory.resolve("old-service.retired") + "'");
    }

    boolean isRunning() {
      return process.isAlive();
    }

    long retirements() throws IOException {
      Path file = directory.resolve("old-service.retired");
      return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    }

    long postgresStarts() throws IOException {
      Path file = directory.resolve("old-service.log");
      return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> l.equals("starting postgres")).count()
          : 0;
    }

    void kill() {
      process.destroyForcibly();
    }
  }

  private static RunbookResult run(PatroniRunbooks catalogue, ConversionOptions options, Journal journal) {
    StandaloneConversion conversion = StandaloneConversion.of(catalogue, options);
    return conversion.runner().build().execute(conversion.convert(), journal);
  }

  /**
   * The n-th attempt on one journal runs in a child JVM that is SIGKILLed at its n-th step boundary, until one
   * completes; returns the kills. The child's restart requests and config PATCHes count as the test's own.
   */
  private int runKilledAtEveryBoundary(LocalPatroniCluster cluster, ConversionOptions options, Path journal)
      throws Exception {
    // the child reads the cluster spec (users and their passwords) from a member configuration only root may read
    Path spec = dir.resolve("spec-patroni.yml");
    String yaml = ConfigGenerator.newCluster(options.cluster(), options.nodes().get(0).host()).toYaml();
    Files.writeString(spec, yaml);
    Files.setPosixFilePermissions(spec, PosixFilePermissions.fromString("rw-------"));
    assertThat(ConfigGenerator.newCluster(ClusterSpec.fromMemberConfig(PatroniConfig.read(spec)),
        options.nodes().get(0).host()).toYaml()).as("the child's cluster spec").isEqualTo(yaml);
    try (HostAgent agent = HostAgent.serve(LocalClusterHostActions.of(cluster))) {
      for (int attempt = 1; attempt < 100; attempt++) {
        String last = runChild(cluster, agent, options, spec, journal, attempt);
        if (last.startsWith("RESULT ")) {
          assertThat(last).startsWith("RESULT Succeeded");
          return attempt - 1;
        }
        assertThat(last).isEqualTo("KILLPOINT " + attempt);
      }
    }
    throw new AssertionError("the conversion never completed");
  }

  /** Runs the child until it prints its kill point (then SIGKILLs it) or its result; returns that line. */
  private static String runChild(LocalPatroniCluster cluster, HostAgent agent, ConversionOptions options, Path spec,
      Path journal, int killAt) throws Exception {
    List<String> command = ChildJvm.command(List.of("-XX:TieredStopAtLevel=1"), ConversionChild.class,
        List.of(journal.toString(), String.valueOf(killAt), cluster.scope(),
        cluster.nodes().stream().map(n -> n.restUrl().toString()).collect(Collectors.joining(",")),
        String.valueOf(agent.port()), spec.toString(), String.valueOf(options.maxSlotLagBytes()),
        options.primaryRestartAt().toString()));
    for (PatroniNode n : cluster.nodes()) {
      ConversionOptions.Node node = options.findNode(n.name()).orElseThrow();
      command.add(String.join("|", n.name(), String.valueOf(n.restPort()), String.valueOf(n.pgPort()),
          node.host().dataDir(), node.host().pgpass().orElseThrow(), node.configFile().toString(),
          String.join(ConversionChild.ARG_SEPARATOR, node.retireOldService())));
    }
    return ChildJvm.run(command, Map.of(), StandaloneConversionTest::countRequest);
  }

  /** A request a child reported sending, counted as the test's own. */
  private static void countRequest(String line) {
    if (line.startsWith("SENT POST restart ")) {
      int port = Integer.parseInt(line.substring("SENT POST restart ".length()));
      CLUSTER.cluster().nodes().stream().filter(n -> n.restPort() == port).findFirst().ifPresent(n ->
          RESTART_REQUESTS.computeIfAbsent(n.name(), k -> new AtomicInteger()).incrementAndGet());
    } else if (line.startsWith("SENT PATCH config ")) {
      SLOT_PATCH_SENT.compareAndSet(null, Instant.parse(line.substring("SENT PATCH config ".length())));
    }
  }

  private void assertNothingChanged(LocalPatroniCluster cluster) throws Exception {
    for (PatroniNode n : cluster.nodes()) {
      assertThat(n.configFile()).as("no configuration written on " + n.name()).doesNotExist();
      assertThat(n.isPatroniRunning()).isFalse();
    }
    assertThat(text(cluster, cluster.node("pg1"), "SELECT count(*) FROM pg_roles WHERE rolname IN ('replicator',"
        + " 'rewind_user')")).as("no user created").isEqualTo("0");
    assertThat(text(cluster, cluster.node("pg1"), "SELECT string_agg(slot_name, ',' ORDER BY slot_name)"
        + " FROM pg_replication_slots")).isEqualTo("cdc,standby_pg2");
  }

  private FileJournal journal() throws IOException {
    return FileJournal.at(Files.createTempFile(dir, "journal", ".jsonl"));
  }

  // ------------------------------------------------------------------------------------------------ observers

  /** A test_decoding consumer of slot {@code cdc}: every inserted id per table, in the order received. */
  private static final class Consumer {
    private static final Pattern INSERT = Pattern.compile("^table public\\.(\\w+): INSERT: id\\[bigint\\]:(\\d+)");
    private final Map<String, List<Long>> received = new ConcurrentHashMap<>();
    private final AtomicBoolean polling = new AtomicBoolean();
    private @Nullable Thread thread;

    void drain(LocalPatroniCluster cluster) throws SQLException {
      try (Connection c = cluster.connect(cluster.node("pg1")); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT data FROM pg_logical_slot_get_changes('cdc', NULL, NULL)")) {
        while (rs.next()) {
          Matcher m = INSERT.matcher(rs.getString(1));
          if (m.find()) {
            received.computeIfAbsent(m.group(1), k -> new CopyOnWriteArrayList<>()).add(Long.parseLong(m.group(2)));
          }
        }
      }
    }

    void startPolling(LocalPatroniCluster cluster) {
      polling.set(true);
      thread = new Thread(() -> {
        while (polling.get()) {
          try {
            drain(cluster);
          } catch (SQLException restarting) {
            // the primary restarts once during the conversion
          }
          pause(200);
        }
      }, "cdc-consumer");
      thread.start();
    }

    void stopPolling() throws InterruptedException {
      polling.set(false);
      if (thread != null) {
        thread.join(10_000);
      }
    }

    List<Long> ids(String table) {
      return List.copyOf(received.getOrDefault(table, List.of()));
    }
  }

  /** Polls pg1's replication slots and both nodes' postmaster PIDs every 100 ms. */
  private static final class Monitor {
    private final LocalPatroniCluster cluster;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<String, Set<String>> pids = new ConcurrentHashMap<>();
    private final AtomicInteger cdcMissing = new AtomicInteger();
    private final AtomicReference<@Nullable Instant> standbySlotGone = new AtomicReference<>();
    private volatile Map<String, Lsn> lastLsns = Map.of();
    private volatile Map<String, Lsn> lastLsnsBeforeDrop = Map.of();
    private final Thread thread;

    private Monitor(LocalPatroniCluster cluster) {
      this.cluster = cluster;
      this.thread = new Thread(this::run, "conversion-monitor");
    }

    static Monitor start(LocalPatroniCluster cluster) {
      Monitor m = new Monitor(cluster);
      m.thread.start();
      return m;
    }

    private void run() {
      while (running.get()) {
        postmasterPids(cluster).forEach((node, pid) -> pids.computeIfAbsent(node,
            k -> java.util.Collections.synchronizedSet(new LinkedHashSet<>())).add(pid));
        try (Connection c = cluster.connect(cluster.node("pg1")); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT slot_name, restart_lsn FROM pg_replication_slots")) {
          Map<String, Lsn> slots = new LinkedHashMap<>();
          while (rs.next()) {
            slots.put(rs.getString(1), rs.getString(2) == null ? Lsn.ZERO : Lsn.parse(rs.getString(2)));
          }
          if (!slots.containsKey("cdc")) {
            cdcMissing.incrementAndGet();
          }
          if (!slots.containsKey("standby_pg2") && standbySlotGone.get() == null) {
            standbySlotGone.set(Instant.now());
            lastLsnsBeforeDrop = lastLsns;
          }
          lastLsns = slots;
        } catch (SQLException restarting) {
          // pg1 restarts once
        }
        pause(100);
      }
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join(10_000);
    }

    Map<String, List<String>> pids() {
      Map<String, List<String>> out = new LinkedHashMap<>();
      pids.forEach((k, v) -> {
        synchronized (v) {
          out.put(k, new ArrayList<>(v));
        }
      });
      return out;
    }

    int cdcMissing() {
      return cdcMissing.get();
    }

    @Nullable Instant standbySlotGone() {
      return standbySlotGone.get();
    }

    Map<String, Lsn> lastLsnsBeforeDrop() {
      return lastLsnsBeforeDrop;
    }
  }

  // ------------------------------------------------------------------------------------------------ SQL

  private static Map<String, String> postmasterPids(LocalPatroniCluster cluster) {
    Map<String, String> out = new LinkedHashMap<>();
    for (PatroniNode n : cluster.nodes()) {
      try {
        List<String> lines = Files.readAllLines(n.dataDir().resolve("postmaster.pid"));
        if (!lines.isEmpty() && !lines.get(0).isBlank()) {
          out.put(n.name(), lines.get(0).strip());
        }
      } catch (IOException stopped) {
        // between two postmasters
      }
    }
    return out;
  }

  private static void sql(LocalPatroniCluster cluster, PatroniNode node, String statement) throws SQLException {
    try (Connection c = cluster.connect(node); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private static String text(LocalPatroniCluster cluster, PatroniNode node, String query) throws SQLException {
    try (Connection c = cluster.connect(node); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return String.valueOf(rs.getString(1));
    }
  }

  private static long count(LocalPatroniCluster cluster, PatroniNode node, String table) throws SQLException {
    return Long.parseLong(text(cluster, node, "SELECT count(*) FROM " + table));
  }

  private static Set<Long> ids(LocalPatroniCluster cluster, PatroniNode node, String table) throws SQLException {
    Set<Long> out = new TreeSet<>();
    try (Connection c = cluster.connect(node); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM " + table)) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    }
    return out;
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  private static void awaitTrue(Check check) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (!check.holds()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within 60 s");
      }
      pause(100);
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
