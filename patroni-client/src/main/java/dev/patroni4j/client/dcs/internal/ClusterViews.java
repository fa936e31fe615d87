package dev.patroni4j.client.dcs.internal;

import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsFailover;
import dev.patroni4j.client.dcs.DcsMember;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Lag;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberState;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.client.model.ScheduledSwitchover;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code GET /cluster} view of a snapshot, worked out as Patroni's {@code cluster_as_json} does it from the same
 * keys: cluster roles from the leader and sync keys, lag from the leader's published position. Stateless.
 */
public final class ClusterViews {

  private ClusterViews() {}

  public static ClusterView of(ClusterSnapshot snapshot) {
    String leader = snapshot.leaderName().orElse(null);
    long clusterLsn = snapshot.status() == null ? 0 : snapshot.status().optime().value();
    boolean standbyCluster = isStandbyCluster(snapshot);
    List<String> syncStandbys = snapshot.sync() == null ? List.of() : snapshot.sync().syncStandbys();
    // Patroni 4 calls the synchronous standbys of quorum commit "quorum_standby".
    String syncRole = snapshot.config() != null
        && snapshot.config().config().synchronousMode().filter("quorum"::equals).isPresent()
        ? "quorum_standby"
        : "sync_standby";
    List<Member> members = new ArrayList<>();
    for (DcsMember dcsMember : snapshot.members()) {
      Member m = dcsMember.member();
      boolean isLeader = m.name().equals(leader);
      Role role = isLeader
          ? Role.of(standbyCluster ? "standby_leader" : "leader")
          : Role.of(syncStandbys.contains(m.name()) ? syncRole : "replica");
      MemberState state = !isLeader && m.replicationState() != null ? m.replicationState() : m.state();
      Lag lag;
      if (isLeader) {
        lag = Lag.absent();
      } else if (m.xlogLocation() == null) {
        lag = Lag.unknown();
      } else {
        lag = Lag.ofBytes(Math.max(0, clusterLsn - m.xlogLocation().value()));
      }
      members.add(withClusterRole(m, role, state, lag));
    }
    DcsFailover failover = snapshot.failover();
    ScheduledSwitchover scheduled = failover == null || failover.scheduledAt() == null
        ? null
        : new ScheduledSwitchover(failover.scheduledAt(), failover.leader(), failover.candidate());
    boolean paused = snapshot.config() != null && snapshot.config().config().paused();
    return ClusterView.of(snapshot.cluster().scope(), members, paused, scheduled);
  }

  /** The member with its role, state and lag in the cluster (the model's builder takes role and state up front). */
  private static Member withClusterRole(Member m, Role role, MemberState state, Lag lag) {
    return Member.builder(m.name(), role, state)
        .apiUrl(m.apiUrl())
        .host(m.host())
        .port(m.port())
        .timeline(m.timeline())
        .lag(lag)
        .lsn(m.lsn())
        .receiveLsn(m.receiveLsn())
        .receiveLag(m.receiveLag())
        .replayLsn(m.replayLsn())
        .replayLag(m.replayLag())
        .tags(m.tags())
        .pendingRestart(m.pendingRestart())
        .pendingRestartReason(m.pendingRestartReason())
        .scheduledRestart(m.scheduledRestart())
        .connUrl(m.connUrl())
        .patroniVersion(m.patroniVersion())
        .xlogLocation(m.xlogLocation())
        .replicationState(m.replicationState())
        .paused(m.paused())
        .unknownFields(m.unknownFields())
        .rawJson(m.rawJson())
        .build();
  }

  /** Patroni's {@code is_standby_cluster}: a {@code standby_cluster} section with a host, port or restore command. */
  private static boolean isStandbyCluster(ClusterSnapshot snapshot) {
    if (snapshot.config() == null) {
      return false;
    }
    return snapshot.config().config().standbyCluster().isPresent();
  }

}
