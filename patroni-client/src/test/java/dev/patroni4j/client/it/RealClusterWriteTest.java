package dev.patroni4j.client.it;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.ConfigPatch;
import dev.patroni4j.client.FailoverRequest;
import dev.patroni4j.client.MemberClient;
import dev.patroni4j.client.Outcome;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.PatroniException;
import dev.patroni4j.client.ReinitializeRequest;
import dev.patroni4j.client.RestartRequest;
import dev.patroni4j.client.Sleeper;
import dev.patroni4j.client.SwitchoverRequest;
import dev.patroni4j.client.Waiter;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.client.model.Timeline;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every mutating endpoint against a real cluster on each Patroni version of the matrix; each test
 * starts with leader pg1.
 */
class RealClusterWriteTest {
  @RegisterExtension static final LocalPatroniClusterExtension CLUSTER = TestClusters.plain();
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static LocalPatroniCluster cluster;
  private static PatroniClient client;

  @BeforeAll
  static void connect() {
    cluster = CLUSTER.cluster();
    client = TestClusters.clientFor(cluster);
  }

  private static MemberClient node(String name) {
    return client.memberAt(cluster.node(name).restUrl());
  }

  private static OffsetDateTime inAnHour() {
    return OffsetDateTime.now(ZoneOffset.UTC).plusHours(1).withNano(0);
  }

  @Test
  void immediateSwitchoverEndsWithEveryMemberStreamingOnTheNewTimeline() {
    Timeline before = client.cluster().timeline().orElseThrow();
    Outcome o = client.switchover(SwitchoverRequest.from("pg1").to("pg2"));
    assertThat(o.kind()).as(o.toString()).isEqualTo(Outcome.Kind.DONE);
    assertThat(o.member()).hasValue("pg2");
    client.waitUntil(Conditions.allOf(Conditions.leaderIs("pg2"), Conditions.allMembersStreamingOn(Timeline.of(before.id() + 1))), WAIT);
    assertThat(client.history()).last().satisfies(e -> assertThat(e.timeline()).isEqualTo(before));
  }

  @Test
  void failoverToAHealthyReplica() {
    Outcome o = client.failover(FailoverRequest.to("pg3"));
    assertThat(o.isSuccess()).as(o.toString()).isTrue();
    assertThat(o.member()).hasValue("pg3");
    client.waitUntil(Conditions.leaderIs("pg3"), WAIT);
  }

  @Test
  void scheduledSwitchoverIsVisibleAndCanBeCancelled() {
    OffsetDateTime at = inAnHour();
    Outcome o = client.switchover(SwitchoverRequest.from("pg1").to("pg2").at(at));
    assertThat(o.kind()).as(o.toString()).isEqualTo(Outcome.Kind.SCHEDULED);
    ClusterView v = client.cluster();
    assertThat(v.scheduledSwitchover()).isNotNull();
    assertThat(requireNonNull(v.scheduledSwitchover()).at().toInstant()).isEqualTo(at.toInstant());
    assertThat(v.scheduledSwitchover().to()).hasValue("pg2");
    assertThat(client.cancelScheduledSwitchover().kind()).isEqualTo(Outcome.Kind.DONE);
    client.waitUntil(Conditions.noScheduledSwitchover(), WAIT);
    Outcome again = client.cancelScheduledSwitchover();
    assertThat(again).isInstanceOf(Outcome.Refused.class);
    assertThat(((Outcome.Refused) again).reason()).isEqualTo(Outcome.Refusal.NOTHING_SCHEDULED);
  }

  @Test
  void switchoverToAMemberThatDoesNotExistIsRefused() {
    Outcome o = client.switchover(SwitchoverRequest.from("pg1").to("no-such-member"));
    assertThat(o).isInstanceOf(Outcome.Refused.class);
    assertThat(((Outcome.Refused) o).reason()).isEqualTo(Outcome.Refusal.PRECONDITION_FAILED);
    assertThat(o.message()).contains("candidate");
    Outcome wrongLeader = client.switchover(SwitchoverRequest.from("pg2").to("pg3"));
    assertThat(wrongLeader).isInstanceOf(Outcome.Refused.class);
    assertThat(wrongLeader.message()).contains("leader");
    assertThat(client.cluster().leader().name()).isEqualTo("pg1");
  }

