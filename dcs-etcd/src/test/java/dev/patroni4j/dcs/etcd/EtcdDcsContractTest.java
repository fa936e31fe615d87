package dev.patroni4j.dcs.etcd;

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
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The DCS contract, run on etcd 3.4 with a real Patroni 3.0.2 cluster from the testkit, plus what only this setup
 * can show: agreement with {@code patronictl list}, and a SIGKILLed leader seen through the watch.
 */
class EtcdDcsContractTest extends DcsContractTest {

  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = PatroniOnEtcd.extension();

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @AfterAll
  static void closeClients() {
    PatroniOnEtcd.closeClients();
  }

  @Override
  protected DcsClient dcs() {
    return PatroniOnEtcd.dcs(CLUSTER.cluster());
  }

  @Override
  protected ClusterRef cluster() {
    return PatroniOnEtcd.ref(CLUSTER.cluster());
  }

  @Override
  protected String restGet(String path) {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    URI url = cluster.leader().restUrl().resolve(path);
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      return response.body();
    } catch (IOException e) {
      throw new IllegalStateException("GET " + url + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  protected void putRaw(String key, String value) {
    Client raw = PatroniOnEtcd.raw(CLUSTER.cluster());
    await(raw.getKVClient().put(bytes(key), bytes(value)));
  }

  @Override
  protected void deleteRaw(String key) {
    Client raw = PatroniOnEtcd.raw(CLUSTER.cluster());
    await(raw.getKVClient().delete(bytes(key)));
  }

  @Test
  void snapshotAgreesWithPatronictlList() throws Exception {
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
        assertThat(row.get("Cluster").asText()).isEqualTo(cluster().scope());
      }
    });
  }

  @Test
  void watchSeesASigkilledLeaderLoseTheLockAndNamesTheNewLeader() throws InterruptedException {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode old = cluster.leader();
    BlockingQueue<DcsEvent> events = new LinkedBlockingQueue<>();
    try (DcsWatch watch = dcs().watch(cluster(), events::add)) {
      cluster.killPatroni(old);

      awaitEvent(events, DcsEvent.LeaderLost.class, e -> e.previous().equals(old.name()), Duration.ofSeconds(25));
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

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  private static void await(java.util.concurrent.CompletableFuture<?> future) {
    try {
      future.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
