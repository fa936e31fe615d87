package dev.patroni4j.client.dcs;

import dev.patroni4j.client.model.HistoryEntry;
import java.util.List;

/**
 * The {@code history} key: the timeline history the leader wrote after each promotion.
 *
 * @param entries oldest first; lines that do not parse are left out and reported as {@link DcsProblem}s
 * @param version the key's version
 */
public record DcsHistory(List<HistoryEntry> entries, long version) {

  public DcsHistory {
    entries = List.copyOf(entries);
  }
}
