package dev.patroni4j.walg;

/**
 * Root of every exception this module throws. Unchecked; subtypes carry structured fields (the
 * S3 key, the exit code, the command) so callers can react without parsing messages.
 *
 * <p>Messages never contain secrets: credentials, SSE-C keys and encryption keys are never part of
 * a key, a command line or captured output that ends up here.
 */
public abstract class WalgException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected WalgException(String message) {
    super(message);
  }

  protected WalgException(String message, Throwable cause) {
    super(message, cause);
  }
}
