package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.config.ClusterSpec;
import dev.patroni4j.config.ConfigGenerator;
import dev.patroni4j.config.MemberHost;
import dev.patroni4j.config.PatroniConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link PatroniRunbooks#addReplica} adds: the new member's host ({@link MemberHost}: name, addresses, data
 * directory, binaries, tags), what the cluster's members share ({@link ClusterSpec}, usually read from a running
 * member's {@code patroni.yml} with {@link ClusterSpec#fromMemberConfig}), where its {@code patroni.yml} goes on its
 * host, extra settings of the site, and when the new replica counts as done (lag bound, how long to wait).
 *
 * <pre>{@code
 * ClusterSpec running = ClusterSpec.fromMemberConfig(PatroniConfig.read(Path.of("/etc/patroni/patroni.yml")));
 * MemberHost host = MemberHost.builder("db4").address("10.0.0.14").dataDir("/var/lib/postgresql/15/main")
 *     .binDir("/usr/lib/postgresql/15/bin").build();
 * AddReplicaOptions options = AddReplicaOptions.builder(running, host, Path.of("/etc/patroni/patroni.yml"))
 *     .setting("postgresql.basebackup", List.of(Map.of("checkpoint", "fast")))
 *     .maxLagBytes(16L * 1024 * 1024)
 *     .streamTimeout(Duration.ofMinutes(30))
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe. {@link #toString()} names the member and the file, never the spec's passwords.
 */
public final class AddReplicaOptions {
  /** The default lag bound: 16 MiB, one WAL segment. */
  public static final long DEFAULT_MAX_LAG_BYTES = 16L * 1024 * 1024;

  private final ClusterSpec cluster;
  private final MemberHost host;
  private final Path configFile;
  private final Map<String, Object> settings;
  private final long maxLagBytes;
  private final Duration streamTimeout;

  private AddReplicaOptions(Builder b) {
    this.cluster = b.cluster;
    this.host = b.host;
    this.configFile = b.configFile;
    this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(b.settings));
    this.maxLagBytes = b.maxLagBytes;
    this.streamTimeout = b.streamTimeout;
  }

  /**
   * Options for adding {@code host} to the cluster {@code cluster} describes, its configuration written to {@code
   * configFile} (an absolute path on the member's host).
   */
  public static Builder builder(ClusterSpec cluster, MemberHost host, Path configFile) {
    return new Builder(cluster, host, configFile);
  }

  public ClusterSpec cluster() {
    return cluster;
  }

  public MemberHost host() {
    return host;
  }

  /** The member's name ({@code host().name()}). */
  public String member() {
    return host.name();
  }

  public Path configFile() {
    return configFile;
  }

  /** The member's data directory ({@code host().dataDir()}). */
  public Path dataDirectory() {
    return Path.of(host.dataDir());
  }

  /** Extra settings, dotted path to value, applied on top of what the generator writes. */
  public Map<String, Object> settings() {
    return settings;
  }

  public long maxLagBytes() {
    return maxLagBytes;
  }

  public Duration streamTimeout() {
    return streamTimeout;
  }

  /**
   * The member's configuration as the runbook writes it: {@link ConfigGenerator#newMember} (no {@code bootstrap}
   * section, so it can only clone from the cluster) with {@link #settings()} applied in order.
   *
   * @param otherMembers the names the cluster's other members use
   */
  public PatroniConfig config(Collection<String> otherMembers) {
    PatroniConfig config = ConfigGenerator.newMember(cluster, otherMembers, host);
    for (Map.Entry<String, Object> e : settings.entrySet()) {
      config = config.with(e.getKey(), e.getValue());
    }
    return config;
  }

  @Override
  public String toString() {
    return "AddReplicaOptions[member=" + host.name() + ", scope=" + cluster.scope() + ", configFile=" + configFile
        + ", dataDirectory=" + host.dataDir() + ", maxLagBytes=" + maxLagBytes + ", streamTimeout=" + streamTimeout
        + "]";
  }

  /** Builds {@link AddReplicaOptions}; not thread-safe. */
  public static final class Builder {
    private final ClusterSpec cluster;
    private final MemberHost host;
    private final Path configFile;
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private long maxLagBytes = DEFAULT_MAX_LAG_BYTES;
    private Duration streamTimeout = Duration.ofMinutes(10);

    private Builder(ClusterSpec cluster, MemberHost host, Path configFile) {
      this.cluster = Objects.requireNonNull(cluster, "cluster == null");
      this.host = Objects.requireNonNull(host, "host == null");
      this.configFile = Objects.requireNonNull(configFile, "configFile == null");
      if (!configFile.isAbsolute()) {
        throw new IllegalArgumentException("configFile must be absolute: " + configFile);
      }
      if (!Path.of(host.dataDir()).isAbsolute()) {
        throw new IllegalArgumentException("the member's data directory must be absolute: " + host.dataDir());
      }
    }

    /**
     * A site's own setting at a dotted path (e.g. {@code postgresql.basebackup}), applied with {@link
     * PatroniConfig#with} after the generator.
     */
    public Builder setting(String dottedPath, Object value) {
      settings.put(Objects.requireNonNull(dottedPath, "dottedPath == null"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** The most the new replica may be behind the leader, as Patroni reports it, to count as done (16 MiB). */
    public Builder maxLagBytes(long maxLagBytes) {
      if (maxLagBytes < 0) {
        throw new IllegalArgumentException("maxLagBytes < 0: " + maxLagBytes);
      }
      this.maxLagBytes = maxLagBytes;
      return this;
    }

    /** How long the clone may take until the replica streams within the bound (10 minutes). */
    public Builder streamTimeout(Duration streamTimeout) {
      if (streamTimeout.isNegative() || streamTimeout.isZero()) {
        throw new IllegalArgumentException("streamTimeout must be positive: " + streamTimeout);
      }
      this.streamTimeout = streamTimeout;
      return this;
    }

    public AddReplicaOptions build() {
      return new AddReplicaOptions(this);
    }
  }
}
