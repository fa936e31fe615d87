package dev.patroni4j.client.dcs;

import dev.patroni4j.client.model.Lsn;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The leader's last published WAL position: the {@code status} key (Patroni 2.1+), or the legacy
 * {@code optime/leader} key when there is no {@code status}.
 *
 * @param optime the leader's WAL position
 * @param slots replication slot name to confirmed position (empty when not published)
 * @param retainSlots member slots the leader keeps (Patroni 4.0+; empty when not published)
 * @param version the version of the key it was read from
 * @param legacy true if read from {@code optime/leader}
 */
public record DcsStatus(Lsn optime, Map<String, Lsn> slots, List<String> retainSlots, long version, boolean legacy) {

  public DcsStatus {
    Objects.requireNonNull(optime, "optime == null");
    slots = Map.copyOf(slots);
    retainSlots = List.copyOf(retainSlots);
  }
}
