package dev.patroni4j.runbooks.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.client.model.Lag;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberState;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.client.model.Tags;
import dev.patroni4j.client.model.Timeline;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CandidateRulesTest {
  private static Member member(String name, String role, String state, long tl, Lag lag, Map<String, ?> tags) {
    return Member.builder(name, Role.of(role), MemberState.of(state)).timeline(Timeline.of(tl)).lag(lag)
        .tags(Tags.of(tags)).build();
  }

  private static final Member LEADER = member("pg1", "leader", "running", 3, Lag.absent(), Map.of());

  private static ClusterView view(Member... replicas) {
    List<Member> all = new java.util.ArrayList<>(List.of(LEADER));
    all.addAll(List.of(replicas));
    return ClusterView.of("demo", all, false, null);
  }

  private static final DynamicConfig ASYNC = DynamicConfig.of(Map.of("maximum_lag_on_failover", 1000));

  @Test
  void leastLagWinsAmongQualifyingMembersAndEveryRejectionHasItsReason() {
    ClusterView v = view(
        member("pg2", "replica", "streaming", 3, Lag.ofBytes(500), Map.of()),
        member("pg3", "replica", "streaming", 3, Lag.ofBytes(10), Map.of()),
        member("pg4", "replica", "streaming", 3, Lag.ofBytes(0), Map.of("nofailover", true)),
        member("pg5", "replica", "streaming", 3, Lag.ofBytes(5000), Map.of()),
        member("pg6", "replica", "streaming", 2, Lag.ofBytes(0), Map.of()),
        member("pg7", "replica", "starting", 3, Lag.unknown(), Map.of()),
        member("pg8", "replica", "streaming", 3, Lag.unknown(), Map.of()));

    Candidates.Selection s = Candidates.choose(v, ASYNC, "pg1", null, null);

    assertThat(s.candidate()).isEqualTo("pg3");
    assertThat(s.rejected()).containsExactly(
        Map.entry("pg4", "is tagged nofailover"),
        Map.entry("pg5", "lags 5000 bytes, more than maximum_lag_on_failover 1000"),
        Map.entry("pg6", "is on timeline 2, the leader on 3"),
        Map.entry("pg7", "is starting"),
        Map.entry("pg8", "has unknown lag"));
  }

  @Test
  void inSynchronousModeOnlyTheSyncStandbyQualifies() {
    ClusterView v = view(member("pg2", "replica", "streaming", 3, Lag.ofBytes(0), Map.of()),
        member("pg3", "sync_standby", "streaming", 3, Lag.ofBytes(100), Map.of()));
    DynamicConfig sync = DynamicConfig.of(Map.of("synchronous_mode", true));

    assertThat(Candidates.choose(v, sync, "pg1", null, null).candidate()).isEqualTo("pg3");
    assertThat(Candidates.choose(v, sync, "pg1", "pg2", null).reason())
        .isEqualTo("candidate pg2 does not qualify: is not the synchronous standby (synchronous mode is on)");
  }

  @Test
  void inQuorumModeOnlyQuorumStandbysQualifyAndARefusalNamesTheQuorumSet() {
    ClusterView v = view(member("pg2", "replica", "streaming", 3, Lag.ofBytes(0), Map.of("nosync", true)),
        member("pg3", "quorum_standby", "streaming", 3, Lag.ofBytes(100), Map.of()));
    DynamicConfig quorum = DynamicConfig.of(Map.of("synchronous_mode", "quorum"));

    assertThat(Candidates.choose(v, quorum, "pg1", null, null).candidate()).isEqualTo("pg3");
    assertThat(Candidates.choose(v, quorum, "pg1", "pg2", null).reason())
        .isEqualTo("candidate pg2 does not qualify: is not in the quorum set (synchronous_mode is quorum; it is tagged nosync)");
  }

  @Test
  void higherFailoverPriorityThenSyncPriorityWinOverLessLag() {
    ClusterView v = view(member("pg2", "replica", "streaming", 3, Lag.ofBytes(0), Map.of()),
        member("pg3", "replica", "streaming", 3, Lag.ofBytes(500), Map.of("failover_priority", 5)),
        member("pg4", "replica", "streaming", 3, Lag.ofBytes(400), Map.of("failover_priority", 5, "sync_priority", 2)),
        member("pg5", "replica", "streaming", 3, Lag.ofBytes(0), Map.of("failover_priority", 0)));

    Candidates.Selection s = Candidates.choose(v, ASYNC, "pg1", null, null);

    assertThat(s.candidate()).isEqualTo("pg4");
    assertThat(s.reason()).isEqualTo("pg4 has the highest failover_priority 5 and sync_priority 2 (lag 400 B) of 3 qualifying");
    assertThat(s.rejected()).containsExactly(Map.entry("pg5", "is tagged nofailover"));
  }

  @Test
  void noQualifyingMemberIsARefusalThatNamesEveryReason() {
    ClusterView v = view(member("pg2", "replica", "streaming", 3, Lag.ofBytes(0), Map.of()));

    Candidates.Selection notStreaming = Candidates.choose(v, ASYNC, "pg1", null, Set.of());
    Candidates.Selection alone = Candidates.choose(view(), ASYNC, "pg1", null, null);

    assertThat(notStreaming.candidate()).isNull();
    assertThat(notStreaming.reason()).isEqualTo("no candidate qualifies: pg2 does not stream from the leader");
    assertThat(alone.reason()).isEqualTo("no candidate: the cluster has no members except the leader");
    assertThat(Candidates.choose(v, ASYNC, "pg1", "pg9", null).reason())
        .isEqualTo("candidate pg9 does not qualify: it is not a member of the cluster");
  }

  @Test
  void settingsCompareInPostgresUnits() {
    assertThat(ConfigSteps.sameSetting("768", "8kB", "integer", "6MB")).isTrue();
    assertThat(ConfigSteps.sameSetting("6144", "kB", "integer", "6MB")).isTrue();
    assertThat(ConfigSteps.sameSetting("4096", "kB", "integer", "6MB")).isFalse();
    assertThat(ConfigSteps.sameSetting("90", null, "integer", "90")).isTrue();
    assertThat(ConfigSteps.sameSetting("on", null, "bool", "true")).isTrue();
    assertThat(ConfigSteps.sameSetting("30000", "ms", "integer", "30s")).isTrue();
    assertThat(ConfigSteps.sameSetting("replica", null, "enum", "REPLICA")).isTrue();
  }

  @Test
  void configDiffTreatsNullAsRemovalAndComparesScalarsByText() {
    DynamicConfig c = DynamicConfig.of(Map.of("loop_wait", 2, "postgresql", Map.of("parameters",
        Map.of("work_mem", "4MB", "max_connections", "100"))));

    assertThat(ConfigDiff.differences(c, Map.of("loop_wait", "2"))).isEmpty();
    assertThat(ConfigDiff.differences(c, Map.of("postgresql", Map.of("parameters",
        Map.of("work_mem", "6MB", "max_connections", 100))))).containsExactly("postgresql.parameters.work_mem");
    java.util.Map<String, Object> removal = new java.util.HashMap<>();
    removal.put("loop_wait", null);
    assertThat(ConfigDiff.differences(c, removal)).containsExactly("loop_wait");
  }
}
