package dev.patroni4j.config;

/**
 * The root of the unchecked exceptions this module throws. Messages never contain secrets: values
 * of secret keys ({@code password}, {@code token}, ...) are replaced by {@code ******} before any
 * message is built.
 *
 * <pre>{@code
 * // given: String text;
 * try {
 *   PatroniConfig.parse(text);
 * } catch (PatroniConfigException e) {
 *   System.err.println(e.getMessage());
 * }
 * }</pre>
 *
 * <p>Immutable after construction; safe to share between threads.
 */
public class PatroniConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An error with a message that says what went wrong and where. */
  public PatroniConfigException(String message) {
    super(message);
  }

  /** An error with a message and the cause that was caught. */
  public PatroniConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
