/**
 * WAL-G as a runbooks {@link dev.patroni4j.runbooks.backup.BackupTool}: {@link
 * dev.patroni4j.runbooks.walg.WalgBackupTool} drives walg-s3's {@link dev.patroni4j.walg.cli.WalgCli} and its
 * Patroni settings. The bridge is its own module so that walg-s3 users pull no JDBC driver and runbooks users no
 * AWS SDK.
 */
@NullMarked
package dev.patroni4j.runbooks.walg;

import org.jspecify.annotations.NullMarked;
