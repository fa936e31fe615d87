package dev.patroni4j.client;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A document from Patroni (or the DCS) that could not be read: not JSON, truncated, or a field of
 * the wrong type. {@link #path()} says where, as a JSON path like {@code $.members[2].timeline}.
 *
 * <p>A read of {@link PatroniClient} that tried several members throws this type when every member
 * answered something unreadable (with one member tried: whenever its answer was); when only some did, it throws
 * a {@link PatroniException} whose {@link PatroniException#attempts() attempts} hold each member's
 * failure, the unreadable answers among them as this type:
 *
 * <pre>{@code
 * // given: PatroniClient client;
 * try {
 *   client.cluster();
 * } catch (PatroniParseException e) {
 *   System.err.println("bad /cluster at " + e.path() + ": " + e.getMessage());
 * } catch (PatroniException e) {
 *   e.attempts().stream()
 *       .filter(attempt -> attempt.failure() instanceof PatroniParseException)
 *       .forEach(attempt -> System.err.println(attempt.member() + " answered garbage"));
 * }
 * }</pre>
 *
 * <p>Immutable.
 */
public class PatroniParseException extends PatroniException {
  private static final long serialVersionUID = 1L;

  private final String path;

  /** A parse error with no request context (e.g. a DCS value), at {@code path}. */
  public PatroniParseException(String message, String path, @Nullable Throwable cause) {
    this(message, path, cause, Delivery.NO_REQUEST, null, -1, null);
  }

  /** A parse error in a response: the server answered {@code statusCode} to {@code target}. */
  public PatroniParseException(
      String message,
      String path,
      @Nullable Throwable cause,
      Delivery delivery,
      @Nullable String target,
      int statusCode,
      @Nullable String responseBody) {
    this(message, path, cause, delivery, target, statusCode, responseBody, List.of());
  }

  /** Every member tried answered something unreadable: {@code attempts} in the order tried. */
  PatroniParseException(
      String message,
      String path,
      @Nullable Throwable cause,
      Delivery delivery,
      @Nullable String target,
      int statusCode,
      @Nullable String responseBody,
      List<MemberAttempt> attempts) {
    super(message, cause, delivery, target, statusCode, responseBody, attempts);
    this.path = path;
  }

  /** Where in the document the problem is, e.g. {@code $.members[2].timeline}; {@code $} for the whole. */
  public String path() {
    return path;
  }
}
