package dev.patroni4j.runbooks;

import dev.patroni4j.client.Confirmable;
import dev.patroni4j.client.Confirmation;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The facts that a plan, a confirmation and a lease are bound to: which cluster (scope and PostgreSQL system
 * identifier), its current leader and timeline, and its member names. The target destructive runbook steps are
 * confirmed for: its {@link #confirmationToken()} is {@code scope:systemIdentifier:leader} ({@code -} without a
 * leader), like {@code patronictl remove}'s three prompts, so a {@link Confirmation} of another cluster, of a
 * rebuilt cluster (new system identifier) or of the cluster before its leader changed is refused.
 *
 * <pre>{@code
 * import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
 * // given: PatroniRunbooks catalogue; RunbookRunner runner; Runbook runbook; Journal journal; String typed;
 * ClusterIdentity now = catalogue.identitySource().observe();
 * System.out.println("to confirm " + now.confirmationSubject() + ", type " + now.confirmationToken());
 * runner.execute(runbook, journal, ExecuteOptions.defaults().confirmation(Confirmation.of(typed)));
 * }</pre>
 *
 * <p>Thread-safety: immutable.
 */
public record ClusterIdentity(
    String scope, String systemIdentifier, @Nullable String leader, long timeline, List<String> members)
    implements Confirmable {
  private static final String NO_LEADER = "-";

  public ClusterIdentity {
    Objects.requireNonNull(scope, "scope == null");
    Objects.requireNonNull(systemIdentifier, "systemIdentifier == null");
    members = members.stream().sorted().toList();
  }

  public Optional<String> findLeader() {
    return Optional.ofNullable(leader);
  }

  @Override
  public String confirmationToken() {
    return scope + ":" + systemIdentifier + ":" + (leader == null ? NO_LEADER : leader);
  }

  @Override
  public String confirmationSubject() {
    return "cluster " + scope + " (system " + systemIdentifier + ", leader " + (leader == null ? "none" : leader) + ")";
  }

  /** Why destructive steps may not run on this cluster with {@code given}; empty when it confirms them. */
  Optional<String> whyNotConfirmedBy(@Nullable Confirmation given) {
    if (given == null) {
      return Optional.of("destructive steps need a confirmation token (" + confirmationToken()
          + " would confirm the cluster as it is now)");
    }
    return given.confirms(this) ? Optional.empty()
        : Optional.of("confirmation '" + given + "' does not confirm " + confirmationSubject());
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
