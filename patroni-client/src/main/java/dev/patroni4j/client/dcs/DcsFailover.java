package dev.patroni4j.client.dcs;

import java.time.OffsetDateTime;
import org.jspecify.annotations.Nullable;

/**
 * The {@code failover} key: a switchover or failover Patroni was asked for and has not finished.
 *
 * <p>Patroni writes {@code {}} once the request is done or cancelled; that reads as {@link #isEmpty()}. The legacy
 * text form {@code "leader:candidate"} is read as well.
 *
 * @param leader the member to switch over from, if named
 * @param candidate the member to switch over to, if named ({@code member} in Patroni's JSON)
 * @param scheduledAt when a scheduled switchover is due
 * @param version the key's version, for {@link DcsClient#setFailover}
 */
public record DcsFailover(
    @Nullable String leader, @Nullable String candidate, @Nullable OffsetDateTime scheduledAt, long version) {

  /** True if no switchover or failover is pending (Patroni's {@code {}}). */
  public boolean isEmpty() {
    return leader == null && candidate == null && scheduledAt == null;
  }
}
