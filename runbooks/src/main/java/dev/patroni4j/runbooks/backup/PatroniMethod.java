package dev.patroni4j.runbooks.backup;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A Patroni replica-creation or bootstrap method backed by a backup tool: its name and the settings Patroni reads
 * under that name ({@code postgresql.<name>} for {@code create_replica_methods}, {@code bootstrap.<name>} for {@code
 * bootstrap.method}), e.g. {@code command}, {@code keep_data}, {@code no_params}, {@code recovery_conf}.
 *
 * <pre>{@code
 * import dev.patroni4j.config.PatroniConfig;
 * // given: BackupTool tool; PatroniConfig config;
 * PatroniMethod replica = tool.replicaMethod("pg3");
 * PatroniConfig withBackups = config
 *     .with("postgresql.create_replica_methods", java.util.List.of(replica.name(), "basebackup"))
 *     .with("postgresql." + replica.name(), replica.settings());
 * }</pre>
 *
 * <p>Immutable.
 *
 * @param name the method's name (a key in Patroni's configuration)
 * @param settings what Patroni reads under the name, in order
 */
public record PatroniMethod(String name, Map<String, Object> settings) {
  public PatroniMethod {
    Objects.requireNonNull(name, "name == null");
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }

  /** The method's command. */
  public String command() {
    return String.valueOf(settings.get("command"));
  }
}
