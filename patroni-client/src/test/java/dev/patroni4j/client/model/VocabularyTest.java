package dev.patroni4j.client.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class VocabularyTest {

  @Test
  void oldAndNewPrimarySpellingsMapToOneRoleAndKeepTheRawValue() {
    for (String raw : new String[] {"master", "primary", "leader"}) {
      Role r = Role.of(raw);
      assertThat(r.kind()).isEqualTo(Role.Kind.PRIMARY);
      assertThat(r.raw()).isEqualTo(raw);
      assertThat(r.isLeader()).isTrue();
    }
    assertThat(Role.of("standby_leader").kind()).isEqualTo(Role.Kind.STANDBY_LEADER);
    assertThat(Role.of("standby-leader").kind()).isEqualTo(Role.Kind.STANDBY_LEADER);
    assertThat(Role.of("sync_standby").isReplica()).isTrue();
    assertThat(Role.of("quorum_standby").kind()).isEqualTo(Role.Kind.QUORUM_STANDBY);
  }

  @Test
  void unknownRoleIsPreservedNotRejected() {
    Role r = Role.of("witness");
    assertThat(r.kind()).isEqualTo(Role.Kind.OTHER);
    assertThat(r.raw()).isEqualTo("witness");
    assertThat(r.isLeader()).isFalse();
    assertThat(r.isReplica()).isFalse();
  }

  @Test
  void statesWithSpacesMapToTheirKinds() {
    assertThat(MemberState.of("start failed").kind()).isEqualTo(MemberState.Kind.START_FAILED);
    assertThat(MemberState.of("in archive recovery").kind()).isEqualTo(MemberState.Kind.IN_ARCHIVE_RECOVERY);
    assertThat(MemberState.of("running custom bootstrap script").kind())
        .isEqualTo(MemberState.Kind.RUNNING_CUSTOM_BOOTSTRAP_SCRIPT);
    assertThat(MemberState.of("creating replica").kind()).isEqualTo(MemberState.Kind.CREATING_REPLICA);
    assertThat(MemberState.of("start failed").isFailed()).isTrue();
  }

  @Test
  void runningAndStreamingBothCountAsRunningButOnlyStreamingIsStreaming() {
    assertThat(MemberState.of("running").isRunning()).isTrue();
    assertThat(MemberState.of("streaming").isRunning()).isTrue();
    assertThat(MemberState.of("running").isStreaming()).isFalse();
    assertThat(MemberState.of("streaming").isStreaming()).isTrue();
  }

  @Test
  void unknownStateIsPreservedAndPatronisOwnUnknownIsDistinct() {
    assertThat(MemberState.of("hibernating").kind()).isEqualTo(MemberState.Kind.OTHER);
    assertThat(MemberState.of("hibernating").raw()).isEqualTo("hibernating");
    assertThat(MemberState.of("unknown").kind()).isEqualTo(MemberState.Kind.UNKNOWN);
  }

  @Test
  void lagDistinguishesBytesUnknownAndAbsent() {
    assertThat(Lag.ofBytes(5).isAtMost(5)).isTrue();
    assertThat(Lag.ofBytes(6).isAtMost(5)).isFalse();
    assertThat(Lag.unknown().isAtMost(Long.MAX_VALUE)).isFalse();
    assertThat(Lag.absent().knownBytes()).isEmpty();
    assertThat(Lag.ofBytes(7).knownBytes()).hasValue(7);
    assertThatThrownBy(() -> Lag.ofBytes(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tagsRenderValuesAsPatroniComparesThem() {
    Tags tags = Tags.of(Map.of("nofailover", true, "clonefrom", "yes", "failover_priority", 0L, "zone", "A"));
    assertThat(tags.noFailover()).isTrue();
    assertThat(tags.cloneFrom()).isTrue();
    assertThat(tags.patroniString("nofailover")).hasValue("true");
    assertThat(tags.patroniString("zone")).hasValue("A");
    assertThat(tags.patroniString("missing")).isEmpty();
  }

  @Test
  void failoverPriorityZeroMeansNoFailover() {
    assertThat(Tags.of(Map.of("failover_priority", 0L)).noFailover()).isTrue();
    assertThat(Tags.of(Map.of("failover_priority", 1L)).noFailover()).isFalse();
  }

  @Test
  void versionsCompareNumerically() {
    assertThat(PatroniVersion.parse("3.0.2").isAtLeast(3, 0)).isTrue();
    assertThat(PatroniVersion.parse("3.10.0")).isGreaterThan(PatroniVersion.parse("3.9.9"));
    assertThat(PatroniVersion.parse("4.1.0.dev1").patch()).isZero();
    assertThat(PatroniVersion.tryParse("garbage")).isEmpty();
    assertThat(PostgresVersion.of(150018)).hasToString("15.18");
    assertThat(PostgresVersion.of(90624)).hasToString("9.6.24");
    assertThat(PostgresVersion.of(160004).major()).isEqualTo(16);
  }

  @Test
  void timelineRejectsZero() {
    assertThatThrownBy(() -> Timeline.of(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
  }
}
