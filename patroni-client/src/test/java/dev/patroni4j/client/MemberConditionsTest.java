package dev.patroni4j.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberState;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.client.model.ScheduledRestart;
import dev.patroni4j.client.model.ScheduledSwitchover;
import dev.patroni4j.client.model.Timeline;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The member, leader and schedule conditions the runbooks wait for, on fixed observations. */
class MemberConditionsTest {
  private static final Instant NOW = Instant.parse("2026-12-03T07:00:00Z");
  private static final OffsetDateTime STARTED = OffsetDateTime.parse("2026-12-03T06:00:00+01:00");

  private static Member member(String name, String role, String state) {
    return Member.builder(name, Role.of(role), MemberState.of(state)).timeline(Timeline.of(1)).build();
  }

  private static ClusterView view(@Nullable ScheduledSwitchover switchover, Member... members) {
    return ClusterView.of("demo", List.of(members), false, switchover);
  }

  private static ClusterObservation seen(ClusterView view, Map<String, MemberStatus> statuses) {
    return new ClusterObservation(view, statuses, Map.of(), NOW);
  }

  private static ClusterObservation pg2(MemberStatus status) {
    return seen(view(null, member("pg1", "leader", "running"), member("pg2", "replica", "streaming")),
        Map.of("pg2", status));
  }

  private static MemberStatus.Builder status(String state) {
    return MemberStatus.builder(MemberState.of(state), Role.of("replica"));
  }

  @Test
  void runningLeaderNeedsALeaderWhosePostgresRuns() {
    ClusterCondition c = Conditions.runningLeader();

    assertThat(c.test(seen(view(null, member("pg1", "leader", "running")), Map.of()))).isTrue();
    ClusterObservation starting = seen(view(null, member("pg1", "leader", "starting")), Map.of());
    assertThat(c.test(starting)).isFalse();
    assertThat(c.whyNot(starting)).isEqualTo("leader pg1 is starting");
    ClusterObservation none = seen(view(null, member("pg2", "replica", "running")), Map.of());
    assertThat(c.test(none)).isFalse();
    assertThat(c.whyNot(none)).isEqualTo("no leader");
    assertThat(c.needsMemberStatuses()).isFalse();
  }

  @Test
  void memberRunningIsWhatTheMembersOwnPatroniReports() {
    ClusterCondition c = Conditions.memberRunning("pg2");

    assertThat(c.needsMemberStatuses()).isTrue();
    assertThat(c.test(pg2(status("running").build()))).isTrue();
    assertThat(c.test(pg2(status("streaming").build()))).isTrue();
    ClusterObservation restarting = pg2(status("restarting").build());
    assertThat(c.test(restarting)).isFalse();
    assertThat(c.whyNot(restarting)).isEqualTo("pg2 is restarting");
  }

  @Test
  void aMemberThatDidNotAnswerOrIsAbsentSaysSo() {
    ClusterCondition c = Conditions.memberRunning("pg3");
    ClusterObservation unreachable = new ClusterObservation(view(null, member("pg1", "leader", "running"),
        member("pg3", "replica", "running")), Map.of(), Map.of("pg3", new PatroniException("connection refused")), NOW);

    assertThat(c.test(unreachable)).isFalse();
    assertThat(c.whyNot(unreachable)).isEqualTo("pg3 did not answer: connection refused");
    assertThat(c.whyNot(pg2(status("running").build()))).isEqualTo("pg3 is not in the member list");
  }

  @Test
  void notPendingRestart() {
    ClusterCondition c = Conditions.memberNotPendingRestart("pg2");

    assertThat(c.test(pg2(status("running").build()))).isTrue();
    ClusterObservation pending = pg2(status("running").pendingRestart(true).build());
    assertThat(c.test(pending)).isFalse();
    assertThat(c.whyNot(pending)).isEqualTo("pg2 has a pending restart");
  }

