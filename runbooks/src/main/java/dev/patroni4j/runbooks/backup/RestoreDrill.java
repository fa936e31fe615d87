package dev.patroni4j.runbooks.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patroni4j.client.PatroniWaitTimeoutException;
import dev.patroni4j.client.Sleeper;
import dev.patroni4j.client.Waiter;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Fact;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.Impact;
import dev.patroni4j.runbooks.Runbook;
import dev.patroni4j.runbooks.Steps;
import dev.patroni4j.runbooks.Verification;
import dev.patroni4j.runbooks.host.HostActions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A restore drill: proves a backup is usable by restoring it into a throwaway PostgreSQL on a drill host (a free
 * port, its own directory, archiving off, connections only through its own socket), recovering it to consistency,
 * reading every table with {@code pg_dumpall} to nowhere and checking every B-tree index of every database with
 * {@code amcheck}'s {@code bt_index_check}; then the instance and its directory are removed, pass or fail. Nothing of
 * the drill touches the cluster: give it a tool whose configuration on the drill host has read-only repository
 * credentials where the repository has them.
 *
 * <pre>{@code
 * import dev.patroni4j.runbooks.host.HostActions;
 * // given: BackupTool readOnlyTool; HostActions hosts;
 * RestoreDrill drill = RestoreDrill.builder(readOnlyTool, hosts, "drill-host")
 *     .directory(Path.of("/srv/drills"))
 *     .port(55432)
 *     .binDir(Path.of("/usr/lib/postgresql/15/bin"))
 *     .build();
 * DrillReport report = drill.run(RestoreRequest.latestBackup());
 * System.out.println(report.describe());
 * }</pre>
 *
 * <p>The wait for the restored instance to finish recovery is patroni4j's one deadline loop ({@link Waiter}), on the
 * builder's {@link Builder#clock Clock} and {@link Builder#sleeper Sleeper}: under {@link
 * dev.patroni4j.client.ManualTime} it times out at its deadline without sleeping.
 *
 * <p>Immutable and thread-safe; two drills of one instance must not run at the same time (same port).
 */
public final class RestoreDrill {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RECOVERY_POLL = Duration.ofMillis(200);
  private static final int ERROR_TAIL = 500;
  private static final String AMCHECK = String.join("\n",
      "CREATE EXTENSION IF NOT EXISTS amcheck;",
      "CREATE FUNCTION pg_temp.p4j_amcheck() RETURNS json LANGUAGE plpgsql AS $f$",
      "DECLARE r record; n int := 0; bad json[] := '{}';",
      "BEGIN",
      "  FOR r IN SELECT c.oid, ns.nspname, c.relname FROM pg_index i JOIN pg_class c ON i.indexrelid = c.oid",
      "      JOIN pg_am am ON c.relam = am.oid JOIN pg_namespace ns ON c.relnamespace = ns.oid",
      "      WHERE am.amname = 'btree' AND c.relpersistence != 't' AND i.indisready AND i.indisvalid",
      "      ORDER BY ns.nspname, c.relname LOOP",
      "    n := n + 1;",
      "    BEGIN",
      "      PERFORM bt_index_check(r.oid);",
      "    EXCEPTION WHEN OTHERS THEN",
      "      bad := bad || json_build_object('schema', r.nspname, 'index', r.relname, 'error', SQLERRM);",
      "    END;",
      "  END LOOP;",
      "  RETURN json_build_object('checked', n, 'failures', array_to_json(bad));",
      "END $f$;",
      "SELECT pg_temp.p4j_amcheck();");

  private final BackupTool tool;
  private final HostActions hosts;
  private final String host;
  private final Path directory;
  private final int port;
  private final Path binDir;
  private final String superuser;
  private final Duration recoveryTimeout;
  private final Clock clock;
  private final Sleeper sleeper;

