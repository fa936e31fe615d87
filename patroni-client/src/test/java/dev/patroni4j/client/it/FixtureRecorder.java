package dev.patroni4j.client.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.ConfigPatch;
import dev.patroni4j.client.Outcome;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.RestartRequest;
import dev.patroni4j.client.SwitchoverRequest;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.Timeline;
import dev.patroni4j.testkit.CommandResult;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.PatroniNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * Records the offline regression fixtures from real servers: starts clusters on the Patroni version
 * of this JVM ({@link PatroniUnderTest}) and writes every body the parsers read, exactly as
 * received, to {@code src/test/resources/fixtures/recorded/<version>/}.
 *
 * <p>Not part of the suite (the name does not end in {@code Test}); run it on every version with
 * {@code bin/record-fixtures} ({@code mvn -pl patroni-client -am verify -Dtest=FixtureRecorder})
 * once per version, then review the diff. {@code RecordedFixturesTest} reads what it wrote.
 */
class FixtureRecorder {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final List<String> HEALTH_PATHS = List.of("/", "/primary", "/read-write", "/leader", "/standby-leader",
      "/replica", "/read-only", "/sync", "/read-only-sync", "/quorum", "/read-only-quorum", "/async", "/health",
      "/liveness", "/readiness", "/readiness?lag=0", "/readiness?mode=write", "/replica?lag=0", "/master");

  private final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();
  private final Path out = Path.of("src/test/resources/fixtures/recorded", PatroniUnderTest.VERSION.raw()).toAbsolutePath();
  private final boolean v4 = PatroniUnderTest.isAtLeast(4, 0);

