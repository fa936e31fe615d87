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
import dev.patroni4j.client.model.Tags;
import dev.patroni4j.client.model.Timeline;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicaStreamingConditionTest {
  private static final long BOUND = 1024;
  private static final Member LEADER = member("a", "leader", "running", 3, Lag.absent(), Tags.empty());

  private static Member member(String name, String role, String state, long tl, Lag lag, Tags tags) {
    return Member.builder(name, Role.of(role), MemberState.of(state)).timeline(Timeline.of(tl)).lag(lag).tags(tags)
        .apiUrl("http://" + name + ":8008/patroni").build();
  }

  private static MemberStatus sending(String... replicas) {
    return MemberStatus.builder(MemberState.of("running"), Role.of("primary")).replication(
        java.util.Arrays.stream(replicas).map(r -> new ReplicationConnection("rep", r, null, "streaming", "async", 0))
            .toList()).build();
  }

  private static ClusterObservation observe(List<Member> members, Map<String, MemberStatus> statuses) {
    return new ClusterObservation(ClusterView.of("s", members, false, null), statuses, Map.of(), Instant.EPOCH);
  }

  @Test
  void holdsOnlyWhenTheLeaderSendsToTheReplicaOnItsTimelineWithinTheLagBound() {
    ClusterCondition c = Conditions.replicaStreamingWithin("b", BOUND);
    assertThat(c.needsMemberStatuses()).isTrue();
    Member b = member("b", "replica", "streaming", 3, Lag.ofBytes(BOUND), Tags.empty());
    assertThat(c.test(observe(List.of(LEADER, b), Map.of("a", sending("b"))))).isTrue();

    assertThat(c.whyNot(observe(List.of(LEADER, b), Map.of("a", sending())))).isEqualTo("b does not stream from a");
    Member behind = member("b", "replica", "streaming", 3, Lag.ofBytes(BOUND + 1), Tags.empty());
    assertThat(c.whyNot(observe(List.of(LEADER, behind), Map.of("a", sending("b"))))).contains("1025 B")
        .contains("bound 1024");
    Member unknown = member("b", "replica", "streaming", 3, Lag.unknown(), Tags.empty());
    assertThat(c.test(observe(List.of(LEADER, unknown), Map.of("a", sending("b"))))).as("unknown lag").isFalse();
    Member oldTimeline = member("b", "replica", "streaming", 2, Lag.ofBytes(0), Tags.empty());
    assertThat(c.whyNot(observe(List.of(LEADER, oldTimeline), Map.of("a", sending("b"))))).contains("timeline 2");
    Member cloning = member("b", "replica", "creating replica", 3, Lag.unknown(), Tags.empty());
    assertThat(c.whyNot(observe(List.of(LEADER, cloning), Map.of()))).isEqualTo("b is creating replica");
    assertThat(c.whyNot(observe(List.of(LEADER), Map.of()))).contains("b is missing");
    assertThat(Conditions.replicaStreamingWithin("a", BOUND).test(observe(List.of(LEADER, b), Map.of())))
        .as("the leader is no replica").isFalse();
  }

  @Test
  void aReplicatefromMemberIsTheUpstreamWhileItRunsAndTheLeaderOtherwise() {
    ClusterCondition c = Conditions.replicaStreamingWithin("c", BOUND);
    Member b = member("b", "replica", "streaming", 3, Lag.ofBytes(0), Tags.empty());
    Member cascading = member("c", "replica", "streaming", 3, Lag.ofBytes(0), Tags.of(Map.of("replicatefrom", "b")));
    assertThat(c.test(observe(List.of(LEADER, b, cascading), Map.of("a", sending("b"), "b", sending("c"))))).isTrue();
    assertThat(c.whyNot(observe(List.of(LEADER, b, cascading), Map.of("a", sending("b", "c"), "b", sending()))))
        .as("the leader's senders do not count for a cascading replica").isEqualTo("c does not stream from b");

    Member stoppedB = member("b", "replica", "stopped", 3, Lag.unknown(), Tags.empty());
    assertThat(c.test(observe(List.of(LEADER, stoppedB, cascading), Map.of("a", sending("c"))))).as("fallback")
        .isTrue();
    Member running = member("c", "replica", "running", 3, Lag.ofBytes(0), Tags.of(Map.of("replicatefrom", "b")));
    assertThat(c.test(observe(List.of(LEADER, b, running), Map.of("a", sending("b"))))).isFalse();
  }

  @Test
  void aNegativeBoundIsRefused() {
    assertThatThrownBy(() -> Conditions.replicaStreamingWithin("b", -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
