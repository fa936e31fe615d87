/**
 * The runbook engine: idempotent (per journal: a resumed run never repeats a visible action; per target: a step whose
 * goal holds does nothing), journaled, resumable {@link dev.patroni4j.runbooks.Step}s composed into immutable
 * {@link dev.patroni4j.runbooks.Runbook}s, planned and executed by a {@link dev.patroni4j.runbooks.RunbookRunner}.
 *
 * <pre>{@code
 * import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
 * import dev.patroni4j.runbooks.catalogue.SwitchoverOptions;
 * // given: PatroniRunbooks catalogue; RunbookRunner runner; Path drainFlag; Path path;
 * Runbook rb = Runbook.named("drain-then-switch")
 *     .step(Steps.named("drain").impact(Impact.CHANGE)
 *         .decide(ctx -> Files.exists(drainFlag) ? Decision.satisfied("draining") : Decision.needsAction("in service"))
 *         .act((ctx, intent) -> Files.createFile(drainFlag))
 *         .verify((ctx, intent) -> Files.exists(drainFlag) ? Verification.done("draining") : Verification.pending("not yet"))
 *         .build())
 *     .include(catalogue.plannedSwitchover(SwitchoverOptions.defaults()))
 *     .build();
 * Plan plan = runner.plan(rb);                                  // what would act, and why; JSON-serialisable
 * RunbookResult r = runner.execute(rb, FileJournal.at(path));   // same journal again = resume
 * }</pre>
 *
 * <p>Each step observes, decides (satisfied / needs action / blocked), journals its intent with the typed {@link
 * dev.patroni4j.runbooks.Fact}s it decided on, acts at most once and verifies with a deadline (through patroni4j's
 * one deadline loop, {@link dev.patroni4j.client.Waiter}, timing out into {@link
 * dev.patroni4j.client.PatroniWaitTimeoutException}); destructive steps need a {@link
 * dev.patroni4j.client.Confirmation} of the cluster ({@link
 * dev.patroni4j.runbooks.ClusterIdentity#confirmationToken()}); one mutating run per cluster holds a {@link
 * dev.patroni4j.runbooks.ClusterLease}; progress is a stream of {@link dev.patroni4j.runbooks.RunbookEvent}s. The
 * Patroni runbooks live in {@link dev.patroni4j.runbooks.catalogue}, host actions in {@link
 * dev.patroni4j.runbooks.host}.
 */
@NullMarked
package dev.patroni4j.runbooks;

import org.jspecify.annotations.NullMarked;