  @Test
  void recordEveryBodyOfThisVersion() throws Exception {
    Files.createDirectories(out);
    try (LocalPatroniCluster cluster = PatroniUnderTest.builder().members(3)
        .tags(2, Map.of("failover_priority", 2, "sync_priority", 3))
        .tags(3, Map.of("zone", "b", "clonefrom", true, "nosync", true)).start()) {
      PatroniClient client = TestClusters.clientFor(cluster);
      URI pg1 = cluster.node("pg1").restUrl();
      URI pg2 = cluster.node("pg2").restUrl();
      client.waitUntil(Conditions.allMembersStreamingOn(client.cluster().timeline().orElseThrow()), WAIT);
      save("cluster.json", get(pg1, "/cluster"));
      save("patroni-primary.json", get(pg1, "/patroni"));
      save("patroni-replica.json", get(pg2, "/patroni"));
      save("config.json", get(pg1, "/config"));
      save("metrics-primary.txt", get(pg1, "/metrics"));
      save("metrics-replica.txt", get(pg2, "/metrics"));
      save("history-empty.json", get(pg1, "/history"));
      save("failsafe-off.txt", get(pg1, "/failsafe"));
      save("health-codes.tsv", healthCodes(cluster, List.of("pg1", "pg2", "pg3")));
      save("patronictl-list.json", patronictl(cluster, "list", "-f", "json"));
      saveDcs(cluster, "dcs-");

      // Refusals: their bodies are what Outcome.message() shows.
      save("switchover-unknown-candidate.txt", post(pg1, "/switchover", "{\"leader\":\"pg1\",\"candidate\":\"nobody\"}"));
      save("switchover-wrong-leader.txt", post(pg1, "/switchover", "{\"leader\":\"pg2\",\"candidate\":\"pg3\"}"));
      save("restart-role-master.txt", post(pg1, "/restart", scheduledRestart("master")));
      post(pg1, "/restart", "DELETE");
      save("restart-role-primary.txt", post(pg1, "/restart", scheduledRestart("primary")));
      post(pg1, "/restart", "DELETE");
      save("restart-nothing-pending.txt", post(pg2, "/restart", "{\"restart_pending\":true}"));

      // Scheduled actions and pause.
      OffsetDateTime inAnHour = OffsetDateTime.now(ZoneOffset.UTC).plusHours(1).withNano(0);
      assertThat(client.switchover(SwitchoverRequest.from("pg1").to("pg2").at(inAnHour)).kind()).isEqualTo(Outcome.Kind.SCHEDULED);
      assertThat(client.memberAt(pg2).restart(RestartRequest.at(inAnHour).onlyRole("replica")).kind())
          .isEqualTo(Outcome.Kind.SCHEDULED);
      client.waitUntil(ClusterCondition.of("pg2 shows its scheduled restart",
          o -> o.view().member("pg2").scheduledRestart() != null), WAIT);
      save("cluster-scheduled.json", get(pg1, "/cluster"));
      save("patroni-replica-scheduled-restart.json", get(pg2, "/patroni"));
      client.cancelScheduledSwitchover();
      client.memberAt(pg2).cancelScheduledRestart();
      assertThat(client.pause().kind()).isEqualTo(Outcome.Kind.DONE);
      client.waitUntil(Conditions.allOf(Conditions.clusterPaused(), Conditions.allMembersPaused()), WAIT);
      save("cluster-paused.json", get(pg1, "/cluster"));
      save("patroni-replica-paused.json", get(pg2, "/patroni"));
      assertThat(client.resume().kind()).isEqualTo(Outcome.Kind.DONE);
      client.waitUntil(Conditions.allOf(Conditions.clusterResumed(), Conditions.allMembersResumed()), WAIT);

      // A setting that needs a restart.
      assertThat(client.patchConfig(ConfigPatch.builder().postgresqlParameter("max_connections", 101).build()).kind())
          .isEqualTo(Outcome.Kind.DONE);
      client.waitUntil(ClusterCondition.of("every member has a pending restart",
          o -> o.view().members().stream().allMatch(Member::pendingRestart)), WAIT);
      save("cluster-pending-restart.json", get(pg1, "/cluster"));
      save("patroni-primary-pending-restart.json", get(pg1, "/patroni"));
      assertThat(client.patchConfig(ConfigPatch.builder().removePostgresqlParameter("max_connections").build()).kind())
          .isEqualTo(Outcome.Kind.DONE);
      client.waitUntil(Conditions.noPendingRestart(), WAIT);

      // Failsafe topology.
      assertThat(client.patchConfig(ConfigPatch.builder().set("failsafe_mode", true).build()).kind()).isEqualTo(Outcome.Kind.DONE);
      client.waitUntil(ClusterCondition.of("pg1 serves the failsafe topology",
          o -> client.memberAt(pg1).failsafe().isPresent()), WAIT);
      save("failsafe.json", get(pg1, "/failsafe"));
      assertThat(client.patchConfig(ConfigPatch.builder().remove("failsafe_mode").build()).kind()).isEqualTo(Outcome.Kind.DONE);

      // /config without its key: pg1, the leader, is frozen so that it cannot write the key back.
      cluster.freezePatroni(cluster.node("pg1"));
      try {
        assertThat(new EtcdKeys(cluster).delete("config")).as("config keys deleted").isEqualTo(1);
        PatroniClient viaPg2 = PatroniClient.builder().member(pg2).pollInterval(Duration.ofMillis(200)).build();
        viaPg2.waitUntil(ClusterCondition.of("pg2 no longer serves /config", o -> !get(pg2, "/config").startsWith("{")), WAIT);
        save("config-missing.txt", get(pg2, "/config"));
      } finally {
        cluster.thawPatroni(cluster.node("pg1"));
      }
      client.waitUntil(ClusterCondition.of("pg1 wrote /config back", o -> new EtcdKeys(cluster).all().containsKey("config")), WAIT);

      // A switchover and back, for the history and the views during the switch.
      Timeline before = client.cluster().timeline().orElseThrow();
      save("switchover-done.txt", post(pg1, "/switchover", "{\"leader\":\"pg1\",\"candidate\":\"pg2\"}"));
      client.waitUntil(Conditions.allOf(Conditions.leaderIs("pg2"),
          Conditions.allMembersStreamingOn(Timeline.of(before.id() + 1))), WAIT);
      save("history.json", get(pg1, "/history"));
      save("cluster-after-switchover.json", get(pg1, "/cluster"));

    }
    recordSynchronousModes();
  }

