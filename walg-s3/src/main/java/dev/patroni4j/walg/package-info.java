/**
 * WAL-G backups on S3, read directly with the AWS SDK v2.
 *
 * <ul>
 *   <li>{@link dev.patroni4j.walg.WalgRepository}: the client. {@code catalog()} lists complete
 *       and incomplete backups with every sentinel field and metadata.json, in WAL-G's orders;
 *       {@code walArchive()} summarises {@code wal_005/} per timeline; {@code verifyIntegrity(...)}
 *       reports what {@code wal-verify integrity} would; {@code planRetention(...)} computes the
 *       exact keys {@code wal-g delete ... --confirm} would delete, and {@code delete(plan, confirmation)}
 *       deletes exactly those, only with the plan's {@link dev.patroni4j.client.Confirmation}.
 *   <li>{@link dev.patroni4j.walg.WalgS3Settings}: endpoint, region, path style, credentials,
 *       server-side encryption, from WAL-G's own configuration keys or file.
 *   <li>{@link dev.patroni4j.walg.cli}: driving the {@code wal-g} executable; its {@code delete}
 *       takes the same {@link dev.patroni4j.client.Confirmation}, of the {@code DeleteDryRun} wal-g
 *       reported.
 *   <li>{@link dev.patroni4j.walg.patroni}: Patroni configuration for WAL-G.
 * </ul>
 *
 * <pre>{@code
 * WalgS3Settings settings = WalgS3Settings.fromWalgConfigFile(Path.of("/etc/wal-g/walg.json"));
 * try (WalgRepository repo = WalgRepository.builder(settings).build()) {
 *   BackupCatalog catalog = repo.catalog();
 *   WalArchive wal = repo.walArchive();
 *   catalog.backups().forEach(b -> System.out.println(b.name() + " complete WAL: " + wal.check(b).isComplete()));
 *   DeletionPlan plan = repo.planRetention(RetentionPolicy.retain(RetentionPolicy.Modifier.FULL, 7));
 *   System.out.println(plan.keys().size() + " keys would go; confirm with " + plan.confirmationToken());
 * }
 * }</pre>
 */
@NullMarked
package dev.patroni4j.walg;

import org.jspecify.annotations.NullMarked;
