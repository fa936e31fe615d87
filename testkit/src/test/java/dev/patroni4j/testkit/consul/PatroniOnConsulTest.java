package dev.patroni4j.testkit.consul;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patroni4j.testkit.CommandResult;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Proof that the Consul test server is faithful: the real Patroni (3.0.2 with python-consul, 4.0.7 and 4.1.5 with
 * the same library, through the version matrix of testkit/pom.xml) elects, replicates, switches over and fails over
 * on it, and patronictl reads it.
 *
 * <p>What differs by release: Patroni 4 raises a {@code ttl} below 20 s to 20 s, so its sessions ask for 10 s
 * ({@code ttl/2}) where 3.0.2 asks for 5 s, and its service check probes {@code /primary} instead of {@code /master}.
 */
class PatroniOnConsulTest {
  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER =
      LocalPatroniClusterExtension.of(LocalPatroniCluster.builder().members(3).consul());

  private static final ObjectMapper JSON = new ObjectMapper();

  private static LocalPatroniCluster cluster() {
    return CLUSTER.cluster();
  }

  private static Http consul() {
    return new Http(cluster().consulServer().orElseThrow());
  }

  /** Whether the cluster runs Patroni 4 (every member runs the same release here). */
  private static boolean patroni4() {
    return cluster().nodes().get(0).installation().isAtLeast("4.0");
  }

  /** The session TTL Patroni asks for: half its {@code ttl}, which 4.x raises from the kit's 10 s to 20 s. */
  private static String expectedSessionTtl() {
    return patroni4() ? "10.0s" : "5.0s";
  }

  private static String prefix() {
    return "/v1/kv/service/" + cluster().scope() + "/";
  }

  @Test
  void threeNodesBootstrapWithLeaderAndMemberKeysHeldByDeleteSessions() {
    assertThat(cluster().leader().name()).isEqualTo("pg1");
    Http consul = consul();
    JsonNode leader = consul.get(prefix() + "leader").json().get(0);
    assertThat(consul.get(prefix() + "leader?raw").body()).isEqualTo("pg1");
    String session = leader.get("Session").asText();
    JsonNode info = consul.get("/v1/session/info/" + session).json().get(0);
    assertThat(info.get("Name").asText()).isEqualTo(cluster().scope() + "-pg1");
    assertThat(info.get("Behavior").asText()).isEqualTo("delete");
    assertThat(info.get("TTL").asText()).as("Patroni asks for ttl/2").isEqualTo(expectedSessionTtl());
    // 4.x's 10 s sessions are within Consul's default session_ttl_min (10 s); 3.0.2's 5 s ones are not, which is
    // why the kit's Consul runs with a 1 s minimum (ConsulDcs).
    assertThat(info.get("NodeChecks")).isEmpty();

    List<String> keys = new ArrayList<>();
    consul.get(prefix() + "?keys").json().forEach(k -> keys.add(k.asText()));
    String base = "service/" + cluster().scope() + "/";
    assertThat(keys).contains(base + "initialize", base + "config", base + "leader", base + "members/pg1",
        base + "members/pg2", base + "members/pg3");
    for (String member : List.of("pg1", "pg2", "pg3")) {
      JsonNode entry = consul.get(prefix() + "members/" + member).json().get(0);
      assertThat(entry.has("Session")).as(member + "'s key is locked by its session").isTrue();
    }
    List<String> requests = cluster().consulServer().orElseThrow().requestLog();
    assertThat(requests).as("the leader race is a lock acquisition")
        .anyMatch(line -> line.startsWith("PUT /v1/kv/service/" + cluster().scope() + "/leader?acquire="));
    assertThat(requests).as("replicas watch the leader key with blocking queries")
        .anyMatch(line -> line.matches("GET /v1/kv/service/" + cluster().scope() + "/leader\\?index=\\d+&wait=.*s"));
  }

