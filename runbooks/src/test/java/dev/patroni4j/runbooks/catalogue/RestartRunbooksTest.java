package dev.patroni4j.runbooks.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.runbooks.ExecuteOptions;
import dev.patroni4j.runbooks.Plan;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.RunbookRunner;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restart runbooks (config change with rolling restart, scheduled restart) on a real cluster. The version
 * matrix runs this class on every Patroni release (runbooks/pom.xml): how and when a member learns that it needs a
 * restart differs between 3.0.2 and 4.x.
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
    RunbookResult r = runner.execute(catalogue.configChange(patch, true), RealCluster.journal(dir),
        ExecuteOptions.defaults().plan(plan));

    assertThat(r).as(r.toString()).isInstanceOf(RunbookResult.Succeeded.class);
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

    RunbookResult r = runner.execute(catalogue.configChange(patch, true), RealCluster.journal(dir));

    assertThat(r).as(r.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    List<String> restarts = r.actedSteps().stream().filter(s -> s.contains("restart[")).toList();
    assertThat(restarts).containsExactly("rolling-restart/restart[pg1]", "rolling-restart/restart[pg2]",
        "rolling-restart/restart[pg3]");
    assertThat(cluster().leader().name()).isEqualTo("pg1");
    for (PatroniNode n : cluster().nodes()) {
      assertThat(RealCluster.show(cluster(), n, "max_connections")).isEqualTo("90");
    }
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
