package dev.patroni4j.runbooks.backup;

import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Fact;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.Impact;
import dev.patroni4j.runbooks.Runbook;
import dev.patroni4j.runbooks.StepPolicy;
import dev.patroni4j.runbooks.StepRefusedException;
import dev.patroni4j.runbooks.Steps;
import dev.patroni4j.runbooks.Verification;
import dev.patroni4j.runbooks.catalogue.PostgresConnector;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The backup runbooks of a cluster, on one {@link BackupTool}: an on-demand backup on the leader (WAL switched first,
 * done when the tool lists the backup complete, then the retention policy as a plan to inspect), and the retention
 * plan on its own. Deleting is never part of a runbook: apply the plan with {@link BackupTool#applyRetention} and the
 * operator's confirmation of its token.
 *
 * <pre>{@code
 * import dev.patroni4j.client.Confirmation;
 * import dev.patroni4j.client.PatroniClient;
 * import dev.patroni4j.runbooks.Journal;
 * import dev.patroni4j.runbooks.RunbookResult;
 * import dev.patroni4j.runbooks.RunbookRunner;
 * import dev.patroni4j.runbooks.catalogue.PostgresConnector;
 * // given: PatroniClient client; BackupTool tool; PostgresConnector pg; RunbookRunner runner; Journal journal;
 * // given: String typed;
 * BackupRunbooks backups = BackupRunbooks.builder(client, tool).postgres(pg).build();
 * RunbookResult r = runner.execute(backups.onDemandBackup(BackupType.FULL, RetentionPolicy.keepFull(7)), journal);
 * RetentionPlan plan = backups.retentionPlan(RetentionPolicy.keepFull(7)); // what would go, and its token
 * tool.applyRetention(backups.leader(), plan, Confirmation.of(typed));
 * }</pre>
 *
 * <p><b>What "idempotent" means here</b> (the two meanings of {@link
 * dev.patroni4j.runbooks.catalogue.PatroniRunbooks}):
 * <ul>
 *   <li>{@link #onDemandBackup} is idempotent <em>per journal</em> only. Running it again with the same journal
 *       resumes: a completed run acts on nothing, and a run that crashed during the backup takes none if a complete
 *       backup started after the journaled request time is listed (else it takes one). Only a crash between
 *       journaling the WAL switch and recording it switches WAL once more, which at most archives one more, nearly
 *       empty segment. It is <em>not</em> idempotent per target: its target is "a backup started after this run's
 *       request", which no earlier backup meets, so every fresh journal switches WAL and takes another backup.</li>
 *   <li>Its {@code retention-plan} step and {@link #retentionPlan} only read: they act on nothing, whatever the
 *       journal.</li>
 *   <li>Deleting is outside the runbooks: {@link BackupTool#applyRetention} is guarded by the plan's confirmation,
 *       which is bound to what the policy deletes as planned, so applying a (non-empty) plan a second time is refused
 *       before anything is deleted, the policy now deleting something else.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class BackupRunbooks {
  /** The member the backup runs on, bound when the plan is made. */
  public static final Fact<String> MEMBER = Fact.text("backup-member");
  /** When the backup was requested (a backup started at or after it answers the request). */
  public static final Fact<Instant> REQUESTED_AT = Fact.instant("backup-requested-at");
  /** The WAL position {@code pg_switch_wal()} switched at. */
  public static final Fact<Lsn> SWITCHED_AT = Fact.lsn("wal-switched-at");
  /** The label of the backup taken. */
  public static final Fact<String> LABEL = Fact.text("backup-label");
  /** The size in bytes of the database the backup covers. */
  public static final Fact<Long> SIZE = Fact.number("backup-size");
  /** The labels the retention policy would delete. */
  public static final Fact<List<String>> WOULD_DELETE = Fact.texts("retention-would-delete");
  /** The token that confirms that retention plan. */
  public static final Fact<String> RETENTION_TOKEN = Fact.text("retention-token");

  private final PatroniClient client;
  private final BackupTool tool;
  private final @Nullable PostgresConnector pg;
  private final Duration backupTimeout;

  private BackupRunbooks(Builder b) {
    this.client = b.client;
    this.tool = b.tool;
    this.pg = b.pg;
    this.backupTimeout = b.backupTimeout;
  }

  public static Builder builder(PatroniClient client, BackupTool tool) {
    return new Builder(client, tool);
  }

  public BackupTool tool() {
    return tool;
  }

  /** The running leader's name now. */
  public String leader() {
    return client.cluster().findLeader().filter(l -> l.state().isRunning()).map(Member::name)
        .orElseThrow(() -> new StepRefusedException("the cluster has no running leader"));
  }

  /** {@link #onDemandBackup(BackupType, RetentionPolicy)} without the retention plan. */
  public Runbook onDemandBackup(BackupType type) {
    return onDemand(type, null);
  }

  /**
   * On-demand backup on the running leader: {@code pg_switch_wal()} first, so the last writes reach the archive
   * (needs {@link Builder#postgres}); then the backup, done when the tool lists a complete backup started after the
   * request; then {@code retention}'s plan, reported (what would go and its token), nothing deleted. A run resumed
   * after a crash during the backup takes none if a complete backup started after the request is listed.
   */
  public Runbook onDemandBackup(BackupType type, RetentionPolicy retention) {
    return onDemand(type, Objects.requireNonNull(retention, "retention == null"));
  }

  /** What {@code policy} would delete now (read on the leader's host). */
  public RetentionPlan retentionPlan(RetentionPolicy policy) {
    return tool.planRetention(leader(), policy);
  }

  private Runbook onDemand(BackupType type, @Nullable RetentionPolicy retention) {
    Objects.requireNonNull(type, "type == null");
    PostgresConnector connector = Objects.requireNonNull(pg,
        "onDemandBackup switches WAL first: BackupRunbooks.builder(...).postgres(...)");
    Runbook.Builder b = Runbook.named("on-demand-backup")
        .bind(MEMBER, ctx -> leader())
        .step(Steps.named("switch-wal").impact(Impact.CHANGE)
            .decide(ctx -> Decision.needsAction("switch WAL on " + ctx.binding(MEMBER)
                + " so the last writes are archived before the backup", Facts.of(MEMBER, ctx.binding(MEMBER))))
            .act((ctx, intent) -> ctx.note(SWITCHED_AT, switchWal(connector, intent.facts().get(MEMBER))))
            .build())
        .step(Steps.named("backup").impact(Impact.CHANGE)
            .decide(ctx -> Decision.needsAction("take a " + type + " backup on " + ctx.binding(MEMBER) + " with "
                + tool.name(), Facts.of(MEMBER, ctx.binding(MEMBER), REQUESTED_AT,
                    ctx.now().truncatedTo(ChronoUnit.SECONDS))))
            .act((ctx, intent) -> {
              BackupInfo taken = tool.backup(intent.facts().get(MEMBER), type);
              ctx.note(LABEL, taken.label());
            })
            .verify((ctx, intent) -> listed(intent.facts().get(MEMBER), intent.facts().get(REQUESTED_AT))
                .map(d -> (Verification) d)
                .orElseGet(() -> Verification.failed("no complete backup started after "
                    + intent.facts().get(REQUESTED_AT) + " is listed")))
            .afterInterruption((ctx, intent) -> listed(intent.facts().get(MEMBER), intent.facts().get(REQUESTED_AT))
                .map(d -> (Verification) d)
                .orElseGet(() -> Verification.failed("the interrupted backup is not listed complete")))
            .build(), StepPolicy.custom().verifyTimeout(backupTimeout).build());
    if (retention != null) {
      b.step(Steps.named("retention-plan").impact(Impact.NONE)
          .decide(ctx -> {
            RetentionPlan plan = tool.planRetention(ctx.binding(MEMBER), retention);
            return Decision.satisfied(plan.describe() + (plan.isEmpty() ? "" : "; nothing deleted: apply it with "
                + "the token " + plan.confirmationToken()), Facts.of(WOULD_DELETE, plan.deletedLabels(),
                    RETENTION_TOKEN, plan.confirmationToken()));
          })
          .build());
    }
    return b.build();
  }

  private Optional<Verification.Done> listed(String member, Instant requestedAt) {
    return tool.list(member).stream()
        .filter(x -> x.complete() && !x.started().isBefore(requestedAt))
        .reduce((x, y) -> y)
        .map(x -> Verification.done("backup " + x.label() + " is listed complete ("
            + x.size() + " bytes, " + x.duration().toSeconds() + " s)", Facts.of(LABEL, x.label(), SIZE, x.size())));
  }

  private Lsn switchWal(PostgresConnector connector, String member) throws java.sql.SQLException {
    Member m = client.cluster().member(member);
    String host = m.host();
    Integer port = m.port();
    if (host == null || port == null) {
      throw new StepRefusedException(member + " reports no PostgreSQL address to switch WAL on");
    }
    try (Connection c = connector.connect(member, host, port); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_switch_wal()::text")) {
      rs.next();
      return Lsn.parse(rs.getString(1));
    }
  }

  /** Builder for {@link BackupRunbooks}; not thread-safe. */
  public static final class Builder {
    private final PatroniClient client;
    private final BackupTool tool;
    private @Nullable PostgresConnector pg;
    private Duration backupTimeout = Duration.ofHours(6);

    private Builder(PatroniClient client, BackupTool tool) {
      this.client = Objects.requireNonNull(client, "client == null");
      this.tool = Objects.requireNonNull(tool, "tool == null");
    }

    /** SQL access to the members, for {@code pg_switch_wal()}. */
    public Builder postgres(PostgresConnector pg) {
      this.pg = Objects.requireNonNull(pg, "pg == null");
      return this;
    }

    /** How long the listing of a finished backup may take to show it (default 6 hours). */
    public Builder backupTimeout(Duration backupTimeout) {
      if (backupTimeout.isNegative() || backupTimeout.isZero()) {
        throw new IllegalArgumentException("backupTimeout <= 0: " + backupTimeout);
      }
      this.backupTimeout = backupTimeout;
      return this;
    }

    public BackupRunbooks build() {
      return new BackupRunbooks(this);
    }
  }
}
