package dev.patroni4j.client.model;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One WAL sender on the leader, as listed in the {@code replication} array of {@code GET
 * /patroni} (a row of {@code pg_stat_replication}).
 *
 * <pre>{@code
 * // given: MemberStatus status;
 * status.replication().stream().filter(ReplicationConnection::isStreaming).count();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param userName the replication user ({@code usename})
 * @param applicationName the standby's {@code application_name}: its Patroni member name
 * @param clientAddress the standby's address, if known
 * @param state the WAL sender state, e.g. {@code streaming}, {@code catchup}
 * @param syncState {@code async}, {@code potential}, {@code sync} or {@code quorum}
 * @param syncPriority the standby's priority in {@code synchronous_standby_names}
 */
public record ReplicationConnection(
    @Nullable String userName,
    String applicationName,
    @Nullable String clientAddress,
    String state,
    String syncState,
    long syncPriority) {

  public ReplicationConnection {
    Objects.requireNonNull(applicationName, "applicationName == null");
    Objects.requireNonNull(state, "state == null");
    Objects.requireNonNull(syncState, "syncState == null");
  }

  /** True if the WAL sender state is {@code streaming}. */
  public boolean isStreaming() {
    return "streaming".equals(state);
  }

  /** True if PostgreSQL counts this standby as synchronous ({@code sync} or {@code quorum}). */
  public boolean isSynchronous() {
    return "sync".equals(syncState) || "quorum".equals(syncState);
  }
}
