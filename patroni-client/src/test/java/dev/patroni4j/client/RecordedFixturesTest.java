package dev.patroni4j.client;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsEntry;
import dev.patroni4j.client.internal.MetricsParser;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Lag;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.client.model.PatroniVersion;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.client.model.ScheduledRestart;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The offline regression set: bodies recorded from real Patroni 3.0.2, 4.0.7 and 4.1.5 servers by
 * {@code it.FixtureRecorder} ({@code fixtures/recorded/<version>/}), read by the parsers, with
 * what differs between the versions asserted per version.
 */
class RecordedFixturesTest {

  private static String read(String version, String name) {
    return Fixtures.read("recorded/" + version + "/" + name);
  }

  private static Optional<String> find(String version, String name) {
    try {
      return Optional.of(read(version, name));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static boolean atLeast(String version, int major, int minor) {
    return PatroniVersion.parse(version).isAtLeast(major, minor);
  }

  @ParameterizedTest
  @ValueSource(strings = {"3.0.2", "4.0.7", "4.1.5"})
  void everyRecordedDocumentIsModelledWithoutUnknownFields(String version) {
    for (String name : List.of("cluster.json", "cluster-paused.json", "cluster-pending-restart.json", "cluster-scheduled.json",
        "cluster-after-switchover.json", "sync-cluster.json")) {
      ClusterView v = PatroniJson.clusterView(read(version, name));
      assertThat(v.unknownFields()).as(version + " " + name).isEmpty();
      assertThat(v.members()).as(version + " " + name).allSatisfy(m -> assertThat(m.unknownFields()).as(m.name()).isEmpty());
    }
    for (String name : List.of("patroni-primary.json", "patroni-replica.json", "patroni-replica-paused.json",
        "patroni-replica-scheduled-restart.json", "patroni-primary-pending-restart.json", "sync-patroni-standby.json")) {
      MemberStatus s = PatroniJson.memberStatus(read(version, name));
      assertThat(s.unknownFields()).as(version + " " + name).isEmpty();
      assertThat(s.patroniVersion()).isEqualTo(PatroniVersion.parse(version));
    }
    for (String name : List.of("dcs-members-pg1.json", "dcs-members-pg2.json")) {
      Member m = PatroniJson.dcsMember("pg", read(version, name));
      assertThat(m.unknownFields()).as(version + " " + name).isEmpty();
    }
    assertThat(PatroniJson.dynamicConfig(read(version, "config.json")).loopWait()).hasValue(2);
    assertThat(PatroniJson.history(read(version, "history-empty.json"))).isEmpty();
    assertThat(PatroniJson.history(read(version, "history.json"))).singleElement()
        .satisfies(e -> assertThat(e.newLeader()).isEqualTo("pg2"));
    assertThat(PatroniJson.failsafe(read(version, "failsafe.json"))).containsOnlyKeys("pg1", "pg2", "pg3");
    assertThat(MetricsParser.parse(read(version, "metrics-primary.txt")).value("patroni_primary")).hasValue(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"3.0.2", "4.0.7", "4.1.5"})
  void rolesStatesAndScopeAsEachVersionSpellsThem(String version) {
    boolean v4 = atLeast(version, 4, 0);
    ClusterView v = PatroniJson.clusterView(read(version, "cluster.json"));
    assertThat(v.scope()).as("scope in /cluster since 3.2.0").matches(s -> (s != null) == v4);
    assertThat(v.leader().role().raw()).isEqualTo("leader");
    assertThat(v.replicas()).allSatisfy(r -> {
      assertThat(r.role().kind()).isEqualTo(Role.Kind.REPLICA);
      assertThat(r.state().raw()).isEqualTo(v4 ? "streaming" : "running");
      assertThat(r.state().isRunning()).isTrue();
    });
    MemberStatus primary = PatroniJson.memberStatus(read(version, "patroni-primary.json"));
    assertThat(primary.role().raw()).isEqualTo(v4 ? "primary" : "master");
    assertThat(primary.role().kind()).isEqualTo(Role.Kind.PRIMARY);
    assertThat(primary.name()).isEqualTo(v4 ? "pg1" : null);
    MemberStatus replica = PatroniJson.memberStatus(read(version, "patroni-replica.json"));
    assertThat(replica.replicationState() == null ? null : replica.replicationState().raw()).isEqualTo(v4 ? "streaming" : null);
    Member dcsPrimary = PatroniJson.dcsMember("pg1", read(version, "dcs-members-pg1.json"));
    assertThat(dcsPrimary.role().raw()).isEqualTo(v4 ? "primary" : "master");
    assertThat(PatroniJson.dynamicConfig(read(version, "config.json")).ttl())
        .as("the test kit asks for ttl 10; 3.2.0 and later raise it to 20").hasValue(v4 ? 20 : 10);
  }

  @ParameterizedTest
  @ValueSource(strings = {"3.0.2", "4.0.7", "4.1.5"})
  void replicaPositionsAndLagsAreTypedWhereTheVersionReportsThem(String version) {
    boolean v41 = atLeast(version, 4, 1);
    ClusterView v = PatroniJson.clusterView(read(version, "cluster.json"));
    for (Member r : v.replicas()) {
      assertThat(r.lag().knownBytes()).isPresent();
      if (v41) {
        assertThat(r.lsn()).isNotNull();
        assertThat(r.receiveLsn()).isEqualTo(r.lsn());
        assertThat(r.replayLsn()).isNotNull();
        assertThat(r.receiveLag().knownBytes()).isPresent();
        assertThat(r.replayLag().knownBytes()).isPresent();
      } else {
        assertThat(r.lsn()).isNull();
        assertThat(r.replayLsn()).isNull();
        assertThat(r.replayLag()).isEqualTo(Lag.absent());
        assertThat(r.receiveLag()).isEqualTo(Lag.absent());
      }
    }
    assertThat(v.leader().lag()).isEqualTo(Lag.absent());
    Member dcsReplica = PatroniJson.dcsMember("pg2", read(version, "dcs-members-pg2.json"));
    assertThat(dcsReplica.xlogLocation()).isNotNull();
    // The member key carries the positions as integers from 4.1 on.
    assertThat(dcsReplica.replayLsn() != null).isEqualTo(v41);
    assertThat(dcsReplica.receiveLsn() != null).isEqualTo(v41);
    assertThat(dcsReplica.tags().failoverPriority()).hasValue(2);
    assertThat(dcsReplica.tags().syncPriority()).hasValue(3);
  }

  @ParameterizedTest
  @ValueSource(strings = {"3.0.2", "4.0.7", "4.1.5"})
  void scheduledRestartsPendingRestartsAndPause(String version) {
    ClusterView scheduled = PatroniJson.clusterView(read(version, "cluster-scheduled.json"));
    assertThat(scheduled.scheduledSwitchover()).isNotNull();
    assertThat(requireNonNull(scheduled.scheduledSwitchover()).from()).hasValue("pg1");
    assertThat(scheduled.scheduledSwitchover().to()).hasValue("pg2");
    ScheduledRestart inView = scheduled.member("pg2").scheduledRestart();
    assertThat(inView).isNotNull();
    assertThat(requireNonNull(inView).role()).isEqualTo("replica");
    // /cluster adds the postmaster start time to the stored request; /patroni shows the request as sent.
    assertThat(inView.postmasterStartTime()).isNotNull();
    ScheduledRestart own = PatroniJson.memberStatus(read(version, "patroni-replica-scheduled-restart.json")).scheduledRestart();
    assertThat(requireNonNull(own).schedule()).isEqualTo(inView.schedule());
    assertThat(own.restartPending()).isFalse();

    ClusterView pending = PatroniJson.clusterView(read(version, "cluster-pending-restart.json"));
    assertThat(pending.members()).allSatisfy(m -> {
      assertThat(m.pendingRestart()).isTrue();
      // The reason is a 3.3.0 addition.
      assertThat(m.pendingRestartReason().keySet()).isEqualTo(atLeast(version, 3, 3) ? java.util.Set.of("max_connections") : java.util.Set.of());
    });
    assertThat(PatroniJson.clusterView(read(version, "cluster-paused.json")).paused()).isTrue();
    assertThat(PatroniJson.memberStatus(read(version, "patroni-replica-paused.json")).paused()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"3.0.2", "4.0.7", "4.1.5"})
  void synchronousAndQuorumModesFromRestAndFromTheDcs(String version) {
    ClusterView sync = PatroniJson.clusterView(read(version, "sync-cluster.json"));
    assertThat(sync.members()).filteredOn(m -> m.role().is(Role.Kind.SYNC_STANDBY)).hasSize(1);
    assertThat(PatroniJson.memberStatus(read(version, "sync-patroni-standby.json")).syncStandby()).isTrue();
    ClusterSnapshot syncSnapshot = snapshot(version, "sync-dcs-");
    assertThat(syncSnapshot.problems()).isEmpty();
    // 4.x writes "quorum": 0 into the sync key outside quorum mode; 3.0.2 has no such field.
    assertThat(requireNonNull(syncSnapshot.sync()).quorum()).isEqualTo(atLeast(version, 4, 0) ? Integer.valueOf(0) : null);
    assertThat(syncSnapshot.toClusterView().members()).filteredOn(m -> m.role().is(Role.Kind.SYNC_STANDBY))
        .extracting(Member::name).containsExactlyElementsOf(syncSnapshot.sync().syncStandbys());

    Optional<String> quorumCluster = find(version, "quorum-cluster.json");
    assertThat(quorumCluster.isPresent()).as("quorum commit exists from 4.0").isEqualTo(atLeast(version, 4, 0));
    if (quorumCluster.isEmpty()) {
      return;
    }
    ClusterView quorum = PatroniJson.clusterView(quorumCluster.get());
    assertThat(quorum.members()).filteredOn(m -> m.role().is(Role.Kind.QUORUM_STANDBY)).extracting(Member::name)
        .containsExactly("pg2", "pg3");
    assertThat(quorum.members()).filteredOn(m -> m.role().isReplica()).hasSize(2);
    MemberStatus standby = PatroniJson.memberStatus(read(version, "quorum-patroni-standby.json"));
    assertThat(standby.quorumStandby()).isTrue();
    assertThat(standby.syncStandby()).isFalse();
    MemberStatus primary = PatroniJson.memberStatus(read(version, "quorum-patroni-primary.json"));
    assertThat(primary.replication()).allSatisfy(r -> assertThat(r.syncState()).isEqualTo("quorum"));
    assertThat(MetricsParser.parse(read(version, "quorum-metrics-standby.txt")).value("patroni_quorum_standby")).hasValue(1);
    ClusterSnapshot q = snapshot(version, "quorum-dcs-");
    assertThat(q.problems()).isEmpty();
    assertThat(requireNonNull(q.sync()).quorum()).isEqualTo(1);
    assertThat(q.sync().syncStandbys()).containsExactly("pg2", "pg3");
    assertThat(q.toClusterView().member("pg2").role().kind()).isEqualTo(Role.Kind.QUORUM_STANDBY);
  }

  /** The health endpoints' status codes, recorded with GET, HEAD and OPTIONS on each member. */
  @ParameterizedTest
  @ValueSource(strings = {"3.0.2", "4.0.7", "4.1.5"})
  void healthEndpointsAnswerAsRecorded(String version) {
    Map<String, int[]> codes = healthCodes(read(version, "health-codes.tsv"));
    // liveness and readiness answer GET only, on every version.
    for (String path : List.of("/liveness", "/readiness", "/readiness?mode=write")) {
      assertThat(codes.get(path + " pg1")).containsExactly(200, 503, 503);
    }
    assertThat(requireNonNull(codes.get("/quorum pg2"))[0]).isEqualTo(503);
    // 3.0.2 has no quorum checks: to it /read-only-quorum is a "read-only" path.
    assertThat(requireNonNull(codes.get("/read-only-quorum pg2"))[0]).isEqualTo(atLeast(version, 4, 0) ? 503 : 200);
    assertThat(requireNonNull(codes.get("/read-only-quorum pg1"))[0]).isEqualTo(200);
    assertThat(codes.get("/async pg2")).containsExactly(200, 200, 200);
    assertThat(requireNonNull(codes.get("/master pg1"))[0]).isEqualTo(200);

    Map<String, int[]> sync = healthCodes(read(version, "sync-health-codes.tsv"));
    String standby = PatroniJson.clusterView(read(version, "sync-cluster.json")).members().stream()
        .filter(m -> m.role().is(Role.Kind.SYNC_STANDBY)).findFirst().orElseThrow().name();
    assertThat(requireNonNull(sync.get("/sync " + standby))[0]).isEqualTo(200);
    assertThat(requireNonNull(sync.get("/read-only-sync " + standby))[0]).isEqualTo(200);
    assertThat(requireNonNull(sync.get("/async " + standby))[0]).isEqualTo(503);
    find(version, "quorum-health-codes.tsv").map(RecordedFixturesTest::healthCodes).ifPresent(q -> {
      assertThat(requireNonNull(q.get("/quorum pg2"))[0]).isEqualTo(200);
      assertThat(requireNonNull(q.get("/read-only-quorum pg2"))[0]).isEqualTo(200);
      assertThat(requireNonNull(q.get("/sync pg2"))[0]).isEqualTo(503);
      assertThat(requireNonNull(q.get("/async pg2"))[0]).isEqualTo(503);
      assertThat(requireNonNull(q.get("/quorum pg1"))[0]).isEqualTo(503);
    });
  }

  /** Refusals and successes served back over HTTP exactly as recorded map to the same outcomes. */
  @ParameterizedTest
  @ValueSource(strings = {"3.0.2", "4.0.7", "4.1.5"})
  void recordedAnswersToWritesMapToTypedOutcomes(String version) throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      for (String name : List.of("switchover-unknown-candidate.txt", "switchover-wrong-leader.txt", "switchover-done.txt",
          "restart-role-master.txt", "restart-nothing-pending.txt", "config-missing.txt")) {
        String[] parts = read(version, name).split("\n\n", 2);
        server.enqueue(new MockResponse().setStatus("HTTP/1.0 " + parts[0] + " X").setBody(parts[1]));
      }
      MemberClient m = PatroniClient.builder().member(server.url("/").uri()).build().memberAt(server.url("/").uri());
      assertRefused(m.switchover(SwitchoverRequest.from("pg1").to("nobody")), Outcome.Refusal.PRECONDITION_FAILED, "candidate does not exists");
      assertRefused(m.switchover(SwitchoverRequest.from("pg2").to("pg3")), Outcome.Refusal.PRECONDITION_FAILED, "leader name does not match");
      Outcome done = m.switchover(SwitchoverRequest.from("pg1").to("pg2"));
      assertThat(done.kind()).isEqualTo(Outcome.Kind.DONE);
      assertThat(done.member()).hasValue("pg2");
      Outcome master = m.restart(RestartRequest.now().onlyRole("master"));
      if (atLeast(version, 4, 0)) {
        assertRefused(master, Outcome.Refusal.BAD_REQUEST, "PostgreSQL role should be either primary, standby_leader, or replica");
      } else {
        assertThat(master.kind()).isEqualTo(Outcome.Kind.SCHEDULED);
      }
      assertRefused(m.restart(RestartRequest.now().onlyIfPendingRestart()), Outcome.Refusal.CONDITIONS_NOT_MET, "restart conditions are not satisfied");
      org.assertj.core.api.Assertions.assertThatThrownBy(m::config).isInstanceOf(PatroniException.class)
          .satisfies(e -> assertThat(((PatroniException) e).statusCode()).hasValue(502));
    }
  }

