package dev.patroni4j.runbooks.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.model.Member;
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

/** The planned switchover in synchronous mode, on a real cluster of its own. */
class SyncModeSwitchoverTest {
  // pg2 may not be synchronous, so pg3 is the sync standby: a choice by least lag or by name would pick pg2.
  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = LocalPatroniClusterExtension.of(LocalPatroniCluster.builder()
      .members(3).dynamicConfig("synchronous_mode", true).tags(2, Map.of("nosync", true)));

  @TempDir Path dir;

  @Test
  void switchoverWithoutACandidateGoesToTheSynchronousStandby() {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniClient client = PatroniClient.builder().members(cluster.nodes().stream().map(PatroniNode::restUrl).toList())
        .pollInterval(Duration.ofMillis(250)).build();
    String syncStandby = client.waitUntil(ClusterCondition.of("a member is sync_standby",
            o -> o.view().members().stream().anyMatch(m -> m.role().is(Role.Kind.SYNC_STANDBY))), Duration.ofSeconds(30))
        .view().members().stream().filter(m -> m.role().is(Role.Kind.SYNC_STANDBY)).map(Member::name).findFirst()
        .orElseThrow();
    PatroniRunbooks catalogue = RealCluster.catalogue(cluster);

    RunbookResult r = catalogue.runner().build()
        .execute(catalogue.plannedSwitchover(SwitchoverOptions.defaults()), RealCluster.journal(dir));

    assertThat(r.succeeded()).as(r.toString()).isTrue();
    assertThat(syncStandby).isEqualTo("pg3");
    assertThat(client.cluster().leader().name()).as(RealCluster.members(cluster)).isEqualTo(syncStandby);
    assertThat(RealCluster.writablePrimaries(cluster)).containsExactly(syncStandby);
  }
}
