package dev.patroni4j.runbooks.backup;

import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Fact;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.Impact;
import dev.patroni4j.runbooks.Step;
import dev.patroni4j.runbooks.Steps;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The recovery-point guard for disruptive runbooks: a step that observes only, and refuses the run (with the figures)
 * when the newest complete backup is older than a bound, when there is none, or when the WAL archive since the
 * oldest backup has a gap or its live check fails. Put it first in a runbook that could lose data if something goes
 * wrong (a restore, a major upgrade, a rebuild).
 *
 * <pre>{@code
 * import dev.patroni4j.runbooks.Runbook;
 * import dev.patroni4j.runbooks.Step;
 * // given: BackupTool tool; Step upgrade;
 * Runbook guarded = Runbook.named("guarded-upgrade")
 *     .step(RecoveryPointGuard.of(tool, () -> "pg1", Duration.ofHours(26)).step())
 *     .step(upgrade)
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class RecoveryPointGuard {
  /** The newest complete backup's label. */
  public static final Fact<String> LAST_BACKUP = Fact.text("last-backup");
  /** When it finished. */
  public static final Fact<Instant> LAST_BACKUP_AT = Fact.instant("last-backup-at");
  /** Its age in seconds when the guard looked. */
  public static final Fact<Long> AGE_SECONDS = Fact.number("last-backup-age-seconds");
  /** The newest archived WAL segment. */
  public static final Fact<String> LAST_ARCHIVED = Fact.text("last-archived-segment");
  /** The first missing segment of each gap. */
  public static final Fact<java.util.List<String>> GAPS = Fact.texts("archive-gaps");

  private final BackupTool tool;
  private final Supplier<String> member;
  private final Duration maxAge;

  private RecoveryPointGuard(BackupTool tool, Supplier<String> member, Duration maxAge) {
    this.tool = tool;
    this.member = member;
    this.maxAge = maxAge;
  }

  /**
   * A guard reading {@code tool}'s catalogue on the member {@code member} names when the step runs (usually the
   * leader, where the tool's live archive check works), refusing a backup older than {@code maxAge}.
   */
  public static RecoveryPointGuard of(BackupTool tool, Supplier<String> member, Duration maxAge) {
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("maxAge <= 0: " + maxAge);
    }
    return new RecoveryPointGuard(Objects.requireNonNull(tool, "tool == null"),
        Objects.requireNonNull(member, "member == null"), maxAge);
  }

  /** The guard as a runbook step named {@code recovery-point}. */
  public Step step() {
    return Steps.named("recovery-point").impact(Impact.NONE).decide(ctx -> judge(ctx.now())).build();
  }

  /** The guard's decision now: satisfied with the figures, or blocked saying which bound failed. */
  public Decision judge(Instant now) {
    String on = member.get();
    Optional<BackupInfo> latest = tool.latest(on);
    if (latest.isEmpty()) {
      return Decision.blocked(tool.repository() + " lists no complete backup: nothing to recover to");
    }
    BackupInfo b = latest.get();
    Duration age = Duration.between(b.stopped(), now);
    Facts facts = Facts.of(LAST_BACKUP, b.label(), LAST_BACKUP_AT, b.stopped(), AGE_SECONDS, age.toSeconds());
    if (age.compareTo(maxAge) > 0) {
      return Decision.blocked("the newest complete backup " + b.label() + " finished " + b.stopped() + ", "
          + age.toMinutes() + " min ago, older than the bound of " + maxAge.toMinutes() + " min", facts);
    }
    ArchiveCheck archive = tool.checkArchive(on);
    facts = facts.with(GAPS, archive.gaps().stream().map(ArchiveCheck.Gap::first).toList());
    if (archive.findLast().isPresent()) {
      facts = facts.with(LAST_ARCHIVED, archive.findLast().get());
    }
    if (!archive.gaps().isEmpty()) {
      return Decision.blocked("the WAL archive of " + tool.repository() + " has " + archive.gaps().size()
          + " gap(s), the first from " + archive.gaps().get(0).first() + " to " + archive.gaps().get(0).last()
          + ": recovery past it is impossible", facts);
    }
    if (!archive.continuous()) {
      return Decision.blocked("the live archive check of " + tool.repository() + " failed: "
          + archive.liveCheckDetail(), facts);
    }
    return Decision.satisfied("recovery point: backup " + b.label() + " from " + age.toMinutes()
        + " min ago, WAL archived without gaps up to " + archive.findLast().orElse("?"), facts);
  }
}
