package dev.patroni4j.runbooks.backup;

/**
 * What a backup copies: everything, or what changed since the last full ({@link #DIFFERENTIAL}) or since the last
 * backup of any type ({@link #INCREMENTAL}); WAL-G calls the last two delta backups.
 *
 * <pre>{@code
 * // given: BackupTool tool;
 * BackupInfo full = tool.backup("pg1", BackupType.FULL);
 * }</pre>
 */
public enum BackupType {
  FULL,
  DIFFERENTIAL,
  INCREMENTAL
}
