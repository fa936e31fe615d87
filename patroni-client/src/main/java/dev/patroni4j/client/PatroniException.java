package dev.patroni4j.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * The root of every exception patroni4j throws: unchecked, with structured fields saying what was
 * attempted and, for a request, whether it reached the server.
 *
 * <p>{@link #delivery()} answers the question that matters before anything is retried: {@link
 * Delivery#NOT_SENT} (safe to retry), {@link Delivery#POSSIBLY_SENT} (a write may have been
 * applied: observe the cluster before acting again), {@link Delivery#ANSWERED} (the server
 * replied; see {@link #statusCode()}), or {@link Delivery#NO_REQUEST} (no request involved, e.g. a
 * lookup in a {@link dev.patroni4j.client.model.ClusterView}).
 *
 * <pre>{@code
 * // given: PatroniClient client;
 * try {
 *   client.switchover(SwitchoverRequest.from("pg1").to("pg2"));
 * } catch (PatroniException e) {
 *   if (e.delivery() == PatroniException.Delivery.POSSIBLY_SENT) {
 *     System.out.println("leader now " + client.cluster().leader().name()); // observe before retrying
 *   }
 * }
 * }</pre>
 *
 * <p>A call that tried several members ({@link PatroniClient#cluster()} and every other call of
 * {@link PatroniClient} that may go to more than one member) fails with one exception whose
 * message names each member tried and why it failed there, and whose {@link #attempts()} holds
 * each member's own typed failure; its {@link #getCause()} is the first of those. When every
 * member failed to parse, it is a {@link PatroniParseException}.
 *
 * <p>Messages, fields and {@code toString()} never contain credentials: targets are rendered
 * without user info, and request bodies are never included. Immutable after construction.
 */
public class PatroniException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** How far a request got before it failed. */
  public enum Delivery {
    /** No request was involved. */
    NO_REQUEST,
    /** The request did not leave this process (connect failed, TLS handshake failed, bad input). */
    NOT_SENT,
    /** The request may have reached the server and may have been applied (timeout, reset after send). */
    POSSIBLY_SENT,
    /** The server answered; the answer was an error or could not be read as expected. */
    ANSWERED
  }

  private final Delivery delivery;
  private final @Nullable String target;
  private final int statusCode;
  private final @Nullable String responseBody;
  private final List<MemberAttempt> attempts;

  /** An error that involved no request. */
  public PatroniException(String message) {
    this(message, null, Delivery.NO_REQUEST, null, -1, null);
  }

  /** An error that involved no request, with its cause. */
  public PatroniException(String message, @Nullable Throwable cause) {
    this(message, cause, Delivery.NO_REQUEST, null, -1, null);
  }

  /**
   * An error with all structured fields.
   *
   * @param message what went wrong, free of secrets
   * @param cause the underlying exception, if any
   * @param delivery how far the request got
   * @param target what was called, e.g. {@code POST https://10.0.0.1:8008/switchover} (no user info)
   * @param statusCode the HTTP status if answered, else -1
   * @param responseBody the (possibly truncated) response body if answered, else null
   */
  public PatroniException(
      String message,
      @Nullable Throwable cause,
      Delivery delivery,
      @Nullable String target,
      int statusCode,
      @Nullable String responseBody) {
    this(message, cause, delivery, target, statusCode, responseBody, List.of());
  }

  /** An error of a call that tried several members; {@code attempts} in the order tried. */
  PatroniException(
      String message,
      @Nullable Throwable cause,
      Delivery delivery,
      @Nullable String target,
      int statusCode,
      @Nullable String responseBody,
      List<MemberAttempt> attempts) {
    super(Objects.requireNonNull(message, "message == null"), cause);
    this.delivery = Objects.requireNonNull(delivery, "delivery == null");
    this.target = target;
    this.statusCode = statusCode;
    this.responseBody = responseBody;
    this.attempts = List.copyOf(attempts);
  }

  /** How far the request got. */
  public Delivery delivery() {
    return delivery;
  }

  /** True unless the request certainly did not reach the server (or there was none). */
  public boolean mayHaveReachedServer() {
    return delivery == Delivery.POSSIBLY_SENT || delivery == Delivery.ANSWERED;
  }

  /** What was called, e.g. {@code GET http://10.0.0.1:8008/cluster}. */
  public Optional<String> target() {
    return Optional.ofNullable(target);
  }

  /** The HTTP status, if the server answered. */
  public OptionalInt statusCode() {
    return statusCode < 0 ? OptionalInt.empty() : OptionalInt.of(statusCode);
  }

  /** The response body (possibly truncated), if the server answered. */
  public Optional<String> responseBody() {
    return Optional.ofNullable(responseBody);
  }

  /**
   * For a call that tried several members, each member tried and how it failed there, in the order
   * tried; empty for a call that went to one member only.
   */
  public List<MemberAttempt> attempts() {
    return attempts;
  }
}
