package dev.patroni4j.runbooks.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.runbooks.ExecuteOptions;
import dev.patroni4j.runbooks.Plan;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.RunbookRunner;
import dev.patroni4j.runbooks.WriteDowntime;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restart runbooks (config change with rolling restart, scheduled restart) on a real cluster; the rolling restarts
 * run under a write probe and a writer, whose accounts of the write downtime must agree. The version matrix runs this
 * class on every Patroni release (runbooks/pom.xml): how and when a member learns that it needs a restart differs
 * between 3.0.2 and 4.x.
 */
@Tag(PlannedSwitchoverTest.EVERY_PATRONI_VERSION)
class RestartRunbooksTest {
  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = LocalPatroniClusterExtension.of(LocalPatroniCluster.builder());

  @TempDir Path dir;

  private LocalPatroniCluster cluster() {
    return CLUSTER.cluster();
  }

  @Test
  void configChangeNeedingARestartRollsReplicasThenSwitchesOverThenRestartsTheOldLeader() throws Exception {
    PatroniRunbooks catalogue = RealCluster.catalogue(cluster());
    RunbookRunner runner = catalogue.runner().build();
    Map<String, Object> patch = Map.of("postgresql", Map.of("parameters",
        Map.of("max_wal_senders", 12, "work_mem", "6MB")));

    Plan plan = runner.plan(catalogue.configChange(patch, true));
    assertThat(plan.bindings().get(Keys.SEQUENCE)).containsExactly("pg2", "pg3", "@settle", "@switchover", "pg1");
    Writer writer = Writer.start(cluster(), "rolling_switchover");
    writer.awaitRows(50);
    RunbookResult r = runner.execute(catalogue.configChange(patch, true), RealCluster.journal(dir),
        ExecuteOptions.defaults().plan(plan).writeProbe(RealCluster.writeProbe(cluster())));
    Writer.Report written = writer.stop();

    assertThat(r).as(r.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertProbeAgreesWithTheWriter("rolling restart, switchover before the leader", r, written);
    assertThat(r.steps()).filteredOn(s -> s.stepId().equals("pending-restart")).singleElement()
        .satisfies(s -> assertThat(s.facts().get(Keys.PENDING_RESTART)).containsExactly("pg1", "pg2", "pg3"));
    assertThat(r.actedSteps()).containsSubsequence("patch-config", "rolling-restart/restart[pg2]",
        "rolling-restart/restart[pg3]", "rolling-restart/switchover", "rolling-restart/restart[pg1]");
    assertThat(cluster().leader().name()).isNotEqualTo("pg1");
    for (PatroniNode n : cluster().nodes()) {
      assertThat(RealCluster.show(cluster(), n, "max_wal_senders")).isEqualTo("12");
      assertThat(RealCluster.show(cluster(), n, "work_mem")).isEqualTo("6MB");
    }
    assertThat(RealCluster.statuses(catalogue)).noneSatisfy(s -> assertThat(s.pendingRestart()).isTrue());
    RunbookResult again = runner.execute(catalogue.configChange(patch, true), RealCluster.journal(dir));
    assertThat(again.actedSteps()).as(again.toString()).isEmpty();
  }

  @Test
  void decreasingOnlyMaxConnectionsRestartsThePrimaryFirst() throws Exception {
    PatroniRunbooks catalogue = RealCluster.catalogue(cluster());
    RunbookRunner runner = catalogue.runner().build();
    Map<String, Object> patch = Map.of("postgresql", Map.of("parameters", Map.of("max_connections", 90)));
    Writer writer = Writer.start(cluster(), "rolling_primary_first");
    writer.awaitRows(50);

    RunbookResult r = runner.execute(catalogue.configChange(patch, true), RealCluster.journal(dir),
        ExecuteOptions.defaults().writeProbe(RealCluster.writeProbe(cluster())));
    Writer.Report written = writer.stop();

    assertThat(r).as(r.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertProbeAgreesWithTheWriter("rolling restart, the primary restarted in place", r, written);
    List<String> restarts = r.actedSteps().stream().filter(s -> s.contains("restart[")).toList();
    assertThat(restarts).containsExactly("rolling-restart/restart[pg1]", "rolling-restart/restart[pg2]",
        "rolling-restart/restart[pg3]");
    assertThat(cluster().leader().name()).isEqualTo("pg1");
    for (PatroniNode n : cluster().nodes()) {
      assertThat(RealCluster.show(cluster(), n, "max_connections")).isEqualTo("90");
    }
  }

  /**
   * The run's write probe felt what an application writing through the same URL felt: both lost writes at the same
   * time (the switchover or the primary's restart), and the probe's longest time without a commit is the writer's.
   */
  private static void assertProbeAgreesWithTheWriter(String what, RunbookResult r, Writer.Report written) {
    WriteDowntime probe = r.findWriteDowntime().orElseThrow();
    System.out.println(what + ": probe " + probe + "; writer failed " + written.failures() + " inserts, longest gap "
        + written.longestGap().toMillis() + " ms, failures " + written.firstFailure() + " .. " + written.lastFailure());
    assertThat(written.missing()).as("no acknowledged row lost").isEmpty();
    assertThat(written.failures()).as("the writer lost writes while the primary was unavailable").isPositive();
    assertThat(probe.failed()).as(probe.toString()).isPositive();
    assertThat(probe.attempted()).isGreaterThan(probe.failed());
    Instant probeFrom = probe.findFirstFailure().orElseThrow();
    Instant probeTo = probe.findLastFailure().orElseThrow();
    assertThat(probeFrom).as("the probe and the writer failed during the same window")
        .isBeforeOrEqualTo(java.util.Objects.requireNonNull(written.lastFailure()).plusSeconds(1));
    assertThat(probeTo).isAfterOrEqualTo(java.util.Objects.requireNonNull(written.firstFailure()).minusSeconds(1));
    Duration difference = probe.longestWithoutCommit().minus(written.longestGap()).abs();
    assertThat(difference).as("probe %s ms without a commit, writer %s ms",
        probe.longestWithoutCommit().toMillis(), written.longestGap().toMillis())
        .isLessThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(probe.longestWithoutCommit()).isGreaterThan(Duration.ofMillis(100));
  }

  @Test
  void scheduledRestartIsVisibleAndCancellable() {
    PatroniRunbooks catalogue = RealCluster.catalogue(cluster());
    RunbookRunner runner = catalogue.runner().build();
    OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC).plusHours(2).withNano(0);

    assertThat(runner.execute(catalogue.scheduledRestart("pg2", at), RealCluster.journal(dir)).actedSteps())
        .containsExactly("schedule-restart[pg2]");
    assertThat(catalogue.client().member("pg2").status().scheduledRestart()).isNotNull();
    assertThat(runner.execute(catalogue.scheduledRestart("pg2", at), RealCluster.journal(dir)).actedSteps()).isEmpty();
    assertThat(runner.execute(catalogue.cancelScheduledRestart("pg2"), RealCluster.journal(dir)).actedSteps())
        .containsExactly("cancel-restart[pg2]");
    assertThat(catalogue.client().member("pg2").status().scheduledRestart()).isNull();
  }
}
