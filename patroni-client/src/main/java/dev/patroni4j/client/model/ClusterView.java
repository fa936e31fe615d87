package dev.patroni4j.client.model;

import dev.patroni4j.client.PatroniException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The topology of one Patroni cluster at one moment: {@code GET /cluster}, or a DCS snapshot
 * turned into the same shape.
 *
 * <pre>{@code
 * import dev.patroni4j.client.PatroniClient;
 * // given: PatroniClient client;
 * ClusterView view = client.cluster();
 * Member leader = view.leader();                  // throws PatroniException if there is none
 * Optional<Member> maybe = view.findLeader();
 * List<Member> replicas = view.replicas();
 * boolean paused = view.paused();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param scope the cluster name ({@code scope}); null from servers before 3.2.0 that do not send it
 * @param members the members, sorted by name as Patroni sends them
 * @param paused true if the cluster is in maintenance mode (Patroni's field {@code "pause"})
 * @param scheduledSwitchover a scheduled switchover, if any
 * @param unknownFields top-level fields this library does not model: name to the field's JSON text
 * @param rawJson the document as received, or null if built in code
 */
public record ClusterView(
    @Nullable String scope,
    List<Member> members,
    boolean paused,
    @Nullable ScheduledSwitchover scheduledSwitchover,
    Map<String, String> unknownFields,
    @Nullable String rawJson) {

  public ClusterView {
    members = List.copyOf(members);
    unknownFields = ModelMaps.copyOrdered(unknownFields);
  }

  /** A view built in code (no unknown fields, no raw JSON). */
  public static ClusterView of(
      @Nullable String scope, List<Member> members, boolean paused,
      @Nullable ScheduledSwitchover scheduledSwitchover) {
    return new ClusterView(scope, members, paused, scheduledSwitchover, Map.of(), null);
  }

  /** The member holding the leader lock (role {@code leader} or {@code standby_leader}), if any. */
  public Optional<Member> findLeader() {
    return members.stream().filter(Member::isLeader).findFirst();
  }

  /**
   * The member holding the leader lock.
   *
   * @throws PatroniException if the cluster has no leader right now
   */
  public Member leader() {
    return findLeader()
        .orElseThrow(() -> new PatroniException("cluster " + describe() + " has no leader; members: " + summary()));
  }

  /** The member with this name, if it is in the cluster. */
  public Optional<Member> findMember(String name) {
    Objects.requireNonNull(name, "name == null");
    return members.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  /**
   * The member with this name.
   *
   * @throws PatroniException if there is no such member
   */
  public Member member(String name) {
    return findMember(name)
        .orElseThrow(() -> new PatroniException("cluster " + describe() + " has no member '" + name + "'; members: " + summary()));
  }

  /** The members that do not hold the leader lock, in name order. */
  public List<Member> replicas() {
    return members.stream().filter(m -> !m.isLeader()).toList();
  }

  /** The member names, in name order. */
  public List<String> memberNames() {
    return members.stream().map(Member::name).toList();
  }

  /** The scheduled switchover, if any. */
  public Optional<ScheduledSwitchover> findScheduledSwitchover() {
    return Optional.ofNullable(scheduledSwitchover);
  }

  /** The leader's timeline, if there is a leader that reports one. */
  public Optional<Timeline> timeline() {
    return findLeader().flatMap(Member::findTimeline);
  }

  /** One line per member: name, role, state, timeline, lag (for logs and messages). */
  public String summary() {
    StringBuilder sb = new StringBuilder("[");
    for (Member m : members) {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append(m.name()).append(' ').append(m.role().raw()).append(' ').append(m.state().raw());
      if (m.timeline() != null) {
        sb.append(" tl=").append(m.timeline());
      }
      if (!(m.lag() instanceof Lag.Absent)) {
        sb.append(" lag=").append(m.lag());
      }
    }
    return sb.append(']').toString();
  }

  private String describe() {
    return scope == null ? "(scope not reported)" : "'" + scope + "'";
  }
}
