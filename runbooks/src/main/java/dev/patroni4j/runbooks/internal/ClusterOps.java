package dev.patroni4j.runbooks.internal;

import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.client.model.HistoryEntry;
import dev.patroni4j.client.model.MemberStatus;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the catalogue's steps need from Patroni's REST API. One seam, so the steps do not care whether the calls go
 * through patroni-client's typed client or the small REST transport in this package.
 */
public interface ClusterOps {
  /** {@code GET /cluster} from the first member that answers. */
  ClusterView cluster();

  /** {@code GET /patroni} of one member. */
  MemberStatus status(String member);

  DynamicConfig config();

  List<HistoryEntry> history();

  /** {@code POST /switchover}; {@code onSent} runs once the request has been written to the wire. */
  ActionReply switchover(String leader, @Nullable String candidate, @Nullable OffsetDateTime scheduledAt,
      Runnable onSent);

  ActionReply cancelScheduledSwitchover();

  ActionReply failover(String candidate, Runnable onSent);

  /** {@code POST /restart} on {@code member}, now or at {@code schedule}, optionally only if a restart is pending. */
  ActionReply restart(String member, @Nullable OffsetDateTime schedule, boolean onlyIfPending);

  ActionReply cancelScheduledRestart(String member);

  ActionReply patchConfig(Map<String, Object> patch);

  ActionReply reload(String member);

  ActionReply reinitialize(String member, boolean force);
}
