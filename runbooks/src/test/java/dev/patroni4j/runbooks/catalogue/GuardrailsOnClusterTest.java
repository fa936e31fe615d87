package dev.patroni4j.runbooks.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Plan;
import dev.patroni4j.runbooks.PlannedStep;
import dev.patroni4j.runbooks.RunbookEvent;
import dev.patroni4j.runbooks.RunbookListener;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.RunbookRunner;
import dev.patroni4j.runbooks.StepReport;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pre-flight guardrails on a real cluster shared by every test (restored between tests): each refusal at plan
 * time changes nothing and names the threshold and the value observed; a condition that appears after the plan is
 * refused by the disruptive step's own re-check, right before its request. pg2 and pg3 are {@code nosync}, so that
 * synchronous mode can be switched on without a synchronous standby to pick.
 */
class GuardrailsOnClusterTest {
  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = LocalPatroniClusterExtension.of(LocalPatroniCluster.builder()
      .members(3).tags(2, Map.of("nosync", true)).tags(3, Map.of("nosync", true)));

  private static final Duration TWO_SECONDS = Duration.ofSeconds(2);

  @TempDir Path dir;

  /** Connections holding transactions open, closed after each test. */
  private final List<Connection> open = new ArrayList<>();

  @AfterEach
  void closeTransactions() throws SQLException {
    for (Connection c : open) {
      c.close();
    }
    open.clear();
  }

  private LocalPatroniCluster cluster() {
    return CLUSTER.cluster();
  }

  private PatroniRunbooks catalogue() {
    return RealCluster.catalogue(cluster());
  }

