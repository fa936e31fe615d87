package dev.patroni4j.client.dcs;

import org.jspecify.annotations.Nullable;

/**
 * The store refused the client's credentials, or the user lacks permission for the key. Nothing was changed. The
 * message never contains the password.
 */
public class DcsAuthenticationException extends DcsException {

  private static final long serialVersionUID = 1L;

  public DcsAuthenticationException(String message, String operation, @Nullable String key, @Nullable Throwable cause) {
    super(message, operation, key, Delivery.ANSWERED, cause);
  }
}
