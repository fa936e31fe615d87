package dev.patroni4j.runbooks.backup;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.runbooks.host.HostActionException;
import dev.patroni4j.runbooks.host.HostActions;
import dev.patroni4j.runbooks.host.ShellHostActions;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@link BackupTool} on pgBackRest: {@code stanza-create}, {@code backup}, {@code info --output=json}, {@code expire
 * --set}, {@code restore} with targets, {@code check} and a WAL continuity check from {@code repo-ls}, each run on a
 * member's host through {@link HostActions}. The repository and its credentials are configured in pgBackRest's own
 * configuration file on each host ({@link Builder#configFile}); options given here are for what differs per member
 * (its data directory, port and socket when several members share a host) and are refused when they name a secret.
 *
 * <pre>{@code
 * import dev.patroni4j.runbooks.host.HostActions;
 * // given: HostActions hosts;
 * PgBackRest tool = PgBackRest.builder(hosts, "demo")
 *     .configFile(Path.of("/etc/pgbackrest/pgbackrest.conf"))
 *     .memberOptions(member -> Map.of("pg1-path", "/var/lib/postgresql/15/main"))
 *     .build();
 * tool.createStanza("pg1");
 * BackupInfo full = tool.backup("pg1", BackupType.FULL);
 * }</pre>
 *
 * <p>Immutable and thread-safe. {@link #toString()} names the stanza and the configuration file only.
 */
public final class PgBackRest implements BackupTool {
  private static final Pattern OPTION = Pattern.compile("[a-z][a-z0-9-]*");
  private static final Pattern SECRET_OPTION = Pattern.compile(".*(key|pass|secret|token|credential).*");
  private static final Pattern LABEL = Pattern.compile("\\d{8}-\\d{6}F(_\\d{8}-\\d{6}[DI])?");
  /** Commands that accept the {@code pg*} options of a member. */
  private static final Set<String> PG_COMMANDS = Set.of("backup", "check", "stanza-create", "stanza-upgrade");
  private static final DateTimeFormatter TARGET_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final int STDERR_TAIL = 1500;

  private final HostActions hosts;
  private final String stanza;
  private final String executable;
  private final @Nullable Path configFile;
  private final Map<String, String> options;
  private final Function<String, Map<String, String>> memberOptions;

  private PgBackRest(Builder b) {
    this.hosts = b.hosts;
    this.stanza = b.stanza;
    this.executable = b.executable;
    this.configFile = b.configFile;
    this.options = Map.copyOf(b.options);
    this.memberOptions = b.memberOptions;
  }

  /** A pgBackRest of stanza {@code stanza}, run on members' hosts through {@code hosts}. */
  public static Builder builder(HostActions hosts, String stanza) {
    return new Builder(hosts, stanza);
  }

  @Override
  public String name() {
    return "pgbackrest";
  }

  @Override
  public String repository() {
    return "pgbackrest:" + stanza;
  }

  public String stanza() {
    return stanza;
  }

  /** Creates the stanza (idempotent: an existing stanza of the same database is left as it is). */
  public void createStanza(String member) {
    run(member, "stanza-create", List.of());
  }

  @Override
  public BackupInfo backup(String member, BackupType type) {
    Set<String> before = new LinkedHashSet<>();
    list(member).forEach(b -> before.add(b.label()));
    String kind = switch (type) {
      case FULL -> "full";
      case DIFFERENTIAL -> "diff";
      case INCREMENTAL -> "incr";
    };
    run(member, "backup", List.of("--type=" + kind, "--start-fast"));
    List<BackupInfo> after = list(member);
    for (int i = after.size() - 1; i >= 0; i--) {
      BackupInfo b = after.get(i);
      if (!before.contains(b.label()) && b.complete()) {
        return b;
      }
    }
    throw new BackupToolException(name(), "backup", member, BackupToolException.Kind.UNEXPECTED_RESULT, -1,
        "pgbackrest backup exited 0 but info lists no new complete backup of stanza " + stanza);
  }

  @Override
  public List<BackupInfo> list(String member) {
    return info(member).backups();
  }

  PgBackRestInfo info(String member) {
    String json = run(member, "info", List.of("--output=json")).stdout();
    PgBackRestInfo info;
    try {
      info = PgBackRestInfo.parse(json, stanza);
    } catch (PgBackRestInfo.BadOutput e) {
      throw new BackupToolException(name(), "info", member, BackupToolException.Kind.UNPARSEABLE_OUTPUT, -1,
          String.valueOf(e.getMessage()));
    }
    // pgBackRest's stanza status: 0 ok, 2 no valid backups, 1 missing stanza path, 3 missing stanza data, others
    // (database mismatch, 99 other) are errors; 6 (a backup or expire running) is reported alongside the listing.
    switch (info.statusCode()) {
      case 0, 2, 6 -> {
        return info;
      }
      case 1, 3 -> throw new BackupToolException(name(), "info", member, BackupToolException.Kind.NOT_FOUND, -1,
          "stanza " + stanza + ": " + info.statusMessage());
      default -> throw new BackupToolException(name(), "info", member, BackupToolException.Kind.COMMAND_FAILED, -1,
          "stanza " + stanza + " status " + info.statusCode() + ": " + info.statusMessage());
    }
  }

  @Override
  public RetentionPlan planRetention(String member, RetentionPolicy policy) {
    return Retention.plan(repository(), policy, list(member));
  }

  @Override
  public void applyRetention(String member, RetentionPlan plan, Confirmation confirmation) {
    confirmation.check("applyRetention", plan);
    RetentionPlan now = planRetention(member, plan.policy());
    confirmation.check("applyRetention", now); // refuses when the repository changed since the plan was made
    Set<String> deleted = new LinkedHashSet<>(plan.deletedLabels());
    for (BackupInfo b : plan.deleted()) {
      if (b.type() == BackupType.FULL) {
        // --set expires the backup and its dependents; the count keeps archive expiry in line with the policy
        run(member, "expire", List.of("--set=" + b.label(), "--repo1-retention-full=" + plan.policy().keepFull()));
      }
    }
    List<String> left = list(member).stream().map(BackupInfo::label).filter(deleted::contains).toList();
    if (!left.isEmpty()) {
      throw new BackupToolException(name(), "expire", member, BackupToolException.Kind.UNEXPECTED_RESULT, -1,
          "still listed after expire: " + left);
    }
  }

  @Override
  public void restore(String member, Path dataDirectory, RestoreRequest request) {
    List<String> args = new ArrayList<>();
    args.add("--pg1-path=" + dataDirectory);
    args.addAll(restoreArguments(request));
    // restore takes the data directory only (no port or socket): the member's own options stay off
    run(member, "restore", args, null, List.of());
  }

  /** The {@code restore} arguments for a request (set, type, target, timeline, action, archive mode). */
  static List<String> restoreArguments(RestoreRequest request) {
    List<String> args = new ArrayList<>();
    request.findBackup().ifPresent(label -> args.add("--set=" + label));
    RecoveryTarget t = request.target();
    boolean inclusive = true;
    if (t instanceof RecoveryTarget.Immediate) {
      args.add("--type=immediate");
    } else if (t instanceof RecoveryTarget.Time time) {
      args.add("--type=time");
      args.add("--target=" + TARGET_TIME.format(time.time()));
      inclusive = time.inclusive();
    } else if (t instanceof RecoveryTarget.Xid xid) {
      args.add("--type=xid");
      args.add("--target=" + xid.xid());
      inclusive = xid.inclusive();
    } else if (t instanceof RecoveryTarget.AtLsn lsn) {
      args.add("--type=lsn");
      args.add("--target=" + lsn.lsn());
      inclusive = lsn.inclusive();
    }
    if (!inclusive) {
      args.add("--target-exclusive");
    }
    if (!(t instanceof RecoveryTarget.Latest)) {
      args.add("--target-action=" + (request.promote() ? "promote" : "pause"));
    }
    request.findTimeline().ifPresent(tl -> args.add("--target-timeline=" + tl.id()));
    if (!request.archiving()) {
      args.add("--archive-mode=off");
    }
    return args;
  }

  @Override
  public ArchiveSettings archiveSettings() {
    // PostgreSQL runs both through the shell in the data directory; an absolute path lets archive-push find the
    // segment without a pg1-path (several members per host, or none configured). archive-get refuses to run without
    // one ("archive-get command requires option: pg1-path", pgBackRest 2.45), so it gets the data directory too.
    String base = shellCommand(Map.of());
    return new ArchiveSettings(base + " archive-push \"$PWD/%p\"",
        base + " --pg1-path=\"$PWD\" archive-get %f \"$PWD/%p\"");
  }

  @Override
  public PatroniMethod replicaMethod(String member) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("command", shellCommand(restoreOptions(member)) + " --delta --type=standby restore");
    s.put("keep_data", true);
    s.put("no_params", true);
    return new PatroniMethod("pgbackrest", s);
  }

  @Override
  public PatroniMethod bootstrapMethod(String member, RestoreRequest request) {
    List<String> args = new ArrayList<>(List.of("--delta"));
    args.addAll(restoreArguments(request));
    StringBuilder cmd = new StringBuilder(shellCommand(restoreOptions(member)));
    for (String a : args) {
      cmd.append(' ').append(ShellHostActions.quote(a));
    }
    cmd.append(" restore");
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("command", cmd.toString());
    s.put("keep_existing_recovery_conf", true);
    s.put("no_params", true);
    return new PatroniMethod("pgbackrest", s);
  }

  /** {@code pgbackrest check}: archive_command works and the stanza matches the database. */
  public void check(String member) {
    run(member, "check", List.of());
  }

  @Override
  public ArchiveCheck checkArchive(String member) {
    boolean live = true;
    String detail = "";
    try {
      check(member);
    } catch (BackupToolException e) {
      live = false;
      detail = String.valueOf(e.getMessage());
    }
    PgBackRestInfo info = info(member);
    String listing = run(member, "repo-ls", List.of("--recurse", "--output=json"), Map.of(),
        List.of("archive/" + stanza)).stdout();
    List<String> segments;
    try {
      segments = PgBackRestInfo.archivedSegments(listing, info.archiveId());
    } catch (PgBackRestInfo.BadOutput e) {
      throw new BackupToolException(name(), "repo-ls", member, BackupToolException.Kind.UNPARSEABLE_OUTPUT, -1,
          String.valueOf(e.getMessage()));
    }
    String from = info.backups().stream().filter(BackupInfo::complete).map(BackupInfo::startWal).findFirst()
        .orElse(null);
    return WalSegments.check(segments, from, live, detail);
  }

  /** The command as a shell string: executable, config file, stanza, options (quoted where needed). */
  private String shellCommand(Map<String, String> extra) {
    StringBuilder sb = new StringBuilder();
    for (String arg : base(extra)) {
      sb.append(sb.length() == 0 ? "" : " ").append(arg.matches("[A-Za-z0-9_./=:@%+-]+") ? arg
          : ShellHostActions.quote(arg));
    }
    return sb.toString();
  }

  private List<String> base(Map<String, String> extra) {
    List<String> argv = new ArrayList<>();
    argv.add(executable);
    if (configFile != null) {
      argv.add("--config=" + configFile);
    }
    argv.add("--stanza=" + stanza);
    new java.util.TreeMap<>(options).forEach((k, v) -> argv.add("--" + k + "=" + v));
    new java.util.TreeMap<>(extra).forEach((k, v) -> argv.add("--" + k + "=" + v));
    return argv;
  }

  private HostActions.CommandResult run(String member, String command, List<String> args) {
    return run(member, command, args, PG_COMMANDS.contains(command) ? checked(memberOptions.apply(member)) : Map.of(),
        List.of());
  }

  /** Runs {@code executable [base options] [pg] [args] command [positionals]}; {@code pg} null: none. */
  private HostActions.CommandResult run(String member, String command, List<String> args,
      @Nullable Map<String, String> pg, List<String> positionals) {
    List<String> argv = new ArrayList<>(base(pg == null ? Map.of() : pg));
    argv.addAll(args);
    argv.add(command);
    argv.addAll(positionals);
    HostActions.CommandResult r;
    try {
      r = hosts.run(member, argv);
    } catch (HostActionException e) {
      throw new BackupToolException(name(), command, member, BackupToolException.Kind.COMMAND_FAILED,
          e.exitCode(), String.valueOf(e.getMessage()));
    }
    if (!r.succeeded()) {
      String err = (r.stderr().isBlank() ? r.stdout() : r.stderr()).strip();
      BackupToolException.Kind kind = err.contains("does not exist") || err.contains("missing stanza path")
          || err.contains("is not a valid backup label") || err.contains("unable to find backup set")
          ? BackupToolException.Kind.NOT_FOUND : BackupToolException.Kind.COMMAND_FAILED;
      throw new BackupToolException(name(), command, member, kind, r.exitCode(),
          err.length() > STDERR_TAIL ? "..." + err.substring(err.length() - STDERR_TAIL) : err);
    }
    return r;
  }

  static boolean isLabel(String s) {
    return LABEL.matcher(s).matches();
  }

  /** The member's options {@code restore} takes: its data directory ({@code pg1-path}), nothing else. */
  private Map<String, String> restoreOptions(String member) {
    Map<String, String> out = new LinkedHashMap<>();
    checked(memberOptions.apply(member)).forEach((k, v) -> {
      if (k.matches("pg\\d+-path")) {
        out.put(k, v);
      }
    });
    return out;
  }

  private static Map<String, String> checked(Map<String, String> opts) {
    opts.forEach(Builder::checkOption);
    return opts;
  }

  @Override
  public String toString() {
    return "PgBackRest[stanza=" + stanza + ", config=" + configFile + ", options=" + options.keySet() + "]";
  }

  /** Builder for {@link PgBackRest}; not thread-safe. */
  public static final class Builder {
    private final HostActions hosts;
    private final String stanza;
    private String executable = "pgbackrest";
    private @Nullable Path configFile;
    private final Map<String, String> options = new LinkedHashMap<>();
    private Function<String, Map<String, String>> memberOptions = m -> Map.of();

    private Builder(HostActions hosts, String stanza) {
      this.hosts = Objects.requireNonNull(hosts, "hosts == null");
      if (!Objects.requireNonNull(stanza, "stanza == null").matches("[A-Za-z0-9_.-]+")) {
        throw new IllegalArgumentException("not a stanza name: '" + stanza + "'");
      }
      this.stanza = stanza;
    }

    /** The pgBackRest executable on the hosts (default {@code pgbackrest} on the PATH). */
    public Builder executable(String executable) {
      this.executable = Objects.requireNonNull(executable, "executable == null");
      return this;
    }

    /** pgBackRest's configuration file on every host ({@code --config}); default: pgBackRest's own default. */
    public Builder configFile(Path configFile) {
      this.configFile = Objects.requireNonNull(configFile, "configFile == null");
      return this;
    }

    /**
     * An option for every command, including the {@code archive_command} PostgreSQL runs (e.g. {@code repo1-path},
     * {@code log-path}). Options naming a secret ({@code repo1-s3-key}, {@code repo1-cipher-pass}) are refused:
     * put them in the configuration file.
     */
    public Builder option(String name, String value) {
      checkOption(name, value);
      options.put(name, value);
      return this;
    }

    /**
     * Options of one member's PostgreSQL ({@code pg1-path}, {@code pg1-port}, {@code pg1-socket-path}), added to
     * the commands that take them ({@code backup}, {@code check}, {@code stanza-create}), and {@code pg1-path} to the
     * member's replica and bootstrap methods.
     */
    public Builder memberOptions(Function<String, Map<String, String>> memberOptions) {
      this.memberOptions = Objects.requireNonNull(memberOptions, "memberOptions == null");
      return this;
    }

    static void checkOption(String name, String value) {
      Objects.requireNonNull(value, "value == null");
      if (!OPTION.matcher(name).matches()) {
        throw new IllegalArgumentException("not a pgBackRest option name: '" + name + "'");
      }
      if (SECRET_OPTION.matcher(name).matches()) {
        throw new IllegalArgumentException("option '" + name + "' holds a secret: set it in pgBackRest's "
            + "configuration file on the host, never on a command line");
      }
    }

    public PgBackRest build() {
      return new PgBackRest(this);
    }
  }
}
