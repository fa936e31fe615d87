package dev.patroni4j.dcs.consul;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.DcsClient;
import dev.patroni4j.client.dcs.DcsContractTest;
import dev.patroni4j.client.dcs.DcsEvent;
import dev.patroni4j.client.dcs.DcsWatch;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.client.model.Timeline;
import dev.patroni4j.testkit.CommandResult;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The DCS contract on Consul, with a real Patroni 3.0.2 cluster on the testkit's Consul server, plus what only
 * Consul has: the services Patroni registers, and sessions that expire.
 */
class ConsulDcsContractTest extends DcsContractTest {

  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = PatroniOnConsul.extension();

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

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
  protected String restGet(String path) {
    URI url = CLUSTER.cluster().leader().restUrl().resolve(path);
    try {
      return HTTP.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new IllegalStateException("GET " + url + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
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
    return new RawConsul(PatroniOnConsul.server(CLUSTER.cluster()).uri());
  }

  @Test
  void snapshotAgreesWithPatronictlList() {
    eventually(Duration.ofSeconds(15), () -> {
      CommandResult list = CLUSTER.cluster().patronictl("list", "-f", "json");
      assertThat(list.succeeded()).as(list.stderr()).isTrue();
      ClusterView view = dcs().snapshot(cluster()).toClusterView();
      JsonNode rows = readJson(list.stdout());
      assertThat(rows).hasSize(view.members().size());
      for (JsonNode row : rows) {
        Member member = view.member(row.get("Member").asText());
        String role = row.get("Role").asText().toLowerCase(Locale.ROOT).replace(' ', '_');
        assertThat(member.role().kind()).as("role of %s", member.name()).isEqualTo(Role.of(role).kind());
        assertThat(member.state().raw()).isEqualTo(row.get("State").asText());
        assertThat(member.timeline()).isEqualTo(Timeline.of(row.get("TL").asLong()));
      }
    });
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

  @Test
  void watchSeesASigkilledLeadersSessionExpireAndNamesTheNewLeader() throws InterruptedException {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode old = cluster.leader();
    BlockingQueue<DcsEvent> events = new LinkedBlockingQueue<>();
    try (DcsWatch watch = dcs().watch(cluster(), events::add)) {
      cluster.killPatroni(old);

      awaitEvent(events, DcsEvent.LeaderLost.class, e -> e.previous().equals(old.name()), Duration.ofSeconds(25));
      awaitEvent(events, DcsEvent.MemberRemoved.class, e -> e.previous().name().equals(old.name()),
          Duration.ofSeconds(5));
      DcsEvent.LeaderChanged changed = awaitEvent(events, DcsEvent.LeaderChanged.class,
          e -> !e.current().equals(old.name()), Duration.ofSeconds(25));

      PatroniNode newLeader = cluster.awaitLeader(name -> !name.equals(old.name()), Duration.ofSeconds(10));
      assertThat(changed.current()).isEqualTo(newLeader.name());
      assertThat(watch.current().leaderName()).contains(newLeader.name());
    } finally {
      cluster.startPatroni(old);
    }
  }

  private static JsonNode readJson(String text) {
    try {
      return new ObjectMapper().readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + text, e);
    }
  }
}
