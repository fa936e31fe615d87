package dev.patroni4j.client.dcs;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What to write into the {@code failover} key with {@link DcsClient#setFailover}.
 *
 * <pre>{@code
 * // given: DcsClient dcs; ClusterRef cluster; ClusterSnapshot snapshot; long version;
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

  /**
   * The document Patroni expects in the {@code failover} key: {@code leader}, {@code member} (the candidate) and
   * {@code scheduled_at} (ISO-8601), each only if set; {@code {}} for {@link #none()}.
   */
  public Map<String, String> toPatroniJson() {
    Map<String, String> json = new LinkedHashMap<>();
    if (leader != null) {
      json.put("leader", leader);
    }
    if (candidate != null) {
      json.put("member", candidate);
    }
    if (scheduledAt != null) {
      json.put("scheduled_at", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(scheduledAt));
    }
    return json;
  }

  /** A switchover from {@code leader} to {@code candidate} (either may be null) as soon as Patroni sees it. */
  public static FailoverRequest switchover(@Nullable String leader, @Nullable String candidate) {
    return new FailoverRequest(leader, candidate, null);
  }
}
