package dev.patroni4j.client.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * The {@code standby_cluster} section of a cluster's dynamic configuration: where a standby cluster
 * replicates from (another site's primary, through its host and port keys and usually a permanent
 * slot there) or restores WAL from ({@code restore_command}). Patroni treats a cluster as a standby
 * cluster when the section names a host, a port or a restore command; {@link
 * DynamicConfig#standbyCluster()} is empty otherwise.
 *
 * <pre>{@code
 * import dev.patroni4j.client.PatroniClient;
 * // given: PatroniClient client;
 * client.config().standbyCluster().ifPresentOrElse(
 *     s -> System.out.println("follows " + s.hosts() + ":" + s.port().orElse(5432)
 *         + " through slot " + s.primarySlotName().orElse("(none)")),
 *     () -> System.out.println("a primary cluster"));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param hosts the remote primary's hosts (the {@code standby_cluster.host} key, which Patroni also accepts comma-separated
 *     or as a list); empty when the standby restores from an archive only
 * @param remotePort {@code port}, if given
 * @param slotName {@code primary_slot_name}, if given
 * @param restoreCommandValue {@code restore_command}, if given
 * @param applyDelay {@code recovery_min_apply_delay} as written (e.g. {@code 5min}), if given
 * @param createReplicaMethods {@code create_replica_methods}, in order; empty for Patroni's default
 */
public record StandbyClusterConfig(
    List<String> hosts,
    @Nullable Integer remotePort,
    @Nullable String slotName,
    @Nullable String restoreCommandValue,
    @Nullable String applyDelay,
    List<String> createReplicaMethods) {

  public StandbyClusterConfig {
    hosts = List.copyOf(hosts);
    createReplicaMethods = List.copyOf(createReplicaMethods);
    if (remotePort != null && (remotePort < 1 || remotePort > 65_535)) {
      throw new IllegalArgumentException("port must be 1 to 65535, was " + remotePort);
    }
  }

  /**
   * The section as Patroni reads it from a dynamic configuration value; empty unless it makes the
   * cluster a standby cluster (a non-empty host, port or restore command).
   */
  static Optional<StandbyClusterConfig> parse(@Nullable Object section) {
    if (!(section instanceof java.util.Map<?, ?> map)) {
      return Optional.empty();
    }
    // Patroni's test is Python truthiness of the three values, whatever their type.
    if (!truthy(map.get("host")) && !truthy(map.get("port")) && !truthy(map.get("restore_command"))) {
      return Optional.empty();
    }
    List<String> hosts = hosts(map.get("host"));
    @Nullable Integer port = port(map.get("port"));
    @Nullable String restore = text(map.get("restore_command"));
    Object methods = map.get("create_replica_methods");
    List<String> createReplicaMethods = methods instanceof List<?> list
        ? list.stream().map(String::valueOf).map(String::strip).filter(m -> !m.isEmpty()).toList()
        : Optional.ofNullable(text(methods)).map(t -> java.util.Arrays.stream(t.split(",", -1)).map(String::strip)
            .filter(m -> !m.isEmpty()).toList()).orElse(List.of());
    return Optional.of(new StandbyClusterConfig(hosts, port, text(map.get("primary_slot_name")), restore,
        text(map.get("recovery_min_apply_delay")), createReplicaMethods));
  }

  /** {@code port}, if given. */
  public OptionalInt port() {
    return remotePort == null ? OptionalInt.empty() : OptionalInt.of(remotePort);
  }

  /** {@code primary_slot_name}, if given. */
  public Optional<String> primarySlotName() {
    return Optional.ofNullable(slotName);
  }

  /** {@code restore_command}, if given. */
  public Optional<String> restoreCommand() {
    return Optional.ofNullable(restoreCommandValue);
  }

  /** {@code recovery_min_apply_delay} as written, if given. */
  public Optional<String> recoveryMinApplyDelay() {
    return Optional.ofNullable(applyDelay);
  }

  private static boolean truthy(@Nullable Object value) {
    if (value == null || Boolean.FALSE.equals(value)) {
      return false;
    }
    if (value instanceof Number n) {
      return n.doubleValue() != 0;
    }
    if (value instanceof String text) {
      return !text.isEmpty();
    }
    if (value instanceof java.util.Collection<?> c) {
      return !c.isEmpty();
    }
    return !(value instanceof java.util.Map<?, ?> m) || !m.isEmpty();
  }

  private static List<String> hosts(@Nullable Object value) {
    if (value instanceof List<?> list) {
      return list.stream().map(String::valueOf).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
    String text = text(value);
    return text == null ? List.of()
        : java.util.Arrays.stream(text.split(",", -1)).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private static @Nullable Integer port(@Nullable Object value) {
    if (value instanceof Number n && n.longValue() == n.intValue() && n.intValue() >= 1 && n.intValue() <= 65_535) {
      return n.intValue();
    }
    String text = value instanceof String s ? s.strip() : null;
    if (text != null && text.matches("\\d{1,5}")) {
      int p = Integer.parseInt(text);
      return p >= 1 && p <= 65_535 ? p : null;
    }
    return null;
  }

  private static @Nullable String text(@Nullable Object value) {
    if (value == null || value instanceof java.util.Map<?, ?> || value instanceof List<?>) {
      return null;
    }
    String s = String.valueOf(value).strip();
    return s.isEmpty() ? null : s;
  }

  @Override
  public String toString() {
    return "StandbyClusterConfig[hosts=" + hosts + ", port=" + remotePort + ", primarySlotName=" + slotName
        + ", restoreCommand=" + (restoreCommandValue == null ? "none" : "set") + ", recoveryMinApplyDelay="
        + applyDelay + ", createReplicaMethods=" + createReplicaMethods + "]";
  }
}
