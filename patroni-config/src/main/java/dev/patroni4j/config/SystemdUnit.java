package dev.patroni4j.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A systemd unit for Patroni like the one a package ships, and a reader of existing units that
 * names the traps that matter for maintenance.
 *
 * <pre>{@code
 * // given: String existingUnitText;
 * String unit = SystemdUnit.newBuilder()
 *     .patroniExecutable(Path.of("/opt/patroni/bin/patroni"))
 *     .configFile(Path.of("/etc/patroni/patroni.yml"))
 *     .build()
 *     .render();
 * List<SystemdUnit.Trap> traps = SystemdUnit.check(existingUnitText, Path.of("/etc/patroni/patroni.yml"));
 * }</pre>
 *
 * <p>Immutable and thread-safe; the builder is not.
 */
public final class SystemdUnit {
  private final String user;
  private final String group;
  private final Path patroni;
  private final Path config;
  private final Duration timeoutStop;
  private final int oomScoreAdjust;

  private SystemdUnit(Builder b) {
    this.user = b.user;
    this.group = b.group;
    this.patroni = Objects.requireNonNull(b.patroni, "patroniExecutable");
    this.config = Objects.requireNonNull(b.config, "configFile");
    this.timeoutStop = b.timeoutStop;
    this.oomScoreAdjust = b.oomScoreAdjust;
  }

  /** A builder with the packaged defaults: user and group {@code postgres}, stop timeout 120 s. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * The unit file. {@code KillMode=process} and {@code KillSignal=SIGINT} make a stop end only
   * Patroni, which then stops PostgreSQL itself, or, while the cluster is paused, leaves it running.
   */
  public String render() {
    return "[Unit]\n"
        + "Description=Runners to orchestrate a high-availability PostgreSQL (Patroni)\n"
        + "After=syslog.target network-online.target\n"
        + "Wants=network-online.target\n"
        + "\n"
        + "[Service]\n"
        + "Type=simple\n"
        + "User=" + user + "\n"
        + "Group=" + group + "\n"
        + "Environment=PATRONI_CONFIG_LOCATION=" + config + "\n"
        + "ExecStart=" + patroni + " ${PATRONI_CONFIG_LOCATION}\n"
        + "ExecReload=/bin/kill -HUP $MAINPID\n"
        + "# stop Patroni only: it stops PostgreSQL itself, or leaves it running while paused\n"
        + "KillMode=process\n"
        + "KillSignal=SIGINT\n"
        + "TimeoutStopSec=" + timeoutStop.toSeconds() + "\n"
        + "TimeoutSec=30\n"
        + "Restart=no\n"
        + "# keep the OOM killer away from the postmaster, which inherits this\n"
        + "OOMScoreAdjust=" + oomScoreAdjust + "\n"
        + "\n"
        + "[Install]\n"
        + "WantedBy=multi-user.target\n";
  }

  /** Builds a {@link SystemdUnit}; not thread-safe. */
  public static final class Builder {
    private String user = "postgres";
    private String group = "postgres";
    private Path patroni = Path.of("/usr/bin/patroni");
    private Path config = Path.of("/etc/patroni/patroni.yml");
    private Duration timeoutStop = Duration.ofMinutes(2);
    private int oomScoreAdjust = -1000;

    private Builder() {}

    /** The OS user and group Patroni runs as. */
    public Builder user(String user, String group) {
      this.user = requireWord(user, "user");
      this.group = requireWord(group, "group");
      return this;
    }

    /** The {@code patroni} program. */
    public Builder patroniExecutable(Path patroni) {
      this.patroni = requireAbsolute(patroni, "patroniExecutable");
      return this;
    }

    /** The configuration file (or directory) Patroni reads. */
    public Builder configFile(Path config) {
      this.config = requireAbsolute(config, "configFile");
      return this;
    }

    /** How long systemd waits for Patroni (and so PostgreSQL) to stop. */
    public Builder timeoutStop(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new PatroniConfigException("timeoutStop must be positive, got " + timeout);
      }
      this.timeoutStop = timeout;
      return this;
    }

    /** The OOM score adjustment, -1000 (never) to 1000. */
    public Builder oomScoreAdjust(int adjust) {
      if (adjust < -1000 || adjust > 1000) {
        throw new PatroniConfigException("oomScoreAdjust must be within -1000..1000, got " + adjust);
      }
      this.oomScoreAdjust = adjust;
      return this;
    }

    public SystemdUnit build() {
      return new SystemdUnit(this);
    }

    private static String requireWord(String s, String what) {
      if (!s.matches("[a-z_][a-z0-9_-]*")) {
        throw new PatroniConfigException(what + " must be a user or group name, got '" + s + "'");
      }
      return s;
    }