  @Test
  void postmasterRestartedSinceMeansAnotherStartTimeThanTheOneSeenBefore() {
    ClusterCondition c = Conditions.memberPostmasterRestartedSince("pg2", STARTED.toInstant());

    assertThat(c.test(pg2(status("running").postmasterStartTime(STARTED).build()))).isFalse();
    // The same instant written in another offset is the same start.
    assertThat(c.test(pg2(status("running").postmasterStartTime(STARTED.withOffsetSameInstant(ZoneOffset.UTC))
        .build()))).isFalse();
    assertThat(c.test(pg2(status("running").postmasterStartTime(STARTED.plusSeconds(40)).build()))).isTrue();
    ClusterObservation unknown = pg2(status("running").build());
    assertThat(c.test(unknown)).isFalse();
    assertThat(c.whyNot(unknown)).isEqualTo("pg2's postmaster reports no start time");
  }

  @Test
  void postmasterStartedAfterIsStrictlyLater() {
    Instant asked = STARTED.toInstant();
    ClusterCondition c = Conditions.memberPostmasterStartedAfter("pg2", asked);

    assertThat(c.test(pg2(status("running").postmasterStartTime(STARTED).build()))).isFalse();
    assertThat(c.test(pg2(status("running").postmasterStartTime(STARTED.minusSeconds(1)).build()))).isFalse();
    assertThat(c.test(pg2(status("running").postmasterStartTime(STARTED.plusNanos(1_000_000)).build()))).isTrue();
  }

  @Test
  void scheduledRestartIsTheOneAtThatInstant() {
    OffsetDateTime at = OffsetDateTime.parse("2026-12-04T02:00:00Z");
    ClusterCondition is = Conditions.scheduledRestartIs("pg2", at.toInstant());
    ClusterCondition absent = Conditions.scheduledRestartAbsent("pg2");
    ClusterObservation none = pg2(status("running").build());
    ClusterObservation scheduled = pg2(status("running").scheduledRestart(restartAt(at.withOffsetSameInstant(
        ZoneOffset.ofHours(2)))).build());
    ClusterObservation other = pg2(status("running").scheduledRestart(restartAt(at.plusHours(1))).build());

    assertThat(is.test(scheduled)).isTrue();
    assertThat(is.test(other)).isFalse();
    assertThat(is.test(none)).isFalse();
    assertThat(is.whyNot(none)).isEqualTo("no restart scheduled on pg2");
    assertThat(absent.test(none)).isTrue();
    assertThat(absent.test(scheduled)).isFalse();
    assertThat(absent.whyNot(other)).startsWith("restart still scheduled on pg2 at 2026-12-04T03:00");
  }

  @Test
  void switchoverScheduledAtComparesInstants() {
    OffsetDateTime at = OffsetDateTime.parse("2026-12-04T02:00:00Z");
    ClusterCondition c = Conditions.switchoverScheduledAt(at.toInstant());
    Member leader = member("pg1", "leader", "running");

    assertThat(c.test(seen(view(new ScheduledSwitchover(at.withOffsetSameInstant(ZoneOffset.ofHours(-5)), "pg1", null),
        leader), Map.of()))).isTrue();
    assertThat(c.test(seen(view(new ScheduledSwitchover(at.plusMinutes(1), "pg1", null), leader), Map.of()))).isFalse();
    ClusterObservation none = seen(view(null, leader), Map.of());
    assertThat(c.test(none)).isFalse();
    assertThat(c.whyNot(none)).isEqualTo("no switchover scheduled");
  }

  @Test
  void allOfSaysWhichPartDoesNotHold() {
    ClusterCondition c = Conditions.allOf(Conditions.memberRunning("pg2"), Conditions.memberNotPendingRestart("pg2"));
    ClusterObservation pending = pg2(status("running").pendingRestart(true).build());

    assertThat(c.test(pending)).isFalse();
    assertThat(c.whyNot(pending)).isEqualTo("pg2 has a pending restart");
    assertThat(c.needsMemberStatuses()).isTrue();
  }

  private static ScheduledRestart restartAt(OffsetDateTime at) {
    return new ScheduledRestart(at, null, true, null, null, null);
  }
}
