package dev.patroni4j.runbooks.catalogue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link MajorUpgrade} needs: the member {@code pg_upgrade} runs on (the leader), the old and the new
 * installation's {@code bin} directories, and per member its {@code patroni.yml}, its data directory now and the one
 * the upgraded cluster uses; the transfer mode ({@link Mode#COPY} (the default) keeps the old cluster usable until its data
 * directories are removed, {@link Mode#LINK} shares the data files with it from the first start of the new cluster
 * on: the point of no return), the guardrails checked before anything changes, and the port the servers {@code
 * pg_upgrade} starts listen on.
 *
 * <pre>{@code
 * MajorUpgradeOptions options = MajorUpgradeOptions.builder("pg1",
 *         Path.of("/usr/lib/postgresql/15/bin"), Path.of("/usr/lib/postgresql/17/bin"))
 *     .member("pg1", Path.of("/etc/patroni/patroni.yml"), Path.of("/var/lib/postgresql/15/main"),
 *         Path.of("/var/lib/postgresql/17/main"))
 *     .member("pg2", Path.of("/etc/patroni/patroni.yml"), Path.of("/var/lib/postgresql/15/main"),
 *         Path.of("/var/lib/postgresql/17/main"))
 *     .mode(MajorUpgradeOptions.Mode.LINK)
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class MajorUpgradeOptions {
  /** How {@code pg_upgrade} gives the new cluster its data files. */
  public enum Mode {
    /** Copying ({@code pg_upgrade}'s default): the old data directory stays untouched; needs as much free space again. */
    COPY,
    /**
     * {@code --link}: hard links, fast and without extra space; once the new cluster has started, the old one cannot
     * be started again.
     */
    LINK;

    /** How a plan names it: copying is {@code pg_upgrade}'s default (PostgreSQL 15 has no {@code --copy}). */
    String describe() {
      return this == COPY ? "(copy mode)" : "--link";
    }
  }

  /**
   * One member's files: its {@code patroni.yml}, its data directory now (what {@code postgresql.data_dir} says) and
   * the upgraded cluster's (absent or empty before the upgrade). Paths are absolute, on the member's host.
   */
  public record Layout(Path configFile, Path oldDataDir, Path newDataDir) {
    public Layout {
      for (Path p : new Path[] {configFile, oldDataDir, newDataDir}) {
        if (!Objects.requireNonNull(p, "path == null").isAbsolute()) {
          throw new IllegalArgumentException("paths must be absolute: " + p);
        }
      }
      if (oldDataDir.normalize().equals(newDataDir.normalize())) {
        throw new IllegalArgumentException("the new data directory must differ from the old one: " + oldDataDir);
      }
      if (newDataDir.normalize().startsWith(oldDataDir.normalize())) {
        throw new IllegalArgumentException("the new data directory must not lie inside the old one: " + newDataDir);
      }
    }
  }

  private final String primary;
  private final Path oldBinDir;
  private final Path newBinDir;
  private final Map<String, Layout> members;
  private final Mode mode;
  private final Guardrails guardrails;
  private final int port;
  private final int jobs;
  private final Duration memberTimeout;

  private MajorUpgradeOptions(Builder b) {
    this.primary = b.primary;
    this.oldBinDir = b.oldBinDir;
    this.newBinDir = b.newBinDir;
    this.members = Collections.unmodifiableMap(new LinkedHashMap<>(b.members));
    this.mode = b.mode;
    this.guardrails = b.guardrails;
    this.port = b.port;
    this.jobs = b.jobs;
    this.memberTimeout = b.memberTimeout;
  }

  /**
   * Options for upgrading on {@code primary} (the member that leads when the upgrade starts) from the installation in
   * {@code oldBinDir} to the one in {@code newBinDir} (absolute; the same directory for an upgrade within a major
   * version, which is how it is proven where only one major version is installed).
   */
  public static Builder builder(String primary, Path oldBinDir, Path newBinDir) {
    return new Builder(primary, oldBinDir, newBinDir);
  }

  public String primary() {
    return primary;
  }

  public Path oldBinDir() {
    return oldBinDir;
  }

  public Path newBinDir() {
    return newBinDir;
  }

  /** Every member's layout, by name, in the order given. */
  public Map<String, Layout> members() {
    return members;
  }

  /** The layout of {@code member}. */
  public Layout layout(String member) {
    Layout l = members.get(member);
    if (l == null) {
      throw new IllegalArgumentException("no layout given for member " + member);
    }
    return l;
  }

  /** {@link Mode#COPY} unless set. */
  public Mode mode() {
    return mode;
  }

  /** Checked before anything changes: every replica's lag, every member's transactions; {@link Guardrails#defaults()}. */
  public Guardrails guardrails() {
    return guardrails;
  }

  /** The port of the servers {@code pg_upgrade} starts (and of the scratch server of the rehearsal); 50432. */
  public int port() {
    return port;
  }

  /** {@code pg_upgrade --jobs}; 1. */
  public int jobs() {
    return jobs;
  }

  /** How long one member may take to stop, start or be cloned; 5 minutes. */
  public Duration memberTimeout() {
    return memberTimeout;
  }

  @Override
  public String toString() {
    return "MajorUpgradeOptions[primary=" + primary + ", " + oldBinDir + " -> " + newBinDir + ", mode=" + mode
        + ", members=" + members + "]";
  }

  /** Builds {@link MajorUpgradeOptions}. Not thread-safe. */
  public static final class Builder {
    private final String primary;
    private final Path oldBinDir;
    private final Path newBinDir;
    private final Map<String, Layout> members = new LinkedHashMap<>();
    private Mode mode = Mode.COPY;
    private Guardrails guardrails = Guardrails.defaults();
    private int port = 50432;
    private int jobs = 1;
    private Duration memberTimeout = Duration.ofMinutes(5);

    private Builder(String primary, Path oldBinDir, Path newBinDir) {
      this.primary = Objects.requireNonNull(primary, "primary == null");
      this.oldBinDir = absolute(oldBinDir);
      this.newBinDir = absolute(newBinDir);
    }

    /** One member's {@code patroni.yml}, current and new data directory (see {@link Layout}). */
    public Builder member(String name, Path configFile, Path oldDataDir, Path newDataDir) {
      Objects.requireNonNull(name, "name == null");
      if (members.containsKey(name)) {
        throw new IllegalArgumentException("member " + name + " given twice");
      }
      members.put(name, new Layout(configFile, oldDataDir, newDataDir));
      return this;
    }

    public Builder mode(Mode mode) {
      this.mode = Objects.requireNonNull(mode, "mode == null");
      return this;
    }

    public Builder guardrails(Guardrails guardrails) {
      this.guardrails = Objects.requireNonNull(guardrails, "guardrails == null");
      return this;
    }

    /** Sets {@link MajorUpgradeOptions#port()}; throws IllegalArgumentException outside 1..65535. */
    public Builder port(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /** Sets {@link MajorUpgradeOptions#jobs()}; throws IllegalArgumentException below 1. */
    public Builder jobs(int jobs) {
      if (jobs < 1) {
        throw new IllegalArgumentException("jobs must be at least 1: " + jobs);
      }
      this.jobs = jobs;
      return this;
    }

    /** Sets {@link MajorUpgradeOptions#memberTimeout()}; throws IllegalArgumentException unless positive. */
    public Builder memberTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("memberTimeout must be positive: " + timeout);
      }
      this.memberTimeout = timeout;
      return this;
    }

    /** The options; throws IllegalArgumentException when the primary has no layout. */
    public MajorUpgradeOptions build() {
      if (!members.containsKey(primary)) {
        throw new IllegalArgumentException("the primary " + primary + " needs a layout (member(...)); given: "
            + members.keySet());
      }
      return new MajorUpgradeOptions(this);
    }

    private static Path absolute(Path p) {
      if (!Objects.requireNonNull(p, "bin directory == null").isAbsolute()) {
        throw new IllegalArgumentException("bin directories must be absolute: " + p);
      }
      return p;
    }
  }
}
