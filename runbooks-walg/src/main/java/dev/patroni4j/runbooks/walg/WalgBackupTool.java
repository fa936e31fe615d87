package dev.patroni4j.runbooks.walg;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.runbooks.backup.ArchiveCheck;
import dev.patroni4j.runbooks.backup.ArchiveSettings;
import dev.patroni4j.runbooks.backup.BackupInfo;
import dev.patroni4j.runbooks.backup.BackupTool;
import dev.patroni4j.runbooks.backup.BackupToolException;
import dev.patroni4j.runbooks.backup.BackupType;
import dev.patroni4j.runbooks.backup.PatroniMethod;
import dev.patroni4j.runbooks.backup.RecoveryTarget;
import dev.patroni4j.runbooks.backup.RestoreRequest;
import dev.patroni4j.runbooks.backup.RetentionPlan;
import dev.patroni4j.runbooks.backup.RetentionPolicy;
import dev.patroni4j.runbooks.walg.internal.WalgConversions;
import dev.patroni4j.walg.cli.BackupPushOptions;
import dev.patroni4j.walg.cli.DeleteDryRun;
import dev.patroni4j.walg.cli.WalgCli;
import dev.patroni4j.walg.patroni.WalgPatroniConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * WAL-G as a {@link BackupTool}, through walg-s3's {@link WalgCli} (backup-push, backup-list, delete, backup-fetch,
 * wal-verify) and {@link WalgPatroniConfig} (archive and restore commands, the {@code walg} replica method, the
 * bootstrap method). Unlike {@link dev.patroni4j.runbooks.backup.PgBackRest} it runs {@code wal-g} on the host this
 * JVM runs on, where each member's data directory is given to the builder; the repository settings (prefix,
 * credentials) reach wal-g only through its config file or the environment given here, never on a command line.
 *
 * <p>Retention is WAL-G's {@code delete retain FULL n}: planned from the backup list (the chains whose full backup
 * goes), confirmed with the plan's token, and refused when the plan changed since; wal-g's own dry run is repeated
 * just before it deletes.
 *
 * <p>What is proven here: everything up to the CLI boundary (arguments, environment, exit codes, parsed output)
 * against a stand-in {@code wal-g}; {@code wal-g} itself cannot be installed on the build machine, so no runbook has
 * run against a real WAL-G repository (pgBackRest proves them end to end).
 *
 * <pre>{@code
 * import dev.patroni4j.client.Confirmation;
 * import dev.patroni4j.runbooks.backup.*;
 * import java.nio.file.Path;
 * // given: String typed;
 * WalgBackupTool walg = WalgBackupTool.builder("wal-g")
 *     .configFile(Path.of("/etc/wal-g/walg.json"))
 *     .member("pg1", Path.of("/var/lib/postgresql/15/main"))
 *     .build();
 * BackupInfo taken = walg.backup("pg1", BackupType.FULL);
 * RetentionPlan plan = walg.planRetention("pg1", RetentionPolicy.keepFull(7));
 * walg.applyRetention("pg1", plan, Confirmation.of(typed));
 * }</pre>
 *
 * <p>Immutable and thread-safe; each call starts one or more {@code wal-g} processes.
 */
public final class WalgBackupTool implements BackupTool {
  private static final String TOOL = "wal-g";

  private final WalgCli cli;
  private final String executable;
  private final @Nullable Path configFile;
  private final Map<String, Path> dataDirectories;
  private final String repository;

  private WalgBackupTool(Builder b) {
    WalgCli.Builder cb = WalgCli.builder(b.executable).environment(b.environment).timeout(b.timeout);
    if (b.configFile != null) {
      cb.configFile(b.configFile);
    }
    this.cli = cb.build();
    this.executable = b.executable;
    this.configFile = b.configFile;
    this.dataDirectories = Map.copyOf(b.dataDirectories);
    this.repository = b.repository;
  }

