package dev.patroni4j.runbooks;

/**
 * Stored plan or journal JSON could not be read: says which field was missing or malformed.
 *
 * <p>Thread-safety: immutable.
 */
public final class PlanFormatException extends RunbookException {
  private static final long serialVersionUID = 1L;

  public PlanFormatException(String message) {
    super(message);
  }

  public PlanFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
