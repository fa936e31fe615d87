package dev.patroni4j.walg;

import dev.patroni4j.client.PatroniException;
import org.jspecify.annotations.Nullable;

/**
 * Root of every exception this module throws; a {@link PatroniException}, so callers can catch
 * patroni4j's errors in one place. Subtypes carry structured fields (the S3 key, the exit code,
 * the command) so callers can react without parsing messages.
 *
 * <p>Messages never contain secrets: credentials, SSE-C keys and encryption keys are never part of
 * a key, a command line or captured output that ends up here.
 */
public abstract class WalgException extends PatroniException {
  private static final long serialVersionUID = 1L;

  protected WalgException(String message) {
    super(message);
  }

  protected WalgException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  protected WalgException(String message, @Nullable Throwable cause, Delivery delivery, @Nullable String target) {
    super(message, cause, delivery, target, -1, null);
  }
}
