package dev.patroni4j.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Lag;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberState;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.client.model.ReplicationConnection;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.client.model.Timeline;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Waits on manual time: nothing sleeps for real. */
class ClusterWaiterTest {
  private final ManualTime time = ManualTime.startingAt(Instant.parse("2030-01-01T00:00:00Z"));

  private static Member member(String name, String role, String state, long tl) {
    return Member.builder(name, Role.of(role), MemberState.of(state)).timeline(Timeline.of(tl)).build();
  }

  private ClusterObservation observation(ClusterView view, Map<String, MemberStatus> statuses) {
    return new ClusterObservation(view, statuses, Map.of(), time.instant());
  }

  @Test
  void returnsTheObservationInWhichTheConditionHeld() {
    AtomicInteger calls = new AtomicInteger();
    ClusterObserver observer = (withStatuses, maxWait) -> {
      String leader = calls.incrementAndGet() < 3 ? "a" : "b";
      return observation(ClusterView.of("s", List.of(member("a", leader.equals("a") ? "leader" : "replica", "running", 1),
          member("b", leader.equals("b") ? "leader" : "replica", "running", 1)), false, null), Map.of());
    };
    ClusterObservation o = ClusterWaiter.polling(observer, Duration.ofSeconds(1), time, time)
        .waitUntil(Conditions.leaderIs("b"), Duration.ofSeconds(30));
    assertThat(o.view().leader().name()).isEqualTo("b");
    assertThat(time.slept()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  @Test
  void waitTimesOutWithLastObservedState() {
    ClusterObserver observer = (withStatuses, maxWait) ->
        observation(ClusterView.of("s", List.of(member("a", "leader", "running", 1)), false, null), Map.of());
    assertThatThrownBy(() -> ClusterWaiter.polling(observer, Duration.ofSeconds(2), time, time)
            .waitUntil(Conditions.leaderIs("b"), Duration.ofSeconds(5)))
        .isInstanceOf(PatroniWaitTimeoutException.class)
        .hasMessageContaining("leader is b")
        .hasMessageContaining("a leader running")
        .satisfies(e -> {
          PatroniWaitTimeoutException w = (PatroniWaitTimeoutException) e;
          assertThat(w.lastObserved()).isPresent();
          assertThat(w.timeout()).isEqualTo(Duration.ofSeconds(5));
        });
    assertThat(time.slept()).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(1));
  }

  @Test
  void observerErrorsAreRetriedAndTheLastOneIsReportedOnTimeout() {
    ClusterObserver failing = (withStatuses, maxWait) -> {
      throw new PatroniException("GET /cluster: no member answered", null, PatroniException.Delivery.NOT_SENT, "GET /cluster", -1, null);
    };
    assertThatThrownBy(() -> ClusterWaiter.reacting(failing, time, time).waitUntil(Conditions.hasLeader(), Duration.ofSeconds(1)))
        .isInstanceOf(PatroniWaitTimeoutException.class)
        .hasMessageContaining("last observed: nothing")
        .hasMessageContaining("no member answered")
        .hasCauseInstanceOf(PatroniException.class);
  }

  @Test
  void interruptedWaitRestoresTheFlag() {
    ClusterObserver observer = (withStatuses, maxWait) -> {
      throw new InterruptedException();
    };
    assertThatThrownBy(() -> ClusterWaiter.reacting(observer, time, time).waitUntil(Conditions.hasLeader(), Duration.ofSeconds(1)))
        .isInstanceOf(PatroniException.class).hasMessageContaining("interrupted");
    assertThat(Thread.interrupted()).isTrue();
  }

  @Test
  void streamingOn302IsConfirmedFromTheLeadersWalSenders() {
    ClusterView view = ClusterView.of("s", List.of(member("a", "leader", "running", 2), member("b", "replica", "running", 2)), false, null);
    MemberStatus leaderWithSender = MemberStatus.builder(MemberState.of("running"), Role.of("master"))
        .replication(List.of(new ReplicationConnection("rep", "b", null, "streaming", "async", 0))).build();
    MemberStatus leaderWithout = MemberStatus.builder(MemberState.of("running"), Role.of("master")).build();
    ClusterCondition c = Conditions.allMembersStreamingOn(Timeline.of(2));
    assertThat(c.needsMemberStatuses()).isTrue();
    assertThat(c.test(observation(view, Map.of("a", leaderWithSender)))).isTrue();
    assertThat(c.test(observation(view, Map.of("a", leaderWithout)))).isFalse();
    assertThat(Conditions.allMembersStreamingOn(Timeline.of(3)).test(observation(view, Map.of("a", leaderWithSender)))).isFalse();
    ClusterView streaming = ClusterView.of("s", List.of(member("a", "leader", "running", 2), member("b", "replica", "streaming", 2)), false, null);
    assertThat(c.test(observation(streaming, Map.of()))).isTrue();
  }

  @Test
  void allCaughtUpWaitsForEveryReplicaToReplayWhatTheLeaderWroteAndSaysWhoIsBehind() {
    Member leader = member("a", "leader", "running", 2);
    ClusterView behind = ClusterView.of("s", List.of(leader,
        Member.builder("b", Role.of("replica"), MemberState.of("streaming")).timeline(Timeline.of(2))
            .lag(Lag.ofBytes(4096)).build()), false, null);
    ClusterView caughtUp = ClusterView.of("s", List.of(leader,
        Member.builder("b", Role.of("replica"), MemberState.of("streaming")).timeline(Timeline.of(2))
            .lag(Lag.ofBytes(0)).build()), false, null);
    ClusterCondition c = Conditions.allCaughtUp(List.of("a", "b"));

    assertThat(c.test(observation(behind, Map.of()))).isFalse();
    assertThat(c.whyNot(observation(behind, Map.of()))).startsWith("b lag");
    assertThat(c.test(observation(caughtUp, Map.of()))).isTrue();
    assertThat(c.whyNot(observation(ClusterView.of("s", List.of(leader), false, null), Map.of())))
        .contains("b is missing");
  }
}
