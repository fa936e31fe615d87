package dev.patroni4j.client.model;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * The cluster-wide dynamic configuration: the {@code config} DCS key, {@code GET /config}.
 *
 * <p>The document is kept whole as nested plain Java values ({@link Map} with {@link String} keys,
 * {@link List}, {@link String}, {@link Boolean}, {@link Long}, {@link Double}; JSON {@code null}
 * values are dropped), with typed getters for the keys clients act on.
 *
 * <pre>{@code
 * import dev.patroni4j.client.PatroniClient;
 * // given: PatroniClient client;
 * DynamicConfig c = client.config();
 * long loopWait = c.loopWait().orElse(10);
 * Optional<Object> maxConn = c.get("postgresql", "parameters", "max_connections");
 * if (c.paused()) {
 *   // maintenance mode: Patroni does not fail over
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param values the configuration document
 * @param rawJson the document as received, or null if built in code
 */
public record DynamicConfig(Map<String, Object> values, @Nullable String rawJson) {

  public DynamicConfig {
    values = ModelMaps.copyOrdered(values);
  }

  /** A configuration built in code. */
  public static DynamicConfig of(Map<String, Object> values) {
    return new DynamicConfig(values, null);
  }

  /** The value at a path of keys, e.g. {@code get("postgresql", "parameters", "wal_level")}. */
  public Optional<Object> get(String... path) {
    Object current = values;
    for (String key : path) {
      if (!(current instanceof Map<?, ?> map)) {
        return Optional.empty();
      }
      current = map.get(key);
      if (current == null) {
        return Optional.empty();
      }
    }
    return Optional.of(current);
  }

  /** {@code ttl}, seconds. */
  public OptionalLong ttl() {
    return longAt("ttl");
  }

  /** {@code loop_wait}, seconds. */
  public OptionalLong loopWait() {
    return longAt("loop_wait");
  }

  /** {@code retry_timeout}, seconds. */
  public OptionalLong retryTimeout() {
    return longAt("retry_timeout");
  }

  /** {@code maximum_lag_on_failover}, bytes. */
  public OptionalLong maximumLagOnFailover() {
    return longAt("maximum_lag_on_failover");
  }

  /** True if {@code pause} is set (maintenance mode). */
  public boolean paused() {
    return truthy(get("pause").orElse(null));
  }

  /** True if {@code failsafe_mode} is on. */
  public boolean failsafeMode() {
    return truthy(get("failsafe_mode").orElse(null));
  }

  /** {@code synchronous_mode} as text: {@code true}, {@code false}, {@code on}, {@code off} or {@code quorum}. */
  public Optional<String> synchronousMode() {
    return get("synchronous_mode").map(v -> String.valueOf(v).toLowerCase(Locale.ROOT));
  }

  /**
   * The {@code standby_cluster} section when it makes this a standby cluster (Patroni's rule: it
   * names a host, a port or a restore command); empty for a primary cluster.
   */
  public Optional<StandbyClusterConfig> standbyCluster() {
    return StandbyClusterConfig.parse(values.get("standby_cluster"));
  }

  /** {@code postgresql.parameters}, empty if absent. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> postgresqlParameters() {
    return get("postgresql", "parameters").filter(Map.class::isInstance).map(m -> (Map<String, Object>) m).orElse(Map.of());
  }

  private OptionalLong longAt(String key) {
    Object v = values.get(key);
    if (v instanceof Number n) {
      return OptionalLong.of(n.longValue());
    }
    if (v instanceof String s) {
      try {
        return OptionalLong.of(Long.parseLong(s.trim()));
      } catch (NumberFormatException e) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.empty();
  }

  private static boolean truthy(@Nullable Object v) {
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s) {
      String t = s.trim().toLowerCase(Locale.ROOT);
      return t.equals("true") || t.equals("on") || t.equals("yes") || t.equals("1");
    }
    return v instanceof Number n && n.longValue() != 0;
  }
}
