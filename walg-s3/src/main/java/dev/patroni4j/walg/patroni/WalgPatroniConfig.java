package dev.patroni4j.walg.patroni;

import dev.patroni4j.walg.Backup;
import dev.patroni4j.walg.BackupCatalog;
import dev.patroni4j.walg.BackupMetadata;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Generates the Patroni configuration that runs PostgreSQL with WAL-G, as Patroni's documentation
 * ({@code replica_bootstrap.rst}) and the seed deployment use it: {@code archive_command = wal-g
 * wal-push %p}, {@code restore_command = wal-g wal-fetch %f %p}, a {@code walg} replica creation
 * method tried before {@code basebackup}, and a custom bootstrap method that restores a backup and
 * recovers to a target time/timeline (PITR).
 *
 * <p>wal-g rejects the {@code --scope}/{@code --datadir} flags Patroni appends to custom methods,
 * so the methods are generated with {@code no_params: true} and the data directory spelled out.
 * Settings (and secrets) reach wal-g through {@code --config FILE}: nothing secret is generated.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * import dev.patroni4j.walg.patroni.WalgPatroniConfig.PitrTarget;
 * WalgPatroniConfig walg = WalgPatroniConfig.builder(Path.of("/var/lib/postgresql/15/main"))
 *     .walgExecutable("/usr/local/bin/wal-g").configFile(Path.of("/etc/wal-g/walg.json")).build();
 * Map<String, Object> postgresql = walg.postgresqlSection();          // merge into patroni.yml
 * Map<String, Object> bootstrap = walg.bootstrapSection(PitrTarget.latestBackup()
 *     .recoveryTargetTime(Instant.parse("2026-07-19T21:15:00Z")));
 * String yaml = WalgPatroniConfig.toYaml(Map.of("postgresql", postgresql, "bootstrap", bootstrap));
 * }</pre>
 */
public final class WalgPatroniConfig {
  /** Name of the replica creation method and of the bootstrap method in the generated sections. */
  public static final String REPLICA_METHOD = "walg";

