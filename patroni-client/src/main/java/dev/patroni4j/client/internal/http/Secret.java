package dev.patroni4j.client.internal.http;

import java.util.Objects;

/** A credential that never shows in {@code toString()}, logs or exceptions. */
public final class Secret {
  private final String value;

  public Secret(String value) {
    this.value = Objects.requireNonNull(value, "value == null");
  }

  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "***";
  }
}