  private RestoreDrill(Builder b) {
    this.tool = b.tool;
    this.hosts = b.hosts;
    this.host = b.host;
    this.directory = b.directory;
    this.port = b.port;
    this.binDir = b.binDir;
    this.superuser = b.superuser;
    this.recoveryTimeout = b.recoveryTimeout;
    this.clock = b.clock;
    this.sleeper = b.sleeper;
  }

  /**
   * What the drill last saw of the restored instance while waiting for it to finish recovery: the last observation
   * of a recovery timeout ({@link PatroniWaitTimeoutException#lastObservation(Class)}).
   *
   * <p>Immutable.
   *
   * @param state whether the instance answered, and if so that it was still in recovery
   * @param detail what {@code psql} reported when the instance did not answer (its error's tail), else empty
   */
  public record RecoveryProgress(State state, String detail) {
    /** What one look at the restored instance found. */
    public enum State {
      /** {@code psql} could not run {@code SELECT pg_is_in_recovery()} (not accepting connections yet). */
      NOT_ANSWERING,
      /** The instance answered and {@code pg_is_in_recovery()} was still true. */
      IN_RECOVERY
    }

    public RecoveryProgress {
      Objects.requireNonNull(state, "state == null");
      Objects.requireNonNull(detail, "detail == null");
    }

    @Override
    public String toString() {
      return state == State.IN_RECOVERY ? "still in recovery" : "not answering: " + detail;
    }
  }

  /**
   * A drill with {@code tool} on the host of {@code host} (a name {@code hosts} knows: a member, or a machine of its
   * own).
   */
  public static Builder builder(BackupTool tool, HostActions hosts, String host) {
    return new Builder(tool, hosts, host);
  }

  /**
   * Restores the backup {@code request} names (the latest complete one if none) into a throwaway instance, with
   * archiving off whatever the request says, recovers it to the request's target (use {@link
   * RecoveryTarget#immediate()} for "consistent"), checks it and removes it.
   *
   * @throws BackupToolException when no backup is listed, or the restore or the start itself fails (the
   *     throwaway directory is removed then too)
   * @throws PatroniWaitTimeoutException when the restored instance does not finish recovery within the {@link
   *     Builder#recoveryTimeout recovery timeout}, with the last {@link RecoveryProgress} as its last observation
   *     (the instance is stopped and its directory removed then too)
   */
  public DrillReport run(RestoreRequest request) {
    BackupInfo backup = backupFor(request);
    Path dir = directory.resolve("p4j-drill-" + port);
    Duration restoreTime = Duration.ZERO;
    Duration recoveryTime = Duration.ZERO;
    Duration checkTime = Duration.ZERO;
    long restored = 0;
    List<String> databases = new ArrayList<>();
    List<DrillReport.IndexFailure> failures = new ArrayList<>();
    int checked = 0;
    String dumpError = "";
    boolean removed;
    try {
      remove(dir);
      command("mkdir", List.of("mkdir", "-p", "-m", "700", "--", dir.toString()));
      Instant t0 = clock.instant();
      tool.restore(host, dir, request.withBackup(backup.label()).withoutArchiving());
      Instant t1 = clock.instant();
      restoreTime = Duration.between(t0, t1);
      start(dir);
      awaitPromoted(dir);
      Instant t2 = clock.instant();
      recoveryTime = Duration.between(t1, t2);
      restored = Long.parseLong(sql(dir, "postgres", "SELECT sum(pg_database_size(oid))::bigint FROM pg_database"));
      databases.addAll(sql(dir, "postgres", "SELECT datname FROM pg_database WHERE datallowconn ORDER BY datname")
          .lines().filter(l -> !l.isBlank()).toList());
      Checks checks = checks(dir, databases);
      dumpError = checks.dumpError();
      checked = checks.checked();
      failures.addAll(checks.failures());
      checkTime = Duration.between(t2, clock.instant());
    } finally {
      hosts.run(host, List.of(bin("pg_ctl"), "-D", dir.toString(), "-m", "immediate", "-w", "stop"));
      removed = remove(dir);
    }
    return new DrillReport(backup.label(), backup.pageErrors(), restoreTime, recoveryTime, checkTime, backup.size(),
        restored, databases, checked, dumpError, failures, removed);
  }

