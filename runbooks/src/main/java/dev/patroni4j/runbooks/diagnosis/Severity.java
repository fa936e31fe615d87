package dev.patroni4j.runbooks.diagnosis;

/**
 * How urgent a {@link Finding} is.
 *
 * <pre>{@code
 * // given: Diagnosis diagnosis;
 * boolean page = diagnosis.findings().stream().anyMatch(f -> f.severity() == Severity.CRITICAL);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public enum Severity {
  /** The cluster does not serve, or will not survive the next failure: act now. */
  CRITICAL,
  /** Something is wrong or degraded; the cluster still serves. */
  WARNING,
  /** A state an operator should know of (maintenance mode, a migration in progress). */
  NOTICE
}
