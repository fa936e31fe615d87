/**
 * The runbook engine: idempotent, journaled, resumable {@link dev.patroni4j.runbooks.Step}s composed into immutable
 * {@link dev.patroni4j.runbooks.Runbook}s, planned and executed by a {@link dev.patroni4j.runbooks.RunbookRunner}.
 *
 * <pre>{@code
 * Runbook rb = Runbook.named("drain-then-switch")
 *     .step(Steps.named("drain").impact(Impact.CHANGE).decide(...).act(...).verify(...).build())
 *     .include(catalogue.plannedSwitchover(SwitchoverOptions.defaults()))
 *     .build();
 * Plan plan = runner.plan(rb);                                  // what would act, and why; JSON-serialisable
 * RunbookResult r = runner.execute(rb, FileJournal.at(path));   // same journal again = resume
 * }</pre>
 *
 * <p>Each step observes, decides (satisfied / needs action / blocked), journals its intent with the facts it decided
 * on, acts at most once and verifies with a deadline; destructive steps need a {@link
 * dev.patroni4j.runbooks.ConfirmationToken}; one mutating run per cluster holds a {@link
 * dev.patroni4j.runbooks.ClusterLease}; progress is a stream of {@link dev.patroni4j.runbooks.RunbookEvent}s. The
 * Patroni runbooks live in {@link dev.patroni4j.runbooks.catalogue}, host actions in {@link
 * dev.patroni4j.runbooks.host}.
 */
@NullMarked
package dev.patroni4j.runbooks;

import org.jspecify.annotations.NullMarked;
