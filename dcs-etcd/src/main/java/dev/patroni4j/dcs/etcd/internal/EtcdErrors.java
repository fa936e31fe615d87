package dev.patroni4j.dcs.etcd.internal;

import dev.patroni4j.client.PatroniException.Delivery;
import dev.patroni4j.client.dcs.DcsAuthenticationException;
import dev.patroni4j.client.dcs.DcsException;
import dev.patroni4j.client.dcs.DcsTimeoutException;
import dev.patroni4j.client.dcs.DcsUnavailableException;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Maps what jetcd throws (its own {@link EtcdException}s and raw gRPC status exceptions, both happen) onto the
 * typed DCS exceptions.
 */
public final class EtcdErrors {

  private EtcdErrors() {}

  /** The gRPC status code behind {@code failure}, or UNKNOWN. */
  public static Status.Code code(Throwable failure) {
    for (Throwable t = unwrap(failure); t != null; t = t.getCause()) {
      if (t instanceof EtcdException etcd) {
        try {
          return Status.Code.valueOf(etcd.getErrorCode().name());
        } catch (IllegalArgumentException e) {
          return Status.Code.UNKNOWN;
        }
      }
      Status status = Status.fromThrowable(t);
      if (status.getCode() != Status.Code.UNKNOWN) {
        return status.getCode();
      }
    }
    return Status.Code.UNKNOWN;
  }

  /** True if {@code failure} says the requested revision was compacted away. */
  public static boolean isCompacted(Throwable failure) {
    for (Throwable t = unwrap(failure); t != null; t = t.getCause()) {
      if (t instanceof CompactedException
          || (t.getMessage() != null && t.getMessage().contains("required revision has been compacted"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The typed exception for a failed call.
   *
   * @param write true if the call could change the store: then anything but a clear refusal means
   *     {@link Delivery#POSSIBLY_SENT}
   */
  public static DcsException map(Throwable failure, String operation, @Nullable String key, Duration timeout,
      boolean write) {
    Throwable cause = unwrap(failure);
    String detail = describe(cause);
    Status.Code code = code(cause);
    Delivery unsure = write ? Delivery.POSSIBLY_SENT : Delivery.NOT_SENT;
    String where = operation + (key == null ? "" : " " + key);
    return switch (code) {
      case DEADLINE_EXCEEDED -> new DcsTimeoutException(operation, key, timeout, unsure, cause);
      case UNAUTHENTICATED, PERMISSION_DENIED ->
          new DcsAuthenticationException(where + " refused by etcd: " + detail, operation, key, cause);
      case INVALID_ARGUMENT -> detail.contains("authentication failed") || detail.contains("user name is empty")
              || detail.contains("permission denied")
          ? new DcsAuthenticationException(where + " refused by etcd: " + detail, operation, key, cause)
          : new DcsException(where + " failed: " + detail, operation, key, Delivery.ANSWERED, cause);
      case UNAVAILABLE -> new DcsUnavailableException(where + ": etcd unavailable: " + detail, operation, key, unsure,
          cause);
      case CANCELLED, UNKNOWN, INTERNAL, ABORTED, DATA_LOSS, RESOURCE_EXHAUSTED -> brokenConnection(cause)
          // gRPC reports a connection that etcd closed mid-call as UNKNOWN "channel closed": etcd went away.
          ? new DcsUnavailableException(where + ": connection to etcd lost: " + detail, operation, key, unsure, cause)
          : new DcsException(where + " failed: " + detail, operation, key, unsure, cause);
      default -> new DcsException(where + " failed: " + detail, operation, key, Delivery.ANSWERED, cause);
    };
  }

  private static boolean brokenConnection(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof java.io.IOException) {
        return true;
      }
    }
    return false;
  }

  private static String describe(Throwable t) {
    StringBuilder text = new StringBuilder();
    for (Throwable c = t; c != null && text.length() < 400; c = c.getCause()) {
      if (c.getMessage() != null && !text.toString().contains(c.getMessage())) {
        text.append(text.length() == 0 ? "" : " / ").append(c.getMessage());
      }
    }
    return text.length() == 0 ? t.getClass().getSimpleName() : text.toString();
  }

  private static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof ExecutionException || current instanceof CompletionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }
}