  /** {@code executable} is a path or a name looked up on {@code PATH}, e.g. {@code wal-g}. */
  public static Builder builder(String executable) {
    return new Builder(executable);
  }

  @Override
  public String name() {
    return TOOL;
  }

  @Override
  public String repository() {
    return repository;
  }

  /**
   * {@code backup-push DATA_DIR [--full]}: a full backup, or a WAL-G delta (from the previous backup) for a
   * differential or incremental one.
   */
  @Override
  public BackupInfo backup(String member, BackupType type) {
    Path dataDirectory = dataDirectory(member, "backup");
    BackupPushOptions options = type == BackupType.FULL ? BackupPushOptions.defaults().withFull()
        : BackupPushOptions.defaults();
    String pushed = run(member, "backup", () -> cli.backupPush(dataDirectory, options));
    return list(member).stream().filter(b -> b.label().equals(pushed)).findFirst()
        .orElseThrow(() -> new BackupToolException(TOOL, "backup", member, BackupToolException.Kind.UNEXPECTED_RESULT,
            -1, "wal-g wrote backup " + pushed + " but backup-list does not list it"));
  }

  /** {@code backup-list --detail --json}, oldest first. */
  @Override
  public List<BackupInfo> list(String member) {
    return WalgConversions.backups(run(member, "list", cli::backupList))
        .orElseThrow(() -> new BackupToolException(TOOL, "list", member, BackupToolException.Kind.UNPARSEABLE_OUTPUT,
            -1, "backup-list --detail printed a backup without its start or finish time"));
  }

  @Override
  public RetentionPlan planRetention(String member, RetentionPolicy policy) {
    List<BackupInfo> backups = list(member);
    List<BackupInfo> fulls = backups.stream().filter(b -> b.type() == BackupType.FULL).toList();
    Set<String> goes = new HashSet<>();
    for (int i = 0; i < fulls.size() - policy.keepFull(); i++) {
      goes.add(fulls.get(i).label());
    }
    Map<String, BackupInfo> byLabel = new LinkedHashMap<>();
    backups.forEach(b -> byLabel.put(b.label(), b));
    List<BackupInfo> kept = new ArrayList<>();
    List<BackupInfo> deleted = new ArrayList<>();
    for (BackupInfo b : backups) {
      (goes.contains(chainRoot(b, byLabel)) ? deleted : kept).add(b);
    }
    return new RetentionPlan(repository, policy, kept, deleted);
  }

  private static String chainRoot(BackupInfo b, Map<String, BackupInfo> byLabel) {
    BackupInfo at = b;
    for (int hops = 0; hops <= byLabel.size() && at.prior() != null; hops++) {
      BackupInfo prior = byLabel.get(at.prior());
      if (prior == null) {
        return at.prior();
      }
      at = prior;
    }
    return at.label();
  }

  /**
   * {@code delete retain FULL n --confirm}, only with the confirmation of {@code plan} and while a new plan deletes
   * the same backups; nothing is run when the plan deletes nothing.
   */
  @Override
  public void applyRetention(String member, RetentionPlan plan, Confirmation confirmation) {
    confirmation.check("wal-g delete", plan);
    // refuses when a backup was taken or deleted since the plan was confirmed
    confirmation.check("wal-g delete", planRetention(member, plan.policy()));
    if (plan.isEmpty()) {
      return;
    }
    dev.patroni4j.walg.RetentionPolicy walgPolicy = dev.patroni4j.walg.RetentionPolicy.retain(
        dev.patroni4j.walg.RetentionPolicy.Modifier.FULL, plan.policy().keepFull());
    run(member, "retention", () -> {
      DeleteDryRun dryRun = cli.deleteDryRun(walgPolicy, dev.patroni4j.walg.RetentionPolicy.Order.NAME);
      // the operator confirmed the plan's backups; wal-g's dry run is what it deletes for them
      return cli.delete(dryRun, Confirmation.of(dryRun));
    });
  }