  public static final String BOOTSTRAP_METHOD = "walg_pitr";
  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+-]+");
  private static final DateTimeFormatter PG_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00'").withZone(ZoneOffset.UTC);

  private final Path dataDirectory;
  private final String walgExecutable;
  private final @Nullable Path configFile;
  private final Duration archiveTimeout;
  private final boolean basebackupFallback;

  private WalgPatroniConfig(Builder b) {
    this.dataDirectory = b.dataDirectory;
    this.walgExecutable = b.walgExecutable;
    this.configFile = b.configFile;
    this.archiveTimeout = b.archiveTimeout;
    this.basebackupFallback = b.basebackupFallback;
  }

  /** {@code dataDirectory} is Patroni's {@code postgresql.data_dir}. */
  public static Builder builder(Path dataDirectory) {
    return new Builder(dataDirectory);
  }

  /** {@code wal-g [--config FILE] wal-push %p}. */
  public String archiveCommand() {
    return walg() + " wal-push %p";
  }

  /** {@code wal-g [--config FILE] wal-fetch %f %p}; wal-g exits 74 when a segment is not archived. */
  public String restoreCommand() {
    return walg() + " wal-fetch %f %p";
  }

  /** {@code wal-g [--config FILE] backup-fetch DATA_DIR BACKUP}. */
  public String backupFetchCommand(String backupName) {
    if (!backupName.equals("LATEST") && !backupName.startsWith("base_")) {
      throw new IllegalArgumentException("backup must be LATEST or a WAL-G backup name: '" + backupName + "'");
    }
    return walg() + " backup-fetch " + quote(dataDirectory.toString()) + " " + backupName;
  }

  /**
   * The {@code postgresql:} keys: {@code parameters} (archive_mode, archive_timeout,
   * archive_command), {@code recovery_conf.restore_command}, {@code create_replica_methods} and the
   * {@code walg} (and {@code basebackup}) method sections.
   */
  public Map<String, Object> postgresqlSection() {
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("archive_mode", "on");
    parameters.put("archive_timeout", archiveTimeout.toSeconds() + "s");
    parameters.put("archive_command", archiveCommand());
    Map<String, Object> walgMethod = new LinkedHashMap<>();
    walgMethod.put("command", backupFetchCommand("LATEST"));
    walgMethod.put("no_params", true);
    // restoring from the archive does not need a running leader
    walgMethod.put("no_leader", true);
    List<String> methods = new ArrayList<>(List.of(REPLICA_METHOD));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("parameters", parameters);
    out.put("recovery_conf", new LinkedHashMap<>(Map.of("restore_command", restoreCommand())));
    out.put("create_replica_methods", methods);
    out.put(REPLICA_METHOD, walgMethod);
    if (basebackupFallback) {
      methods.add("basebackup");
      out.put("basebackup", new LinkedHashMap<>(Map.of("checkpoint", "fast")));
    }
    return out;
  }

  /**
   * The {@code bootstrap:} keys for a new cluster restored from a backup and recovered to {@code
   * target}: {@code method: walg_pitr} and its section with {@code recovery_conf}. Patroni writes
   * the recovery settings (PostgreSQL 12+: GUCs and {@code recovery.signal}); wal-g writes none.
   */
  public Map<String, Object> bootstrapSection(PitrTarget target) {
    Map<String, Object> recovery = new LinkedHashMap<>();
    recovery.put("restore_command", restoreCommand());
    target.findRecoveryTargetTime().ifPresent(t -> recovery.put("recovery_target_time", PG_TIME.format(t)));
    recovery.put("recovery_target_action", "promote");
    recovery.put("recovery_target_timeline", target.recoveryTargetTimeline());
    Map<String, Object> method = new LinkedHashMap<>();
    method.put("command", backupFetchCommand(target.backupName()));
    method.put("no_params", true);
    method.put("keep_existing_recovery_conf", false);
    method.put("recovery_conf", recovery);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("method", BOOTSTRAP_METHOD);
    out.put(BOOTSTRAP_METHOD, method);
    return out;
  }

  /**
   * The newest backup that finished before {@code time} (by metadata {@code finish_time}, else the
   * sentinel's {@code FinishTime}): the one to restore for a PITR to {@code time}.
   */
  public static Optional<Backup> backupForRecoveryTo(BackupCatalog catalog, Instant time) {
    Backup best = null;
    Instant bestFinish = null;
    for (Backup b : catalog.backups()) {
      Instant finish = b.findMetadata().map(BackupMetadata::finishTime).orElse(b.sentinel().finishTime());
      if (finish != null && !finish.isAfter(time) && (bestFinish == null || finish.isAfter(bestFinish))) {
        best = b;
        bestFinish = finish;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Renders sections as block-style YAML 1.1 (strings that YAML 1.1 would read as booleans are quoted). */
  public static String toYaml(Map<String, Object> document) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    return new Yaml(options).dump(document);
  }

  private String walg() {
    return quote(walgExecutable) + (configFile == null ? "" : " --config " + quote(configFile.toString()));
  }

  private static String quote(String s) {
    return SHELL_SAFE.matcher(s).matches() ? s : "'" + s.replace("'", "'\\''") + "'";
  }

  /**
   * What to restore and where recovery stops. Immutable.
   *
   * @param backupName {@code LATEST} or a backup name
   * @param recoveryTargetTime null: recover to the end of the archived WAL
   * @param recoveryTargetTimeline {@code latest}, {@code current} or a timeline number
   */
  public record PitrTarget(String backupName, @Nullable Instant recoveryTargetTime, String recoveryTargetTimeline) {
    public PitrTarget {
      Objects.requireNonNull(backupName, "backupName == null");
      if (!recoveryTargetTimeline.equals("latest") && !recoveryTargetTimeline.equals("current")
          && !recoveryTargetTimeline.matches("[1-9][0-9]*")) {
        throw new IllegalArgumentException("recovery_target_timeline must be latest, current or a number: '" + recoveryTargetTimeline + "'");
      }
    }

    public static PitrTarget latestBackup() {
      return new PitrTarget("LATEST", null, "latest");
    }

    public static PitrTarget backup(String name) {
      return new PitrTarget(name, null, "latest");
    }

    public PitrTarget recoveryTargetTime(Instant time) {
      return new PitrTarget(backupName, time, recoveryTargetTimeline);
    }

    public PitrTarget recoveryTargetTimeline(long timeline) {
      return new PitrTarget(backupName, recoveryTargetTime, Long.toString(timeline));
    }

    public Optional<Instant> findRecoveryTargetTime() {
      return Optional.ofNullable(recoveryTargetTime);
    }
  }

  /** Builder; not thread-safe. */
  public static final class Builder {
    private final Path dataDirectory;
    private String walgExecutable = "wal-g";
    private @Nullable Path configFile;
    private Duration archiveTimeout = Duration.ofSeconds(60);
    private boolean basebackupFallback = true;

    private Builder(Path dataDirectory) {
      this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory == null");
    }

    public Builder walgExecutable(String executable) {
      this.walgExecutable = Objects.requireNonNull(executable, "executable == null");
      return this;
    }

    /** {@code --config FILE} on every wal-g command (where the S3 settings and secrets live). */
    public Builder configFile(Path file) {
      this.configFile = Objects.requireNonNull(file, "file == null");
      return this;
    }

    public Builder archiveTimeout(Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("archiveTimeout < 0");
      }
      this.archiveTimeout = timeout;
      return this;
    }

    /** Whether {@code basebackup} follows {@code walg} in create_replica_methods (default true). */
    public Builder basebackupFallback(boolean fallback) {
      this.basebackupFallback = fallback;
      return this;
    }

    public WalgPatroniConfig build() {
      return new WalgPatroniConfig(this);
    }
  }
}
