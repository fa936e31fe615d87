package dev.patroni4j.client.dcs;

import dev.patroni4j.client.Confirmable;
import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.dcs.internal.ClusterViews;
import dev.patroni4j.client.dcs.internal.SnapshotDiff;
import dev.patroni4j.client.dcs.spi.SnapshotParser;
import dev.patroni4j.client.model.ClusterView;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Everything Patroni keeps in the DCS for one cluster, read at one revision.
 *
 * <pre>{@code
 * // given: DcsClient dcs;
 * ClusterSnapshot s = dcs.snapshot(ClusterRef.of("demo"));
 * String leader = s.leaderName().orElse("<none>");
 * for (DcsMember m : s.members()) {
 *   System.out.println(m.name() + " " + m.member().role() + " " + m.member().timeline());
 * }
 * s.problems().forEach(p -> System.err.println(p));    // values that did not parse, unknown keys
 * }</pre>
 *
 * <p>A key that is absent is null here. A value that does not parse is left out (null, or missing from
 * {@link #members()}) and listed in {@link #problems()} with its key; everything else is still read. Immutable and
 * thread-safe.
 *
 * @param cluster the cluster read
 * @param revision the store revision the snapshot was read at (etcd header revision, Consul {@code X-Consul-Index})
 * @param leader the {@code leader} key
 * @param members the {@code members/*} keys, sorted by name
 * @param config the {@code config} key
 * @param initialize the {@code initialize} key
 * @param failover the {@code failover} key
 * @param sync the {@code sync} key
 * @param history the {@code history} key
 * @param status the {@code status} key, or the legacy {@code optime/leader} key when {@code status} is absent
 * @param failsafe the {@code failsafe} key
 * @param problems keys that could not be (fully) read
 */
public record ClusterSnapshot(
    ClusterRef cluster,
    long revision,
    @Nullable DcsLeader leader,
    List<DcsMember> members,
    @Nullable DcsConfig config,
    @Nullable DcsInitialize initialize,
    @Nullable DcsFailover failover,
    @Nullable DcsSync sync,
    @Nullable DcsHistory history,
    @Nullable DcsStatus status,
    @Nullable DcsFailsafe failsafe,
    List<DcsProblem> problems) implements Confirmable {

  public ClusterSnapshot {
    Objects.requireNonNull(cluster, "cluster == null");
    members = List.copyOf(members);
    problems = List.copyOf(problems);
  }

  /**
   * The same state as read at {@code revision}: for a watch of a whole namespace, whose clusters untouched by a
   * change keep their keys but move on to the change's revision.
   */
  public ClusterSnapshot atRevision(long revision) {
    return revision == this.revision ? this : new ClusterSnapshot(cluster, revision, leader, members, config,
        initialize, failover, sync, history, status, failsafe, problems);
  }

  /**
   * Reads Patroni's meaning into the raw entries under a cluster's prefix. For DCS implementations: every
   * implementation builds its snapshots here so that all of them read values alike.
   *
   * @param entries every key under {@link ClusterRef#keyPrefix()} (with or without the leading {@code /})
   */
  public static ClusterSnapshot fromEntries(ClusterRef cluster, long revision, Collection<DcsEntry> entries) {
    return SnapshotParser.parse(cluster, revision, entries);
  }

  /** True if the DCS holds no key at all for this cluster. */
  public boolean isEmpty() {
    return leader == null && members.isEmpty() && config == null && initialize == null && failover == null
        && sync == null && history == null && status == null && failsafe == null && problems.isEmpty();
  }

  /** The leader's name, if the leader lock is held. */
  public Optional<String> leaderName() {
    return leader == null ? Optional.empty() : Optional.of(leader.name());
  }

  /** The member that holds the leader lock, if any and if its member key exists. */
  public Optional<DcsMember> leaderMember() {
    return leader == null ? Optional.empty() : findMember(leader.name());
  }

  /** The member called {@code name}. */
  public Optional<DcsMember> findMember(String name) {
    return members.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  /**
   * The token that confirms removing this cluster as it is now ({@link DcsClient#removeCluster}): {@code
   * scope:systemIdentifier}, with an empty identifier when the {@code initialize} key is absent or empty.
   */
  @Override
  public String confirmationToken() {
    return Confirmation.forCluster(cluster.scope(), systemIdentifier().orElse("")).token();
  }

  @Override
  public String confirmationSubject() {
    return "cluster " + cluster.scope() + " (" + systemIdentifier().map(id -> "system " + id)
        .orElse("no system identifier") + ")";
  }

  /** The PostgreSQL system identifier from the {@code initialize} key, if set and not empty. */
  public Optional<String> systemIdentifier() {
    return initialize == null || initialize.systemIdentifier().isEmpty()
        ? Optional.empty()
        : Optional.of(initialize.systemIdentifier());
  }

  /**
   * This snapshot as {@code GET /cluster} would show it: the same {@link ClusterView} type the REST client returns,
   * with cluster roles ({@code leader}, {@code standby_leader}, {@code sync_standby}, {@code replica}) worked out from
   * the leader and sync keys and each replica's lag from the leader's published position, as Patroni does. Lets a
   * tool read a cluster from the DCS when no REST API answers.
   */
  public ClusterView toClusterView() {
    return ClusterViews.of(this);
  }

  /**
   * What changed from {@code before} to this snapshot, as the events a watch emits: leader, members, config,
   * failover and initialize changes, in that order. Both snapshots must be of the same cluster.
   *
   * @throws IllegalArgumentException if {@code before} is of another cluster
   */
  public List<DcsEvent> changesSince(ClusterSnapshot before) {
    if (!before.cluster.equals(cluster)) {
      throw new IllegalArgumentException("snapshots of different clusters: " + before.cluster + " and " + cluster);
    }
    return SnapshotDiff.between(before, this);
  }
}
