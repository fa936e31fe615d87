package dev.patroni4j.runbooks.host;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.model.PatroniVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * {@link HostActions} as shell commands for systemd hosts, run locally ({@code sh -c}) or through {@code ssh}. The
 * commands are templates with placeholders {@code {member}}, {@code {dataDir}} and, for the installation switch,
 * {@code {version}} ({@code major.minor.patch}, e.g. {@code 4.1.5}); substituted values are single-quoted for the shell. Files are written, moved and wiped with
 * {@code cat}, {@code mv} and {@code find}.
 *
 * <pre>{@code
 * HostActions hosts = ShellHostActions.ssh(member -> "db-" + member + ".internal")
 *     .sshCommand(List.of("ssh", "-o", "BatchMode=yes", "-l", "ops"))
 *     .stopPatroni("sudo systemctl stop patroni")            // the defaults, shown for clarity
 *     .startPatroni("sudo systemctl start patroni")
 *     .stopPostgres("sudo -u postgres /usr/lib/postgresql/15/bin/pg_ctl -D {dataDir} stop -m fast")
 *     .switchInstallation("sudo apt-get install -y --allow-downgrades patroni={version}-1")   // no default
 *     .dataDirectory(member -> Path.of("/var/lib/postgresql/15/main"))
 *     .timeout(Duration.ofMinutes(2))
 *     .build();
 * }</pre>
 *
 * <p>Thread-safety: immutable and thread-safe.
 */
public final class ShellHostActions implements HostActions {
  private static final int STDERR_TAIL = 2000;

  private final @Nullable Function<String, String> hostOf;
  private final List<String> sshCommand;
  private final Map<String, String> templates;
  private final Function<String, Path> dataDirectory;
  private final Duration timeout;

  private ShellHostActions(Builder b) {
    this.hostOf = b.hostOf;
    this.sshCommand = List.copyOf(b.sshCommand);
    this.templates = Map.of("stopPatroni", b.stopPatroni, "startPatroni", b.startPatroni,
        "stopPostgres", b.stopPostgres, "switchInstallation", b.switchInstallation);
    this.dataDirectory = b.dataDirectory;
    this.timeout = b.timeout;
  }

  /** Runs commands on this machine (all members local, e.g. several Patroni units on one host). */
  public static Builder local() {
    return new Builder(null);
  }

  /** Runs commands on {@code hostOf.apply(member)} through ssh (key-based; no passwords are handled here). */
  public static Builder ssh(Function<String, String> hostOf) {
    return new Builder(Objects.requireNonNull(hostOf, "hostOf == null"));
  }

  private String template(String name) {
    return Objects.requireNonNull(templates.get(name), name); // the constructor sets every one
  }

  @Override
  public void stopPatroni(String member) {
    check("stopPatroni", member, shell(member, expand(template("stopPatroni"), member, Map.of()), null));
  }

  @Override
  public void startPatroni(String member) {
    check("startPatroni", member, shell(member, expand(template("startPatroni"), member, Map.of()), null));
  }

  @Override
  public void stopPostgres(String member) {
    check("stopPostgres", member, shell(member, expand(template("stopPostgres"), member, Map.of()), null));
  }

  @Override
  public void switchPatroniInstallation(String member, PatroniVersion version) {
    String template = template("switchInstallation");
    if (template.isEmpty()) {
      throw new IllegalStateException("no switchInstallation(...) template configured: how to switch " + member
          + " to Patroni " + version + " depends on the packaging (apt, pip, a symlink)");
    }
    check("switchPatroniInstallation", member, shell(member, expand(template, member,
        Map.of("version", version.major() + "." + version.minor() + "." + version.patch())),
        null));
  }

  @Override
  public void moveFile(String member, Path from, Path to) {
    String cmd = expand("mv -f -- {from} {to}", member, Map.of("from", from.toString(), "to", to.toString()));
    check("moveFile", member, shell(member, cmd, null));
  }

  @Override
  public void writeFile(String member, Path path, byte[] content) {
    String tmp = path + ".p4j-tmp";
    String cmd = expand("umask 077 && cat > {tmp} && mv -f -- {tmp} {path}", member,
        Map.of("tmp", tmp, "path", path.toString()));
    check("writeFile", member, shell(member, cmd, content));
  }

  @Override
  public Optional<String> readFile(String member, Path path) {
    CommandResult r = shell(member, expand("if [ -e {path} ]; then cat -- {path}; else exit " + NO_SUCH_FILE + "; fi",
        member, Map.of("path", path.toString())), null);
    if (r.exitCode() == NO_SUCH_FILE) {
      return Optional.empty();
    }
    check("readFile " + path, member, r);
    return Optional.of(r.stdout());
  }

  @Override
  public void wipeDataDirectory(String member, Path dataDir, Confirmation confirmation) {
    DataDirectory target = new DataDirectory(member, dataDir);
    confirmation.check("wipeDataDirectory", target);
    String cmd = expand("test -d {path} && find {path} -mindepth 1 -delete", member,
        Map.of("path", target.path().toString()));
    check("wipeDataDirectory", member, shell(member, cmd, null));
  }

