package dev.patroni4j.runbooks.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsEntry;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.client.model.HistoryEntry;
import dev.patroni4j.client.model.Lag;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberState;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.client.model.Tags;
import dev.patroni4j.client.model.Timeline;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The checks over observations built in code, for states a test cluster here cannot be brought into. */
class ChecksTest {
  private static final ClusterRef REF = ClusterRef.of("demo");
  private final Checks checks = new Checks(1000);

  private static Member member(String name, String role, String state, long timeline, Lag lag) {
    return Member.builder(name, Role.of(role), MemberState.of(state)).timeline(Timeline.of(timeline)).lag(lag)
        .apiUrl("http://127.0.0.1:80" + name.substring(2) + "/patroni").host("127.0.0.1").port(5432).build();
  }

  private static Observed observed(List<Member> members, @Nullable DynamicConfig config,
      @Nullable List<HistoryEntry> history) {
    return new Observed(ClusterView.of("demo", members, false, null), Evidence.Source.REST, Map.of(), Map.of(),
        List.of(), null, config, false, history, null, null, null, Map.of());
  }

  private static List<Member> healthy() {
    return List.of(member("pg1", "leader", "running", 3, Lag.absent()),
        member("pg2", "replica", "streaming", 3, Lag.ofBytes(0)),
        member("pg3", "replica", "streaming", 3, Lag.ofBytes(10)));
  }

  @Test
  void aHealthyClusterHasNoFindings() {
    assertThat(checks.run(observed(healthy(), DynamicConfig.of(Map.of("ttl", 30)), null))).isEmpty();
  }

  @Test
  void aReplicaOnATimelineTheLeaderNeverHadIsToBeReinitialized() {
    List<Member> members = List.of(member("pg1", "leader", "running", 1, Lag.absent()),
        member("pg2", "replica", "running", 2, Lag.unknown()), member("pg3", "replica", "streaming", 1, Lag.ofBytes(0)));

    List<Finding> findings = checks.run(observed(members, null, List.of()));

    assertThat(findings).extracting(Finding::problem).containsExactly(Problem.TIMELINE_DIVERGED);
    assertThat(findings.get(0).member()).isEqualTo("pg2");
    assertThat(findings.get(0).remedy()).isEqualTo(new Remedy.Reinitialize("pg2"));
    assertThat(findings.get(0).evidence()).extracting(Evidence::value).contains("2", "pg1 on 1");
  }

  @Test
  void aReplicaThatDoesNotStartIsRecoveredAndALeaderThatDoesNotStartIsLeftToAnOperator() {
    List<Member> replicaFails = List.of(member("pg1", "leader", "running", 1, Lag.absent()),
        member("pg2", "replica", "start failed", 1, Lag.unknown()), member("pg3", "replica", "streaming", 1, Lag.ofBytes(0)));
    List<Member> leaderFails = List.of(member("pg1", "leader", "start failed", 1, Lag.absent()),
        member("pg2", "replica", "streaming", 1, Lag.ofBytes(0)));

    List<Finding> replica = checks.run(observed(replicaFails, null, List.of()));
    List<Finding> leader = checks.run(observed(leaderFails, null, List.of()));

    assertThat(replica).filteredOn(f -> f.problem() == Problem.POSTGRES_NOT_STARTING).singleElement()
        .satisfies(f -> {
          assertThat(f.member()).isEqualTo("pg2");
          assertThat(f.severity()).isEqualTo(Severity.WARNING);
          assertThat(f.remedy()).isEqualTo(new Remedy.RecoverStartFailed("pg2"));
        });
    assertThat(leader).filteredOn(f -> f.problem() == Problem.POSTGRES_NOT_STARTING).singleElement()
        .satisfies(f -> {
          assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
          assertThat(f.remedy()).isInstanceOf(Remedy.Manual.class);
        });
  }

