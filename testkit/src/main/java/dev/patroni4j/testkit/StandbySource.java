package dev.patroni4j.testkit;

import java.util.Objects;

/**
 * Where a standby cluster replicates from ({@link LocalPatroniCluster.Builder#standbyOf}): the
 * primary cluster and the permanent physical slot its standby leader streams through.
 *
 * <pre>{@code
 * // given: LocalPatroniCluster siteB;
 * siteB.standbySource().ifPresent(s -> System.out.println(siteB.scope() + " follows " + s.primary().scope()
 *     + " through slot " + s.slotName()));
 * }</pre>
 *
 * <p>Immutable and thread-safe (the primary cluster is).
 *
 * @param primary the cluster whose leader the standby leader streams from
 * @param slotName the primary's permanent physical slot, 1 to 63 lower-case letters, digits or '_'
 */
public record StandbySource(LocalPatroniCluster primary, String slotName) {
  public StandbySource {
    Objects.requireNonNull(primary, "primary == null");
    if (!slotName.matches("[a-z0-9_]{1,63}")) {
      throw new IllegalArgumentException("slotName must be 1 to 63 lower-case letters, digits or '_' (PostgreSQL's"
          + " rule for slot names), was \"" + slotName + "\"");
    }
  }
}
