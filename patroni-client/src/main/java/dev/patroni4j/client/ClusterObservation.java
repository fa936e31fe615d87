package dev.patroni4j.client;

import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.MemberStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What was seen of a cluster at one moment: its topology and, when asked for, each member's own
 * status ({@code GET /patroni}), with the members that could not be read.
 *
 * <pre>{@code
 * // given: PatroniClient client;
 * ClusterObservation o = client.observe(true);
 * o.view().leader();
 * o.status("pg2").map(MemberStatus::paused);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param view the topology
 * @param statuses member name to its status, for the members that answered
 * @param unreachable member name to the error, for the members that did not
 * @param observedAt when the observation finished
 */
public record ClusterObservation(
    ClusterView view,
    Map<String, MemberStatus> statuses,
    Map<String, PatroniException> unreachable,
    Instant observedAt) {

  public ClusterObservation {
    Objects.requireNonNull(view, "view == null");
    statuses = Map.copyOf(statuses);
    unreachable = Map.copyOf(unreachable);
    Objects.requireNonNull(observedAt, "observedAt == null");
  }

  /** The status a member reported, if it was asked and answered. */
  public Optional<MemberStatus> status(String member) {
    return Optional.ofNullable(statuses.get(member));
  }

  @Override
  public String toString() {
    return "ClusterObservation{at=" + observedAt + ", members=" + view.summary()
        + (view.paused() ? ", paused" : "")
        + (unreachable.isEmpty() ? "" : ", unreachable=" + unreachable.keySet()) + "}";
  }
}