  @Test
  void aRegistrationWhoseMemberIsGoneIsFoundAndOneOfAMemberIsNot() {
    List<ServiceRegistry.Registration> registered = List.of(new ServiceRegistry.Registration("pg1", "demo/pg1",
        "10.0.0.1", 5432), new ServiceRegistry.Registration("pg9", "demo/pg9", "10.0.0.9", 5432));
    Observed o = new Observed(ClusterView.of("demo", healthy(), false, null), Evidence.Source.REST, Map.of(), Map.of(),
        List.of(), null, null, false, null, null, null, registered, Map.of());

    List<Finding> findings = checks.run(o);

    assertThat(findings).singleElement().satisfies(f -> {
      assertThat(f.problem()).isEqualTo(Problem.SERVICE_WITHOUT_MEMBER);
      assertThat(f.member()).isEqualTo("pg9");
      assertThat(f.remedy()).isInstanceOf(Remedy.Manual.class);
      assertThat(f.remedy().description()).contains("deregister service demo/pg9");
      assertThat(f.evidence()).extracting(Evidence::source).contains(Evidence.Source.SERVICE_REGISTRY);
    });
  }

  @Test
  void aUnitThatKillsTheWholeCgroupIsFoundAndAPackagedSafeOneIsNot() {
    String unsafe = "[Service]\nType=simple\nExecStart=/usr/bin/patroni /etc/patroni.yml\nKillSignal=SIGKILL\n";
    String safe = "[Service]\nExecStart=/usr/bin/patroni /etc/patroni.yml\nKillMode=process\nKillSignal=SIGINT\n";
    Observed o = new Observed(ClusterView.of("demo", healthy(), false, null), Evidence.Source.REST, Map.of(), Map.of(),
        List.of(), null, null, false, null, null, null, null,
        Map.of("pg1", new Observed.Unit("systemctl cat patroni", safe), "pg2", new Observed.Unit("systemctl cat patroni",
            unsafe)));

    List<Finding> findings = checks.run(o);

    assertThat(findings).singleElement().satisfies(f -> {
      assertThat(f.problem()).isEqualTo(Problem.UNIT_STOPS_POSTGRES);
      assertThat(f.member()).isEqualTo("pg2");
      assertThat(f.summary()).contains("would stop PostgreSQL together with Patroni");
      assertThat(f.evidence()).extracting(Evidence::fact, Evidence::value)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("KillMode", "control-group"),
              org.assertj.core.groups.Tuple.tuple("KillSignal", "SIGKILL"));
      assertThat(f.evidence()).allSatisfy(e -> assertThat(e.location()).isEqualTo("systemctl cat patroni on pg2"));
    });
  }

  @Test
  void aPausedClusterWithoutALeaderIsFailedOverToARunningMemberAndAnUnpausedOneIsLeftToPatroni() {
    List<Member> leaderless = List.of(member("pg1", "replica", "stopped", 3, Lag.unknown()),
        member("pg2", "replica", "running", 3, Lag.unknown()));
    Observed paused = new Observed(ClusterView.of("demo", leaderless, true, null), Evidence.Source.REST, Map.of(),
        Map.of(), List.of(), null, null, false, null, null, null, null, Map.of());

    List<Finding> whilePaused = checks.run(paused);
    List<Finding> unpaused = checks.run(observed(leaderless, null, null));

    assertThat(whilePaused).singleElement().satisfies(f -> {
      assertThat(f.problem()).isEqualTo(Problem.NO_LEADER);
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.remedy()).isEqualTo(new Remedy.Failover(null));
      assertThat(f.evidence()).extracting(Evidence::fact, Evidence::value)
          .contains(org.assertj.core.groups.Tuple.tuple("leader", "absent"),
              org.assertj.core.groups.Tuple.tuple("paused", "true"));
    });
    assertThat(unpaused).singleElement().satisfies(f -> {
      assertThat(f.problem()).isEqualTo(Problem.NO_LEADER);
      assertThat(f.remedy()).isInstanceOfSatisfying(Remedy.Manual.class,
          m -> assertThat(m.instruction()).contains("Patroni elects a leader within ttl"));
    });
  }

  @Test
  void aReplicaBehindOnATimelineInTheLeadersHistoryIsNotDiverged() {
    List<Member> members = List.of(member("pg1", "leader", "running", 3, Lag.absent()),
        member("pg2", "replica", "streaming", 2, Lag.ofBytes(0)));
    List<HistoryEntry> history = List.of(new HistoryEntry(Timeline.of(1), Lsn.of(100), "r", null, null),
        new HistoryEntry(Timeline.of(2), Lsn.of(200), "r", null, null));

    assertThat(checks.run(observed(members, null, history))).extracting(Finding::problem)
        .doesNotContain(Problem.TIMELINE_DIVERGED);
  }

  @Test
  void everyReplicaLaggingOrNofailoverLeavesNoFailoverCandidate() {
    List<Member> members = List.of(member("pg1", "leader", "running", 3, Lag.absent()),
        member("pg2", "replica", "streaming", 3, Lag.ofBytes(5_000_000)),
        member("pg3", "replica", "streaming", 3, Lag.ofBytes(0)).toBuilder()
            .tags(Tags.of(Map.of("nofailover", true))).build());

    List<Finding> findings = checks.run(observed(members, DynamicConfig.of(Map.of("maximum_lag_on_failover", 1000)),
        null));

    assertThat(findings).extracting(Finding::problem).containsExactly(Problem.NO_FAILOVER_CANDIDATE);
    assertThat(findings.get(0).severity()).isEqualTo(Severity.CRITICAL);
    assertThat(findings.get(0).evidence()).extracting(Evidence::value)
        .contains("lag 5000000 B beyond 1000 B", "tagged nofailover", "1000");
  }

  @Test
  void theConfigurationsEvidenceNamesWhereItWasRead() {
    List<Member> lagging = List.of(member("pg1", "leader", "running", 3, Lag.absent()),
        member("pg2", "replica", "streaming", 3, Lag.ofBytes(5_000_000)));
    ClusterSnapshot fromDcs = ClusterSnapshot.fromEntries(REF, 7, List.of(new DcsEntry(REF.keyPrefix() + "config",
        "{\"maximum_lag_on_failover\":1000,\"synchronous_mode\":true}", 7, null)));
    DynamicConfig config = java.util.Objects.requireNonNull(fromDcs.config()).config();
    Observed dcs = new Observed(ClusterView.of("demo", lagging, false, null), Evidence.Source.REST, Map.of(), Map.of(),
        List.of(), fromDcs, config, false, null, null, null, null, Map.of());

    List<Finding> readFromDcs = checks.run(dcs);
    List<Finding> readFromRest = checks.run(observed(lagging, config, null));
    List<Finding> patroniDefault = checks.run(observed(lagging, null, null));

    assertThat(readFromDcs).extracting(Finding::problem)
        .containsExactlyInAnyOrder(Problem.NO_FAILOVER_CANDIDATE, Problem.NO_SYNC_STANDBY);
    assertThat(readFromDcs).flatExtracting(Finding::evidence)
        .filteredOn(e -> e.fact().startsWith("maximum_lag") || e.fact().startsWith("synchronous_mode"))
        .hasSize(3).allSatisfy(e -> assertThat(e.toString()).startsWith("DCS /service/demo/config: "));
    assertThat(readFromRest).flatExtracting(Finding::evidence)
        .filteredOn(e -> e.fact().startsWith("maximum_lag") || e.fact().startsWith("synchronous_mode"))
        .hasSize(3).allSatisfy(e -> assertThat(e.toString()).startsWith("REST GET /config: "));
    assertThat(patroniDefault).flatExtracting(Finding::evidence).filteredOn(e -> e.fact().startsWith("maximum_lag"))
        .singleElement().extracting(Evidence::value).isEqualTo("1048576 (Patroni's default: not set)");
  }

  /**
   * A secret planted in every free-text input a check reads (a member's error, its unit, its REST URL, its conn_url,
   * the reason a source was not read) reaches no finding's summary, remedy or evidence, nor the table.
   */
  @Test
  void aSecretInWhatWasObservedReachesNoFindingAndNotTheTable() {
    String secret = "Pl4nted-s3cret";
    Member pg2 = member("pg2", "replica", "start failed", 3, Lag.unknown()).toBuilder()
        .connUrl("postgres://replicator:" + secret + "@127.0.0.1:5433/postgres?password=" + secret).build();
    List<Member> members = List.of(member("pg1", "leader", "running", 3, Lag.absent()), pg2,
        member("pg3", "replica", "streaming", 3, Lag.ofBytes(0)));
    String unit = "[Service]\nEnvironment=PGPASSWORD=" + secret + "\nExecStart=/usr/bin/patroni /etc/patroni.yml\n";
    Observed o = new Observed(ClusterView.of("demo", members, false, null), Evidence.Source.REST, Map.of(),
        Map.of("pg3", "GET http://patroni:" + secret + "@127.0.0.1:8003/patroni failed: {\"password\": \"" + secret
            + "\"}"), List.of(URI.create("http://patroni:" + secret + "@127.0.0.1:8009")), null,
        DynamicConfig.of(Map.of("synchronous_mode", true)), false, null, null,
        new Observed.Archiver("on", 1, null, null, 3, "000000030000000000000007", "2026-12-03 18:00:00+00", true),
        List.of(new ServiceRegistry.Registration("pg9", "demo/pg9", "10.0.0.9", 5432)),
        Map.of("pg1", new Observed.Unit("systemctl cat patroni", unit)));

    Diagnosis d = new Diagnosis(checks.run(o), List.of("SQL on pg1: FATAL: password=" + secret + " rejected",
        "DCS http://root:" + secret + "@etcd:2379: unavailable"), java.time.Instant.EPOCH);

    assertThat(d.findings()).extracting(Finding::problem).contains(Problem.POSTGRES_NOT_STARTING,
        Problem.MEMBER_NOT_ANSWERING, Problem.NO_SYNC_STANDBY, Problem.ARCHIVING_FAILING,
        Problem.SERVICE_WITHOUT_MEMBER, Problem.UNIT_STOPS_POSTGRES);
    StringBuilder all = new StringBuilder(d.table());
    d.notObserved().forEach(n -> all.append('\n').append(n));
    for (Finding f : d.findings()) {
      all.append('\n').append(f.summary()).append('\n').append(f.remedy().description()).append('\n').append(f);
    }
    assertThat(all.toString()).doesNotContain(secret).contains("***");
  }

  @Test
  void synchronousModeWithoutASyncStandbyIsFoundAndStrictModeIsCritical() {
    List<Finding> plain = checks.run(observed(healthy(), DynamicConfig.of(Map.of("synchronous_mode", true)), null));
    List<Finding> strict = checks.run(observed(healthy(),
        DynamicConfig.of(Map.of("synchronous_mode", "on", "synchronous_mode_strict", true)), null));
    List<Member> withSync = List.of(member("pg1", "leader", "running", 3, Lag.absent()),
        member("pg2", "sync_standby", "streaming", 3, Lag.ofBytes(0)));

    assertThat(plain).extracting(Finding::problem, Finding::severity)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Problem.NO_SYNC_STANDBY, Severity.WARNING));
    assertThat(strict).extracting(Finding::severity).containsExactly(Severity.CRITICAL);
    assertThat(checks.run(observed(withSync, DynamicConfig.of(Map.of("synchronous_mode", true)), null))).isEmpty();
  }

  @Test
  void aPausedMemberWithoutPauseInTheDcsConfigIsAStalePauseNotAPausedCluster() {
    MemberStatus paused = MemberStatus.builder(MemberState.of("stopped"), Role.of("replica")).paused(true).build();
    ClusterSnapshot noConfig = ClusterSnapshot.fromEntries(REF, 5, List.of(
        new DcsEntry(REF.keyPrefix() + "members/pg1",
            "{\"conn_url\":\"postgres://127.0.0.1:5432/postgres\",\"api_url\":\"http://127.0.0.1:8001/patroni\","
                + "\"state\":\"stopped\",\"role\":\"replica\"}", 5, "1")));
    Observed o = new Observed(ClusterView.of("demo", List.of(member("pg1", "replica", "stopped", 1, Lag.unknown())),
        true, null), Evidence.Source.REST, Map.of("pg1", paused), Map.of(), List.of(), noConfig, null, false, null,
        null, null, null, Map.of());

    List<Finding> findings = checks.run(o);

    assertThat(findings).extracting(Finding::problem).contains(Problem.STALE_PAUSE)
        .doesNotContain(Problem.CLUSTER_PAUSED);
    assertThat(findings.stream().filter(f -> f.problem() == Problem.STALE_PAUSE).findFirst().orElseThrow().remedy())
        .isInstanceOfSatisfying(Remedy.Manual.class, m -> assertThat(m.instruction()).contains("patroni.dynamic.json"));
  }

  @Test
  void aPermanentSlotRetainingWalIsRemovedByAConfigChangeAndAnUnknownOneByHand() {
    Observed o = new Observed(ClusterView.of("demo", healthy(), false, null), Evidence.Source.REST, Map.of(), Map.of(),
        List.of(), null, DynamicConfig.of(Map.of("slots", Map.of("keep", Map.of("type", "physical")))), false, null,
        List.of(new Observed.Slot("keep", "physical", "0/3000000", 50_000), new Observed.Slot("old", "logical",
            "0/1000000", 90_000), new Observed.Slot("small", "physical", "0/9000000", 10)), null, null, Map.of());

    List<Finding> findings = checks.run(o);

    assertThat(findings).extracting(Finding::problem).containsOnly(Problem.SLOT_RETAINING_WAL).hasSize(2);
    assertThat(findings.get(0).remedy()).isInstanceOfSatisfying(Remedy.ConfigChange.class,
        c -> assertThat(c.patch()).containsOnlyKeys("slots"));
    assertThat(findings.get(1).remedy()).isInstanceOfSatisfying(Remedy.Manual.class,
        m -> assertThat(m.instruction()).contains("pg_drop_replication_slot('old')"));
    assertThat(findings.get(1).evidence()).extracting(Evidence::value).contains("90000");
  }

  @Test
  void evidenceNeverCarriesACredentialAndIsBounded() {
    Evidence url = Evidence.of(Evidence.Source.DCS, "member pg1", "conn_url",
        "postgres://replicator:s3cret@10.0.0.1:5432/postgres?password=hunter2&sslmode=require");
    Evidence json = Evidence.of(Evidence.Source.REST, "GET /patroni", "error", "{\"password\": \"topsecret\"}");
    Evidence longValue = Evidence.of(Evidence.Source.REST, "x", "y", "a".repeat(10_000) + "\n");

    assertThat(url.value()).doesNotContain("s3cret").doesNotContain("hunter2").contains("10.0.0.1:5432");
    assertThat(json.toString()).doesNotContain("topsecret");
    assertThat(longValue.value()).hasSize(Evidence.MAX_VALUE_LENGTH + 3).endsWith("...");
  }

  /** DCS values are outside input: garbage in every key yields findings or none, never an exception. */
  @Test
  void garbageInTheDcsNeverBreaksADiagnosis() {
    Random random = new Random(22);
    String[] keys = {"leader", "initialize", "config", "members/pg1", "members/pg2", "history", "sync", "status"};
    String[] shapes = {"", "{", "null", "[]", "{\"state\":7}", "{\"role\":null,\"timeline\":\"x\"}", "\u0000\uffff",
        "{\"conn_url\":\"postgres://u:p@h:99999999/x\",\"api_url\":\"::\",\"state\":\"start failed\"}", "12345",
        "{\"pause\":\"maybe\",\"synchronous_mode\":{},\"maximum_lag_on_failover\":\"lots\",\"slots\":[1]}"};
    for (int round = 0; round < 500; round++) {
      List<DcsEntry> entries = new ArrayList<>();
      for (String key : keys) {
        if (random.nextBoolean()) {
          entries.add(new DcsEntry(REF.keyPrefix() + key, shapes[random.nextInt(shapes.length)], round, null));
        }
      }
      ClusterSnapshot s = ClusterSnapshot.fromEntries(REF, round, entries);
      Observed o = new Observed(s.toClusterView(), Evidence.Source.DCS, Map.of(), Map.of(),
          List.of(URI.create("http://127.0.0.1:8008")), s, s.config() == null ? null : s.config().config(), false,
          null, null, null, null, Map.of());
      assertThatCode(() -> checks.run(o)).as("entries %s", entries).doesNotThrowAnyException();
    }
  }
}