  @Test
  void scheduledRestartIsVisibleRefusedTwiceAndCancelled() {
    MemberClient pg2 = node("pg2");
    assertThat(pg2.restart(RestartRequest.at(inAnHour()).onlyRole("replica")).kind()).isEqualTo(Outcome.Kind.SCHEDULED);
    assertThat(pg2.status().scheduledRestart()).isNotNull();
    assertThat(requireNonNull(pg2.status().scheduledRestart()).role()).isEqualTo("replica");
    client.waitUntil(ClusterCondition.of("pg2 shows a scheduled restart",
        o -> o.view().member("pg2").scheduledRestart() != null), WAIT);
    Outcome second = pg2.restart(RestartRequest.at(inAnHour()));
    assertThat(second).isInstanceOf(Outcome.Refused.class);
    assertThat(((Outcome.Refused) second).reason()).isEqualTo(Outcome.Refusal.CONFLICT);
    assertThat(pg2.cancelScheduledRestart().kind()).isEqualTo(Outcome.Kind.DONE);
    Outcome none = pg2.cancelScheduledRestart();
    assertThat(none).isInstanceOf(Outcome.Refused.class);
    assertThat(((Outcome.Refused) none).reason()).isEqualTo(Outcome.Refusal.NOTHING_SCHEDULED);
  }

  @Test
  void restartOfTheLeaderByRoleKindSendsTheWordItsVersionAccepts() {
    MemberClient pg1 = node("pg1");
    String word = PatroniUnderTest.isAtLeast(4, 0) ? "primary" : "master";
    assertThat(RestartRequest.now().onlyRole(Role.Kind.PRIMARY, requireNonNull(pg1.status().patroniVersion())).role()).isEqualTo(word);
    Outcome o = pg1.restart(RestartRequest.at(inAnHour()).onlyRole(Role.Kind.PRIMARY));
    assertThat(o.kind()).as(o.toString()).isEqualTo(Outcome.Kind.SCHEDULED);
    assertThat(requireNonNull(pg1.status().scheduledRestart()).role()).isEqualTo(word);
    assertThat(pg1.cancelScheduledRestart().kind()).isEqualTo(Outcome.Kind.DONE);
  }

  @Test
  void restartWithTheOtherVersionsWordForThePrimaryIsRefusedByPatroni4AndNeverMatchesOn3() {
    MemberClient pg1 = node("pg1");
    if (PatroniUnderTest.isAtLeast(4, 0)) {
      Outcome master = pg1.restart(RestartRequest.now().onlyRole("master"));
      assertThat(master).isInstanceOf(Outcome.Refused.class);
      assertThat(((Outcome.Refused) master).reason()).isEqualTo(Outcome.Refusal.BAD_REQUEST);
      assertThat(master.message()).isEqualTo("PostgreSQL role should be either primary, standby_leader, or replica");
    } else {
      // 3.x accepts "primary" but compares it with its internal "master": the restart never happens.
      Outcome primary = pg1.restart(RestartRequest.now().onlyRole("primary"));
      assertThat(primary).isInstanceOf(Outcome.Refused.class);
      assertThat(((Outcome.Refused) primary).reason()).isEqualTo(Outcome.Refusal.CONDITIONS_NOT_MET);
      assertThat(primary.message()).isEqualTo("restart conditions are not satisfied");
    }
    assertThat(pg1.status().scheduledRestart()).isNull();
  }