  @Test
  void everyRunningMemberIsRegisteredWithItsRoleTag() {
    ConsulTestServer server = cluster().consulServer().orElseThrow();
    awaitTrue("three services with role tags", Duration.ofSeconds(30), () -> server.services().size() == 3);
    RegisteredService leader = server.services().stream().filter(s -> s.id().endsWith("/pg1")).findFirst()
        .orElseThrow();
    assertThat(leader.name()).isEqualTo(cluster().scope());
    assertThat(leader.tags()).contains("master", "primary");
    assertThat(leader.port()).isEqualTo(cluster().node("pg1").pgPort());
    String checkedEndpoint = patroni4() ? "/primary" : "/master";
    assertThat(leader.checks()).singleElement()
        .satisfies(c -> assertThat(requireNonNull(c.get("HTTP")).toString()).endsWith(checkedEndpoint));
    assertThat(server.services()).filteredOn(s -> !s.id().endsWith("/pg1"))
        .allSatisfy(s -> assertThat(s.tags()).containsExactly("replica"));
    // Consul runs each member's check on Patroni's REST API; DNS answers only for members whose check passes.
    awaitTrue("master.<scope>.service.consul to resolve to pg1", Duration.ofSeconds(30),
        () -> server.dnsLookup(cluster().scope(), "master").stream().map(RegisteredService::id).toList()
            .equals(List.of(cluster().scope() + "/pg1")));
    awaitTrue("replica.<scope>.service.consul to resolve to pg2 and pg3", Duration.ofSeconds(30),
        () -> server.dnsLookup(cluster().scope(), "replica").size() == 2);
  }

  @Test
  void patronictlListReadsTheCluster() throws Exception {
    CommandResult list = cluster().patronictl("list", "-f", "json");
    assertThat(list.exitCode()).as(list.stderr()).isZero();
    JsonNode members = JSON.readTree(list.stdout());
    assertThat(members).hasSize(3);
    List<String> roles = new ArrayList<>();
    members.forEach(m -> roles.add(m.get("Member").asText() + "=" + m.get("Role").asText()));
    assertThat(roles).containsExactlyInAnyOrder("pg1=Leader", "pg2=Replica", "pg3=Replica");
  }

  @Test
  void switchoverMovesTheLeaderKeyAndTheServiceTags() {
    CommandResult switchover = cluster().patronictl("switchover", "--leader", "pg1", "--candidate", "pg2",
        "--force");
    assertThat(switchover.exitCode()).as(switchover.stdout() + switchover.stderr()).isZero();
    assertThat(cluster().awaitLeader("pg2"::equals, Duration.ofSeconds(60)).name()).isEqualTo("pg2");
    cluster().awaitHealthy(Duration.ofSeconds(60));
    assertThat(consul().get(prefix() + "leader?raw").body()).isEqualTo("pg2");
    ConsulTestServer server = cluster().consulServer().orElseThrow();
    awaitTrue("pg2 registered as primary", Duration.ofSeconds(30), () -> server.services().stream()
        .anyMatch(s -> s.id().endsWith("/pg2") && s.tags().contains("primary")));
    awaitTrue("master.<scope>.service.consul to resolve to pg2 only", Duration.ofSeconds(30),
        () -> server.dnsLookup(cluster().scope(), "master").stream().map(RegisteredService::id).toList()
            .equals(List.of(cluster().scope() + "/pg2")));
  }

  @Test
  void killedLeadersSessionExpiresAndAnotherMemberTakesOver() {
    PatroniNode old = cluster().leader();
    String oldSession = consul().get(prefix() + "leader").json().get(0).get("Session").asText();
    long killedAt = System.nanoTime();
    cluster().killPatroni(old);

    // The session (TTL 5 s, on 4.x 10 s) is invalidated 2 x TTL after its last renewal; then a replica acquires
    // the key.
    PatroniNode newLeader = cluster().awaitLeader(name -> !name.equals(old.name()), Duration.ofSeconds(45));
    Duration took = Duration.ofNanos(System.nanoTime() - killedAt);
    assertThat(newLeader.name()).isNotEqualTo(old.name());
    assertThat(took).as("not before the session could expire").isGreaterThan(Duration.ofSeconds(6));
    assertThat(cluster().consulServer().orElseThrow().sessionIds()).doesNotContain(oldSession);
    assertThat(consul().get(prefix() + "leader?raw").body()).isEqualTo(newLeader.name());
    // Nobody deregisters the dead Patroni's service, still tagged master; its failing check keeps it out of DNS.
    ConsulTestServer server = cluster().consulServer().orElseThrow();
    awaitTrue("master.<scope>.service.consul to resolve to the new leader only", Duration.ofSeconds(30),
        () -> server.dnsLookup(cluster().scope(), "master").stream().map(RegisteredService::id).toList()
            .equals(List.of(cluster().scope() + "/" + newLeader.name())));
    assertThat(server.services()).anySatisfy(s -> {
      assertThat(s.id()).isEqualTo(cluster().scope() + "/" + old.name());
      assertThat(s.tags()).contains("master");
      assertThat(s.health()).isEqualTo("critical");
    });

    cluster().startPatroni(old);
    cluster().awaitHealthy(Duration.ofSeconds(90));
    assertThat(cluster().replicas()).extracting(PatroniNode::name).contains(old.name());
  }

  private static void awaitTrue(String what, Duration timeout, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