  /** A cluster in synchronous mode, and on 4.x in quorum mode, with the /sync key and the health checks. */
  private void recordSynchronousModes() throws Exception {
    try (LocalPatroniCluster cluster = PatroniUnderTest.builder().members(3)
        .dynamicConfig("synchronous_mode", true).start()) {
      PatroniClient client = TestClusters.clientFor(cluster);
      URI pg1 = cluster.node("pg1").restUrl();
      client.waitUntil(ClusterCondition.of("a synchronous standby that knows it",
          o -> o.view().members().stream().anyMatch(m -> m.role().raw().equals("sync_standby")
              && client.clientFor(m).status().syncStandby())), WAIT);
      save("sync-cluster.json", get(pg1, "/cluster"));
      String sync = client.cluster().members().stream().filter(m -> m.role().raw().equals("sync_standby"))
          .findFirst().orElseThrow().name();
      save("sync-patroni-standby.json", get(cluster.node(sync).restUrl(), "/patroni"));
      save("sync-health-codes.tsv", healthCodes(cluster, List.of("pg1", "pg2", "pg3")));
      save("sync-patronictl-list.json", patronictl(cluster, "list", "-f", "json"));
      saveDcs(cluster, "sync-dcs-");
      if (v4) {
        assertThat(client.patchConfig(ConfigPatch.builder().set("synchronous_mode", "quorum").build()).kind())
            .isEqualTo(Outcome.Kind.DONE);
        client.waitUntil(ClusterCondition.of("two quorum standbys that know it",
            o -> o.view().members().stream().filter(m -> m.role().raw().equals("quorum_standby")
                && client.clientFor(m).status().quorumStandby()).count() == 2), WAIT);
        save("quorum-cluster.json", get(pg1, "/cluster"));
        save("quorum-patroni-standby.json", get(cluster.node("pg2").restUrl(), "/patroni"));
        save("quorum-patroni-primary.json", get(pg1, "/patroni"));
        save("quorum-metrics-standby.txt", get(cluster.node("pg2").restUrl(), "/metrics"));
        save("quorum-health-codes.tsv", healthCodes(cluster, List.of("pg1", "pg2", "pg3")));
        save("quorum-patronictl-list.json", patronictl(cluster, "list", "-f", "json"));
        saveDcs(cluster, "quorum-dcs-");
      }
    }
  }

  private static String scheduledRestart(String role) {
    return "{\"schedule\":\"" + OffsetDateTime.now(ZoneOffset.UTC).plusHours(2).withNano(0) + "\",\"role\":\"" + role + "\"}";
  }

  /** Status codes of every health endpoint with GET, HEAD and OPTIONS on each member. */
  private String healthCodes(LocalPatroniCluster cluster, List<String> members) {
    StringBuilder sb = new StringBuilder("# path\tmember\tGET\tHEAD\tOPTIONS\n");
    for (String path : HEALTH_PATHS) {
      for (String name : members) {
        URI url = cluster.node(name).restUrl().resolve(path);
        sb.append(path).append('\t').append(name);
        for (String method : List.of("GET", "HEAD", "OPTIONS")) {
          sb.append('\t').append(code(method, url));
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  private int code(String method, URI url) {
    Request r = new Request.Builder().url(url.toString()).method(method, null).build();
    try (Response response = http.newCall(r).execute()) {
      return response.code();
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + url, e);
    }
  }

  /** "status\n\nbody" for non-200 answers; the body alone for 200. */
  private String get(URI member, String path) {
    return call(new Request.Builder().url(member.resolve(path).toString()).get().build());
  }

  private String post(URI member, String path, String bodyOrDelete) {
    Request.Builder b = new Request.Builder().url(member.resolve(path).toString());
    if (bodyOrDelete.equals("DELETE")) {
      b.delete();
    } else {
      b.post(RequestBody.create(bodyOrDelete, MediaType.get("application/json")));
    }
    return call(b.build());
  }

  private String call(Request request) {
    try (Response response = http.newCall(request).execute()) {
      String body = response.body() == null ? "" : response.body().string();
      return response.code() == 200 && request.method().equals("GET") ? body : response.code() + "\n\n" + body;
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.url(), e);
    }
  }

  private static String patronictl(LocalPatroniCluster cluster, String... args) {
    CommandResult r = cluster.patronictl(args);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    return r.stdout();
  }

  /** The cluster's keys in etcd, as stored. */
  private void saveDcs(LocalPatroniCluster cluster, String prefix) {
    Map<String, String> values = new EtcdKeys(cluster).all();
    for (String key : List.of("members/pg1", "members/pg2", "members/pg3", "leader", "status", "sync", "config", "history", "initialize")) {
      if (values.containsKey(key)) {
        save(prefix + key.replace('/', '-') + ".json", values.get(key));
      }
    }
  }

  private void save(String name, String body) {
    try {
      Files.writeString(out.resolve(name), body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
