package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.config.ClusterSpec;
import dev.patroni4j.config.MemberHost;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What {@link StandaloneConversion#convert} needs: the cluster's shared configuration (a patroni-config {@link
 * ClusterSpec}: scope, DCS, the superuser, replication and rewind users with their passwords, {@code pg_hba} rules,
 * dynamic configuration), each node (its {@link MemberHost}: name, addresses, data and bin directory; where its
 * {@code patroni.yml} goes; optionally the command that takes the old service off PostgreSQL), when the primary's
 * hand-over restart happens, and the bound on a replication slot's lag.
 *
 * <pre>{@code
 * import dev.patroni4j.config.ClusterSpec;
 * import dev.patroni4j.config.MemberHost;
 * // given: ClusterSpec spec; MemberHost db1; MemberHost db2;
 * ConversionOptions options = ConversionOptions.builder(spec)
 *     .node(db1, Path.of("/etc/patroni/patroni.yml"), List.of("sudo", "systemctl", "disable", "postgresql@15-main"))
 *     .node(db2, Path.of("/etc/patroni/patroni.yml"))
 *     .primaryRestartAt(OffsetDateTime.parse("2026-12-05T03:00:00Z"))   // the maintenance window
 *     .maxSlotLagBytes(64L << 20)
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class ConversionOptions {
  /**
   * One standalone server to put under Patroni.
   *
   * @param host the member's host as patroni-config's generator takes it (its name is the member name)
   * @param configFile where its {@code patroni.yml} is written (absolute), the file its Patroni service reads
   * @param retireOldService a command (argument vector) run before Patroni starts on the node, e.g. {@code systemctl
   *     disable postgresql@15-main}, so that the service that started PostgreSQL so far does not start or stop it
   *     any more; it must leave PostgreSQL running. Empty for a server started by hand with {@code pg_ctl}.
   */
  public record Node(MemberHost host, Path configFile, List<String> retireOldService) {
    public Node {
      Objects.requireNonNull(host, "host == null");
      Objects.requireNonNull(configFile, "configFile == null");
      if (!configFile.isAbsolute()) {
        throw new IllegalArgumentException(host.name() + ": the configuration file must be absolute: " + configFile);
      }
      retireOldService = List.copyOf(retireOldService);
    }

    public String name() {
      return host.name();
    }
  }

  private final ClusterSpec cluster;
  private final List<Node> nodes;
  private final OffsetDateTime primaryRestartAt;
  private final long maxSlotLagBytes;
  private final Duration memberTimeout;

  private ConversionOptions(Builder b, OffsetDateTime primaryRestartAt) {
    this.cluster = b.cluster;
    this.nodes = List.copyOf(b.nodes);
    this.primaryRestartAt = primaryRestartAt;
    this.maxSlotLagBytes = b.maxSlotLagBytes;
    this.memberTimeout = b.memberTimeout;
  }

  public static Builder builder(ClusterSpec cluster) {
    return new Builder(Objects.requireNonNull(cluster, "cluster == null"));
  }

  public ClusterSpec cluster() {
    return cluster;
  }

  /** The nodes, in the order given; the runbook finds which one is the primary. */
  public List<Node> nodes() {
    return nodes;
  }

  public Optional<Node> findNode(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
  }

  /** When the primary is restarted under Patroni (a scheduled restart), handing its start-up over to Patroni. */
  public OffsetDateTime primaryRestartAt() {
    return primaryRestartAt;
  }

  /**
   * The most WAL (bytes) a replication slot's consumer may be behind the primary's current position ({@code
   * confirmed_flush_lsn} for a logical slot, {@code restart_lsn} for a physical one) for the conversion to start.
   */
  public long maxSlotLagBytes() {
    return maxSlotLagBytes;
  }

  /** How long a member may take to register, restart or catch up (default 2 minutes). */
  public Duration memberTimeout() {
    return memberTimeout;
  }

  @Override
  public String toString() {
    return "ConversionOptions[scope=" + cluster.scope() + ", nodes=" + nodes.stream().map(Node::name).toList()
        + ", primaryRestartAt=" + primaryRestartAt + ", maxSlotLagBytes=" + maxSlotLagBytes + "]";
  }

  /** Not thread-safe. */
  public static final class Builder {
    private final ClusterSpec cluster;
    private final List<Node> nodes = new ArrayList<>();
    private @Nullable OffsetDateTime primaryRestartAt;
    private long maxSlotLagBytes = 16L << 20;
    private Duration memberTimeout = Duration.ofMinutes(2);

    private Builder(ClusterSpec cluster) {
      this.cluster = cluster;
    }

    /** A node whose PostgreSQL was started by hand (no service to retire). */
    public Builder node(MemberHost host, Path configFile) {
      return node(host, configFile, List.of());
    }

    public Builder node(MemberHost host, Path configFile, List<String> retireOldService) {
      nodes.add(new Node(host, configFile, retireOldService));
      return this;
    }

    public Builder primaryRestartAt(OffsetDateTime at) {
      this.primaryRestartAt = Objects.requireNonNull(at, "at == null");
      return this;
    }

    public Builder maxSlotLagBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("maxSlotLagBytes must not be negative: " + bytes);
      }
      this.maxSlotLagBytes = bytes;
      return this;
    }

    public Builder memberTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("memberTimeout must be positive: " + timeout);
      }
      this.memberTimeout = timeout;
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalArgumentException without nodes, with a node name given twice, or without {@link
     *     #primaryRestartAt}
     */
    public ConversionOptions build() {
      if (nodes.isEmpty()) {
        throw new IllegalArgumentException("a conversion needs at least one node");
      }
      Set<String> names = new HashSet<>();
      for (Node n : nodes) {
        if (!names.add(n.name())) {
          throw new IllegalArgumentException("node " + n.name() + " is given twice");
        }
      }
      if (primaryRestartAt == null) {
        throw new IllegalArgumentException("primaryRestartAt is required: when may the primary restart under Patroni?");
      }
      return new ConversionOptions(this, primaryRestartAt);
    }
  }
}