    private static Path requireAbsolute(Path p, String what) {
      if (!p.isAbsolute() || p.toString().matches(".*[\\s$%;\"'\\\\].*")) {
        throw new PatroniConfigException(what + " must be an absolute path without spaces or quotes, got '"
            + p + "'");
      }
      return p;
    }
  }

  // ------------------------------------------------------------------------ checker

  /** A trap in an existing unit. */
  public enum TrapKind {
    /** {@code KillMode} is not {@code process}: stopping the service also kills PostgreSQL. */
    STOP_KILLS_POSTGRESQL,
    /** The unit starts Patroni with another configuration than the one Patroni is running with. */
    CONFIG_PATH_DIFFERS,
    /** No {@code ExecStart}: the unit cannot start Patroni. */
    NO_EXEC_START,
    /** {@code KillSignal} is not {@code SIGINT}/{@code SIGTERM}: Patroni cannot shut down cleanly. */
    HARSH_KILL_SIGNAL
  }

  /** One trap, with what was found. */
  public record Trap(TrapKind kind, String found, String explanation) {}

  /**
   * The traps of {@code unitText} for a Patroni that is running with {@code runningConfig}
   * (e.g. from {@code /proc/<pid>/cmdline}); an empty list when the unit is safe for maintenance.
   */
  public static List<Trap> check(String unitText, Path runningConfig) {
    Map<String, String> service = section(unitText, "Service");
    List<Trap> traps = new ArrayList<>(stopTraps(service));
    Optional<String> exec = Optional.ofNullable(service.get("ExecStart"));
    if (exec.isEmpty()) {
      traps.add(new Trap(TrapKind.NO_EXEC_START, "", "the unit has no ExecStart"));
      return traps;
    }
    Optional<String> configured = configPath(exec.get(), service);
    if (configured.isEmpty() || !Path.of(configured.get()).normalize().equals(runningConfig.normalize())) {
      traps.add(new Trap(TrapKind.CONFIG_PATH_DIFFERS, configured.orElse("(none)"),
          "the unit would start Patroni with " + configured.orElse("no configuration file")
              + " but it runs with " + runningConfig + ": a restart through systemd changes its configuration"));
    }
    return traps;
  }

  /**
   * The traps of {@code unitText} that make {@code systemctl stop} unsafe for maintenance: it kills PostgreSQL with
   * Patroni ({@link TrapKind#STOP_KILLS_POSTGRESQL}), or stops Patroni with a signal it cannot shut down on ({@link
   * TrapKind#HARSH_KILL_SIGNAL}). What a diagnosis or a pre-flight checks when it does not know the running
   * configuration.
   */
  public static List<Trap> stopTraps(String unitText) {
    return stopTraps(section(unitText, "Service"));
  }

  private static List<Trap> stopTraps(Map<String, String> service) {
    List<Trap> traps = new ArrayList<>();
    String killMode = service.getOrDefault("KillMode", "control-group");
    if (!killMode.equals("process")) {
      traps.add(new Trap(TrapKind.STOP_KILLS_POSTGRESQL, "KillMode=" + killMode,
          "stopping the service kills every process of its cgroup, PostgreSQL included, even while the "
              + "cluster is paused; use KillMode=process"));
    }
    String signal = service.getOrDefault("KillSignal", "SIGTERM").toUpperCase(Locale.ROOT);
    if (!signal.equals("SIGINT") && !signal.equals("SIGTERM") && !signal.equals("INT") && !signal.equals("TERM")) {
      traps.add(new Trap(TrapKind.HARSH_KILL_SIGNAL, "KillSignal=" + signal,
          "Patroni shuts down (and stops PostgreSQL in order) on SIGINT or SIGTERM only"));
    }
    return traps;
  }

  private static Optional<String> configPath(String execStart, Map<String, String> service) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : service.getOrDefault("Environment", "").split("\n", -1)) {
      for (String assignment : line.strip().split("\\s+", -1)) {
        String a = assignment.replace("\"", "");
        int eq = a.indexOf('=');
        if (eq > 0) {
          env.put(a.substring(0, eq), a.substring(eq + 1));
        }
      }
    }
    String[] words = execStart.replaceFirst("^[-@:+!]+", "").strip().split("\\s+", -1);
    for (int i = words.length - 1; i >= 1; i--) {
      String w = words[i];
      if (w.startsWith("-")) {
        continue;
      }
      for (Map.Entry<String, String> e : env.entrySet()) {
        w = w.replace("${" + e.getKey() + "}", e.getValue()).replace("$" + e.getKey(), e.getValue());
      }
      return Optional.of(w);
    }
    return Optional.ofNullable(env.get("PATRONI_CONFIG_LOCATION"));
  }

  /** The keys of one section; a repeated key (Environment) collects its lines. */
  private static Map<String, String> section(String unit, String name) {
    Map<String, String> out = new LinkedHashMap<>();
    String current = "";
    for (String raw : unit.split("\n", -1)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        current = line.substring(1, line.length() - 1);
        continue;
      }
      int eq = line.indexOf('=');
      if (current.equals(name) && eq > 0) {
        String key = line.substring(0, eq).strip();
        String value = line.substring(eq + 1).strip();
        out.merge(key, value, key.equals("Environment") ? (a, b) -> a + "\n" + b : (a, b) -> b);
      }
    }
    return out;
  }
}
