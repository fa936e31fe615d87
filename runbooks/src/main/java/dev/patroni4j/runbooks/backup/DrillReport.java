package dev.patroni4j.runbooks.backup;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link RestoreDrill} found: which backup it restored, how long restoring, recovering and checking took, the
 * sizes, whether {@code pg_dumpall} read every table, how many B-tree indexes {@code amcheck} checked and each one
 * that failed, named by database and index, and whether the throwaway instance was removed.
 *
 * <pre>{@code
 * // given: RestoreDrill drill;
 * DrillReport report = drill.run(RestoreRequest.latestBackup());
 * if (!report.passed()) {
 *   report.failures().forEach(f -> System.err.println(f.database() + "." + f.index() + ": " + f.error()));
 * }
 * }</pre>
 *
 * <p>Immutable.
 *
 * @param backup the label of the backup restored
 * @param backupPageErrors whether the tool reported page checksum errors when it took the backup
 * @param restoreTime how long the tool took to restore the data directory
 * @param recoveryTime how long PostgreSQL took to recover to the target and promote
 * @param checkTime how long {@code pg_dumpall} and {@code amcheck} took
 * @param backupSize bytes of the database the backup covers, as the tool lists it
 * @param restoredSize bytes of the restored databases ({@code pg_database_size} summed)
 * @param databases the databases checked
 * @param indexesChecked B-tree indexes {@code amcheck} checked
 * @param dumpError what {@code pg_dumpall} reported when it failed, empty when it read everything
 * @param failures each index that failed its check (or each database that could not be checked)
 * @param removed whether the throwaway instance and its directory are gone
 */
public record DrillReport(String backup, boolean backupPageErrors, Duration restoreTime, Duration recoveryTime,
    Duration checkTime, long backupSize, long restoredSize, List<String> databases, int indexesChecked,
    String dumpError, List<IndexFailure> failures, boolean removed) {
  public DrillReport {
    Objects.requireNonNull(backup, "backup == null");
    databases = List.copyOf(databases);
    failures = List.copyOf(failures);
    Objects.requireNonNull(dumpError, "dumpError == null");
  }

  /** The dump read everything, every index passed, and the instance is gone. */
  public boolean passed() {
    return dumpError.isEmpty() && failures.isEmpty() && removed && indexesChecked > 0;
  }

  /** A human-readable report: times, sizes, failures. */
  public String describe() {
    StringBuilder sb = new StringBuilder("restore drill of backup " + backup + (passed() ? ": passed" : ": FAILED")
        + "\n  restore " + restoreTime.toMillis() + " ms, recovery " + recoveryTime.toMillis() + " ms, checks "
        + checkTime.toMillis() + " ms\n  backup " + backupSize + " bytes, restored databases " + restoredSize
        + " bytes\n  databases " + databases + ", B-tree indexes checked " + indexesChecked
        + "\n  pg_dumpall " + (dumpError.isEmpty() ? "read everything" : "failed: " + dumpError)
        + (backupPageErrors ? "\n  the tool reported page checksum errors when it took the backup" : "")
        + "\n  throwaway instance " + (removed ? "removed" : "NOT removed"));
    for (IndexFailure f : failures) {
      sb.append("\n  FAILED ").append(f.database()).append(": ").append(f.schema()).append('.').append(f.index())
          .append(": ").append(f.error());
    }
    return sb.toString();
  }

  /**
   * One index whose {@code amcheck} failed (or, with an empty index, a database that could not be checked).
   *
   * @param database the database
   * @param schema the index's schema
   * @param index the index
   * @param error what amcheck (or PostgreSQL reading the index) reported
   */
  public record IndexFailure(String database, String schema, String index, String error) {
    public IndexFailure {
      Objects.requireNonNull(database, "database == null");
      Objects.requireNonNull(schema, "schema == null");
      Objects.requireNonNull(index, "index == null");
      Objects.requireNonNull(error, "error == null");
    }
  }
}
