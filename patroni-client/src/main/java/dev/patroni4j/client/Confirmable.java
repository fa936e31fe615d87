package dev.patroni4j.client;

/**
 * Something a destructive action may only touch with the operator's {@link Confirmation}: a cluster in the DCS, a
 * cluster a runbook acts on, a WAL-G deletion plan. Its token is derived from its identity (for a cluster its scope
 * and PostgreSQL system identifier, for a deletion plan a hash of what it deletes), so a confirmation of one target
 * does not confirm another.
 *
 * <pre>{@code
 * import dev.patroni4j.client.dcs.ClusterRef;
 * import dev.patroni4j.client.dcs.ClusterSnapshot;
 * import dev.patroni4j.client.dcs.DcsClient;
 * // given: DcsClient dcs; ClusterRef cluster;
 * ClusterSnapshot s = dcs.snapshot(cluster);        // a Confirmable
 * System.out.println("type " + s.confirmationToken() + " to remove " + s.confirmationSubject());
 * }</pre>
 *
 * <p>Implementations must be immutable and thread-safe.
 */
public interface Confirmable {
  /** The token that confirms destructive actions on this target as it is now; not a secret. */
  String confirmationToken();

  /** What the target is, for refusals and prompts, e.g. {@code cluster demo (system 7310852917352427550)}. */
  String confirmationSubject();
}
