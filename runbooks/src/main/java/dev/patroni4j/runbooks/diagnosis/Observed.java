package dev.patroni4j.runbooks.diagnosis;

import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.client.model.HistoryEntry;
import dev.patroni4j.client.model.MemberStatus;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Everything one diagnosis read, for the checks to reason over (no check reads anything itself).
 *
 * @param view the topology ({@code GET /cluster}, or the DCS's when no REST endpoint answered)
 * @param viewSource where {@code view} came from
 * @param statuses each member's {@code GET /patroni}, for those that answered
 * @param unreachable member name to why its {@code GET /patroni} failed
 * @param endpoints the REST endpoints the client was given or discovered
 * @param snapshot the DCS snapshot, or null without a DCS (or when it could not be read)
 * @param config the dynamic configuration (DCS {@code config} key, else {@code GET /config}), or null if unknown
 * @param configReadFailed true if {@code GET /config} failed (Patroni has no configuration to serve)
 * @param history the leader's timeline history, or null if not read
 * @param slots the leader's inactive slots, or null without SQL
 * @param archiver the leader's {@code pg_stat_archiver}, or null without SQL
 * @param registrations the members' service registrations, or null without a {@link ServiceRegistry}
 * @param units member name to the text of its Patroni systemd unit and the command that read it, for the members
 *     whose unit was read (empty without {@code systemdUnits})
 */
record Observed(
    ClusterView view,
    Evidence.Source viewSource,
    Map<String, MemberStatus> statuses,
    Map<String, String> unreachable,
    List<URI> endpoints,
    @Nullable ClusterSnapshot snapshot,
    @Nullable DynamicConfig config,
    boolean configReadFailed,
    @Nullable List<HistoryEntry> history,
    @Nullable List<Slot> slots,
    @Nullable Archiver archiver,
    @Nullable List<ServiceRegistry.Registration> registrations,
    Map<String, Unit> units) {

  Observed {
    units = Map.copyOf(units);
    registrations = registrations == null ? null : List.copyOf(registrations);
    statuses = Map.copyOf(statuses);
    unreachable = Map.copyOf(unreachable);
    endpoints = List.copyOf(endpoints);
  }

  /** A member's systemd unit, as {@code command} printed it. */
  record Unit(String command, String text) {}

  /** An inactive replication slot on the leader and the WAL it holds back. */
  record Slot(String name, String type, String restartLsn, long retainedBytes) {}

  /** The leader's {@code pg_stat_archiver} row. */
  record Archiver(
      String archiveMode, long archivedCount, @Nullable String lastArchivedWal, @Nullable String lastArchivedTime,
      long failedCount, @Nullable String lastFailedWal, @Nullable String lastFailedTime, boolean failing) {}
}
