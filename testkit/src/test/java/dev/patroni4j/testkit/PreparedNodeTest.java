package dev.patroni4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.config.ClusterSpec;
import dev.patroni4j.config.ConfigGenerator;
import dev.patroni4j.config.MemberHost;
import dev.patroni4j.config.PatroniConfig;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PreparedNodeTest {
  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER =
      LocalPatroniClusterExtension.of(LocalPatroniCluster.builder().members(1));

  @Test
  void aPreparedNodeIsAnEmptyHostUntilATestConfiguresAndStartsItThenItClonesAndStreams() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode pg1 = cluster.node("pg1");
    PatroniNode node = cluster.prepareNode();

    assertThat(node.name()).isEqualTo("pg2");
    assertThat(cluster.nodes()).contains(node);
    assertThat(List.of(node.restPort(), node.pgPort())).doesNotContain(pg1.restPort(), pg1.pgPort());
    assertThat(node.restPort()).isNotEqualTo(node.pgPort());
    assertThat(node.directory().resolve("pglog")).isDirectory();
    assertThat(Files.getOwner(node.directory())).as("owned by the cluster's OS user")
        .isEqualTo(Files.getOwner(pg1.directory()));
    assertThat(node.configFile()).doesNotExist();
    assertThat(node.dataDir()).doesNotExist();
    assertThat(node.isPatroniRunning()).isFalse();

    cluster.resetToKnownState();
    assertThat(node.isPatroniRunning()).as("reset leaves a node without configuration alone").isFalse();
    assertThat(cluster.observe().memberNames()).containsExactly("pg1");

    ClusterSpec running = ClusterSpec.fromMemberConfig(PatroniConfig.read(pg1.configFile()));
    MemberHost host = MemberHost.builder(node.name()).address("127.0.0.1").restApiPort(node.restPort())
        .postgresPort(node.pgPort()).dataDir(node.dataDir().toString()).binDir("/usr/lib/postgresql/15/bin")
        .pgpass(node.directory().resolve("pgpass").toString())
        .parameter("unix_socket_directories", node.directory().toString())
        .build();
    PatroniConfig config = ConfigGenerator.newMember(running, List.of("pg1"), host)
        .with("postgresql.basebackup", List.of(Map.of("checkpoint", "fast")));
    Files.writeString(node.configFile(), config.toYaml());
    Files.setOwner(node.configFile(), Files.getOwner(node.directory()));
    cluster.startPatroni(node);

    cluster.awaitMembers(names -> names.contains(node.name()), Duration.ofSeconds(60));
    cluster.awaitHealthy(Duration.ofMinutes(2));
    assertThat(cluster.observe().streaming()).contains(node.name());
    assertThat(cluster.leader().name()).isEqualTo("pg1");
  }
}