  /**
   * {@code backup-fetch DATA_DIR NAME} (the named backup; for a time target without one, the newest backup finished
   * before it; else {@code LATEST}), then the recovery settings appended to {@code postgresql.auto.conf} and {@code
   * recovery.signal} written.
   */
  @Override
  public void restore(String member, Path dataDirectory, RestoreRequest request) {
    try {
      if (Files.isDirectory(dataDirectory)) {
        try (Stream<Path> entries = Files.list(dataDirectory)) {
          if (entries.findAny().isPresent()) {
            throw new BackupToolException(TOOL, "restore", member, BackupToolException.Kind.UNEXPECTED_RESULT, -1,
                "data directory " + dataDirectory + " is not empty; nothing restored");
          }
        }
      }
      String backup = backupFor(member, request);
      run(member, "restore", () -> {
        cli.backupFetch(dataDirectory, backup);
        return backup;
      });
      StringBuilder conf = new StringBuilder("\n# written by patroni4j restore of " + backup + "\n");
      WalgConversions.recoverySettings(request, patroniConfig(dataDirectory).restoreCommand())
          .forEach((k, v) -> conf.append(k).append(" = '").append(String.valueOf(v).replace("'", "''"))
              .append("'\n"));
      if (!request.archiving()) {
        conf.append("archive_mode = 'off'\n");
      }
      Files.writeString(dataDirectory.resolve("postgresql.auto.conf"), conf.toString(), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      Files.writeString(dataDirectory.resolve("recovery.signal"), "");
    } catch (IOException e) {
      throw new UncheckedIOException("restore into " + dataDirectory + " on " + member, e);
    }
  }

  private String backupFor(String member, RestoreRequest request) {
    Optional<String> named = request.findBackup();
    if (named.isPresent()) {
      return named.get();
    }
    if (request.target() instanceof RecoveryTarget.Time t) {
      List<BackupInfo> before = list(member).stream().filter(b -> !b.stopped().isAfter(t.time())).toList();
      if (before.isEmpty()) {
        throw new BackupToolException(TOOL, "restore", member, BackupToolException.Kind.NOT_FOUND, -1,
            "no backup finished before " + t.time() + "; nothing restored");
      }
      return before.get(before.size() - 1).label();
    }
    return "LATEST";
  }

  /** {@code archive_command = wal-g [--config F] wal-push %p}, {@code restore_command = wal-g … wal-fetch %f %p}. */
  @Override
  public ArchiveSettings archiveSettings() {
    WalgPatroniConfig c = patroniConfig(Path.of("/"));
    return new ArchiveSettings(c.archiveCommand(), c.restoreCommand());
  }

  /** The {@code walg} method: {@code wal-g backup-fetch DATA_DIR LATEST}, no parameters, no leader needed. */
  @Override
  public PatroniMethod replicaMethod(String member) {
    Map<String, Object> section = patroniConfig(dataDirectory(member, "replica method")).postgresqlSection();
    Object method = section.get(WalgPatroniConfig.REPLICA_METHOD);
    Map<String, Object> settings = new LinkedHashMap<>();
    if (method instanceof Map<?, ?> m) {
      m.forEach((k, v) -> settings.put(String.valueOf(k), v));
    }
    return new PatroniMethod(WalgPatroniConfig.REPLICA_METHOD, settings);
  }

  /** The {@code walg_pitr} bootstrap: backup-fetch of the backup {@code request} names, its recovery settings. */
  @Override
  public PatroniMethod bootstrapMethod(String member, RestoreRequest request) {
    WalgPatroniConfig c = patroniConfig(dataDirectory(member, "bootstrap method"));
    String backup = backupFor(member, request);
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("command", c.backupFetchCommand(backup));
    settings.put("no_params", true);
    settings.put("keep_existing_recovery_conf", false);
    settings.put("recovery_conf", WalgConversions.recoverySettings(request, c.restoreCommand()));
    return new PatroniMethod(WalgPatroniConfig.BOOTSTRAP_METHOD, settings);
  }

  /** {@code wal-verify integrity}: gaps are its MISSING_LOST sequences; it fails when wal-g reports FAILURE. */
  @Override
  public ArchiveCheck checkArchive(String member) {
    return WalgConversions.archiveCheck(run(member, "check",
        () -> cli.walVerify(Set.of(WalgCli.VerifyCheck.INTEGRITY), null, null)));
  }

  private WalgPatroniConfig patroniConfig(Path dataDirectory) {
    WalgPatroniConfig.Builder b = WalgPatroniConfig.builder(dataDirectory).walgExecutable(executable);
    if (configFile != null) {
      b.configFile(configFile);
    }
    return b.build();
  }

  private Path dataDirectory(String member, String action) {
    Path p = dataDirectories.get(member);
    if (p == null) {
      throw new BackupToolException(TOOL, action, member, BackupToolException.Kind.NOT_FOUND, -1,
          "no data directory configured for member " + member + " (builder.member)");
    }
    return p;
  }

  private interface Call<T> {
    T call();
  }

  private static <T> T run(String member, String action, Call<T> call) {
    try {
      return call.call();
    } catch (dev.patroni4j.walg.cli.WalgCliException e) {
      throw new BackupToolException(TOOL, action, member, BackupToolException.Kind.COMMAND_FAILED, e.exitCode(),
          String.valueOf(e.getMessage()));
    } catch (dev.patroni4j.walg.cli.WalgOutputException e) {
      throw new BackupToolException(TOOL, action, member, BackupToolException.Kind.UNPARSEABLE_OUTPUT, -1,
          String.valueOf(e.getMessage()));
    }
  }

  @Override
  public String toString() {
    return "WalgBackupTool[" + repository + ", members " + dataDirectories.keySet() + "]";
  }

  /**
   * Builds a {@link WalgBackupTool}.
   *
   * <pre>{@code
   * WalgBackupTool walg = WalgBackupTool.builder("/usr/local/bin/wal-g")
   *     .environment(java.util.Map.of("WALG_S3_PREFIX", "s3://backups/demo"))
   *     .repository("wal-g:demo").member("pg1", java.nio.file.Path.of("/pgdata")).build();
   * }</pre>
   *
   * <p>Not thread-safe.
   */
  public static final class Builder {
    private final String executable;
    private @Nullable Path configFile;
    private Map<String, String> environment = Map.of();
    private Duration timeout = Duration.ofHours(6);
    private final Map<String, Path> dataDirectories = new LinkedHashMap<>();
    private String repository = "wal-g";

    private Builder(String executable) {
      this.executable = Objects.requireNonNull(executable, "executable == null");
    }

    /** wal-g's config file ({@code --config}), where the repository and its credentials are. */
    public Builder configFile(Path file) {
      this.configFile = Objects.requireNonNull(file, "file == null");
      return this;
    }

    /** Variables for wal-g (e.g. {@code WALG_S3_PREFIX}); never put on a command line or in a message. */
    public Builder environment(Map<String, String> variables) {
      this.environment = Map.copyOf(variables);
      return this;
    }

    /** How long one wal-g command may run (default 6 hours: a backup of a large database). */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout == null");
      return this;
    }

    /** The repository's name in plans and tokens (default {@code wal-g}), e.g. {@code wal-g:demo}. */
    public Builder repository(String name) {
      this.repository = Objects.requireNonNull(name, "name == null");
      return this;
    }

    /** Member {@code member}'s data directory on this host (Patroni's {@code postgresql.data_dir}). */
    public Builder member(String member, Path dataDirectory) {
      dataDirectories.put(Objects.requireNonNull(member, "member == null"),
          Objects.requireNonNull(dataDirectory, "dataDirectory == null"));
      return this;
    }

    public WalgBackupTool build() {
      return new WalgBackupTool(this);
    }
  }
}
