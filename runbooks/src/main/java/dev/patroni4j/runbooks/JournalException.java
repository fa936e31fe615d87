package dev.patroni4j.runbooks;

/**
 * The journal could not be read or written, or it belongs to a different runbook or cluster. A runbook never acts
 * when its intent cannot be journaled first.
 *
 * <p>Thread-safety: immutable.
 */
public final class JournalException extends RunbookException {
  private static final long serialVersionUID = 1L;

  public JournalException(String message) {
    super(message);
  }

  public JournalException(String message, Throwable cause) {
    super(message, cause);
  }
}
