package dev.patroni4j.client.dcs;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code sync} key: the synchronous replication state the leader published.
 *
 * @param leader the leader that wrote it
 * @param syncStandbys the synchronous standbys ({@code sync_standby}, comma-separated in Patroni's JSON)
 * @param quorum the quorum size (Patroni 4.0+ quorum commit), if present
 * @param version the key's version
 */
public record DcsSync(@Nullable String leader, List<String> syncStandbys, @Nullable Integer quorum, long version) {

  public DcsSync {
    syncStandbys = List.copyOf(syncStandbys);
  }
}
