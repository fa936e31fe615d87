package dev.patroni4j.client;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.client.model.HistoryEntry;
import dev.patroni4j.client.model.Lag;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberState;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.client.model.ParameterChange;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.client.model.Timeline;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PatroniJsonTest {

  @Test
  void readsLive302ClusterWithoutScopeAndRunningReplicas() {
    ClusterView v = PatroniJson.clusterView(Fixtures.read("cluster-3.0.2.json"));
    assertThat(v.scope()).isNull();
    assertThat(v.leader().name()).isEqualTo("n2");
    assertThat(v.leader().lag()).isInstanceOf(Lag.Absent.class);
    Member n1 = v.member("n1");
    assertThat(n1.role().kind()).isEqualTo(Role.Kind.REPLICA);
    assertThat(n1.state().kind()).isEqualTo(MemberState.Kind.RUNNING);
    assertThat(n1.lag()).isEqualTo(Lag.ofBytes(0));
    assertThat(n1.port()).isEqualTo(5431);
    assertThat(n1.apiUrl()).isEqualTo("http://127.0.0.1:8001/patroni");
    assertThat(v.timeline()).hasValue(Timeline.of(2));
    assertThat(n1.rawJson()).contains("\"n1\"");
    assertThat(v.rawJson()).isEqualTo(Fixtures.read("cluster-3.0.2.json"));
  }

  @Test
  void readsRecorded415ClusterWithLsnsLagsAndScheduledSwitchover() {
    ClusterView v = PatroniJson.clusterView(Fixtures.read("recorded/4.1.5/cluster-scheduled.json"));
    assertThat(v.scope()).startsWith("p4j-");
    Member r = v.member("pg3");
    assertThat(r.state().isStreaming()).isTrue();
    assertThat(r.lsn()).isNotNull().isEqualTo(r.receiveLsn());
    assertThat(r.replayLsn()).isNotNull();
    assertThat(r.replayLag()).isEqualTo(Lag.ofBytes(0));
    assertThat(r.tags().cloneFrom()).isTrue();
    assertThat(r.tags().noSync()).isTrue();
    assertThat(v.member("pg2").tags().failoverPriority()).hasValue(2);
    assertThat(v.scheduledSwitchover()).isNotNull();
    assertThat(requireNonNull(v.scheduledSwitchover()).at().getOffset()).isEqualTo(ZoneOffset.UTC);
    assertThat(v.scheduledSwitchover().from()).hasValue("pg1");
    assertThat(v.scheduledSwitchover().to()).hasValue("pg2");
  }

  @Test
  void readsEveryRoleSpellingUnknownLagPendingRestartAndKeepsUnknownFields() {
    ClusterView v = PatroniJson.clusterView(Fixtures.read("synthetic-cluster-edge-cases.json"));
    assertThat(v.paused()).isTrue();
    assertThat(v.unknownFields()).containsEntry("brand_new_top_level", "42");
    Member a = v.member("a");
    assertThat(a.pendingRestart()).isTrue();
    assertThat(a.pendingRestartReason()).containsEntry("max_connections", new ParameterChange("100", "101"));
    assertThat(requireNonNull(a.scheduledRestart()).restartPending()).isTrue();
    assertThat(a.scheduledRestart().role()).isEqualTo("primary");
    assertThat(a.scheduledRestart().timeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(requireNonNull(a.scheduledRestart().postmasterStartTime()).getNano()).isEqualTo(123_456_000);
    Member b = v.member("b");
    assertThat(b.role().kind()).isEqualTo(Role.Kind.SYNC_STANDBY);
    assertThat(b.lag()).isInstanceOf(Lag.Unknown.class);
    assertThat(b.tags().noFailover()).isTrue();
    assertThat(b.tags().patroniString("zone")).hasValue("eu-1");
    Member c = v.member("c");
    assertThat(c.role().kind()).isEqualTo(Role.Kind.QUORUM_STANDBY);
    assertThat(c.state().kind()).isEqualTo(MemberState.Kind.IN_ARCHIVE_RECOVERY);
    assertThat(c.lag()).isEqualTo(Lag.ofBytes(123456789012L));
    assertThat(c.unknownFields()).containsEntry("future_field", "{\"x\":[1,2]}");
    Member d = v.member("d");
    assertThat(d.role()).isEqualTo(new Role(Role.Kind.OTHER, "witness"));
    assertThat(d.state()).isEqualTo(new MemberState(MemberState.Kind.OTHER, "hibernating"));
    assertThat(d.host()).isNull();
  }

  @Test
  void readsLive302PrimaryStatus() {
    MemberStatus s = PatroniJson.memberStatus(Fixtures.read("patroni-primary-3.0.2.json"));
    assertThat(s.role().kind()).isEqualTo(Role.Kind.PRIMARY);
    assertThat(s.role().raw()).isEqualTo("master");
    assertThat(requireNonNull(s.serverVersion()).major()).isEqualTo(15);
    assertThat(s.xlogLocation()).isEqualTo(Lsn.of(67109536));
    assertThat(s.replication()).extracting(r -> r.applicationName()).containsExactly("n3", "n1");
    assertThat(s.replication().get(0).isStreaming()).isTrue();
    assertThat(s.dcsLastSeen()).isEqualTo(Instant.ofEpochSecond(1795318252));
    assertThat(requireNonNull(s.patroniVersion()).isAtLeast(3, 0)).isTrue();
    assertThat(s.name()).isNull();
    assertThat(s.systemIdentifier()).isEqualTo("7710832286115904311");
    assertThat(s.postmasterStartTime()).isEqualTo(OffsetDateTime.parse("2026-11-22T03:27:26.613201Z"));
    assertThat(s.unknownFields()).isEmpty();
  }

  @Test
  void readsLive302ReplicaStatusAndEveryOptionalFieldOfTheSyntheticOne() {
    MemberStatus old = PatroniJson.memberStatus(Fixtures.read("patroni-replica-3.0.2.json"));
    assertThat(old.replayedLocation()).isEqualTo(Lsn.of(67109536));
    assertThat(old.replayedTimestamp()).isNull();
    assertThat(old.replayPaused()).isFalse();
    assertThat(old.walPosition()).hasValue(Lsn.of(67109536));

    MemberStatus s = PatroniJson.memberStatus(Fixtures.read("synthetic-status-edge-cases.json"));
    assertThat(s.receivedLocation()).isEqualTo(Lsn.parse("FFFFFFFF/FFFFFFFF"));
    assertThat(s.replayedLocation()).isLessThan(s.receivedLocation());
    assertThat(s.timeline()).isEqualTo(Timeline.of(4294967295L));
    assertThat(requireNonNull(s.replicationState()).isStreaming()).isTrue();
    assertThat(s.quorumStandby()).isTrue();
    assertThat(s.paused()).isTrue();
    assertThat(s.clusterUnlocked()).isTrue();
    assertThat(s.failsafeModeActive()).isTrue();
    assertThat(s.watchdogFailed()).isTrue();
    assertThat(s.tags().failoverPriority()).hasValue(3);
    assertThat(s.tags().noFailover()).isFalse();
    assertThat(s.pendingRestartReason()).containsKey("max_connections");
    assertThat(requireNonNull(s.scheduledRestart()).schedule()).isEqualTo(OffsetDateTime.parse("2025-03-02T00:00:00Z"));
    assertThat(s.unknownFields()).containsEntry("logger_queue_size", "12");
    assertThat(s.name()).isEqualTo("patroni3");
  }

  @Test
  void readsRecorded407Primary() {
    MemberStatus s = PatroniJson.memberStatus(Fixtures.read("recorded/4.0.7/patroni-primary.json"));
    assertThat(s.role().raw()).isEqualTo("primary");
    assertThat(s.role().kind()).isEqualTo(Role.Kind.PRIMARY);
    assertThat(s.tags()).isEqualTo(dev.patroni4j.client.model.Tags.empty());
    assertThat(s.name()).isEqualTo("pg1");
    assertThat(s.replication()).extracting(r -> r.applicationName()).containsExactlyInAnyOrder("pg2", "pg3");
  }

  @Test
  void readsHistoryWithThreeFourAndFiveElementEntries() {
    List<HistoryEntry> h = PatroniJson.history(Fixtures.read("history-docs.json"));
    assertThat(h).hasSize(3);
    assertThat(h.get(0).timestamp()).isEqualTo(OffsetDateTime.parse("2019-09-23T16:57:57+02:00"));
    assertThat(h.get(0).newLeader()).isNull();
    assertThat(h.get(2).timestamp()).isNull();
    HistoryEntry live = PatroniJson.history(Fixtures.read("history-3.0.2.json")).get(0);
    assertThat(live.newLeader()).isEqualTo("n2");
    assertThat(live.lsn()).isEqualTo(Lsn.of(67109256));
    assertThat(PatroniJson.history("[]")).isEmpty();
  }

  @Test
  void readsConfigAndDcsMember() {
    DynamicConfig c = PatroniJson.dynamicConfig(Fixtures.read("config-3.0.2.json"));
    assertThat(c.ttl()).hasValue(10);
    assertThat(c.loopWait()).hasValue(2);
    assertThat(c.postgresqlParameters()).containsEntry("max_wal_senders", 10L);
    assertThat(c.get("postgresql", "use_pg_rewind")).hasValue(true);
    assertThat(c.paused()).isFalse();

    Member m = PatroniJson.dcsMember("n2", Fixtures.read("dcs-member-3.0.2.json"));
    assertThat(m.role().kind()).isEqualTo(Role.Kind.PRIMARY);
    assertThat(m.host()).isEqualTo("127.0.0.1");
    assertThat(m.port()).isEqualTo(5432);
    assertThat(m.xlogLocation()).isEqualTo(Lsn.of(67109536));
    assertThat(requireNonNull(m.patroniVersion()).raw()).isEqualTo("3.0.2");
  }

  @Test
  void wrongTypesAreParseErrorsNamingThePath() {
    assertThatThrownBy(() -> PatroniJson.clusterView("{\"members\":[{\"name\":\"a\",\"role\":\"leader\",\"state\":\"running\"},"
            + "{\"name\":\"b\",\"role\":\"replica\",\"state\":\"running\",\"timeline\":{\"x\":1}}]}"))
        .isInstanceOf(PatroniParseException.class)
        .hasMessageContaining("$.members[1].timeline")
        .extracting(e -> ((PatroniParseException) e).path()).isEqualTo("$.members[1].timeline");
    assertThatThrownBy(() -> PatroniJson.clusterView("{\"members\":{}}"))
        .isInstanceOf(PatroniParseException.class).hasMessageContaining("$.members");
    assertThatThrownBy(() -> PatroniJson.memberStatus("{\"state\":\"running\",\"role\":\"replica\",\"xlog\":{\"location\":\"lots\"}}"))
        .isInstanceOf(PatroniParseException.class).hasMessageContaining("$.xlog.location");
    assertThatThrownBy(() -> PatroniJson.memberStatus("{\"role\":\"replica\"}"))
        .isInstanceOf(PatroniParseException.class).hasMessageContaining("$.state");
    assertThatThrownBy(() -> PatroniJson.clusterView("{\"members\":[{\"name\":\"a\",\"role\":\"leader\",\"state\":\"running\",\"lag\":[1]}]}"))
        .isInstanceOf(PatroniParseException.class).hasMessageContaining("$.members[0].lag");
  }

  @Test
  void hugeLsnsBeyondUnsigned64BitsAreRejectedNotWrapped() {
    assertThatThrownBy(() -> PatroniJson.memberStatus("{\"state\":\"running\",\"role\":\"master\",\"xlog\":{\"location\":18446744073709551616}}"))
        .isInstanceOf(PatroniParseException.class).hasMessageContaining("$.xlog.location");
    assertThatThrownBy(() -> PatroniJson.memberStatus("{\"state\":\"running\",\"role\":\"master\",\"xlog\":{\"location\":-1}}"))
        .isInstanceOf(PatroniParseException.class);
  }

  @Test
  void truncatedAndNonJsonBodiesAreParseErrors() {
    String full = Fixtures.read("cluster-3.0.2.json");
    assertThatThrownBy(() -> PatroniJson.clusterView(full.substring(0, full.length() / 2)))
        .isInstanceOf(PatroniParseException.class).hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> PatroniJson.clusterView("<html><body>502 Bad Gateway</body></html>"))
        .isInstanceOf(PatroniParseException.class);
    assertThatThrownBy(() -> PatroniJson.clusterView("")).isInstanceOf(PatroniParseException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> PatroniJson.history("{}")).isInstanceOf(PatroniParseException.class).hasMessageContaining("array");
  }

  @Test
  void numbersJacksonCannotHoldAreParseErrors() {
    // Found by ParserFuzzTest: Jackson signals this with a NumberFormatException.
    assertThatThrownBy(() -> PatroniJson.history("[[1, 5e2045990477259663, \"x\"]]")).isInstanceOf(PatroniParseException.class);
  }

  @Test
  void deeplyNestedJsonIsRejectedWithoutStackOverflow() {
    String deep = "[".repeat(100_000);
    assertThatThrownBy(() -> PatroniJson.dynamicConfig(deep)).isInstanceOf(PatroniParseException.class);
  }

  @Test
  void negativeLagIsUnknownAndNumericStringsAreAccepted() {
    ClusterView v = PatroniJson.clusterView("{\"members\":[{\"name\":\"a\",\"role\":\"replica\",\"state\":\"running\",\"lag\":-5,\"timeline\":\"3\"}]}");
    assertThat(v.member("a").lag()).isInstanceOf(Lag.Unknown.class);
    assertThat(v.member("a").timeline()).isEqualTo(Timeline.of(3));
  }

  @Test
  void timestampsInEveryPatroniSpelling() {
    String base = "{\"members\":[],\"scheduled_switchover\":{\"at\":\"%s\"}}";
    assertThat(requireNonNull(PatroniJson.clusterView(base.formatted("2019-09-24T12:00+00")).scheduledSwitchover()).at())
        .isEqualTo(OffsetDateTime.parse("2019-09-24T12:00Z"));
    assertThat(requireNonNull(PatroniJson.clusterView(base.formatted("2024-08-28 19:39:26+00:00")).scheduledSwitchover()).at())
        .isEqualTo(OffsetDateTime.parse("2024-08-28T19:39:26Z"));
    assertThatThrownBy(() -> PatroniJson.clusterView(base.formatted("tomorrow")))
        .isInstanceOf(PatroniParseException.class).hasMessageContaining("$.scheduled_switchover.at");
  }

  @Test
  void unknownFieldsAreTheirJsonText() {
    ClusterView v = PatroniJson.clusterView("{\"members\":[],\"x\":{\"a\":null},\"y\":\"s\"}");
    assertThat(v.unknownFields()).isEqualTo(Map.of("x", "{\"a\":null}", "y", "\"s\""));
  }
}