  /** The backup a journaled drill restores, bound when the plan is made. */
  public static final Fact<String> DRILL_BACKUP = Fact.text("drill-backup");
  /** B-tree indexes amcheck checked in a journaled drill. */
  public static final Fact<Long> INDEXES_CHECKED = Fact.number("drill-indexes-checked");
  /** Each failure of a journaled drill: {@code database: schema.index: error}. */
  public static final Fact<List<String>> FAILURES = Fact.texts("drill-failures");
  /** What pg_dumpall reported when it failed, empty when it read everything. */
  public static final Fact<String> DUMP_ERROR = Fact.text("drill-dump-error");
  /** Milliseconds the restore, the recovery and the checks took. */
  public static final Fact<Long> RESTORE_MILLIS = Fact.number("drill-restore-ms");
  /** Milliseconds PostgreSQL took to recover and promote. */
  public static final Fact<Long> RECOVERY_MILLIS = Fact.number("drill-recovery-ms");
  /** Milliseconds pg_dumpall and amcheck took. */
  public static final Fact<Long> CHECK_MILLIS = Fact.number("drill-check-ms");
  /** Bytes of the restored databases. */
  public static final Fact<Long> RESTORED_SIZE = Fact.number("drill-restored-size");

  /**
   * The drill as a journaled, resumable runbook {@code restore-drill}: steps {@code drill-restore} (the backup, bound
   * at plan time, into the throwaway directory), {@code drill-recover} (start on the drill port, wait until
   * promoted), {@code drill-check} ({@code pg_dumpall} to nowhere, {@code amcheck} on every B-tree index of every
   * database), {@code drill-remove} (stop the instance, remove its directory) and {@code drill-report}, which fails
   * naming each failing database and index and succeeds only for a usable backup. What one step learned reaches the
   * next through a small JSON record beside the throwaway directory ({@code p4j-drill-<port>.<run id>.json}, kept as
   * the drill's record), so a resumed run goes on where it stopped: a restore already done for this run is not
   * repeated, an instance already promoted is not started again, checks already recorded are not run again. When a
   * step before {@code drill-remove} fails, the instance stays for inspection until the run is resumed.
   *
   * <pre>{@code
   * import dev.patroni4j.runbooks.FileJournal;
   * import dev.patroni4j.runbooks.RunbookResult;
   * import dev.patroni4j.runbooks.RunbookRunner;
   * // given: RestoreDrill drill; RunbookRunner runner;
   * RunbookResult r = runner.execute(drill.runbook(RestoreRequest.to(RecoveryTarget.immediate())),
   *     FileJournal.at(Path.of("/var/lib/patroni4j/drill.jsonl")));
   * }</pre>
   */
  public Runbook runbook(RestoreRequest request) {
    Objects.requireNonNull(request, "request == null");
    Path dir = directory.resolve("p4j-drill-" + port);
    Path marker = dir.resolve("p4j_drill_restored");
    return Runbook.named("restore-drill")
        .bind(DRILL_BACKUP, ctx -> backupFor(request).label())
        .step(Steps.named("drill-restore").impact(Impact.CHANGE)
            .decide(ctx -> restoredFor(marker, ctx.runId(), ctx.binding(DRILL_BACKUP))
                ? Decision.satisfied("backup " + ctx.binding(DRILL_BACKUP) + " is restored in " + dir)
                : Decision.needsAction("restore backup " + ctx.binding(DRILL_BACKUP) + " with " + tool.name()
                    + " into " + dir + " on " + host + ", archiving off"))
            .act((ctx, intent) -> {
              String label = ctx.binding(DRILL_BACKUP);
              remove(dir);
              command("mkdir", List.of("mkdir", "-p", "-m", "700", "--", dir.toString()));
              Instant t0 = clock.instant();
              tool.restore(host, dir, request.withBackup(label).withoutArchiving());
              long millis = Duration.between(t0, clock.instant()).toMillis();
              ctx.note(RESTORE_MILLIS, millis);
              ObjectNode state = JSON.createObjectNode().put("backup", label).put("restoreMillis", millis);
              hosts.writeFile(host, record(ctx.runId()), JSON.writeValueAsBytes(state));
              hosts.writeFile(host, marker, (ctx.runId() + "\n" + label).getBytes(StandardCharsets.UTF_8));
            })
            .verify((ctx, intent) -> restoredFor(marker, ctx.runId(), ctx.binding(DRILL_BACKUP))
                ? Verification.done("backup " + ctx.binding(DRILL_BACKUP) + " restored in " + dir)
                : Verification.failed("no restore of " + ctx.binding(DRILL_BACKUP) + " for this run in " + dir))
            .build())
        .step(Steps.named("drill-recover").impact(Impact.CHANGE)
            .decide(ctx -> promoted(dir)
                ? Decision.satisfied("the restored instance on port " + port + " is recovered and promoted")
                : Decision.needsAction("start the restored instance on port " + port + " of " + host
                    + " and wait until it has recovered"))
            .act((ctx, intent) -> {
              Instant t0 = clock.instant();
              if (!hosts.run(host, List.of(bin("pg_ctl"), "-D", dir.toString(), "status")).succeeded()) {
                start(dir);
              }
              awaitPromoted(dir);
              long millis = Duration.between(t0, clock.instant()).toMillis();
              ctx.note(RECOVERY_MILLIS, millis);
              ObjectNode state = state(ctx.runId());
              state.put("recoveryMillis", millis);
              state.put("restoredSize", Long.parseLong(sql(dir, "postgres",
                  "SELECT sum(pg_database_size(oid))::bigint FROM pg_database")));
              hosts.writeFile(host, record(ctx.runId()), JSON.writeValueAsBytes(state));
            })
            .verify((ctx, intent) -> promoted(dir)
                ? Verification.done("the restored instance is promoted")
                : Verification.failed("the restored instance on port " + port + " is not promoted"))
            .build())
        .step(Steps.named("drill-check").impact(Impact.CHANGE)
            .decide(ctx -> checked(ctx.runId())
                ? Decision.satisfied("pg_dumpall and amcheck already ran for this drill")
                : Decision.needsAction("pg_dumpall to nowhere and amcheck on every B-tree index of every database"))
            .act((ctx, intent) -> {
              Instant t0 = clock.instant();
              List<String> databases = sql(dir, "postgres",
                  "SELECT datname FROM pg_database WHERE datallowconn ORDER BY datname")
                  .lines().filter(l -> !l.isBlank()).toList();
              Checks checks = checks(dir, databases);
              ObjectNode state = state(ctx.runId());
              state.put("checkMillis", Duration.between(t0, clock.instant()).toMillis());
              state.put("dumpError", checks.dumpError());
              state.put("checked", checks.checked());
              databases.forEach(state.putArray("databases")::add);
              ArrayNode failures = state.putArray("failures");
              for (DrillReport.IndexFailure f : checks.failures()) {
                failures.addObject().put("database", f.database()).put("schema", f.schema())
                    .put("index", f.index()).put("error", f.error());
              }
              hosts.writeFile(host, record(ctx.runId()), JSON.writeValueAsBytes(state));
            })
            .verify((ctx, intent) -> checked(ctx.runId())
                ? Verification.done("checks recorded in " + record(ctx.runId()))
                : Verification.failed("no checks recorded in " + record(ctx.runId())))
            .build())
        .step(Steps.named("drill-remove").impact(Impact.CHANGE)
            .decide(ctx -> exists(dir)
                ? Decision.needsAction("stop the restored instance and remove " + dir)
                : Decision.satisfied(dir + " is gone"))
            .act((ctx, intent) -> {
              hosts.run(host, List.of(bin("pg_ctl"), "-D", dir.toString(), "-m", "immediate", "-w", "stop"));
              remove(dir);
            })
            .verify((ctx, intent) -> exists(dir)
                ? Verification.failed(dir + " is still there")
                : Verification.done("the throwaway instance and " + dir + " are gone"))
            .build())
        .step(Steps.named("drill-report").impact(Impact.NONE)
            .decide(ctx -> Decision.needsAction("report the drill of " + ctx.binding(DRILL_BACKUP)))
            .act((ctx, intent) -> { })
            .verify((ctx, intent) -> {
              DrillReport report = report(ctx.runId(), !exists(dir));
              Facts facts = Facts.of(DRILL_BACKUP, report.backup(), INDEXES_CHECKED, (long) report.indexesChecked(),
                  FAILURES, report.failures().stream().map(f -> f.database() + ": " + f.schema() + "." + f.index()
                      + ": " + f.error()).toList())
                  .with(DUMP_ERROR, report.dumpError())
                  .with(RESTORE_MILLIS, report.restoreTime().toMillis())
                  .with(RECOVERY_MILLIS, report.recoveryTime().toMillis())
                  .with(CHECK_MILLIS, report.checkTime().toMillis())
                  .with(RESTORED_SIZE, report.restoredSize());
              return report.passed() ? Verification.done(report.describe(), facts)
                  : Verification.failed(report.describe(), facts);
            })
            .build())
        .build();
  }

