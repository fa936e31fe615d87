package dev.patroni4j.walg;

/**
 * An S3 request failed (network, permission, throttling). Read-only operations may simply be
 * repeated; for a failed delete, {@link #key()} names the object and the operation may have been
 * partly applied: observe the repository again before deciding anything.
 */
public final class WalgStorageException extends WalgException {
  private static final long serialVersionUID = 1L;
  private final String operation;
  private final String key;

  public WalgStorageException(String operation, String key, Throwable cause) {
    super(operation + " failed for s3 key '" + key + "': " + cause.getMessage(), cause,
        Delivery.POSSIBLY_SENT, operation + " " + key);
    this.operation = operation;
    this.key = key;
  }

  /** The S3 operation, e.g. {@code ListObjectsV2}, {@code GetObject}, {@code DeleteObjects}. */
  public String operation() {
    return operation;
  }

  /** The full S3 key or prefix the operation was about. */
  public String key() {
    return key;
  }
}
