package dev.patroni4j.client.dcs.spi;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/** The argument checks the DCS client builders share, with the same messages. Stateless and thread-safe. */
public final class BuilderChecks {

  private BuilderChecks() {}

  /** An {@code http://} or {@code https://} endpoint. */
  public static URI httpEndpoint(URI endpoint) {
    Objects.requireNonNull(endpoint, "endpoint == null");
    if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())) {
      throw new IllegalArgumentException("endpoint must be http:// or https://, got " + endpoint);
    }
    return endpoint;
  }

  /** A duration above zero, named {@code name} in the error. */
  public static Duration positive(Duration value, String name) {
    Objects.requireNonNull(value, name + " == null");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " <= 0");
    }
    return value;
  }

  /** A read backoff: both durations above zero and {@code max} not below {@code initial}. */
  public static void backoff(Duration initial, Duration max) {
    positive(initial, "initial");
    positive(max, "max");
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("max < initial");
    }
  }
}
