package dev.patroni4j.runbooks;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link WriteProbe}'s writer felt while it ran: how many write transactions it tried and how many failed, the
 * longest single write (blocked in a paused pooler, or waiting for a connection that then failed), the longest time
 * without a commit (what an application could not write for: a restarted primary, a switchover), when the first and
 * the last failure happened, and the disruption window, from the start of the first write that failed or took longer
 * than the probe's {@code blockedAfter} to the end of the last one.
 *
 * <pre>{@code
 * // given: RunbookResult result;
 * result.findWriteDowntime().ifPresent(d -> System.out.println(d.failed() + " failed writes, longest "
 *     + d.longestWrite().toMillis() + " ms, nothing committed for " + d.longestWithoutCommit().toMillis() + " ms"));
 * }</pre>
 *
 * <p>Thread-safety: immutable.
 *
 * @param attempted write transactions tried
 * @param failed write transactions that did not commit (an error, a lost connection, no connection)
 * @param longestWrite the longest single attempt, failed or not
 * @param longestWithoutCommit the longest time between two successive commits of the probe (counting from its start
 *     to its first commit and from its last commit to its stop): one failed attempt after another, or a blocked one,
 *     lengthen it; a healthy primary keeps it near the probe's interval
 * @param firstFailure when the first failed attempt began, if any failed
 * @param lastFailure when the last failed attempt ended, if any failed
 * @param disruption from the start of the first failed or blocked attempt to the end of the last; zero if none
 */
public record WriteDowntime(long attempted, long failed, Duration longestWrite, Duration longestWithoutCommit,
    @Nullable Instant firstFailure, @Nullable Instant lastFailure, Duration disruption) {
  public WriteDowntime {
    java.util.Objects.requireNonNull(longestWrite, "longestWrite == null");
    java.util.Objects.requireNonNull(longestWithoutCommit, "longestWithoutCommit == null");
    java.util.Objects.requireNonNull(disruption, "disruption == null");
    if (attempted < 0 || failed < 0 || failed > attempted) {
      throw new IllegalArgumentException("attempted " + attempted + ", failed " + failed);
    }
  }

  public Optional<Instant> findFirstFailure() {
    return Optional.ofNullable(firstFailure);
  }

  public Optional<Instant> findLastFailure() {
    return Optional.ofNullable(lastFailure);
  }
}
