package dev.patroni4j.runbooks;

import dev.patroni4j.client.Confirmable;
import dev.patroni4j.client.Confirmation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One execution's journal: what earlier runs recorded for each step (replayed from the entries read at the start)
 * and the appends of this run, with the step reports it collects. Confined to the runner's thread.
 */
final class JournalReplay {
  /** What the journal says about one step. */
  static final class StepHistory {
    @Nullable JournalEntry terminal;
    Decision.@Nullable NeedsAction intent;
    boolean acted;
  }

  final Plan plan;
  final @Nullable Confirmation confirmation;
  /** What destructive steps are confirmed for, when the runbook names it; null: the cluster's identity. */
  final @Nullable Confirmable confirmationTarget;
  final List<StepReport> reports = new ArrayList<>();
  private final Journal journal;
  private final List<JournalEntry> entries;
  private final java.time.Clock clock;
  private long nextSeq;

  JournalReplay(Plan plan, Journal journal, List<JournalEntry> entries, @Nullable Confirmation confirmation,
      @Nullable Confirmable confirmationTarget, java.time.Clock clock) {
    this.confirmationTarget = confirmationTarget;
    this.plan = plan;
    this.journal = journal;
    this.entries = new ArrayList<>(entries);
    this.confirmation = confirmation;
    this.clock = clock;
    this.nextSeq = entries.stream().mapToLong(JournalEntry::seq).max().orElse(0) + 1;
  }

  StepHistory history(String stepId) {
    StepHistory h = new StepHistory();
    for (JournalEntry e : entries) {
      if (!e.stepId().equals(stepId)) {
        continue;
      }
      switch (e.kind()) {
        case INTENT -> {
          h.intent = new Decision.NeedsAction(e.reason(), e.facts());
          h.acted = false;
        }
        case ACTED -> h.acted = true;
        case COMPLETED, SKIPPED -> h.terminal = e;
        case REFUSED -> {
          h.intent = null; // the cluster said no; nothing to resolve
          h.acted = false;
        }
        case FAILED -> h.acted = false;
        default -> { }
      }
    }
    return h;
  }

  /** Whether the journal holds an intent to act of {@code stepId} (of this run or an earlier one). */
  boolean intended(String stepId) {
    return entries.stream().anyMatch(e -> e.stepId().equals(stepId) && e.kind() == JournalEntry.Kind.INTENT);
  }

  /** The facts journaled with the step's last {@code ACTED} entry (what its action learned), if any. */
  Facts actedFacts(String stepId) {
    Facts f = Facts.of();
    for (JournalEntry e : entries) {
      if (e.stepId().equals(stepId) && e.kind() == JournalEntry.Kind.ACTED) {
        f = e.facts();
      }
    }
    return f;
  }

  void append(String stepId, JournalEntry.Kind kind, String reason, Facts facts, @Nullable String payload) {
    JournalEntry e = new JournalEntry(plan.id(), nextSeq++, clock.instant(), stepId, kind, reason, facts, payload);
    journal.append(e);
    entries.add(e);
  }

  void report(String stepId, StepReport.Outcome outcome, String reason, Facts facts, Instant began) {
    reports.add(new StepReport(stepId, outcome, reason, facts, Duration.between(began, clock.instant())));
  }
}
