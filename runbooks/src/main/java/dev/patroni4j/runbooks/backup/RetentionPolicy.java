package dev.patroni4j.runbooks.backup;

/**
 * How many backups to keep: the {@code keepFull} newest full backups, with every differential and incremental backup
 * that depends on them and the WAL they need ({@code wal-g delete retain FULL 7}, {@code pgbackrest expire
 * --repo1-retention-full=7}).
 *
 * <pre>{@code
 * // given: BackupTool tool;
 * RetentionPlan plan = tool.planRetention("pg1", RetentionPolicy.keepFull(7));
 * }</pre>
 *
 * <p>Immutable.
 *
 * @param keepFull full backups to keep, at least 1
 */
public record RetentionPolicy(int keepFull) {
  public RetentionPolicy {
    if (keepFull < 1) {
      throw new IllegalArgumentException("keepFull < 1: " + keepFull);
    }
  }

  public static RetentionPolicy keepFull(int keepFull) {
    return new RetentionPolicy(keepFull);
  }
}
