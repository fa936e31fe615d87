package dev.patroni4j.client.dcs;

import dev.patroni4j.client.PatroniException.Delivery;
import org.jspecify.annotations.Nullable;

/**
 * A {@link DcsLease} is no longer held: it expired, was released, or its key was removed or taken by another holder.
 * Whatever the lease protected must stop.
 */
public class DcsLeaseLostException extends DcsException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what was found instead of the lease
   * @param operation the operation that found out, e.g. {@code "renewLease"}
   * @param key the lease's key
   * @param cause the store's answer, if it came as an exception
   */
  public DcsLeaseLostException(String message, String operation, String key, @Nullable Throwable cause) {
    super(message, operation, key, Delivery.ANSWERED, cause);
  }
}
