package dev.patroni4j.client.dcs;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.model.DynamicConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Reads and changes what Patroni keeps in its DCS, without Patroni's REST API: the service-provider interface that
 * {@code dcs-etcd} ({@code EtcdDcsClient}) and {@code dcs-consul} implement.
 *
 * <pre>{@code
 * import dev.patroni4j.client.model.DynamicConfig;
 * import dev.patroni4j.dcs.etcd.EtcdDcsClient;
 * try (DcsClient dcs = EtcdDcsClient.builder().endpoint(URI.create("http://10.0.0.5:2379")).build()) {
 *   ClusterRef demo = ClusterRef.of("demo");
 *   ClusterSnapshot s = dcs.snapshot(demo);
 *   Map<String, Object> values = new LinkedHashMap<>(s.config().config().values());
 *   values.put("loop_wait", 5);
 *   CasResult r = dcs.setConfig(demo, DynamicConfig.of(values), s.config().version());
 *   if (r instanceof CasResult.Conflict) {
 *     // someone else changed it: re-read and decide again
 *   }
 * }
 * }</pre>
 *
 * <p>Contract shared by all implementations (checked by {@code DcsContractTest} in patroni-client's test jar):
 * <ul>
 *   <li>Every call finishes within the client's request timeout, or throws {@link DcsTimeoutException}.
 *   <li>Reads are linearizable (they see every write acknowledged before them) and may be retried internally.
 *   <li>Writes are never retried after they may have reached the store. If a write's outcome is unknown the
 *       client observes the store to settle it, or throws {@link DcsException} with
 *       {@code Delivery.POSSIBLY_SENT}.
 *   <li>Errors are {@link DcsException}s: {@link DcsAuthenticationException}, {@link DcsTimeoutException},
 *       {@link DcsUnavailableException}; a removal whose {@link Confirmation} does not match is refused with
 *       {@link dev.patroni4j.client.ConfirmationRefusedException}, patroni4j's one refusal of destructive actions.
 * </ul>
 *
 * <p>Implementations are thread-safe; share one instance and {@link #close()} it when done.
 */
public interface DcsClient extends AutoCloseable {

  /** The version that means "the key must be absent" in compare-and-set writes; also the version of no key. */
  long ABSENT = 0;

  /** Everything Patroni keeps for {@code cluster}, read at one revision; an empty snapshot if there is nothing. */
  ClusterSnapshot snapshot(ClusterRef cluster);

  /**
   * Every cluster under {@code namespace} (e.g. {@code /service}), read at one revision in one request: its cost
   * grows with the number of keys, not with the number of clusters. Scopes with no key are absent.
   */
  FleetSnapshot fleet(String namespace);

  /** The scopes (cluster names) that have at least one key under {@code namespace}, sorted. */
  List<String> clusters(String namespace);

  /**
   * Watches a cluster from the state in {@code since}: the listener first gets every change between
   * {@code since} and now, then each change as it happens, until the watch is closed. If the store's history
   * no longer reaches back to {@code since.revision()} (compaction) or the connection drops, the watch re-reads
   * the cluster and emits {@link DcsEvent.Resynchronized} followed by the net changes, so none is lost.
   */
  DcsWatch watch(ClusterSnapshot since, DcsListener listener);

  /** Watches a cluster from now: {@code watch(snapshot(cluster), listener)}. */
  default DcsWatch watch(ClusterRef cluster, DcsListener listener) {
    return watch(snapshot(cluster), listener);
  }

  /**
   * Watches every cluster of a namespace from the state in {@code since}, through one stream of the store's
   * changes under the namespace (its cost grows with the changes, not with the number of clusters): the listener
   * first gets every change between {@code since} and now, then each change as it happens, until the watch is
   * closed. If the store's history no longer reaches back to {@code since.revision()} or the connection drops, the
   * watch re-reads the namespace in one request and reports {@link FleetListener#onResynchronized} followed by the
   * net changes, so none is lost.
   */
  FleetWatch watchFleet(FleetSnapshot since, FleetListener listener);

  /** Watches every cluster of {@code namespace} from now: {@code watchFleet(fleet(namespace), listener)}. */
  default FleetWatch watchFleet(String namespace, FleetListener listener) {
    return watchFleet(fleet(namespace), listener);
  }

  /**
   * Writes the dynamic configuration if the {@code config} key's version is still {@code expectedVersion}
   * ({@link #ABSENT}: only if there is no config). Patroni applies it within one {@code loop_wait}. The document
   * ({@link DynamicConfig#values()}) is written as Patroni writes it, compact JSON, and replaces the whole
   * configuration.
   */
  CasResult setConfig(ClusterRef cluster, DynamicConfig config, long expectedVersion);

  /**
   * Writes the {@code failover} key if its version is still {@code expectedVersion} ({@link #ABSENT}: only if
   * there is none). {@link FailoverRequest#none()} clears a pending request as Patroni does ({@code {}}).
   */
  CasResult setFailover(ClusterRef cluster, FailoverRequest request, long expectedVersion);

  /**
   * Removes every key of {@code cluster}: exactly the keys under {@link ClusterRef#keyPrefix()}, nothing else (what
   * {@code patronictl remove} does). Running Patroni nodes will write their member keys again; stop them first to
   * start the cluster afresh.
   *
   * @return the number of keys removed
   * @param confirmation the cluster's token ({@link ClusterSnapshot#confirmationToken()}: {@code
   *     scope:systemIdentifier}), checked against the {@code initialize} key in the same atomic step as the delete
   * @throws dev.patroni4j.client.ConfirmationRefusedException if the confirmation names another scope or another
   *     system identifier than the {@code initialize} key holds when the removal runs; nothing is removed then
   */
  long removeCluster(ClusterRef cluster, Confirmation confirmation);

  /**
   * Removes only the {@code initialize} key (so that the next member to start bootstraps a new cluster), with the
   * same guard as {@link #removeCluster}.
   *
   * @return true if the key existed and was removed
   * @throws dev.patroni4j.client.ConfirmationRefusedException if the confirmation does not match; nothing is
   *     removed then
   */
  boolean removeInitialize(ClusterRef cluster, Confirmation confirmation);

  /**
   * Takes the lease {@code name} of {@code cluster} for {@code holder} for {@code ttl}, if nobody else holds it:
   * mutual exclusion between processes that share the DCS (e.g. one mutating runbook per cluster). The lease is
   * the key {@link ClusterRef#leaseKey cluster.leaseKey(name)} holding {@code holder}; it vanishes when the holder
   * {@link DcsLease#release() releases} it or stops {@link DcsLease#renew() renewing} it for {@code ttl}. Lease keys
   * are not Patroni's: snapshots skip them, {@link #removeCluster} removes them with the cluster's other keys.
   *
   * <p>A lease still held under the same {@code holder} (the same run resuming after a crash) is taken over. An
   * acquisition whose answer was lost is settled by reading the key back, never by sending it again.
   *
   * @param ttl at least one second; rounded up to whole seconds (Consul refuses TTLs below its
   *     {@code session_ttl_min}, 10 s by default)
   * @return the lease, or empty if another holder has it ({@link #leaseHolder} says who)
   * @throws IllegalArgumentException if {@code name} or {@code holder} is blank, {@code name} contains {@code /}
   *     or {@code ttl} is shorter than one second
   */
  Optional<DcsLease> acquireLease(ClusterRef cluster, String name, String holder, Duration ttl);

  /** Who holds the lease {@code name} of {@code cluster} now; empty if nobody does. */
  Optional<String> leaseHolder(ClusterRef cluster, String name);

  /** Releases connections and stops all watches of this client. */
  @Override
  void close();
}
