/**
 * Backups of a Patroni cluster: the {@link dev.patroni4j.runbooks.backup.BackupTool} SPI (take, list, retention as a
 * plan, restore to a target, the settings Patroni needs, archive continuity), its pgBackRest implementation ({@link
 * dev.patroni4j.runbooks.backup.PgBackRest}) and the backup runbooks ({@link
 * dev.patroni4j.runbooks.backup.BackupRunbooks}: on-demand backup) and the restore drill ({@link
 * dev.patroni4j.runbooks.backup.RestoreDrill}).
 */
@NullMarked
package dev.patroni4j.runbooks.backup;

import org.jspecify.annotations.NullMarked;
