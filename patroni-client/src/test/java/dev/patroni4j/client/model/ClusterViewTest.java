package dev.patroni4j.client.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.PatroniException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterViewTest {

  private static Member member(String name, String role, String state) {
    return Member.builder(name, Role.of(role), MemberState.of(state)).timeline(Timeline.of(2)).build();
  }

  @Test
  void findsTheLeaderWhateverItsSpelling() {
    ClusterView v = ClusterView.of("demo", List.of(member("a", "replica", "streaming"), member("b", "leader", "running")), false, null);
    assertThat(v.leader().name()).isEqualTo("b");
    assertThat(v.replicas()).extracting(Member::name).containsExactly("a");
    assertThat(v.timeline()).hasValue(Timeline.of(2));
  }

  @Test
  void leaderlessClusterThrowsWithTheMembersInTheMessage() {
    ClusterView v = ClusterView.of("demo", List.of(member("a", "replica", "running")), false, null);
    assertThat(v.findLeader()).isEmpty();
    assertThatThrownBy(v::leader)
        .isInstanceOf(PatroniException.class)
        .hasMessageContaining("demo")
        .hasMessageContaining("a replica running");
  }

  @Test
  void missingMemberLookupNamesTheMember() {
    ClusterView v = ClusterView.of(null, List.of(member("a", "leader", "running")), false, null);
    assertThat(v.findMember("zz")).isEmpty();
    assertThatThrownBy(() -> v.member("zz")).isInstanceOf(PatroniException.class).hasMessageContaining("'zz'");
  }
}
