package dev.patroni4j.client;

import java.util.Objects;

/**
 * The operator's explicit "yes" to a destructive action, bound to what it destroys: the one confirmation of
 * patroni4j (DCS removals, destructive runbook steps, WAL-G deletions). It holds the token of one {@link
 * Confirmable} target; {@link #check} refuses it for any other target with {@link ConfirmationRefusedException}
 * before anything is changed.
 *
 * <pre>{@code
 * import dev.patroni4j.client.dcs.ClusterRef;
 * import dev.patroni4j.client.dcs.ClusterSnapshot;
 * import dev.patroni4j.client.dcs.DcsClient;
 * // given: DcsClient dcs; ClusterRef cluster; String typed;
 * ClusterSnapshot s = dcs.snapshot(cluster);
 * // show s to a human, who types the token printed for it, e.g. "demo:7310852917352427550"
 * dcs.removeCluster(cluster, Confirmation.of(typed));
 * }</pre>
 *
 * <p>Immutable and thread-safe. The token is not a secret.
 *
 * @param token the target's {@link Confirmable#confirmationToken()}, as the operator gave it
 */
public record Confirmation(String token) {

  public Confirmation {
    Objects.requireNonNull(token, "token == null");
    if (token.isBlank() || !token.strip().equals(token) || token.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("a confirmation token is non-blank, without surrounding spaces or control "
          + "characters, got '" + token.replaceAll("\\p{Cntrl}", "?") + "'");
    }
  }

  /** The confirmation an operator typed. */
  public static Confirmation of(String token) {
    return new Confirmation(token);
  }

  /** The confirmation of {@code target} as it is now (for callers that asked the operator another way). */
  public static Confirmation of(Confirmable target) {
    return new Confirmation(target.confirmationToken());
  }

  /**
   * The confirmation of a cluster in the DCS: {@code scope:systemIdentifier}, the system identifier its {@code
   * initialize} key holds ({@code ""} for a cluster without one); what {@code ClusterSnapshot.confirmationToken()}
   * gives.
   */
  public static Confirmation forCluster(String scope, String systemIdentifier) {
    return new Confirmation(Objects.requireNonNull(scope, "scope == null") + ":"
        + Objects.requireNonNull(systemIdentifier, "systemIdentifier == null"));
  }

  /** True if this confirms {@code target} as it is now. */
  public boolean confirms(Confirmable target) {
    return token.equals(target.confirmationToken());
  }

  /**
   * Refuses {@code action} on {@code target} unless this confirms it.
   *
   * @throws ConfirmationRefusedException naming the action, the target and the token given
   */
  public void check(String action, Confirmable target) {
    if (!confirms(target)) {
      throw ConfirmationRefusedException.notFor(action, target.confirmationSubject(), this);
    }
  }

  @Override
  public String toString() {
    return token;
  }
}
