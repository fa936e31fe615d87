package dev.patroni4j.runbooks;

/**
 * Root of the runbook engine's unchecked exceptions. Each subtype carries the structured fields a caller needs to
 * decide what to do next; messages never contain secrets.
 *
 * <p>Thread-safety: immutable.
 */
public class RunbookException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RunbookException(String message) {
    super(message);
  }

  public RunbookException(String message, Throwable cause) {
    super(message, cause);
  }
}
