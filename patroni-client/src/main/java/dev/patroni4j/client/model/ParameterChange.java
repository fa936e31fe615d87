package dev.patroni4j.client.model;

import java.util.Objects;

/**
 * One entry of {@code pending_restart_reason} (3.3.0+): a PostgreSQL setting whose new value needs a
 * restart, with the value in effect and the value waiting.
 *
 * <pre>{@code
 * // given: Member member;
 * ParameterChange c = member.pendingRestartReason().get("max_connections");
 * c.oldValue(); // "100"
 * c.newValue(); // "101"
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param oldValue the value PostgreSQL runs with, as text
 * @param newValue the value it will run with after a restart, as text
 */
public record ParameterChange(String oldValue, String newValue) {
  public ParameterChange {
    Objects.requireNonNull(oldValue, "oldValue == null");
    Objects.requireNonNull(newValue, "newValue == null");
  }
}
