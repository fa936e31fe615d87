package dev.patroni4j.runbooks.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.runbooks.Journal;
import dev.patroni4j.runbooks.ExecuteOptions;
import dev.patroni4j.runbooks.RunbookEvent;
import dev.patroni4j.runbooks.RunbookListener;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.RunbookRunner;
import dev.patroni4j.runbooks.WriteDowntime;
import dev.patroni4j.runbooks.WriteProbe;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.LocalPgBouncer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The planned switchover behind real PgBouncers: paused, switched, re-pointed, resumed; never left paused. */
class PoolerSwitchoverTest {
  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = LocalPatroniClusterExtension.of(LocalPatroniCluster.builder());

  private static LocalPgBouncer bouncer;
  private static LocalPgBouncer second;

  @TempDir Path dir;
  private long started;

  @BeforeAll
  static void startPoolers() {
    bouncer = LocalPgBouncer.start(CLUSTER.cluster());
    second = LocalPgBouncer.start(CLUSTER.cluster());
  }

  @AfterAll
  static void stopPoolers() {
    bouncer.close();
    second.close();
  }

  @BeforeEach
  void pointPoolersAtTheLeader() {
    started = System.nanoTime();
    for (LocalPgBouncer b : List.of(bouncer, second)) {
      b.pointAt(CLUSTER.cluster().leader());
      assertThat(b.admin("RELOAD").succeeded()).isTrue();
      if (paused(b)) {
        b.admin("RESUME " + LocalPgBouncer.DATABASE);
      }
    }
  }

