package dev.patroni4j.runbooks.diagnosis;

/**
 * The known problems {@link ClusterDiagnostics} recognises, each with the field problem it comes from and what
 * its remedy does.
 *
 * <pre>{@code
 * // given: Diagnosis diagnosis;
 * diagnosis.find(Problem.POSTGRES_NOT_STARTING)
 *     .ifPresent(f -> System.out.println(f.findMember().orElse("?") + ": " + f.remedy().description()));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public enum Problem {
  /**
   * The DCS holds a previous installation's cluster: its {@code initialize} key names a system identifier no member's
   * data directory has, there is no leader, and the members stay stopped. Field: after a reinstall Postgres never
   * starts, Patroni logs "waiting for leader to bootstrap" (field document 004, 8.1; seed procedures, "Backups,
   * restore, add node, reinit"). Remedy: {@link Remedy.RemoveCluster}, after which Patroni bootstraps anew.
   */
  STALE_DCS_STATE,
  /**
   * A member's PostgreSQL does not start: state {@code start failed} (or {@code restart failed}, {@code crashed}).
   * Field: after a restart a replica stays {@code start failed}, PostgreSQL logs "could not locate a valid checkpoint
   * record" (field document 004, 8.2). Remedy for a replica: {@link Remedy.RecoverStartFailed} (clone it from the leader unless it comes back);
   * for a leader, a manual look at the PostgreSQL log.
   */
  POSTGRES_NOT_STARTING,
  /**
   * A member's Patroni REST API does not answer although the member is registered, or a REST endpoint the client
   * was given is not in the topology (its Patroni is stopped, or failed to start). Field: Patroni cannot bind
   * PostgreSQL's or its own port; a stopped service (field document 003, "Patroni cannot bind to the PostgreSQL
   * port"). Remedy: manual (start Patroni, read its log).
   */
  MEMBER_NOT_ANSWERING,
  /**
   * No leader while Patroni will not elect one: the cluster is paused, or no member may be promoted. Field: a paused
   * cluster whose leader died (maintenance windows of the package migration and blue-green procedures). Remedy:
   * {@link Remedy.Failover} when a running member exists.
   */
  NO_LEADER,
  /**
   * A replica follows a timeline the leader's history does not contain (or is ahead of the leader's). Field: on
   * Patroni 3.0.2 a frozen leader took its key back and a replica that had followed the short-lived new leader stayed
   * on the dead timeline ("highest timeline 1 of the primary is behind recovery timeline 2"). Remedy: {@link
   * Remedy.Reinitialize}.
   */
  TIMELINE_DIVERGED,
  /**
   * A member reports {@code pending_restart}: a changed setting takes effect only after a restart. Field: config
   * changes of restart-only parameters (seed procedures, config change). Remedy: {@link Remedy.RollingRestart}.
   */
  PENDING_RESTART,
  /**
   * The cluster is in maintenance mode: no automatic failover. Field: pause left on after a package migration or a
   * blue-green deployment window (seed procedures). Remedy: {@link Remedy.Resume}.
   */
  CLUSTER_PAUSED,
  /**
   * A member is in maintenance mode the cluster's configuration does not have: {@code patroni.dynamic.json} in its
   * data directory still says {@code "pause": true} after the DCS lost the configuration, and {@code patronictl
   * resume} answers "Cluster is not paused" (seed procedures, blue-green rollback step 5). Remedy: manual.
   */
  STALE_PAUSE,
  /**
   * Replicas exist but none may be promoted: each is not running, tagged {@code nofailover} (or {@code
   * failover_priority: 0}), or lags beyond {@code maximum_lag_on_failover}. A leader failure now means downtime.
   * Field: Patroni skips a candidate over {@code maximum_lag_on_failover} ("Member X exceeds maximum replication
   * lag", then "no healthy members found"; patroni/patroni issues 1784, 3230) and answers a failover no member
   * passes ({@code nofailover}, lag, {@code failover_priority: 0}) with 412 "no good candidates have been found"
   * (issues 2362, 2153, 2744, 2048); the blue-green procedure freezes its replica with {@code nofailover: true}
   * (seed procedures, "Blue-green deployment with rollback"). Reproduced here with a replica whose WAL receiver is stopped while
   * the leader writes. Remedy: manual (let replicas catch up, fix tags).
   */
  NO_FAILOVER_CANDIDATE,
  /**
   * {@code synchronous_mode} is on and no replica is a synchronous (or quorum) standby: commits are not protected,
   * or, with {@code synchronous_mode_strict}, block. Field: losing or rebooting the sync standby is a disruption the
   * chaos studies of Patroni run (postgres-chaos-analyst); Patroni's {@code basic_replication} acceptance feature
   * swaps a restarted or stuck sync replica for another, which a cluster with one replica does not have; a paused
   * sync standby stalls {@code remote_apply} commits until Patroni swaps it (blue-green replay pause, reliability
   * notes). Reproduced here by stopping the only replica's Patroni with {@code synchronous_mode: true}. Remedy:
   * manual (bring a replica back to streaming).
   */
  NO_SYNC_STANDBY,
  /**
   * An inactive replication slot holds WAL back: its {@code restart_lsn} does not advance while WAL accumulates on the
   * leader (bytes retained shown). Field: slots kept from a standalone PostgreSQL, permanent slots whose consumer is
   * gone (seed procedures, "Convert a standalone PostgreSQL"). Remedy: a config change removing a permanent slot, or a
   * manual {@code pg_drop_replication_slot}. Needs SQL access.
   */
  SLOT_RETAINING_WAL,
  /**
   * WAL archiving fails: {@code pg_stat_archiver} shows a failure newer than the last success. Field: WAL-G archiving
   * (field document 004); WAL piles up in {@code pg_wal}, and PITR loses its range. Remedy: manual (fix the
   * {@code archive_command} or the storage). Needs SQL access.
   */
  ARCHIVING_FAILING,
  /**
   * Members run different Patroni versions. Field: a package migration under pause left half done (seed procedures,
   * "Package migration under pause"). Remedy: manual (finish the migration).
   */
  MIXED_PATRONI_VERSIONS,
  /**
   * A member is registered for discovery but is not in the cluster: its Patroni died or its host was removed without
   * deregistering, so Consul DNS ({@code replica.<service>.service.consul}) and load balancers reading the catalog
   * may still send clients there until Consul deregisters it (Patroni asks for that only after ten TTLs critical).
   * Needs a {@link ServiceRegistry}. Remedy: manual (start the member's Patroni again, or deregister the service).
   */
  SERVICE_WITHOUT_MEMBER,
  /**
   * A member's Patroni systemd unit would stop PostgreSQL together with Patroni ({@code KillMode} other than {@code
   * process}: systemd kills the whole cgroup), or stops Patroni with a signal it cannot shut down on. Field: a
   * package migration under pause, where stopping only Patroni must leave PostgreSQL running (seed procedures,
   * "Package migration under pause"); the unit shipped by some packages has this default. Read through {@link
   * dev.patroni4j.runbooks.host.HostActions} and checked with patroni-config's {@code SystemdUnit.stopTraps}.
   * Remedy: manual (a drop-in with {@code KillMode=process}, then {@code systemctl daemon-reload}).
   */
  UNIT_STOPS_POSTGRES
}
