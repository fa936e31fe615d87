package dev.patroni4j.client.dcs;

import dev.patroni4j.client.PatroniException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A DCS call failed. Says which operation on which key failed and, through {@link #delivery()}, whether the store
 * may have applied it ({@link PatroniException.Delivery#POSSIBLY_SENT}: observe before writing again).
 *
 * <p>Subtypes say who can fix it: {@link DcsAuthenticationException} (credentials, permissions),
 * {@link DcsTimeoutException} (the store did not answer in time), {@link DcsUnavailableException} (the store could
 * not be reached). A removal whose confirmation does not match throws {@link
 * dev.patroni4j.client.ConfirmationRefusedException}, as every destructive action of patroni4j does.
 */
public class DcsException extends PatroniException {

  private static final long serialVersionUID = 1L;

  private final String operation;
  private final @Nullable String key;

  /**
   * @param message what went wrong, free of secrets
   * @param operation the operation, e.g. {@code "snapshot"}
   * @param key the key or key prefix concerned, if any
   * @param delivery how far the request got
   * @param cause the underlying exception, if any
   */
  public DcsException(
      String message, String operation, @Nullable String key, Delivery delivery, @Nullable Throwable cause) {
    super(message, cause, delivery, operation + (key == null ? "" : " " + key), -1, null);
    this.operation = Objects.requireNonNull(operation, "operation == null");
    this.key = key;
  }

  /** The operation that failed, e.g. {@code "snapshot"} or {@code "setConfig"}. */
  public String operation() {
    return operation;
  }

  /** The key (or key prefix) the operation was about, if any. */
  public @Nullable String key() {
    return key;
  }
}
