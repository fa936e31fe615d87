package dev.patroni4j.runbooks.backup;

import dev.patroni4j.client.ConfigPatch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The WAL archiving a backup tool needs from PostgreSQL, as Patroni sets it: {@code archive_mode}, {@code
 * archive_command} (in {@code postgresql.parameters} of the dynamic configuration, so every member archives once it
 * leads) and {@code restore_command} (in {@code postgresql.recovery_conf}, so replicas and restored members can read
 * the archive).
 *
 * <pre>{@code
 * import dev.patroni4j.client.PatroniClient;
 * // given: BackupTool tool; PatroniClient client;
 * ArchiveSettings archive = tool.archiveSettings();
 * client.patchConfig(archive.configPatch()).orThrow();   // archive_mode needs a restart, archive_command a reload
 * }</pre>
 *
 * <p>Immutable.
 *
 * @param archiveCommand PostgreSQL's {@code archive_command}
 * @param restoreCommand PostgreSQL's {@code restore_command}
 */
public record ArchiveSettings(String archiveCommand, String restoreCommand) {
  public ArchiveSettings {
    Objects.requireNonNull(archiveCommand, "archiveCommand == null");
    Objects.requireNonNull(restoreCommand, "restoreCommand == null");
  }

  /** {@code archive_mode} and {@code archive_command}, as PostgreSQL parameters. */
  public Map<String, Object> parameters() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("archive_mode", "on");
    p.put("archive_command", archiveCommand);
    return p;
  }

  /**
   * A patch of Patroni's dynamic configuration ({@code PATCH /config}) setting {@link #parameters()} and the {@code
   * restore_command} of {@code postgresql.recovery_conf}.
   */
  public ConfigPatch configPatch() {
    ConfigPatch.Builder b = ConfigPatch.builder();
    parameters().forEach(b::postgresqlParameter);
    return b.setPath(List.of("postgresql", "recovery_conf", "restore_command"), restoreCommand).build();
  }
}
