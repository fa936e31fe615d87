package dev.patroni4j.client.dcs;

import java.time.OffsetDateTime;
import org.jspecify.annotations.Nullable;

/**
 * What to write into the {@code failover} key with {@link DcsClient#setFailover}.
 *
 * <pre>{@code
 * dcs.setFailover(cluster, FailoverRequest.switchover("pg1", "pg2"), snapshot.failover().version());
 * dcs.setFailover(cluster, FailoverRequest.none(), version);   // cancel: Patroni's {}
 * }</pre>
 *
 * @param leader the member to switch over from, or null
 * @param candidate the member to switch over to, or null
 * @param scheduledAt when, or null for now
 */
public record FailoverRequest(
    @Nullable String leader, @Nullable String candidate, @Nullable OffsetDateTime scheduledAt) {

  /** No pending switchover: Patroni's {@code {}}. */
  public static FailoverRequest none() {
    return new FailoverRequest(null, null, null);
  }

  /** A switchover from {@code leader} to {@code candidate} (either may be null) as soon as Patroni sees it. */
  public static FailoverRequest switchover(@Nullable String leader, @Nullable String candidate) {
    return new FailoverRequest(leader, candidate, null);
  }
}