  /** The backup the request names, or the newest complete one when it names none. */
  private BackupInfo backupFor(RestoreRequest request) {
    Optional<String> named = request.findBackup();
    Optional<BackupInfo> backup = named.isPresent()
        ? tool.list(host).stream().filter(b -> b.label().equals(named.get())).findFirst()
        : tool.latest(host);
    return backup.orElseThrow(() -> new BackupToolException(tool.name(), "restore drill", host,
        BackupToolException.Kind.NOT_FOUND, -1,
        named.map(l -> "no backup " + l).orElse("no complete backup is listed")));
  }

  private Path record(String runId) {
    return directory.resolve("p4j-drill-" + port + "." + runId.replaceAll("[^A-Za-z0-9_-]", "_") + ".json");
  }

  private ObjectNode state(String runId) throws java.io.IOException {
    String text = hosts.readFile(host, record(runId)).orElseThrow(() -> new BackupToolException(tool.name(),
        "restore drill", host, BackupToolException.Kind.NOT_FOUND, -1, "the drill's record " + record(runId)
            + " is missing (removed while the drill ran?)"));
    JsonNode node = JSON.readTree(text);
    if (!(node instanceof ObjectNode o)) {
      throw new BackupToolException(tool.name(), "restore drill", host, BackupToolException.Kind.UNPARSEABLE_OUTPUT,
          -1, "the drill's record " + record(runId) + " is not a JSON object");
    }
    return o;
  }

