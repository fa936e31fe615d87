package dev.patroni4j.client.dcs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.MemberState;
import dev.patroni4j.client.model.PatroniVersion;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.client.model.ScheduledRestart;
import dev.patroni4j.client.model.Tags;
import dev.patroni4j.client.model.Timeline;
import java.net.URI;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@code members/<name>} key: what one Patroni node last published about itself.
 *
 * <p>Roles, states, LSNs, timelines and tags use the same types as the REST client's model, so a tool can read a
 * cluster from either source. Fields Patroni did not write are null (or empty/false); fields this library does not
 * know are kept in {@link #raw()}. Values in the legacy form (a bare {@code postgres://...?application_name=<api
 * url>} URL) yield {@link #connUrl()} and {@link #apiUrl()} only; a password in such a URL is dropped.
 *
 * @param name the member name (last path segment of the key)
 * @param version the key's version (etcd {@code mod_revision}, Consul {@code ModifyIndex})
 * @param owner the etcd lease (decimal) or Consul session that keeps the key alive
 * @param connUrl {@code conn_url}, e.g. {@code postgres://10.0.0.1:5432/postgres}
 * @param apiUrl {@code api_url}, e.g. {@code http://10.0.0.1:8008/patroni}
 * @param proxyUrl {@code proxy_url}
 * @param role {@code role} ({@code master}/{@code primary}, {@code replica}, {@code standby_leader}, ...)
 * @param state {@code state} ({@code running}, {@code streaming}, {@code stopped}, ...)
 * @param patroniVersion {@code version}: the Patroni version the member runs
 * @param xlogLocation {@code xlog_location}: the member's WAL position
 * @param receiveLsn {@code receive_lsn} (Patroni 4.1+)
 * @param replayLsn {@code replay_lsn} (Patroni 4.1+)
 * @param replicationState {@code replication_state} ({@code streaming}, {@code in archive recovery}; 3.0.4+)
 * @param timeline {@code timeline}
 * @param tags {@code tags}
 * @param pendingRestart {@code pending_restart}
 * @param scheduledRestart {@code scheduled_restart}
 * @param paused {@code pause}: the member saw the cluster paused
 * @param checkpointAfterPromote {@code checkpoint_after_promote}
 * @param raw the member's JSON document as written (an empty object for the legacy URL form)
 */
public record DcsMember(
    String name,
    long version,
    @Nullable String owner,
    @Nullable URI connUrl,
    @Nullable URI apiUrl,
    @Nullable URI proxyUrl,
    @Nullable Role role,
    @Nullable MemberState state,
    @Nullable PatroniVersion patroniVersion,
    @Nullable Lsn xlogLocation,
    @Nullable Lsn receiveLsn,
    @Nullable Lsn replayLsn,
    @Nullable String replicationState,
    @Nullable Timeline timeline,
    Tags tags,
    boolean pendingRestart,
    @Nullable ScheduledRestart scheduledRestart,
    boolean paused,
    @Nullable Boolean checkpointAfterPromote,
    ObjectNode raw) {

  public DcsMember {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(tags, "tags == null");
    raw = raw.deepCopy();
  }

  @Override
  public ObjectNode raw() {
    return raw.deepCopy();
  }

  /** The PostgreSQL host from {@code conn_url}, if any. */
  public @Nullable String host() {
    return connUrl == null ? null : connUrl.getHost();
  }

  /** The PostgreSQL port from {@code conn_url}, or -1 if unknown ({@code 5432} when the URL names none). */
  public int port() {
    if (connUrl == null || connUrl.getHost() == null) {
      return -1;
    }
    return connUrl.getPort() == -1 ? 5432 : connUrl.getPort();
  }

  @Override
  public String toString() {
    return "DcsMember[" + name + " role=" + role + " state=" + state + " timeline=" + timeline
        + " xlog=" + xlogLocation + " version=" + version + "]";
  }
}
