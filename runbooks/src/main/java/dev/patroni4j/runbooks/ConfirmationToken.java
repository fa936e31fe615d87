package dev.patroni4j.runbooks;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The operator's explicit "yes" for destructive steps, bound to the cluster's name, its PostgreSQL system identifier
 * and its current leader, like {@code patronictl remove}'s three prompts. A token for another cluster, a rebuilt
 * cluster (new system identifier) or a cluster whose leader has changed since it was issued is refused.
 *
 * <pre>{@code
 * ConfirmationToken token = ConfirmationToken.parse("demo:7710832286115904311:pg1");
 * runner.execute(RemoveCluster.runbook(dcs), journal, ExecuteOptions.defaults().confirmation(token));
 * }</pre>
 *
 * <p>The textual form is {@code scope:systemIdentifier:leader}, with {@code -} when the cluster has no leader. It is
 * not a secret. Thread-safety: immutable.
 */
public record ConfirmationToken(String scope, String systemIdentifier, @Nullable String leader) {
  private static final String NO_LEADER = "-";

  public ConfirmationToken {
    Objects.requireNonNull(scope, "scope == null");
    Objects.requireNonNull(systemIdentifier, "systemIdentifier == null");
    if (scope.isEmpty() || scope.contains(":") || systemIdentifier.contains(":")) {
      throw new IllegalArgumentException("scope and systemIdentifier must be non-empty and contain no ':'");
    }
  }

  /** The token that confirms destructive steps on the cluster as it is now. */
  public static ConfirmationToken forCluster(ClusterIdentity identity) {
    return new ConfirmationToken(identity.scope(), identity.systemIdentifier(), identity.leader());
  }

  /** Parses {@code scope:systemIdentifier:leader}; throws {@link IllegalArgumentException} saying what is wrong. */
  public static ConfirmationToken parse(String text) {
    String[] parts = text.split(":", -1);
    if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
      throw new IllegalArgumentException(
          "confirmation token must look like scope:systemIdentifier:leader (leader '-' if none), got '" + text + "'");
    }
    return new ConfirmationToken(parts[0], parts[1], NO_LEADER.equals(parts[2]) ? null : parts[2]);
  }

  /** Why this token does not confirm actions on {@code current}; empty when it does. */
  public Optional<String> mismatch(ClusterIdentity current) {
    if (!scope.equals(current.scope())) {
      return Optional.of("token is for cluster '" + scope + "', not '" + current.scope() + "'");
    }
    if (!systemIdentifier.equals(current.systemIdentifier())) {
      return Optional.of("token is for system identifier " + systemIdentifier + ", cluster has "
          + current.systemIdentifier());
    }
    if (!Objects.equals(leader, current.leader())) {
      return Optional.of("token names leader " + text(leader) + ", current leader is " + text(current.leader()));
    }
    return Optional.empty();
  }

  private static String text(@Nullable String leader) {
    return leader == null ? NO_LEADER : leader;
  }

  @Override
  public String toString() {
    return scope + ":" + systemIdentifier + ":" + text(leader);
  }
}