  private boolean checked(String runId) throws java.io.IOException {
    return hosts.readFile(host, record(runId)).isPresent() && state(runId).has("checked");
  }

  private DrillReport report(String runId, boolean removed) throws java.io.IOException {
    ObjectNode s = state(runId);
    String label = s.path("backup").asText("");
    boolean pageErrors = false;
    long size = 0;
    for (BackupInfo b : tool.list(host)) {
      if (b.label().equals(label)) {
        pageErrors = b.pageErrors();
        size = b.size();
      }
    }
    List<String> databases = new ArrayList<>();
    s.path("databases").forEach(d -> databases.add(d.asText()));
    List<DrillReport.IndexFailure> failures = new ArrayList<>();
    s.path("failures").forEach(f -> failures.add(new DrillReport.IndexFailure(f.path("database").asText(""),
        f.path("schema").asText(""), f.path("index").asText(""), f.path("error").asText(""))));
    return new DrillReport(label, pageErrors, Duration.ofMillis(s.path("restoreMillis").asLong(0)),
        Duration.ofMillis(s.path("recoveryMillis").asLong(0)), Duration.ofMillis(s.path("checkMillis").asLong(0)),
        size, s.path("restoredSize").asLong(0), databases, s.path("checked").asInt(0), s.path("dumpError").asText(""),
        failures, removed);
  }

