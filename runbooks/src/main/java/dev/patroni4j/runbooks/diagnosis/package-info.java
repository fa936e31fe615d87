/**
 * Diagnosis: the field's known Patroni problems recognised from observation. {@link
 * dev.patroni4j.runbooks.diagnosis.ClusterDiagnostics} reads a cluster (REST, and where configured the DCS and SQL)
 * without changing it and returns typed {@link dev.patroni4j.runbooks.diagnosis.Finding}s: which {@link
 * dev.patroni4j.runbooks.diagnosis.Problem}, where, the {@link dev.patroni4j.runbooks.diagnosis.Evidence} observed,
 * and the {@link dev.patroni4j.runbooks.diagnosis.Remedy} (a catalogue runbook, or a manual step) that fixes it.
 */
@NullMarked
package dev.patroni4j.runbooks.diagnosis;

import org.jspecify.annotations.NullMarked;
