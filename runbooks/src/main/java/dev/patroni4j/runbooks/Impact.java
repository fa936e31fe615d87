package dev.patroni4j.runbooks;

/**
 * What a step's action does to the cluster. The runner uses it for plans, for confirmation tokens and for the lease.
 */
public enum Impact {
  /** Observes or waits only; never changes anything. */
  NONE,
  /** Changes state without interrupting clients (reload, config patch, pause). */
  CHANGE,
  /** Interrupts clients (switchover, restart); journaled so that it is never repeated after its effect shows. */
  DISRUPTIVE,
  /** Loses data or cluster state unless intended (wipe, reinit, remove cluster); needs a {@link dev.patroni4j.client.Confirmation}. */
  DESTRUCTIVE
}