  private boolean restoredFor(Path marker, String runId, String label) {
    return hosts.readFile(host, marker).map(m -> m.equals(runId + "\n" + label)).orElse(false);
  }

  private boolean promoted(Path dir) {
    HostActions.CommandResult r = psql(dir, "postgres", "SELECT pg_is_in_recovery()");
    return r.succeeded() && r.stdout().strip().equals("f");
  }

  private boolean exists(Path dir) {
    return hosts.run(host, List.of("test", "-e", dir.toString())).succeeded();
  }

  /** What {@code pg_dumpall} and {@code amcheck} found in the restored instance. */
  private record Checks(String dumpError, int checked, List<DrillReport.IndexFailure> failures) {}

  private Checks checks(Path dir, List<String> databases) {
    String dumpError = "";
    int checked = 0;
    List<DrillReport.IndexFailure> failures = new ArrayList<>();
    HostActions.CommandResult dump = hosts.run(host, List.of(bin("pg_dumpall"), "-h", dir.toString(), "-p",
        Integer.toString(port), "-U", superuser, "--no-sync", "-f", "/dev/null"));
    if (!dump.succeeded()) {
      dumpError = tail(dump.stderr());
    }
    for (String db : databases) {
      HostActions.CommandResult r = psql(dir, db, AMCHECK);
      if (!r.succeeded()) {
        failures.add(new DrillReport.IndexFailure(db, "", "", "amcheck could not run: " + tail(r.stderr())));
        continue;
      }
      try {
        JsonNode result = JSON.readTree(r.stdout().strip());
        checked += result.path("checked").asInt(0);
        for (JsonNode f : result.path("failures")) {
          failures.add(new DrillReport.IndexFailure(db, f.path("schema").asText(""), f.path("index").asText(""),
              f.path("error").asText("")));
        }
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        failures.add(new DrillReport.IndexFailure(db, "", "", "unreadable amcheck result"));
      }
    }
    return new Checks(dumpError, checked, failures);
  }

  private void start(Path dir) {
    hosts.writeFile(host, dir.resolve("p4j_drill_hba.conf"),
        ("local all " + superuser + " trust\n").getBytes(StandardCharsets.UTF_8));
    String options = "-c port=" + port + " -c listen_addresses='' -c unix_socket_directories='" + dir + "'"
        + " -c hba_file='" + dir.resolve("p4j_drill_hba.conf") + "' -c logging_collector=off -c archive_mode=off"
        + " -c primary_conninfo='' -c synchronous_standby_names='' -c cluster_name=p4j-drill";
    command("pg_ctl start", List.of(bin("pg_ctl"), "-D", dir.toString(), "-w", "-t",
        Long.toString(Math.max(1, recoveryTimeout.toSeconds())), "-l", dir.resolve("p4j-drill.log").toString(),
        "-o", options, "start"));
  }

  private void awaitPromoted(Path dir) {
    Waiter.polling(RECOVERY_POLL, clock, sleeper).until("the restored instance on " + host + " finishes recovery",
        recoveryTimeout, remaining -> {
          HostActions.CommandResult r = psql(dir, "postgres", "SELECT pg_is_in_recovery()");
          if (r.succeeded() && r.stdout().strip().equals("f")) {
            return Waiter.Attempt.done(Boolean.TRUE);
          }
          return Waiter.Attempt.pending(r.succeeded()
              ? new RecoveryProgress(RecoveryProgress.State.IN_RECOVERY, "")
              : new RecoveryProgress(RecoveryProgress.State.NOT_ANSWERING, tail(r.stderr())));
        });
  }

