package dev.patroni4j.client.model;

import java.time.OffsetDateTime;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One timeline switch from {@code GET /history} or the {@code history} DCS key: the timeline that
 * ended, where it ended, why, when, and who became leader.
 *
 * <pre>{@code
 * import dev.patroni4j.client.PatroniClient;
 * // given: PatroniClient client;
 * for (HistoryEntry e : client.history()) {
 *   System.out.println(e.timeline() + " ended at " + e.lsn() + ": " + e.reason());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param timeline the timeline that ended
 * @param lsn the switch point
 * @param reason PostgreSQL's reason text, e.g. {@code no recovery target specified}
 * @param timestamp when it happened, if recorded (older entries lack it)
 * @param newLeader the member promoted, if recorded
 */
public record HistoryEntry(
    Timeline timeline,
    Lsn lsn,
    String reason,
    @Nullable OffsetDateTime timestamp,
    @Nullable String newLeader) {

  public HistoryEntry {
    Objects.requireNonNull(timeline, "timeline == null");
    Objects.requireNonNull(lsn, "lsn == null");
    Objects.requireNonNull(reason, "reason == null");
  }
}
