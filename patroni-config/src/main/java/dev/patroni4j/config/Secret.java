package dev.patroni4j.config;

import java.util.Objects;

/**
 * A secret value of the configuration (a password, a token, a key pass phrase). Its {@code
 * toString()} is {@code ******}, so secrets cannot leak into logs, exceptions or the {@code
 * toString()} of the records that carry them; {@link #reveal()} is the one way to read it.
 *
 * <pre>{@code
 * Secret password = Secret.of("s3cr3t");
 * String forTheDriver = password.reveal();
 * }</pre>
 *
 * <p>Immutable; safe to share between threads.
 */
public final class Secret {
  /** What every secret prints as. */
  public static final String REDACTED = "******";

  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /** A secret holding {@code value}. */
  public static Secret of(String value) {
    return new Secret(value);
  }

  /** The secret itself. Do not log it. */
  public String reveal() {
    return value;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Secret s && s.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return REDACTED;
  }
}