  private String sql(Path dir, String db, String query) {
    HostActions.CommandResult r = psql(dir, db, query);
    if (!r.succeeded()) {
      throw new BackupToolException(tool.name(), "restore drill", host, BackupToolException.Kind.COMMAND_FAILED,
          r.exitCode(), "psql: " + tail(r.stderr()));
    }
    return r.stdout().strip();
  }

  private HostActions.CommandResult psql(Path dir, String db, String query) {
    return hosts.run(host, List.of(bin("psql"), "-h", dir.toString(), "-p", Integer.toString(port), "-U", superuser,
        "-d", db, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", query));
  }

  private void command(String what, List<String> argv) {
    HostActions.CommandResult r = hosts.run(host, argv);
    if (!r.succeeded()) {
      throw new BackupToolException(tool.name(), "restore drill", host, BackupToolException.Kind.COMMAND_FAILED,
          r.exitCode(), what + ": " + tail(r.stderr()));
    }
  }

  private boolean remove(Path dir) {
    hosts.run(host, List.of("rm", "-rf", "--", dir.toString()));
    return !hosts.run(host, List.of("test", "-e", dir.toString())).succeeded();
  }

  private String bin(String name) {
    return binDir.resolve(name).toString();
  }

  private static String tail(String s) {
    String t = s.strip();
    return t.length() > ERROR_TAIL ? "..." + t.substring(t.length() - ERROR_TAIL) : t;
  }

  /** Builder for {@link RestoreDrill}; not thread-safe. */
  public static final class Builder {
    private final BackupTool tool;
    private final HostActions hosts;
    private final String host;
    private Path directory = Path.of("/var/tmp");
    private int port = 55432;
    private Path binDir = Path.of("/usr/lib/postgresql/15/bin");
    private String superuser = "postgres";
    private Duration recoveryTimeout = Duration.ofMinutes(30);
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();

    private Builder(BackupTool tool, HostActions hosts, String host) {
      this.tool = Objects.requireNonNull(tool, "tool == null");
      this.hosts = Objects.requireNonNull(hosts, "hosts == null");
      this.host = Objects.requireNonNull(host, "host == null");
    }

    /** Where the throwaway data directory is made ({@code <directory>/p4j-drill-<port>}); default {@code /var/tmp}. */
    public Builder directory(Path directory) {
      Path d = Objects.requireNonNull(directory, "directory == null").normalize();
      if (!d.isAbsolute()) {
        throw new IllegalArgumentException("directory is not absolute: " + d);
      }
      this.directory = d;
      return this;
    }

    /** A port free on the drill host (default 55432). */
    public Builder port(int port) {
      if (port < 1024 || port > 65535) {
        throw new IllegalArgumentException("port not in 1024..65535: " + port);
      }
      this.port = port;
      return this;
    }

    /** PostgreSQL's binaries on the drill host (default {@code /usr/lib/postgresql/15/bin}). */
    public Builder binDir(Path binDir) {
      this.binDir = Objects.requireNonNull(binDir, "binDir == null");
      return this;
    }

    /** The restored cluster's superuser (default {@code postgres}); the drill connects as it through the socket. */
    public Builder superuser(String superuser) {
      this.superuser = Objects.requireNonNull(superuser, "superuser == null");
      return this;
    }

    /** How long recovery of the restored instance may take (default 30 minutes). */
    public Builder recoveryTimeout(Duration recoveryTimeout) {
      if (recoveryTimeout.isNegative() || recoveryTimeout.isZero()) {
        throw new IllegalArgumentException("recoveryTimeout <= 0: " + recoveryTimeout);
      }
      this.recoveryTimeout = recoveryTimeout;
      return this;
    }

    /** The clock the report's times and the recovery deadline are measured with. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** How the wait for recovery sleeps between two looks at the instance (patroni4j's one {@link Sleeper}). */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper == null");
      return this;
    }

    public RestoreDrill build() {
      return new RestoreDrill(this);
    }
  }
}