  @Override
  public CommandResult run(String member, List<String> command) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command is empty");
    }
    StringBuilder sb = new StringBuilder();
    for (String arg : command) {
      sb.append(sb.length() == 0 ? "" : " ").append(quote(arg));
    }
    return shell(member, sb.toString(), null);
  }

  private String expand(String template, String member, Map<String, String> values) {
    String out = template.replace("{member}", quote(member));
    if (out.contains("{dataDir}")) {
      out = out.replace("{dataDir}", quote(dataDirectory.apply(member).toString()));
    }
    for (Map.Entry<String, String> e : values.entrySet()) {
      out = out.replace("{" + e.getKey() + "}", quote(e.getValue()));
    }
    return out;
  }

  /** Single-quotes {@code s} for POSIX sh, e.g. for a path written into a template. */
  public static String quote(String s) {
    return "'" + s.replace("'", "'\"'\"'") + "'";
  }

  private CommandResult shell(String member, String script, byte @Nullable [] stdin) {
    List<String> argv = new ArrayList<>();
    if (hostOf == null) {
      argv.addAll(List.of("sh", "-c", script));
    } else {
      argv.addAll(sshCommand);
      argv.add(hostOf.apply(member));
      argv.add("--");
      argv.add(script); // ssh hands the remote command to the login shell
    }
    Process p;
    try {
      p = new ProcessBuilder(argv).start();
    } catch (IOException e) {
      throw new HostActionException("command", member, -1, "cannot start " + argv.get(0) + ": " + e.getMessage());
    }
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    try (OutputStream in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin);
      }
    } catch (IOException e) {
      p.destroyForcibly();
      throw new HostActionException("command", member, -1, "cannot write stdin: " + e.getMessage());
    }
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new HostActionException("command", member, -1, "timed out after " + timeout);
      }
      return new CommandResult(p.exitValue(), out.join(), err.join());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new HostActionException("command", member, -1, "interrupted");
    }
  }

  /** The exit code {@link #readFile}'s script uses for "no such file" ({@code EX_NOINPUT} of sysexits.h). */
  private static final int NO_SUCH_FILE = 66;

  private static CompletableFuture<String> drain(InputStream s) {
    return CompletableFuture.supplyAsync(() -> {
      try (s) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        s.transferTo(buf);
        return buf.toString(StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  private static void check(String action, String member, CommandResult r) {
    if (!r.succeeded()) {
      String err = r.stderr().strip();
      throw new HostActionException(action, member, r.exitCode(),
          err.length() > STDERR_TAIL ? "..." + err.substring(err.length() - STDERR_TAIL) : err);
    }
  }

  /** Builder for {@link ShellHostActions}; not thread-safe. */
  public static final class Builder {
    private final @Nullable Function<String, String> hostOf;
    private List<String> sshCommand = List.of("ssh", "-o", "BatchMode=yes");
    private String stopPatroni = "sudo systemctl stop patroni";
    private String startPatroni = "sudo systemctl start patroni";
    private String stopPostgres = "sudo -u postgres pg_ctl -D {dataDir} stop -m fast";
    private String switchInstallation = "";
    private Function<String, Path> dataDirectory = m -> {
      throw new IllegalStateException("no dataDirectory(...) configured for member " + m);
    };
    private Duration timeout = Duration.ofMinutes(5);

    private Builder(@Nullable Function<String, String> hostOf) {
      this.hostOf = hostOf;
    }

    /** The ssh client and its options; the host and the remote command are appended. */
    public Builder sshCommand(List<String> sshCommand) {
      if (sshCommand.isEmpty()) {
        throw new IllegalArgumentException("sshCommand is empty");
      }
      this.sshCommand = List.copyOf(sshCommand);
      return this;
    }

    public Builder stopPatroni(String template) {
      this.stopPatroni = Objects.requireNonNull(template, "template == null");
      return this;
    }

    public Builder startPatroni(String template) {
      this.startPatroni = Objects.requireNonNull(template, "template == null");
      return this;
    }

    public Builder stopPostgres(String template) {
      this.stopPostgres = Objects.requireNonNull(template, "template == null");
      return this;
    }

    /**
     * How to switch a member's Patroni to release {@code {version}} (e.g. {@code sudo apt-get install -y
     * --allow-downgrades patroni={version}-1}, or re-pointing a symlink to another virtualenv); no default, as it
     * depends on the packaging.
     */
    public Builder switchInstallation(String template) {
      this.switchInstallation = Objects.requireNonNull(template, "template == null");
      return this;
    }

    /** Each member's data directory, for {@code {dataDir}}. */
    public Builder dataDirectory(Function<String, Path> dataDirectory) {
      this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory == null");
      return this;
    }

    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout <= 0: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    public ShellHostActions build() {
      return new ShellHostActions(this);
    }
  }
}
