package dev.patroni4j.runbooks.backup;

import dev.patroni4j.client.Confirmation;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A backup tool (pgBackRest, WAL-G) as the backup runbooks use it: every method runs the tool on a member's host
 * through the runbooks' {@link dev.patroni4j.runbooks.host.HostActions} (so it works over ssh), parses what the tool
 * prints into typed values and fails with {@link BackupToolException}. Repository credentials stay in the tool's own
 * configuration on the host; an implementation never puts them on a command line, in a log or in an exception.
 *
 * <p>Implementations: {@link PgBackRest}; WAL-G through the walg-s3 bridge.
 *
 * <pre>{@code
 * import dev.patroni4j.client.Confirmation;
 * // given: BackupTool tool; String typed;
 * BackupInfo taken = tool.backup("pg1", BackupType.FULL);          // on the leader, done when listed complete
 * List<BackupInfo> all = tool.list("pg1");
 * RetentionPlan plan = tool.planRetention("pg1", RetentionPolicy.keepFull(7));
 * tool.applyRetention("pg1", plan, Confirmation.of(typed));        // only with plan.confirmationToken()
 * ArchiveCheck archive = tool.checkArchive("pg1");
 * }</pre>
 *
 * <p>Thread-safety: implementations must be thread-safe.
 */
public interface BackupTool {
  /** The tool's name for messages and journals ({@code pgbackrest}, {@code wal-g}). */
  String name();

  /** The repository's name in plans and tokens, e.g. {@code pgbackrest:demo}. */
  String repository();

  /**
   * Takes a backup of the PostgreSQL running on {@code member} (the leader, or a replica where the tool allows it)
   * and returns it once the tool lists it complete.
   *
   * @throws BackupToolException if the tool fails or lists no new complete backup afterwards
   */
  BackupInfo backup(String member, BackupType type);

  /** The backups of the repository, oldest first, read on {@code member}'s host. */
  List<BackupInfo> list(String member);

  /** The newest complete backup, if any. */
  default Optional<BackupInfo> latest(String member) {
    List<BackupInfo> all = list(member);
    for (int i = all.size() - 1; i >= 0; i--) {
      if (all.get(i).complete()) {
        return Optional.of(all.get(i));
      }
    }
    return Optional.empty();
  }

  /** What {@code policy} would delete now, without deleting anything. */
  RetentionPlan planRetention(String member, RetentionPolicy policy);

  /**
   * Deletes what {@code plan} says, and nothing else.
   *
   * @throws dev.patroni4j.client.ConfirmationRefusedException before anything is deleted, unless {@code
   *     confirmation} confirms {@code plan}, and when the policy would now delete something other than the plan
   *     says (a backup was taken or deleted since)
   */
  void applyRetention(String member, RetentionPlan plan, Confirmation confirmation);

  /**
   * Restores a backup into {@code dataDirectory} on {@code member}'s host, which must be empty or absent, and writes
   * the recovery settings for {@code request} (target, timeline, promote or pause, archiving); starting PostgreSQL on
   * it is the caller's.
   */
  void restore(String member, Path dataDirectory, RestoreRequest request);

  /** {@code archive_command} and {@code restore_command} for Patroni's configuration. */
  ArchiveSettings archiveSettings();

  /**
   * A Patroni replica-creation method for {@code member}'s configuration that restores the latest backup and then
   * streams ({@code create_replica_methods}).
   */
  PatroniMethod replicaMethod(String member);

  /**
   * A Patroni bootstrap method for {@code member}'s configuration that creates the cluster from a backup, recovered
   * as {@code request} says ({@code bootstrap.method}).
   */
  PatroniMethod bootstrapMethod(String member, RestoreRequest request);

  /**
   * Checks the WAL archive: the tool's live check through {@code archive_command} on {@code member} (the leader), and
   * that no segment is missing between the oldest backup's start and the newest archived segment.
   */
  ArchiveCheck checkArchive(String member);
}
