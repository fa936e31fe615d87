package dev.patroni4j.client.dcs;

import org.jspecify.annotations.Nullable;

/**
 * The store could not be reached or has no leader. {@link #delivery()} says whether a write may have landed.
 */
public class DcsUnavailableException extends DcsException {

  private static final long serialVersionUID = 1L;

  public DcsUnavailableException(
      String message, String operation, @Nullable String key, Delivery delivery, @Nullable Throwable cause) {
    super(message, operation, key, delivery, cause);
  }
}
