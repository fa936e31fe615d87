package dev.patroni4j.runbooks;

import java.util.List;

/**
 * Durable record of one run: its plan, each step's intent before it acts and outcome after. Running a runbook again
 * with the same journal resumes where the previous run stopped.
 *
 * <pre>{@code
 * // given: RunbookRunner runner; Runbook runbook;
 * Journal journal = FileJournal.at(Path.of("/var/lib/ops/switchover-2026-11-22.jsonl"));
 * RunbookResult r = runner.execute(runbook, journal);
 * }</pre>
 *
 * <p>Implementations: {@link FileJournal} (default), {@link PostgresJournal}. An {@link #append} must be durable when
 * it returns; a torn final record (crash mid-write) must be ignored by {@link #read}. Thread-safety: implementations
 * must be thread-safe; one run appends at a time (the cluster lease ensures it).
 */
public interface Journal {
  /** All entries in append order; empty for a new journal. Throws {@link JournalException} when unreadable. */
  List<JournalEntry> read();

  /** Appends durably; throws {@link JournalException} when the entry could not be made durable. */
  void append(JournalEntry entry);
}
