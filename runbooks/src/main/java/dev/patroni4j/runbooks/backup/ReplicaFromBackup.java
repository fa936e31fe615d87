package dev.patroni4j.runbooks.backup;

import dev.patroni4j.client.model.Member;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Fact;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.Impact;
import dev.patroni4j.runbooks.Runbook;
import dev.patroni4j.runbooks.Steps;
import dev.patroni4j.runbooks.catalogue.AddReplicaOptions;
import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
import dev.patroni4j.runbooks.host.HostActions;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Adding a replica from a backup (the seed procedure's "add a node from the backup"): the new member's Patroni creates
 * its data directory with the backup tool's replica method ({@code postgresql.create_replica_methods} naming {@link
 * BackupTool#replicaMethod} alone, no {@code basebackup} after it, so a member that cannot restore fails instead of
 * quietly copying the database from the leader), then streams from the leader. Steps: {@code backup-listed[member]}
 * (the repository lists a complete backup; blocked before anything is written otherwise), the steps of {@link
 * PatroniRunbooks#addReplica} (done when the member streams from the leader on its timeline), and {@code
 * restored-from-backup[member]}, which reads the label of the base backup the member started from ({@code
 * backup_label.old} in its data directory) and fails the run when it is {@code pg_basebackup}'s.
 *
 * <pre>{@code
 * import dev.patroni4j.runbooks.Journal;
 * import dev.patroni4j.runbooks.RunbookResult;
 * import dev.patroni4j.runbooks.RunbookRunner;
 * import dev.patroni4j.runbooks.catalogue.AddReplicaOptions;
 * import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
 * import dev.patroni4j.runbooks.host.HostActions;
 * // given: PatroniRunbooks catalogue; BackupTool tool; HostActions hosts; AddReplicaOptions.Builder options;
 * // given: RunbookRunner runner; Journal journal;
 * RunbookResult r = runner.execute(ReplicaFromBackup.runbook(catalogue, tool, hosts, options), journal);
 * }</pre>
 *
 * <p>Idempotent as {@link PatroniRunbooks#addReplica} is. Stateless and thread-safe.
 */
public final class ReplicaFromBackup {
  /** The newest complete backup listed when the run was planned. */
  public static final Fact<String> BACKUP = Fact.text("replica-backup");
  /** The label of the base backup the member's data directory was made from (its {@code backup_label}). */
  public static final Fact<String> STARTED_FROM = Fact.text("replica-started-from");

  private static final Pattern LABEL = Pattern.compile("^LABEL: (.+)$", Pattern.MULTILINE);

  private ReplicaFromBackup() {}

  /**
   * The runbook for the member {@code options} describe; {@code options} get the backup tool's replica method as
   * the only {@code create_replica_methods}.
   *
   * @throws IllegalStateException when {@code catalogue} has no host actions
   */
  public static Runbook runbook(PatroniRunbooks catalogue, BackupTool tool, HostActions hosts,
      AddReplicaOptions.Builder options) {
    Objects.requireNonNull(catalogue, "catalogue == null");
    Objects.requireNonNull(tool, "tool == null");
    Objects.requireNonNull(hosts, "hosts == null");
    AddReplicaOptions probe = options.build();
    String member = probe.member();
    PatroniMethod method = tool.replicaMethod(member);
    AddReplicaOptions o = options.setting("postgresql.create_replica_methods", List.of(method.name()))
        .setting("postgresql." + method.name(), method.settings()).build();
    Path dir = o.dataDirectory();
    return Runbook.named("add-replica-from-backup")
        .step(Steps.named("backup-listed[" + member + "]").impact(Impact.NONE)
            .decide(ctx -> {
              Optional<String> leader = catalogue.client().cluster().findLeader().filter(m -> m.state().isRunning())
                  .map(Member::name);
              if (leader.isEmpty()) {
                return Decision.blocked("the cluster has no running leader to read " + tool.repository() + " on");
              }
              return tool.latest(leader.get())
                  .map(b -> (Decision) Decision.satisfied(tool.repository() + " lists complete backup " + b.label()
                      + " for " + member + " to restore", Facts.of(BACKUP, b.label())))
                  .orElseGet(() -> Decision.blocked(tool.repository() + " lists no complete backup for " + member
                      + " to restore: take one first"));
            })
            .build())
        .include(catalogue.addReplica(o))
        .step(Steps.named("restored-from-backup[" + member + "]").impact(Impact.NONE)
            .decide(ctx -> {
              Optional<String> label = label(hosts, member, dir.resolve("backup_label.old"))
                  .or(() -> label(hosts, member, dir.resolve("backup_label")));
              if (label.isEmpty()) {
                return Decision.blocked("no backup_label in " + dir + " on " + member
                    + ": cannot tell what its data directory was made from");
              }
              if (label.get().startsWith("pg_basebackup")) {
                return Decision.blocked(member + " was cloned with pg_basebackup ('" + label.get() + "'), not "
                    + "restored by " + tool.name(), Facts.of(STARTED_FROM, label.get()));
              }
              return Decision.satisfied(member + " started from '" + label.get() + "'",
                  Facts.of(STARTED_FROM, label.get()));
            })
            .build())
        .build();
  }

  private static Optional<String> label(HostActions hosts, String member, Path file) {
    return hosts.readFile(member, file).flatMap(text -> {
      Matcher m = LABEL.matcher(text);
      return m.find() ? Optional.of(m.group(1).strip()) : Optional.empty();
    });
  }
}
