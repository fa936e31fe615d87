package dev.patroni4j.runbooks.backup;

import dev.patroni4j.client.model.Timeline;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What to restore into a data directory: which backup (the latest complete one unless named), where recovery stops,
 * the timeline it follows, whether the restored PostgreSQL promotes at the target, and whether it may archive WAL
 * (off for a drill or a copy, so a restored instance never writes into the production repository).
 *
 * <pre>{@code
 * import java.time.Instant;
 * RestoreRequest pitr = RestoreRequest.to(RecoveryTarget.time(Instant.parse("2026-12-03T10:00:00Z"), false))
 *     .withTimeline(Timeline.of(2));
 * RestoreRequest drill = RestoreRequest.latestBackup().withBackup("20261203-093220F").withoutArchiving();
 * }</pre>
 *
 * <p>Immutable.
 *
 * @param backup the backup's label, null for the latest complete one
 * @param target where recovery stops
 * @param timeline the timeline to follow, null for the latest one in the archive
 * @param promote promote at the target (else pause there)
 * @param archiving whether the restored instance archives WAL ({@code archive_mode}); false for drills and copies
 */
public record RestoreRequest(@Nullable String backup, RecoveryTarget target, @Nullable Timeline timeline,
    boolean promote, boolean archiving) {
  public RestoreRequest {
    Objects.requireNonNull(target, "target == null");
  }

  /** The latest complete backup, recovered to the end of the archive, promoted, archiving on. */
  public static RestoreRequest latestBackup() {
    return new RestoreRequest(null, RecoveryTarget.latest(), null, true, true);
  }

  /** The latest complete backup before {@code target}'s point, recovered to it and promoted. */
  public static RestoreRequest to(RecoveryTarget target) {
    return new RestoreRequest(null, target, null, true, true);
  }

  public RestoreRequest withBackup(String label) {
    return new RestoreRequest(Objects.requireNonNull(label, "label == null"), target, timeline, promote, archiving);
  }

  public RestoreRequest withTarget(RecoveryTarget target) {
    return new RestoreRequest(backup, target, timeline, promote, archiving);
  }

  public RestoreRequest withTimeline(Timeline timeline) {
    return new RestoreRequest(backup, target, Objects.requireNonNull(timeline, "timeline == null"), promote,
        archiving);
  }

  /** Pauses recovery at the target instead of promoting. */
  public RestoreRequest pausingAtTarget() {
    return new RestoreRequest(backup, target, timeline, false, archiving);
  }

  /** {@code archive_mode=off} in the restored instance. */
  public RestoreRequest withoutArchiving() {
    return new RestoreRequest(backup, target, timeline, promote, false);
  }

  public Optional<String> findBackup() {
    return Optional.ofNullable(backup);
  }

  public Optional<Timeline> findTimeline() {
    return Optional.ofNullable(timeline);
  }
}
