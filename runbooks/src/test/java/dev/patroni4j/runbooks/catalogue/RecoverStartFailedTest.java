package dev.patroni4j.runbooks.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.model.MemberState;
import dev.patroni4j.runbooks.ExecuteOptions;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.RunbookRunner;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class RecoverStartFailedTest {
  private static final String PANIC = BrokenCheckpoint.PANIC;

  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = LocalPatroniClusterExtension.of(LocalPatroniCluster.builder()
      .members(2));

  @TempDir Path dir;

  @Test
  void aReplicaThatPanicsOnItsCheckpointRecordIsRebuiltOnlyWithItsTokenAndASecondRunDoesNothing() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode pg2 = cluster.node("pg2");
    PatroniRunbooks catalogue = RealCluster.catalogue(cluster);
    RunbookRunner runner = catalogue.runner().build();
    try (Connection c = cluster.connect(cluster.node("pg1")); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS before_failure AS SELECT 42 AS answer");
    }
    cluster.stopPatroni(pg2); // unpaused: Patroni stops PostgreSQL cleanly, with a restartpoint
    BrokenCheckpoint.breakCheckpointRecord(pg2);
    cluster.startPatroni(pg2);
    catalogue.client().waitUntil(Conditions.memberState("pg2", MemberState.Kind.START_FAILED), Duration.ofSeconds(60));
    assertThat(BrokenCheckpoint.postgresLog(pg2)).as("the seed's failure, for real").contains("PANIC:  " + PANIC);

    RunbookResult withoutToken = runner.execute(catalogue.recoverStartFailed("pg2", Duration.ofSeconds(60)),
        RealCluster.journal(dir));
    assertThat(withoutToken).isInstanceOfSatisfying(RunbookResult.Refused.class,
        refused -> assertThat(refused.reason()).contains("destructive steps need a confirmation token"));
    assertThat(catalogue.client().cluster().findMember("pg2").orElseThrow().state().raw())
        .as("nothing was done without the token").isIn("start failed", "starting");

    Confirmation token = Confirmation.of(catalogue.identitySource().observe());
    RunbookResult recovered = runner.execute(catalogue.recoverStartFailed("pg2", Duration.ofSeconds(60)),
        RealCluster.journal(dir), ExecuteOptions.defaults().confirmation(token));

    assertThat(recovered).as(recovered.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    // The streaming wait acts only when pg2 did not stream yet the moment its rebuild was verified.
    assertThat(recovered.actedSteps()).as("only the rebuild changed anything").first().isEqualTo("reinitialize[pg2]");
    assertThat(Conditions.memberStreaming("pg2").test(catalogue.client().observe(true))).isTrue();
    try (Connection c = cluster.connect(pg2); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT answer, pg_is_in_recovery() FROM before_failure")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(42);
      assertThat(rs.getBoolean(2)).as("rebuilt as a replica").isTrue();
    }

    RunbookResult again = runner.execute(catalogue.recoverStartFailed("pg2", Duration.ofSeconds(60)),
        RealCluster.journal(dir), ExecuteOptions.defaults().confirmation(token));
    assertThat(again.succeeded()).isTrue();
    assertThat(again.actedSteps()).as("a healthy member is left alone").isEmpty();
  }
}