  @Test
  void configOfAClusterWithoutItsConfigKeyIsAnAnswered502() {
    // The leader writes the key back on its next loop; frozen, it cannot.
    PatroniNode leader = cluster.node("pg1");
    MemberClient pg2 = node("pg2");
    cluster.freezePatroni(leader);
    try {
      EtcdKeys keys = new EtcdKeys(cluster);
      assertThat(keys.delete("config")).isEqualTo(1);
      assertThat(keys.all()).doesNotContainKey("config");
      // Waits read through pg2 only: a frozen member would cost a read timeout per poll.
      PatroniClient viaPg2 = PatroniClient.builder().member(cluster.node("pg2").restUrl()).pollInterval(Duration.ofMillis(200)).build();
      viaPg2.waitUntil(ClusterCondition.of("pg2 no longer serves /config", o -> {
        try {
          pg2.config();
          return false;
        } catch (PatroniException e) {
          return e.statusCode().orElse(-1) == 502;
        }
      }), Duration.ofSeconds(20));
      assertThatThrownBy(pg2::config).isInstanceOf(PatroniException.class)
          .hasMessageContaining("answered 502")
          .satisfies(e -> assertThat(((PatroniException) e).delivery()).isEqualTo(PatroniException.Delivery.ANSWERED));
    } finally {
      cluster.thawPatroni(leader);
    }
    client.waitUntil(ClusterCondition.of("the leader wrote /config back", o -> new EtcdKeys(cluster).all().containsKey("config")), WAIT);
    assertThat(client.config().loopWait()).hasValue(2);
  }

  @Test
  void restartOfPendingMembersOnly() {
    MemberClient pg2 = node("pg2");
    Outcome nothingPending = pg2.restart(RestartRequest.now().onlyIfPendingRestart());
    assertThat(nothingPending).isInstanceOf(Outcome.Refused.class);
    assertThat(((Outcome.Refused) nothingPending).reason()).isEqualTo(Outcome.Refusal.CONDITIONS_NOT_MET);

    assertThat(client.patchConfig(ConfigPatch.builder().postgresqlParameter("max_files_per_process", 999).build()).kind())
        .isEqualTo(Outcome.Kind.DONE);
    client.waitUntil(ClusterCondition.of("every member has a pending restart",
        o -> o.view().members().stream().allMatch(Member::pendingRestart)), WAIT);
    Outcome restarted = pg2.restart(RestartRequest.now().onlyIfPendingRestart().startTimeout(Duration.ofSeconds(60)));
    assertThat(restarted.kind()).as(restarted.toString()).isEqualTo(Outcome.Kind.DONE);
    client.waitUntil(ClusterCondition.of("only pg1 and pg3 pending", o -> !o.view().member("pg2").pendingRestart()
        && o.view().member("pg1").pendingRestart() && o.view().member("pg3").pendingRestart()), WAIT);

    // Back to PostgreSQL's default, spelled out (Patroni does not flag a removed setting): now
    // only pg2 runs with a value that differs from the configuration.
    assertThat(client.patchConfig(ConfigPatch.builder().postgresqlParameter("max_files_per_process", 1000).build()).kind())
        .isEqualTo(Outcome.Kind.DONE);
    client.waitUntil(ClusterCondition.of("only pg2 pending", o -> o.view().member("pg2").pendingRestart()
        && !o.view().member("pg1").pendingRestart() && !o.view().member("pg3").pendingRestart()), WAIT);
    assertThat(pg2.restart(RestartRequest.now().onlyIfPendingRestart()).kind()).isEqualTo(Outcome.Kind.DONE);
    assertThat(client.patchConfig(ConfigPatch.builder().removePostgresqlParameter("max_files_per_process").build()).kind())
        .isEqualTo(Outcome.Kind.DONE);
    client.waitUntil(Conditions.allOf(Conditions.noPendingRestart(), Conditions.allMembersRunning()), WAIT);
  }

  @Test
  void reinitializeOfAReplicaRebuildsItAndTheLeaderRefuses() {
    Timeline tl = client.cluster().timeline().orElseThrow();
    Outcome leader = node("pg1").reinitialize(ReinitializeRequest.standard());
    assertThat(leader).isInstanceOf(Outcome.Refused.class);
    assertThat(((Outcome.Refused) leader).reason()).isEqualTo(Outcome.Refusal.CONDITIONS_NOT_MET);
    Outcome o = node("pg3").reinitialize(ReinitializeRequest.standard().force(true));
    assertThat(o.kind()).as(o.toString()).isEqualTo(Outcome.Kind.DONE);
    client.waitUntil(Conditions.allMembersStreamingOn(tl), WAIT);
  }

