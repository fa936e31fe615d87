package dev.patroni4j.runbooks.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.dcs.consul.ConsulDcsClient;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On Consul with {@code register_service}: a member whose Patroni died leaves the cluster (its session expires) but
 * stays in Consul's catalog; the diagnosis reading the catalog finds it, and it clears when the member is back.
 */
class DiagnosisOnConsulTest {
  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER =
      LocalPatroniClusterExtension.of(LocalPatroniCluster.builder().members(2).consul());

  private static ConsulDcsClient consul;
  private static ClusterDiagnostics diagnostics;

  @BeforeAll
  static void wire() {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    consul = ConsulDcsClient.builder().endpoint(cluster.consulServer().orElseThrow().uri()).build();
    ClusterRef ref = ClusterRef.of(cluster.namespace(), cluster.scope());
    PatroniClient client = PatroniClient.builder().members(cluster.nodes().stream().map(PatroniNode::restUrl).toList())
        .build();
    // The README's wiring of Consul's catalog into a diagnosis.
    ServiceRegistry catalog = () -> consul.serviceInstances(ref).stream()
        .map(i -> new ServiceRegistry.Registration(i.member(), i.serviceId(), i.address(), i.port()))
        .toList();
    diagnostics = ClusterDiagnostics.builder(client).dcs(ref, consul).serviceRegistry(catalog).build();
  }

  @AfterAll
  static void close() {
    consul.close();
  }

  @Test
  void aKilledMemberStillInConsulsCatalogIsFoundAndClearsWhenItIsBack() {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode pg2 = cluster.node("pg2");
    assertThat(diagnostics.diagnose().findings()).as("a healthy cluster").isEmpty();

    cluster.killPatroni(pg2); // no deregistration: SIGKILL
    try {
      Finding f = await("pg2 registered but gone", d -> d.find(Problem.SERVICE_WITHOUT_MEMBER).isPresent())
          .find(Problem.SERVICE_WITHOUT_MEMBER).orElseThrow();

      assertThat(f.member()).isEqualTo("pg2");
      assertThat(f.severity()).isEqualTo(Severity.WARNING);
      assertThat(f.evidence()).anySatisfy(e -> {
        assertThat(e.source()).isEqualTo(Evidence.Source.SERVICE_REGISTRY);
        assertThat(e.location()).isEqualTo("service " + cluster.scope() + "/pg2");
        assertThat(e.value()).isEqualTo("127.0.0.1:" + pg2.pgPort());
      });
      assertThat(f.remedy().description()).contains("deregister service " + cluster.scope() + "/pg2");
    } finally {
      cluster.resetToKnownState();
    }
    await("pg2 back", d -> d.find(Problem.SERVICE_WITHOUT_MEMBER).isEmpty());
  }

  private static Diagnosis await(String what, Predicate<Diagnosis> until) {
    return DiagnosisWaits.await(diagnostics, what, until);
  }
}
