package dev.patroni4j.walg.cli;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.ConfirmationRefusedException;
import dev.patroni4j.walg.RetentionPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Runs the {@code wal-g} executable (PostgreSQL flavour) and returns typed results.
 *
 * <p>Configuration reaches wal-g only through {@link Builder#configFile(Path)} ({@code --config})
 * or {@link Builder#environment(Map)}: never as command-line flags, so secrets never show in
 * {@code ps}, in logs or in exceptions. Captured stderr put into exceptions has the values of
 * secret-looking variables ({@code *SECRET*}, {@code *PASSWORD*}, {@code *TOKEN*}, {@code *KEY}
 * ...) masked.
 *
 * <p>Exit codes: 0 is success (also for an empty list, nothing to delete, and wal-verify
 * FAILURE/WARNING, whose status is in {@link WalVerifyResult}); 74 from {@code wal-fetch} is
 * {@link WalSegmentNotInArchiveException}; anything else is {@link WalgCliException}.
 *
 * <p>Deleting takes the one confirmation of patroni4j: {@link #deleteDryRun} reports what wal-g
 * would delete as a {@link DeleteDryRun} ({@link dev.patroni4j.client.Confirmable}), and {@link
 * #delete(DeleteDryRun, Confirmation)} deletes only with the operator's {@link Confirmation} of it.
 *
 * <p>Immutable and thread-safe; each call starts one process.
 *
 * <pre>{@code
 * WalgCli walg = WalgCli.builder(Path.of("/usr/local/bin/wal-g"))
 *     .configFile(Path.of("/etc/wal-g/walg.json")).timeout(Duration.ofHours(6)).build();
 * String name = walg.backupPush(Path.of("/var/lib/postgresql/15/main"), BackupPushOptions.defaults());
 * List<BackupListEntry> backups = walg.backupList();
 * }</pre>
 */
public final class WalgCli {
  private static final System.Logger LOG = System.getLogger(WalgCli.class.getName());
  private static final int STDERR_TAIL = 8192;
  private static final int MAX_STDOUT = 256 * 1024 * 1024;
  private static final List<String> SECRET_MARKERS =
      List.of("SECRET", "PASSWORD", "PASSPHRASE", "TOKEN", "_KEY", "SSE_C", "CREDENTIAL");

  private final String executable;
  private final @Nullable Path configFile;
  private final Map<String, String> environment;
  private final boolean inheritEnvironment;
  private final Duration timeout;
  private final @Nullable Path workingDirectory;

  private WalgCli(Builder b) {
    this.executable = b.executable;
    this.configFile = b.configFile;
    this.environment = Map.copyOf(b.environment);
    this.inheritEnvironment = b.inheritEnvironment;
    this.timeout = b.timeout;
    this.workingDirectory = b.workingDirectory;
  }

  /** {@code executable} is a path or a name looked up on {@code PATH}, e.g. {@code wal-g}. */
  public static Builder builder(String executable) {
    return new Builder(executable);
  }

  public static Builder builder(Path executable) {
    return new Builder(executable.toString());
  }

  /** {@code wal-g --version}: e.g. {@code v3.0.5}. */
  public String version() {
    return WalgOutput.version(run(List.of("--version")).stdout);
  }

  /** {@code backup-list --detail --json}: every backup with its metadata, in WAL-G's order. */
  public List<BackupListEntry> backupList() {
    return WalgOutput.backupList(run(List.of("backup-list", "--detail", "--json")).stdout);
  }

  /** {@code backup-push DATA_DIR [flags]}; returns the new backup's name from the log. */
  public String backupPush(Path dataDirectory, BackupPushOptions options) {
    List<String> args = new ArrayList<>(List.of("backup-push", dataDirectory.toString()));
    args.addAll(options.arguments());
    Result r = run(args);
    return WalgOutput.pushedBackupName(r.stderr).orElseThrow(() -> new WalgOutputException("backup-push", "stderr",
        "exit 0 but no 'Wrote backup with name' line", WalgOutput.excerpt(tail(r.stderr))));
  }

  /** {@code backup-fetch DEST NAME}; {@code backupName} is a name or {@code LATEST}. */
  public void backupFetch(Path destination, String backupName) {
    requireToken(backupName, "backupName");
    run(List.of("backup-fetch", destination.toString(), backupName));
  }

  /**
   * {@code wal-fetch WAL_NAME DEST}.
   *
   * @throws WalSegmentNotInArchiveException on exit 74 (the segment is not archived)
   */
  public void walFetch(String walName, Path destination) {
    requireToken(walName, "walName");
    run(List.of("wal-fetch", walName, destination.toString()));
  }

  /** {@code wal-show --detailed-json}. */
  public List<WalShowTimeline> walShow() {
    return WalgOutput.walShow(run(List.of("wal-show", "--detailed-json")).stdout);
  }

  /** Which wal-verify checks to run. */
  public enum VerifyCheck { INTEGRITY, TIMELINE }

  /**
   * {@code wal-verify integrity|timeline --json}. WAL-G exits 0 even on FAILURE: the status is in
   * the result. Without {@code timeline}/{@code lsn} wal-g connects to PostgreSQL (PG* settings).
   */
  public WalVerifyResult walVerify(Set<VerifyCheck> checks, @Nullable Long timeline, @Nullable String lsn) {
    if (checks.isEmpty()) {
      throw new IllegalArgumentException("checks is empty");
    }
    List<String> args = new ArrayList<>(List.of("wal-verify"));
    for (VerifyCheck c : VerifyCheck.values()) {
      if (checks.contains(c)) {
        args.add(c.name().toLowerCase(Locale.ROOT));
      }
    }
    args.add("--json");
    if ((timeline == null) != (lsn == null)) {
      throw new IllegalArgumentException("timeline and lsn go together");
    }
    if (timeline != null) {
      args.addAll(List.of("--timeline", Long.toString(timeline), "--lsn", Objects.requireNonNull(lsn)));
    }
    return WalgOutput.walVerify(run(args).stdout);
  }

  /**
   * {@code delete <policy> [--use-sentinel-time]} without {@code --confirm}: what wal-g would
   * delete, nothing deleted. Confirm the result to {@link #delete(DeleteDryRun, Confirmation)
   * delete}.
   */
  public DeleteDryRun deleteDryRun(RetentionPolicy policy, RetentionPolicy.Order order) {
    DeleteOutput out = WalgOutput.deleteLog(run(deleteArguments(policy, order, false)).stderr);
    return new DeleteDryRun(policy, order, out.keys());
  }

  /**
   * {@code delete <policy> [--use-sentinel-time] --confirm}, only with the operator's confirmation
   * of {@code dryRun} and only while wal-g would still delete what it says: the dry run is
   * repeated first and must give the same keys. wal-g decides once more when it deletes, so a
   * backup pushed between that check and the delete still changes what goes; to delete exactly
   * the keys shown, plan with {@link dev.patroni4j.walg.WalgRepository#planRetention} and delete
   * with {@link dev.patroni4j.walg.WalgRepository#delete}.
   *
   * @throws ConfirmationRefusedException before anything is deleted, unless {@code confirmation}
   *     confirms {@code dryRun} ({@link DeleteDryRun#confirmationToken()}), and when wal-g would now
   *     delete something other than {@code dryRun} says
   */
  public DeleteOutput delete(DeleteDryRun dryRun, Confirmation confirmation) {
    confirmation.check("wal-g delete", dryRun);
    // refuses when what wal-g would delete changed since the dry run was confirmed
    confirmation.check("wal-g delete", deleteDryRun(dryRun.policy(), dryRun.order()));
    return WalgOutput.deleteLog(run(deleteArguments(dryRun.policy(), dryRun.order(), true)).stderr);
  }

  private static List<String> deleteArguments(RetentionPolicy policy, RetentionPolicy.Order order, boolean confirm) {
    List<String> args = new ArrayList<>(List.of("delete"));
    args.addAll(List.of(policy.toWalgArguments().split(" ")));
    if (order == RetentionPolicy.Order.START_TIME) {
      args.add("--use-sentinel-time");
    }
    if (confirm) {
      args.add("--confirm");
    }
    return args;
  }

  /** {@code backup-mark NAME} (permanent, with its chain) or {@code backup-mark -i NAME}. */
  public void backupMark(String backupName, boolean permanent) {
    requireToken(backupName, "backupName");
    run(permanent ? List.of("backup-mark", backupName) : List.of("backup-mark", "-i", backupName));
  }

  // ---------------------------------------------------------------- process plumbing

  private record Result(String stdout, String stderr) {}

  private Result run(List<String> arguments) {
    List<String> command = new ArrayList<>();
    command.add(executable);
    if (configFile != null) {
      command.add("--config");
      command.add(configFile.toString());
    }
    command.addAll(arguments);
    List<String> shown = command.subList(1, command.size());
    ProcessBuilder pb = new ProcessBuilder(command);
    if (!inheritEnvironment) {
      pb.environment().clear();
    }
    pb.environment().putAll(environment);
    if (workingDirectory != null) {
      pb.directory(workingDirectory.toFile());
    }
    LOG.log(System.Logger.Level.DEBUG, "running wal-g {0}", String.join(" ", shown));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new WalgCliException("cannot start '" + executable + "': " + e.getMessage(), shown, -1, "", e);
    }
    try {
      p.getOutputStream().close();
    } catch (IOException ignored) {
      // nothing to send; a failure to close stdin does not matter
    }
    CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream(), MAX_STDOUT));
    CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream(), MAX_STDOUT));
    boolean exited;
    try {
      exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new WalgCliException("interrupted while waiting for wal-g", shown, -1, "", e);
    }
    if (!exited) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new WalgCliException("wal-g " + arguments.get(0) + " did not finish within " + timeout + "; it was stopped (SIGTERM)",
          shown, -1, mask(tail(new String(err.completeOnTimeout(new byte[0], 2, TimeUnit.SECONDS).join(), StandardCharsets.UTF_8))));
    }
    String stdout = new String(out.join(), StandardCharsets.UTF_8);
    String stderr = new String(err.join(), StandardCharsets.UTF_8);
    int code = p.exitValue();
    if (code == 0) {
      return new Result(stdout, stderr);
    }
    String tail = mask(tail(stderr));
    if (code == 74 && arguments.get(0).equals("wal-fetch")) {
      throw new WalSegmentNotInArchiveException(arguments.get(1), shown, tail);
    }
    throw new WalgCliException("wal-g " + arguments.get(0) + " failed with exit code " + code + lastErrorLine(tail), shown, code, tail);
  }

  private static byte[] drain(InputStream in, int max) {
    try (in) {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      byte[] chunk = new byte[8192];
      int n;
      while ((n = in.read(chunk)) >= 0) {
        if (buf.size() + n <= max) {
          buf.write(chunk, 0, n);
        }
      }
      return buf.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String tail(String s) {
    return s.length() <= STDERR_TAIL ? s : s.substring(s.length() - STDERR_TAIL);
  }

  private static String lastErrorLine(String stderr) {
    String last = "";
    for (String line : stderr.split("\n", -1)) {
      if (line.startsWith("ERROR:") || line.contains("Error:")) {
        last = line;
      }
    }
    return last.isEmpty() ? "" : ": " + last.strip();
  }

  /** Masks values of secret-looking variables (from the configured environment) in captured text. */
  String mask(String text) {
    String out = text;
    for (Map.Entry<String, String> e : environment.entrySet()) {
      if (isSecretName(e.getKey()) && e.getValue().length() >= 4) {
        out = out.replace(e.getValue(), "***");
      }
    }
    return out;
  }

  static boolean isSecretName(String name) {
    String n = name.toUpperCase(Locale.ROOT);
    if (n.endsWith("_KEY_ID") || n.endsWith("_KMS_ID")) {
      return false;
    }
    return SECRET_MARKERS.stream().anyMatch(n::contains);
  }

  private static void requireToken(String value, String what) {
    if (value.isEmpty() || value.startsWith("-") || value.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(what + " must be a single word not starting with '-': '" + value + "'");
    }
  }

  @Override
  public String toString() {
    return "WalgCli{" + executable + (configFile != null ? ", --config " + configFile : "")
        + ", env=" + environment.keySet() + ", timeout=" + timeout + "}";
  }

  /** Builder; not thread-safe. */
  public static final class Builder {
    private final String executable;
    private @Nullable Path configFile;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private boolean inheritEnvironment = true;
    private Duration timeout = Duration.ofHours(24);
    private @Nullable Path workingDirectory;

    private Builder(String executable) {
      if (executable.isBlank()) {
        throw new IllegalArgumentException("executable is blank");
      }
      this.executable = executable;
    }

    /** Passed as {@code --config FILE}: WAL-G reads settings (and secrets) from it. */
    public Builder configFile(Path file) {
      this.configFile = Objects.requireNonNull(file, "file == null");
      return this;
    }

    /** Settings as environment variables for the wal-g process (e.g. {@code WALG_S3_PREFIX}, {@code AWS_SECRET_ACCESS_KEY}). */
    public Builder environment(Map<String, String> variables) {
      variables.forEach((k, v) -> environment.put(Objects.requireNonNull(k), Objects.requireNonNull(v, "value of " + k)));
      return this;
    }

    /** Whether the process inherits this JVM's environment (default true). */
    public Builder inheritEnvironment(boolean inherit) {
      this.inheritEnvironment = inherit;
      return this;
    }

    /** The longest a single command may run before it is stopped (default 24 h). */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout <= 0");
      }
      this.timeout = timeout;
      return this;
    }

    public Builder workingDirectory(Path directory) {
      this.workingDirectory = Objects.requireNonNull(directory, "directory == null");
      return this;
    }

    public WalgCli build() {
      return new WalgCli(this);
    }
  }
}