  private static void assertRefused(Outcome o, Outcome.Refusal reason, String message) {
    assertThat(o).isInstanceOf(Outcome.Refused.class);
    assertThat(((Outcome.Refused) o).reason()).as(o.toString()).isEqualTo(reason);
    assertThat(o.message()).isEqualTo(message);
  }

  private static Map<String, int[]> healthCodes(String tsv) {
    Map<String, int[]> out = new LinkedHashMap<>();
    for (String line : tsv.split("\n", -1)) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      out.put(f[0] + " " + f[1], new int[] {Integer.parseInt(f[2]), Integer.parseInt(f[3]), Integer.parseInt(f[4])});
    }
    return out;
  }

  private static ClusterSnapshot snapshot(String version, String prefix) {
    ClusterRef ref = ClusterRef.of("recorded");
    List<DcsEntry> entries = new ArrayList<>();
    long v = 1;
    for (String key : List.of("leader", "members/pg1", "members/pg2", "members/pg3", "status", "sync", "config", "initialize")) {
      Optional<String> value = find(version, prefix + key.replace('/', '-') + ".json");
      if (value.isPresent()) {
        entries.add(new DcsEntry(ref.keyPrefix() + key, value.get(), v++, null));
      }
    }
    return ClusterSnapshot.fromEntries(ref, v, entries);
  }
}
