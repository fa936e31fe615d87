package dev.patroni4j.runbooks;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The facts that a plan, a confirmation token and a lease are bound to: which cluster (scope and PostgreSQL system
 * identifier), its current leader and timeline, and its member names.
 *
 * <p>Thread-safety: immutable.
 */
public record ClusterIdentity(
    String scope, String systemIdentifier, @Nullable String leader, long timeline, List<String> members) {
  public ClusterIdentity {
    Objects.requireNonNull(scope, "scope == null");
    Objects.requireNonNull(systemIdentifier, "systemIdentifier == null");
    members = members.stream().sorted().toList();
  }

  public Optional<String> findLeader() {
    return Optional.ofNullable(leader);
  }

  /** The same cluster (scope and system identifier), whatever its leader. */
  public boolean sameClusterAs(ClusterIdentity other) {
    return scope.equals(other.scope) && systemIdentifier.equals(other.systemIdentifier);
  }

  /** Where this identity differs from {@code other}, for "plan no longer holds" messages; empty when equal. */
  public Optional<String> differenceFrom(ClusterIdentity other) {
    if (!sameClusterAs(other)) {
      return Optional.of("cluster is " + other.scope + "/" + other.systemIdentifier + ", plan was for "
          + scope + "/" + systemIdentifier);
    }
    if (!Objects.equals(leader, other.leader)) {
      return Optional.of("leader is " + other.leader + ", plan was made with leader " + leader);
    }
    if (timeline != other.timeline) {
      return Optional.of("timeline is " + other.timeline + ", plan was made on timeline " + timeline);
    }
    if (!members.equals(other.members)) {
      return Optional.of("members are " + other.members + ", plan was made with " + members);
    }
    return Optional.empty();
  }

  /** Observes the identity of the cluster a runner works on. */
  @FunctionalInterface
  public interface Source {
    ClusterIdentity observe() throws Exception;
  }
}