  @Test
  void pauseAndResumeThroughPatchConfigReachEveryMember() {
    assertThat(client.pause().kind()).isEqualTo(Outcome.Kind.DONE);
    client.waitUntil(Conditions.allOf(Conditions.clusterPaused(), Conditions.allMembersPaused()), WAIT);
    assertThat(client.config().paused()).isTrue();
    assertThat(client.resume().kind()).isEqualTo(Outcome.Kind.DONE);
    client.waitUntil(Conditions.allOf(Conditions.clusterResumed(), Conditions.allMembersResumed()), WAIT);
  }

  @Test
  void concurrentPatchesLoseTheVersionRaceAsConflictAndNeverOverwriteSilently() {
    List<Outcome> all = new ArrayList<>();
    boolean sawConflict = false;
    for (int round = 0; round < 20 && !sawConflict; round++) {
      List<CompletableFuture<Outcome>> futures = new ArrayList<>();
      for (String name : List.of("pg1", "pg2", "pg3", "pg1", "pg2", "pg3")) {
        int value = round * 10 + futures.size();
        MemberClient m = node(name);
        futures.add(CompletableFuture.supplyAsync(() -> m.patchConfig(ConfigPatch.builder().set("p4j_marker", value).build())));
      }
      futures.forEach(f -> all.add(f.join()));
      sawConflict = all.stream().anyMatch(o -> o instanceof Outcome.Refused r && r.reason() == Outcome.Refusal.CONFLICT);
    }
    assertThat(all).allSatisfy(o -> assertThat(o.kind()).isIn(Outcome.Kind.DONE, Outcome.Kind.REFUSED));
    assertThat(sawConflict).as("some PATCH lost the compare-and-set race: %s", all).isTrue();
    assertThat(all).filteredOn(o -> o.kind() == Outcome.Kind.REFUSED)
        .allSatisfy(o -> assertThat(o.statusCode()).hasValue(409));
    // Right after the race a member may still compare against the version of its last loop and answer 409 once
    // more; a refused PATCH changed nothing, so the clean-up asks again until one is applied.
    Outcome removed = Waiter.polling(Duration.ofMillis(250), Clock.systemUTC(), Sleeper.system())
        .until("p4j_marker removed", WAIT, remaining -> {
          Outcome o = client.patchConfig(ConfigPatch.builder().remove("p4j_marker").build());
          if (o instanceof Outcome.Refused r && r.reason() == Outcome.Refusal.CONFLICT) {
            return Waiter.Attempt.pending(o);
          }
          return Waiter.Attempt.done(o);
        });
    assertThat(removed.kind()).as(removed.toString()).isEqualTo(Outcome.Kind.DONE);
    // GET /config answers from the member's last view of the DCS, which may predate the removal for a loop
    client.waitUntil(ClusterCondition.of("p4j_marker gone from the dynamic configuration",
        o -> !client.config().values().containsKey("p4j_marker")), WAIT);
  }

  @Test
  void putConfigAndReload() {
    Map<String, Object> current = client.config().values();
    Outcome put = node("pg1").putConfig(current);
    assertThat(put.kind()).isEqualTo(Outcome.Kind.DONE);
    assertThat(((Outcome.Done) put).newConfig().orElseThrow().values()).isEqualTo(current);
    assertThat(node("pg2").reload().kind()).isEqualTo(Outcome.Kind.DONE);
  }

  @Test
  void failsafeTopologyIsServedOnceFailsafeModeIsOn() {
    assertThat(node("pg1").failsafe()).isEmpty();
    assertThat(client.patchConfig(ConfigPatch.builder().set("failsafe_mode", true).build()).kind()).isEqualTo(Outcome.Kind.DONE);
    try {
      client.waitUntil(ClusterCondition.of("pg1 serves the failsafe topology", o -> node("pg1").failsafe().isPresent()), WAIT);
      Map<String, String> topology = node("pg1").failsafe().orElseThrow();
      assertThat(topology).containsOnlyKeys("pg1", "pg2", "pg3");
      assertThat(topology.get("pg2")).isEqualTo(client.cluster().member("pg2").apiUrl());
    } finally {
      assertThat(client.patchConfig(ConfigPatch.builder().remove("failsafe_mode").build()).kind()).isEqualTo(Outcome.Kind.DONE);
    }
  }
}