  @AfterEach
  void timing(TestInfo info) {
    System.out.printf("%s took %d ms%n", info.getDisplayName(), Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  @Test
  void writesThroughPausedPoolersNeverFailAndANewConnectionLandsOnTheNewLeader() throws Exception {
    PatroniRunbooks catalogue = RealCluster.catalogue(CLUSTER.cluster());
    List<RunbookEvent> events = new CopyOnWriteArrayList<>();
    RunbookRunner runner = catalogue.runner().listener(recording(events)).build();
    SwitchoverOptions options = SwitchoverOptions.defaults().from("pg1")
        .poolers(PoolerCutover.of(pooler(bouncer), pooler(second)).drainTimeout(Duration.ofSeconds(5)));

    RunbookResult r = runner.execute(catalogue.plannedSwitchover(options), RealCluster.journal(dir),
        ExecuteOptions.defaults().writeProbe(WriteProbe.settings(bouncer::connect)));

    assertThat(r).as(r.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(r.actedSteps()).containsExactly("checkpoint", "pooler-pause[bouncer]", "pooler-pause[second]",
        "switchover", "pooler-repoint[bouncer]", "pooler-repoint[second]", "pooler-resume[bouncer]",
        "pooler-resume[second]", "all-streaming");
    WriteDowntime downtime = r.findWriteDowntime().orElseThrow();
    System.out.println("write downtime through the pooler: " + downtime);
    assertThat(downtime.failed()).as(downtime.toString()).isZero();
    assertThat(downtime.attempted()).isGreaterThan(100);
    assertThat(downtime.longestWrite()).as("writes waited in the paused pooler").isGreaterThan(Duration.ofMillis(100));
    assertThat(events).filteredOn(RunbookEvent.WriteDowntimeMeasured.class::isInstance).singleElement()
        .satisfies(e -> assertThat(((RunbookEvent.WriteDowntimeMeasured) e).downtime()).isEqualTo(downtime));
    String leader = CLUSTER.cluster().leader().name();
    assertThat(leader).isNotEqualTo("pg1");
    for (LocalPgBouncer b : List.of(bouncer, second)) {
      assertThat(paused(b)).isFalse();
      assertLandsOnLeader(b);
    }
  }

  @Test
  void aRunCrashedBetweenPauseAndResumeResumesThePoolerWhenResumedFromItsJournal() throws Exception {
    PatroniRunbooks catalogue = RealCluster.catalogue(CLUSTER.cluster());
    SwitchoverOptions options = SwitchoverOptions.defaults().from("pg1").poolers(PoolerCutover.of(pooler(bouncer)));
    Journal journal = RealCluster.journal(dir);
    RunbookListener killer = new RunbookListener() {
      @Override
      public void stepActed(RunbookEvent.StepActed e) {
        if (e.stepId().equals("switchover")) {
          throw new Killed();
        }
      }
    };

    try {
      catalogue.runner().listener(killer).build().execute(catalogue.plannedSwitchover(options), journal);
      throw new AssertionError("the run was not killed");
    } catch (Killed expected) {
      // the runner died after sending the switchover, with the pooler paused
    }
    assertThat(paused(bouncer)).as("the crash left the pooler paused").isTrue();

    RunbookResult resumed = catalogue.runner().build().execute(catalogue.plannedSwitchover(options), journal);

    assertThat(resumed).as(resumed.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(resumed.actedSteps()).contains("pooler-repoint[bouncer]", "pooler-resume[bouncer]")
        .doesNotContain("pooler-pause[bouncer]");
    assertThat(paused(bouncer)).isFalse();
    assertLandsOnLeader(bouncer);
  }

  @Test
  void aFailureAfterThePauseStillResumesThePooler() throws Exception {
    PatroniRunbooks catalogue = RealCluster.catalogue(CLUSTER.cluster());
    Pooler broken = new Pooler("bouncer", bouncer.host(), bouncer.port(), bouncer.adminCredentials().username(),
        bouncer.adminCredentials().password(), List.of(LocalPgBouncer.DATABASE), (db, host, port) -> {
          throw new java.io.IOException("config file not writable");
        });
    SwitchoverOptions options = SwitchoverOptions.defaults().from("pg1").poolers(PoolerCutover.of(broken));

    RunbookResult r = catalogue.runner().build().execute(catalogue.plannedSwitchover(options), RealCluster.journal(dir));

    assertThat(r).as(r.toString()).isInstanceOf(RunbookResult.Failed.class);
    assertThat(((RunbookResult.Failed) r).stepId()).isEqualTo("pooler-repoint[bouncer]");
    assertThat(((RunbookResult.Failed) r).reason()).contains("config file not writable")
        .doesNotContain(bouncer.adminCredentials().password());
    assertThat(r.actedSteps()).contains("pooler-resume[bouncer]").doesNotContain("all-streaming");
    assertThat(paused(bouncer)).isFalse();
  }

  @Test
  void transactionsOutlivingTheDrainTimeoutRefuseTheSwitchoverAndChangeNothing() throws Exception {
    PatroniRunbooks catalogue = RealCluster.catalogue(CLUSTER.cluster());
    long timeline = RealCluster.timeline(CLUSTER.cluster());
    SwitchoverOptions options = SwitchoverOptions.defaults().from("pg1").withoutCheckpoint()
        .poolers(PoolerCutover.of(pooler(bouncer)).drainTimeout(Duration.ofSeconds(1)));
    try (Connection tx = bouncer.connect()) {
      tx.setAutoCommit(false);
      query(tx, "SELECT txid_current()::text");

      RunbookResult r = catalogue.runner().build().execute(catalogue.plannedSwitchover(options),
          RealCluster.journal(dir));

      assertThat(r).as(r.toString()).isInstanceOf(RunbookResult.Refused.class);
      assertThat(((RunbookResult.Refused) r).stepId()).isEqualTo("pooler-pause[bouncer]");
      assertThat(((RunbookResult.Refused) r).reason()).contains("still ran after PT1S");
      assertThat(CLUSTER.cluster().leader().name()).isEqualTo("pg1");
      assertThat(RealCluster.timeline(CLUSTER.cluster())).isEqualTo(timeline);
      assertThat(paused(bouncer)).isFalse();
      query(tx, "SELECT 1::text");
      tx.commit();
    }
  }

  @Test
  void withProceedOnDrainTimeoutALongTransactionIsCutAndTheSwitchoverGoesAhead() throws Exception {
    PatroniRunbooks catalogue = RealCluster.catalogue(CLUSTER.cluster());
    long timeline = RealCluster.timeline(CLUSTER.cluster());
    SwitchoverOptions options = SwitchoverOptions.defaults().from("pg1").withoutCheckpoint()
        .poolers(PoolerCutover.of(pooler(bouncer)).drainTimeout(Duration.ofSeconds(1)).proceedOnDrainTimeout());
    try (Connection tx = bouncer.connect()) {
      tx.setAutoCommit(false);
      query(tx, "SELECT txid_current()::text");

      RunbookResult r = catalogue.runner().build().execute(catalogue.plannedSwitchover(options),
          RealCluster.journal(dir));

      assertThat(r).as(r.toString()).isInstanceOf(RunbookResult.Succeeded.class);
      assertThat(r.actedSteps()).containsSubsequence("pooler-pause[bouncer]", "switchover",
          "pooler-repoint[bouncer]", "pooler-resume[bouncer]");
      assertThat(CLUSTER.cluster().leader().name()).isNotEqualTo("pg1");
      assertThat(RealCluster.timeline(CLUSTER.cluster())).isGreaterThan(timeline);
      assertThat(paused(bouncer)).isFalse();
      assertThatThrownBy(() -> {
        query(tx, "SELECT 1::text");
        tx.commit();
      }).as("the transaction that outlived the drain timeout was cut by the old leader's shutdown")
          .isInstanceOf(SQLException.class);
    }
    assertLandsOnLeader(bouncer);
  }

  @Test
  void aPoolerWhoseEntryFollowsTheLeaderIsReconnectedAndLandsOnTheNewLeaderWithoutFailedWrites() throws Exception {
    PatroniRunbooks catalogue = RealCluster.catalogue(CLUSTER.cluster());
    try (LeaderAddress address = LeaderAddress.start(CLUSTER.cluster())) {
      bouncer.pointAt(address.port());
      assertThat(bouncer.admin("RELOAD").succeeded()).isTrue();
      Pooler followsLeader = new Pooler("bouncer", bouncer.host(), bouncer.port(),
          bouncer.adminCredentials().username(), bouncer.adminCredentials().password(),
          List.of(LocalPgBouncer.DATABASE), Pooler.Repoint.followsLeader());
      SwitchoverOptions options = SwitchoverOptions.defaults().from("pg1")
          .poolers(PoolerCutover.of(followsLeader).drainTimeout(Duration.ofSeconds(5)));
      try (Connection before = bouncer.connect()) {
        assertThat(query(before, "SELECT inet_server_port()::text")).as("through the leader's address")
            .isEqualTo(Integer.toString(CLUSTER.cluster().node("pg1").pgPort()));
      }

      RunbookResult r = catalogue.runner().build().execute(catalogue.plannedSwitchover(options),
          RealCluster.journal(dir), ExecuteOptions.defaults().writeProbe(WriteProbe.settings(bouncer::connect)));

      assertThat(r).as(r.toString()).isInstanceOf(RunbookResult.Succeeded.class);
      assertThat(r.steps()).filteredOn(s -> s.stepId().equals("pooler-repoint[bouncer]")).singleElement()
          .satisfies(s -> assertThat(s.reason()).as(s.toString()).containsIgnoringCase("reconnect"));
      WriteDowntime downtime = r.findWriteDowntime().orElseThrow();
      System.out.println("write downtime through a pooler following the leader's address: " + downtime);
      assertThat(downtime.failed()).as(downtime.toString()).isZero();
      assertThat(CLUSTER.cluster().leader().name()).isNotEqualTo("pg1");
      assertThat(paused(bouncer)).isFalse();
      assertThat(bouncer.admin("SHOW DATABASES").stdout()).as("the entry was not rewritten")
          .contains("|" + address.port() + "|");
      assertLandsOnLeader(bouncer);
    }
  }

  @Test
  void aPoolerWithoutTheNamedDatabaseIsRefusedBeforeAnythingChanges() {
    PatroniRunbooks catalogue = RealCluster.catalogue(CLUSTER.cluster());
    Pooler wrong = new Pooler("bouncer", bouncer.host(), bouncer.port(), bouncer.adminCredentials().username(),
        bouncer.adminCredentials().password(), List.of("nosuchdb"), Pooler.Repoint.followsLeader());

    RunbookResult r = catalogue.runner().build().execute(catalogue.plannedSwitchover(SwitchoverOptions.defaults()
        .from("pg1").poolers(PoolerCutover.of(wrong))), RealCluster.journal(dir));

    assertThat(r).as(r.toString()).isInstanceOf(RunbookResult.Refused.class);
    assertThat(((RunbookResult.Refused) r).reason()).contains("no [databases] entry [nosuchdb]");
    assertThat(CLUSTER.cluster().leader().name()).isEqualTo("pg1");
    assertThat(paused(bouncer)).isFalse();
  }

  private static Pooler pooler(LocalPgBouncer b) {
    return new Pooler(b == bouncer ? "bouncer" : "second", b.host(), b.port(), b.adminCredentials().username(),
        b.adminCredentials().password(), List.of(LocalPgBouncer.DATABASE), (db, host, port) -> b.pointAt(port));
  }

  private static boolean paused(LocalPgBouncer b) {
    String rows = b.admin("SHOW DATABASES").stdout();
    return rows.lines().filter(l -> l.startsWith(LocalPgBouncer.DATABASE + "|")).anyMatch(l -> l.split("\\|", -1)[11]
        .equals("1"));
  }

  private static void assertLandsOnLeader(LocalPgBouncer b) throws SQLException {
    try (Connection c = b.connect()) {
      assertThat(query(c, "SELECT pg_is_in_recovery()::text")).isEqualTo("false");
      assertThat(query(c, "SELECT inet_server_port()::text"))
          .isEqualTo(Integer.toString(CLUSTER.cluster().leader().pgPort()));
    }
  }

  private static String query(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static RunbookListener recording(List<RunbookEvent> events) {
    return new RunbookListener() {
      @Override
      public void writeDowntimeMeasured(RunbookEvent.WriteDowntimeMeasured e) {
        events.add(e);
      }
    };
  }

  /** Stands in for SIGKILL of the runner: an Error thrown at a step boundary, which nothing after it journals. */
  private static final class Killed extends Error {
    private static final long serialVersionUID = 1L;
  }
}
