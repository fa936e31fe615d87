package dev.patroni4j.runbooks.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.ConfigPatch;
import dev.patroni4j.client.Outcome;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The planned switchover under {@code synchronous_mode: quorum} (Patroni 4.0+) on a real cluster: pg2 is tagged
 * {@code nosync}, so only pg3 is in the quorum set. Runs on 4.1.5 only, outside the version matrix: 3.0.2 has no
 * quorum mode, and 4.0.7's quorum commit is proven by patroni-client's real-endpoint suite.
 */
class QuorumSwitchoverTest {
  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = LocalPatroniClusterExtension.of(LocalPatroniCluster.builder()
      .members(3).patroniVersion("4.1.5").tags(2, Map.of("nosync", true)));

  @TempDir Path dir;

  @Test
  void candidateOutsideTheQuorumSetIsRefusedWithTheReasonAndTheQuorumStandbyIsChosen() {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniClient client = PatroniClient.builder().members(cluster.nodes().stream().map(PatroniNode::restUrl).toList())
        .pollInterval(Duration.ofMillis(250)).build();
    assertThat(client.patchConfig(ConfigPatch.builder().set("synchronous_mode", "quorum").build()).kind())
        .isEqualTo(Outcome.Kind.DONE);
    try {
      client.waitUntil(ClusterCondition.of("pg3 is the quorum standby",
          o -> o.view().member("pg3").role().is(Role.Kind.QUORUM_STANDBY)
              && o.view().member("pg2").role().is(Role.Kind.REPLICA)), Duration.ofSeconds(60));
      PatroniRunbooks catalogue = RealCluster.catalogue(cluster);

      RunbookResult toPg2 = catalogue.runner().build()
          .execute(catalogue.plannedSwitchover(SwitchoverOptions.defaults().to("pg2")), RealCluster.journal(dir));

      assertThat(toPg2).isInstanceOfSatisfying(RunbookResult.Refused.class, r -> assertThat(r.reason())
          .isEqualTo("candidate pg2 does not qualify: is not in the quorum set (synchronous_mode is quorum; it is tagged nosync)"));
      assertThat(client.cluster().leader().name()).isEqualTo("pg1");

      RunbookResult best = catalogue.runner().build()
          .execute(catalogue.plannedSwitchover(SwitchoverOptions.defaults()), RealCluster.journal(dir));

      assertThat(best.succeeded()).as(best.toString()).isTrue();
      assertThat(client.cluster().leader().name()).as(RealCluster.members(cluster)).isEqualTo("pg3");
    } finally {
      client.patchConfig(ConfigPatch.builder().remove("synchronous_mode").build());
    }
  }
}
