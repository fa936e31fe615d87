package dev.patroni4j.dcs.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.DcsAuthenticationException;
import dev.patroni4j.client.dcs.DcsClient;
import dev.patroni4j.client.dcs.DcsContractTest;
import dev.patroni4j.client.dcs.FailoverRequest;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The DCS contract on Consul, with a real Patroni cluster on the testkit's Consul server with ACLs on (the newest
 * Patroni, and 3.0.2 through the version matrix of dcs-consul/pom.xml), plus what only Consul has: the services
 * Patroni registers, and tokens.
 */
class ConsulDcsContractTest extends DcsContractTest {

  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = PatroniOnConsul.extension();

  @AfterAll
  static void closeClient() {
    PatroniOnConsul.closeClient();
  }

  private static ConsulDcsClient consul() {
    return PatroniOnConsul.dcs(CLUSTER.cluster());
  }

  @Override
  protected DcsClient dcs() {
    return consul();
  }

  @Override
  protected ClusterRef cluster() {
    return PatroniOnConsul.ref(CLUSTER.cluster());
  }

  @Override
  protected String storeKey(String key) {
    return key.startsWith("/") ? key.substring(1) : key;
  }

  @Override
  protected LocalPatroniCluster patroniCluster() {
    return CLUSTER.cluster();
  }

  @Override
  protected void putRaw(String key, String value) {
    raw().put(key, value);
  }

  @Override
  protected void deleteRaw(String key) {
    raw().delete(key);
  }

  private static RawConsul raw() {
    return new RawConsul(PatroniOnConsul.server(CLUSTER.cluster()).uri(), PatroniOnConsul.TOKEN);
  }

  @Test
  void withAclsOnAMissingOrWrongTokenIsAPermissionError() {
    ConsulDcsClient.Builder client = ConsulDcsClient.builder()
        .endpoint(PatroniOnConsul.server(CLUSTER.cluster()).uri()).requestTimeout(Duration.ofSeconds(3));
    try (ConsulDcsClient anonymous = client.build()) {
      assertThatThrownBy(() -> anonymous.snapshot(cluster())).isInstanceOf(DcsAuthenticationException.class);
      assertThatThrownBy(() -> anonymous.setFailover(cluster(), FailoverRequest.none(), DcsClient.ABSENT))
          .isInstanceOf(DcsAuthenticationException.class);
    }
    try (ConsulDcsClient wrong = client.token("not-" + PatroniOnConsul.TOKEN).build()) {
      assertThatThrownBy(() -> wrong.snapshot(cluster())).isInstanceOf(DcsAuthenticationException.class)
          .hasMessageContaining("ACL not found");
    }
    assertThat(dcs().snapshot(cluster()).leaderName()).as("Patroni itself holds the right token").isPresent();
  }

  @Test
  void registeredServicesCarryEachMembersRoleAndAgreeWithTheLeaderKey() {
    eventually(Duration.ofSeconds(20), () -> {
      List<ConsulServiceInstance> instances = consul().serviceInstances(cluster());
      String leader = dcs().snapshot(cluster()).leaderName().orElseThrow();
      assertThat(instances).extracting(ConsulServiceInstance::member)
          .containsExactlyElementsOf(CLUSTER.cluster().nodes().stream().map(PatroniNode::name).sorted().toList());
      assertThat(consul().primaryInstance(cluster())).hasValueSatisfying(p -> {
        assertThat(p.member()).isEqualTo(leader);
        assertThat(p.tags()).contains("primary", "master");
        assertThat(p.port()).isEqualTo(CLUSTER.cluster().node(leader).pgPort());
      });
      assertThat(instances).filteredOn(i -> !i.member().equals(leader))
          .allSatisfy(i -> assertThat(i.role().kind()).isEqualTo(Role.Kind.REPLICA));
    });
  }
}