  /** Opens a transaction on {@code node} that stays open ({@code idle in transaction}); returns its backend pid. */
  private long openTransaction(PatroniNode node) throws SQLException {
    Connection c = cluster().connect(node);
    open.add(c);
    c.setAutoCommit(false);
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid(), now()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static PlannedStep guardrailsStep(Plan plan) {
    return plan.steps().stream().filter(s -> s.stepId().endsWith("guardrails")).findFirst().orElseThrow();
  }

  private void assertNothingChanged(long timelineBefore) {
    assertThat(cluster().leader().name()).as(RealCluster.members(cluster())).isEqualTo("pg1");
    assertThat(RealCluster.timeline(cluster())).isEqualTo(timelineBefore);
    assertThat(RealCluster.writablePrimaries(cluster())).containsExactly("pg1");
  }

  @Test
  void aLongTransactionOnTheLeaderRefusesTheSwitchoverAtPlanTimeNamingTheLimitAndItsAge() throws Exception {
    PatroniRunbooks catalogue = catalogue();
    RunbookRunner runner = catalogue.runner().build();
    long timeline = RealCluster.timeline(cluster());
    long pid = openTransaction(cluster().node("pg1"));
    sleep(TWO_SECONDS.plusMillis(700));
    SwitchoverOptions options = SwitchoverOptions.defaults().to("pg2")
        .guardrails(Guardrails.builder().maxTransactionAge(TWO_SECONDS).build());

    Plan plan = runner.plan(catalogue.plannedSwitchover(options));
    RunbookResult r = runner.execute(catalogue.plannedSwitchover(options), RealCluster.journal(dir));

    PlannedStep g = guardrailsStep(plan);
    assertThat(g.decision()).isEqualTo(Decision.Kind.BLOCKED);
    assertThat(g.reason()).contains("transaction-age: the longest transaction on pg1 (pid " + pid
        + ", idle in transaction) is ").contains(" old, above the limit of 2 s");
    assertThat(GuardrailReport.verdictsIn(g.facts())).filteredOn(v -> v.status() == GuardrailVerdict.Status.VIOLATED)
        .singleElement().isInstanceOfSatisfying(GuardrailVerdict.TransactionAge.class, t -> {
          assertThat(t.member()).isEqualTo("pg1");
          assertThat(t.pid()).isEqualTo(pid);
          assertThat(t.maxAge()).isEqualTo(TWO_SECONDS);
          assertThat(t.observedAge()).isGreaterThan(TWO_SECONDS);
        });
    assertThat(r).as(r.toString()).isInstanceOfSatisfying(RunbookResult.Refused.class, refused -> {
      assertThat(refused.stepId()).isEqualTo("guardrails");
      assertThat(refused.reason()).contains("above the limit of 2 s");
      assertThat(GuardrailReport.verdictsIn(refused.evidence())).anySatisfy(v ->
          assertThat(v.status()).isEqualTo(GuardrailVerdict.Status.VIOLATED));
    });
    assertThat(r.actedSteps()).isEmpty();
    assertNothingChanged(timeline);
  }

  @Test
  void aLongTransactionOpenedAfterThePlanIsRefusedRightBeforeTheSwitchoverWithNothingDone() throws Exception {
    PatroniRunbooks catalogue = catalogue();
    long timeline = RealCluster.timeline(cluster());
    long[] pid = {0};
    RunbookListener opensTransaction = new RunbookListener() {
      @Override
      public void stepStarted(RunbookEvent.StepStarted e) {
        if (e.stepId().equals("switchover")) { // the plan and the earlier steps saw no transaction
          try {
            pid[0] = openTransaction(cluster().node("pg1"));
          } catch (SQLException ex) {
            throw new AssertionError(ex);
          }
          sleep(TWO_SECONDS.plusMillis(700));
        }
      }
    };
    RunbookRunner runner = catalogue.runner().listener(opensTransaction).build();
    SwitchoverOptions options = SwitchoverOptions.defaults().to("pg2")
        .guardrails(Guardrails.builder().maxTransactionAge(TWO_SECONDS).build());

    RunbookResult r = runner.execute(catalogue.plannedSwitchover(options), RealCluster.journal(dir));

    assertThat(r).as(r.toString()).isInstanceOfSatisfying(RunbookResult.Refused.class, refused -> {
      assertThat(refused.stepId()).isEqualTo("switchover");
      assertThat(refused.reason()).startsWith("re-checked right before the switchover from pg1 to pg2: guardrails"
          + " refused: transaction-age: the longest transaction on pg1 (pid " + pid[0] + ", idle in transaction)")
          .contains("above the limit of 2 s");
      assertThat(GuardrailReport.verdictsIn(refused.evidence())).anySatisfy(v -> {
        assertThat(v.check()).isEqualTo(GuardrailVerdict.Check.TRANSACTION_AGE);
        assertThat(v.status()).isEqualTo(GuardrailVerdict.Status.VIOLATED);
      });
    });
    assertThat(r.steps()).filteredOn(s -> s.stepId().equals("guardrails")).singleElement()
        .satisfies(s -> assertThat(s.outcome()).isEqualTo(StepReport.Outcome.SKIPPED));
    assertThat(r.actedSteps()).doesNotContain("switchover");
    assertThat(r.steps()).noneSatisfy(s -> assertThat(s.stepId()).isEqualTo("all-streaming"));
    assertNothingChanged(timeline);
  }

  @Test
  void aCandidateLaggingMoreThanTheLimitRefusesNamingTheLimitAndTheLag() throws Exception {
    PatroniRunbooks catalogue = catalogue();
    PatroniClient client = RealCluster.client(cluster());
    long timeline = RealCluster.timeline(cluster());
    long limit = 256L << 10;
    long receiver;
    try (Connection c = cluster().connect(cluster().node("pg2")); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_wal_receiver")) {
      assertThat(rs.next()).as("pg2 has a WAL receiver").isTrue();
      receiver = rs.getLong(1);
    }
    signal("STOP", receiver); // pg2 stops receiving; its Patroni keeps reporting its position
    try {
      try (Connection c = cluster().connect(cluster().node("pg1")); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE guard_lag AS SELECT repeat('x', 1000) AS x FROM generate_series(1, 4000)");
      }
      client.waitUntil(ClusterCondition.of("Patroni reports pg2 lagging more than " + limit + " bytes",
          o -> o.view().findMember("pg2").map(m -> !m.lag().isAtMost(limit)).orElse(false)), Duration.ofSeconds(30));
      SwitchoverOptions options = SwitchoverOptions.defaults().to("pg2")
          .guardrails(Guardrails.builder().maxReplayLagBytes(limit).build());

      Plan plan = catalogue.runner().build().plan(catalogue.plannedSwitchover(options));
      RunbookResult r = catalogue.runner().build().execute(catalogue.plannedSwitchover(options),
          RealCluster.journal(dir));

      PlannedStep g = guardrailsStep(plan);
      assertThat(g.decision()).isEqualTo(Decision.Kind.BLOCKED);
      assertThat(g.reason()).contains("replay-lag: pg2 lags ").contains("above the limit of 262144 bytes (256.0 KiB)");
      assertThat(GuardrailReport.verdictsIn(g.facts())).filteredOn(v -> v.status() == GuardrailVerdict.Status.VIOLATED)
          .singleElement().isInstanceOfSatisfying(GuardrailVerdict.ReplayLag.class, l -> {
            assertThat(l.member()).isEqualTo("pg2");
            assertThat(l.maxBytes()).isEqualTo(limit);
            assertThat(l.observedBytes()).isGreaterThan(limit);
            assertThat(l.source()).contains("pg_stat_replication");
          });
      assertThat(r).as(r.toString()).isInstanceOfSatisfying(RunbookResult.Refused.class,
          refused -> assertThat(refused.stepId()).isEqualTo("guardrails"));
      assertThat(r.actedSteps()).isEmpty();
      assertNothingChanged(timeline);
    } finally {
      signal("CONT", receiver);
      try (Connection c = cluster().connect(cluster().node("pg1")); Statement s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS guard_lag");
      }
    }
  }

  @Test
  void synchronousModeWithoutASynchronousStandbyRefusesTheSwitchover() throws Exception {
    PatroniRunbooks catalogue = catalogue();
    RunbookRunner runner = catalogue.runner().build();
    long timeline = RealCluster.timeline(cluster());
    assertThat(runner.execute(catalogue.configChange(Map.of("synchronous_mode", true), false),
        RealCluster.journal(dir)).succeeded()).isTrue();
    try {
      sleep(Duration.ofSeconds(5)); // a few HA loops: Patroni finds no member it may make synchronous (nosync)
      assertThat(catalogue.client().cluster().members()).noneSatisfy(m ->
          assertThat(m.role().is(Role.Kind.SYNC_STANDBY)).isTrue());

      Plan plan = runner.plan(catalogue.plannedSwitchover(SwitchoverOptions.defaults()));
      RunbookResult r = runner.execute(catalogue.plannedSwitchover(SwitchoverOptions.defaults()),
          RealCluster.journal(dir));

      PlannedStep g = guardrailsStep(plan);
      assertThat(g.decision()).isEqualTo(Decision.Kind.BLOCKED);
      assertThat(g.reason()).contains("sync-standby: synchronous_mode is true and needs at least 1 synchronous"
          + " standby; observed 0");
      assertThat(GuardrailReport.verdictsIn(g.facts())).filteredOn(v -> v.status() == GuardrailVerdict.Status.VIOLATED)
          .singleElement().isInstanceOfSatisfying(GuardrailVerdict.SyncStandby.class, s -> {
            assertThat(s.required()).isEqualTo(1);
            assertThat(s.syncStandbys()).isEmpty();
          });
      assertThat(r).as(r.toString()).isInstanceOfSatisfying(RunbookResult.Refused.class,
          refused -> assertThat(refused.stepId()).isEqualTo("guardrails"));
      assertNothingChanged(timeline);
    } finally {
      Map<String, Object> off = new HashMap<>();
      off.put("synchronous_mode", null);
      assertThat(runner.execute(catalogue.configChange(off, false), RealCluster.journal(dir)).succeeded()).isTrue();
    }
  }

  @Test
  void aMemberOnAnUnexpectedPatroniVersionRefusesAndTheRunningVersionPasses() {
    PatroniRunbooks catalogue = catalogue();
    RunbookRunner runner = catalogue.runner().build();
    long timeline = RealCluster.timeline(cluster());
    String running = cluster().reportedPatroniVersion(cluster().node("pg1"));
    String other = running.equals("4.1.5") ? "4.0.7" : "4.1.5";
    Guardrails expectOther = Guardrails.builder().expectPatroniVersions(List.of(other)).build();
    String majorMinor = running.substring(0, running.lastIndexOf('.'));
    Guardrails expectRunning = Guardrails.builder().expectPatroniVersions(List.of(majorMinor)).build();

    Plan refused = runner.plan(catalogue.plannedSwitchover(SwitchoverOptions.defaults().guardrails(expectOther)));
    Plan passes = runner.plan(catalogue.plannedSwitchover(SwitchoverOptions.defaults().guardrails(expectRunning)));
    RunbookResult r = runner.execute(catalogue.rollingRestart(expectOther), RealCluster.journal(dir));

    PlannedStep g = guardrailsStep(refused);
    assertThat(g.decision()).isEqualTo(Decision.Kind.BLOCKED);
    assertThat(g.reason()).contains("patroni-version: pg1 runs Patroni " + running + ", expected " + other)
        .contains("patroni-version: pg2 runs Patroni " + running + ", expected " + other)
        .contains("patroni-version: pg3 runs Patroni " + running + ", expected " + other);
    assertThat(GuardrailReport.verdictsIn(g.facts())).filteredOn(v -> v.status() == GuardrailVerdict.Status.VIOLATED)
        .hasSize(3).allSatisfy(v -> assertThat(v).isInstanceOfSatisfying(GuardrailVerdict.PatroniVersion.class, p -> {
          assertThat(p.observedVersion()).isEqualTo(running);
          assertThat(p.expected()).containsExactly(other);
        }));
    assertThat(guardrailsStep(passes).decision()).isEqualTo(Decision.Kind.SATISFIED);
    assertThat(guardrailsStep(passes).reason()).contains("patroni-version: pg2 runs Patroni " + running)
        .contains("[thresholds: replay lag <= 104857600 bytes (100.0 MiB); transaction age <= 15 s");
    assertThat(r.actedSteps()).as("no member has a pending restart: nothing to guard, nothing done").isEmpty();
    assertNothingChanged(timeline);
  }

  @Test
  void withoutSqlAccessThePlanSaysTheTransactionCheckWasNotMade() {
    PatroniRunbooks noSql = PatroniRunbooks.builder(RealCluster.client(cluster())).scope(cluster().scope()).build();
    RunbookRunner runner = noSql.runner().build();

    PlannedStep lenient = guardrailsStep(runner.plan(noSql.plannedSwitchover(SwitchoverOptions.defaults())));
    PlannedStep strict = guardrailsStep(runner.plan(noSql.plannedSwitchover(SwitchoverOptions.defaults()
        .guardrails(Guardrails.builder().refuseUnchecked(true).build()))));

    assertThat(lenient.decision()).isEqualTo(Decision.Kind.SATISFIED);
    assertThat(lenient.reason()).contains("NOT CHECKED: transaction-age: transactions on pg1 not checked: no"
        + " PostgresConnector configured");
    assertThat(strict.decision()).isEqualTo(Decision.Kind.BLOCKED);
    assertThat(strict.reason()).startsWith("guardrails refused: transaction-age: transactions on pg1 not checked");
  }

  @Test
  void aRollingRestartIsRefusedAtPlanTimeAndRightBeforeEachRestartForALongTransactionOnThatMember()
      throws Exception {
    PatroniRunbooks catalogue = catalogue();
    RunbookRunner runner = catalogue.runner().build();
    long timeline = RealCluster.timeline(cluster());
    int maxConnections = Integer.parseInt(RealCluster.show(cluster(), cluster().node("pg1"), "max_connections"));
    assertThat(runner.execute(catalogue.configChange(Map.of("postgresql", Map.of("parameters",
        Map.of("max_connections", maxConnections + 10))), false), RealCluster.journal(dir)).succeeded()).isTrue();
    try {
      Map<String, OffsetDateTime> started = postmasterStarts(catalogue);
      assertThat(RealCluster.statuses(catalogue)).allSatisfy(s -> assertThat(s.pendingRestart()).isTrue());
      Guardrails twoSeconds = Guardrails.builder().maxTransactionAge(TWO_SECONDS).build();

      // At plan time: a transaction on pg3, which the rolling restart would interrupt.
      long pid3 = openTransaction(cluster().node("pg3"));
      sleep(TWO_SECONDS.plusMillis(700));
      Plan plan = runner.plan(catalogue.rollingRestart(twoSeconds));
      closeTransactions();

      // After the plan: a transaction opened on pg2 right before its restart.
      long[] pid2 = {0};
      RunbookRunner hooked = catalogue.runner().listener(new RunbookListener() {
        @Override
        public void stepStarted(RunbookEvent.StepStarted e) {
          if (e.stepId().equals("restart[pg2]")) {
            try {
              pid2[0] = openTransaction(cluster().node("pg2"));
            } catch (SQLException ex) {
              throw new AssertionError(ex);
            }
            sleep(TWO_SECONDS.plusMillis(700));
          }
        }
      }).build();
      RunbookResult r = hooked.execute(catalogue.rollingRestart(twoSeconds), RealCluster.journal(dir));

      PlannedStep g = guardrailsStep(plan);
      assertThat(g.decision()).isEqualTo(Decision.Kind.BLOCKED);
      assertThat(g.reason()).contains("transaction-age: the longest transaction on pg3 (pid " + pid3)
          .contains("above the limit of 2 s");
      assertThat(r).as(r.toString()).isInstanceOfSatisfying(RunbookResult.Refused.class, refused -> {
        assertThat(refused.stepId()).isEqualTo("restart[pg2]");
        assertThat(refused.reason()).startsWith("re-checked right before the restart of pg2: guardrails refused:"
            + " transaction-age: the longest transaction on pg2 (pid " + pid2[0] + ", idle in transaction)");
      });
      assertThat(r.actedSteps()).isEmpty();
      assertThat(postmasterStarts(catalogue)).as("no member restarted").isEqualTo(started);
      assertNothingChanged(timeline);
    } catch (Exception | Error e) {
      restoreMaxConnections(runner, catalogue, maxConnections, Optional.of(e));
      throw e;
    }
    restoreMaxConnections(runner, catalogue, maxConnections, Optional.empty());
  }

  /**
   * Back to the running value, so that the pending restart goes away (when nothing was restarted); a failure here
   * is added to the test's own failure, which stays the one reported.
   */
  private void restoreMaxConnections(RunbookRunner runner, PatroniRunbooks catalogue, int maxConnections,
      Optional<Throwable> failure) throws Exception {
    try {
      closeTransactions();
      assertThat(runner.execute(catalogue.configChange(Map.of("postgresql", Map.of("parameters",
          Map.of("max_connections", maxConnections))), false), RealCluster.journal(dir)).succeeded()).isTrue();
      RealCluster.client(cluster()).waitUntil(ClusterCondition.of("no member has a pending restart",
          o -> o.view().members().stream().noneMatch(Member::pendingRestart)), Duration.ofSeconds(60));
    } catch (Exception | Error e) {
      if (failure.isEmpty()) {
        throw e;
      }
      failure.get().addSuppressed(e);
    }
  }

  private static Map<String, OffsetDateTime> postmasterStarts(PatroniRunbooks catalogue) {
    Map<String, OffsetDateTime> out = new HashMap<>();
    for (Member m : catalogue.client().cluster().members()) {
      MemberStatus s = catalogue.client().member(m.name()).status();
      out.put(m.name(), Objects.requireNonNull(s.postmasterStartTime(), m.name() + " reports no postmaster start"));
    }
    return out;
  }

  private static void signal(String signal, long pid) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("kill -" + signal + " " + pid + ": " + out).isZero();
  }
}
