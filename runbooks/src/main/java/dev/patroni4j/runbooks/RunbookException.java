package dev.patroni4j.runbooks;

import dev.patroni4j.client.PatroniException;

/**
 * Root of the runbook engine's unchecked exceptions, under patroni4j's {@link PatroniException}. Each subtype carries the structured fields a caller needs to
 * decide what to do next; messages never contain secrets.
 *
 * <p>Thread-safety: immutable.
 */
public class RunbookException extends PatroniException {
  private static final long serialVersionUID = 1L;

  public RunbookException(String message) {
    super(message);
  }

  public RunbookException(String message, Throwable cause) {
    super(message, cause);
  }
}
