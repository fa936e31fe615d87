package dev.patroni4j.runbooks.catalogue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Which member {@link PatroniRunbooks#drain} and {@link PatroniRunbooks#undrain} act on, where its local {@code
 * patroni.yml} is on its host, which of the three drain tags they set or remove, and how long the cluster may take to
 * show the change.
 *
 * <pre>{@code
 * import dev.patroni4j.runbooks.Journal;
 * import dev.patroni4j.runbooks.RunbookRunner;
 * // given: PatroniRunbooks catalogue; RunbookRunner runner; Journal journal;
 * DrainOptions pg2 = DrainOptions.builder("pg2", Path.of("/etc/patroni/patroni.yml"))
 *     .tags(EnumSet.of(DrainOptions.Tag.NOFAILOVER, DrainOptions.Tag.NOLOADBALANCE)) // default: all three
 *     .timeout(Duration.ofMinutes(1))
 *     .build();
 * runner.execute(catalogue.drain(pg2), journal);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class DrainOptions {
  /** The tags a drain sets to {@code true} and an undrain removes. */
  public enum Tag {
    /** Never promoted: no failover or switchover to it. */
    NOFAILOVER,
    /** {@code GET /replica} (and the other replica health checks) answer 503: load balancers stop sending reads. */
    NOLOADBALANCE,
    /** Never chosen as synchronous standby. */
    NOSYNC;

    /** The tag's name in {@code patroni.yml}, e.g. {@code nofailover}. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final String member;
  private final Path configFile;
  private final Set<Tag> tags;
  private final Duration timeout;

  private DrainOptions(Builder b) {
    this.member = b.member;
    this.configFile = b.configFile;
    this.tags = Collections.unmodifiableSet(EnumSet.copyOf(b.tags));
    this.timeout = b.timeout;
  }

  /** Options for {@code member}, whose Patroni reads {@code configFile} (absolute, on its host). */
  public static Builder builder(String member, Path configFile) {
    return new Builder(member, configFile);
  }

  public String member() {
    return member;
  }

  public Path configFile() {
    return configFile;
  }

  /** The tags, in declaration order; never empty. */
  public Set<Tag> tags() {
    return tags;
  }

  /** How long the reload may take to show in {@code /cluster} and the health checks (1 minute). */
  public Duration timeout() {
    return timeout;
  }

  @Override
  public String toString() {
    return "DrainOptions[member=" + member + ", configFile=" + configFile + ", tags=" + tags + ", timeout=" + timeout
        + "]";
  }

  /** Builds {@link DrainOptions}; not thread-safe. */
  public static final class Builder {
    private final String member;
    private final Path configFile;
    private Set<Tag> tags = EnumSet.allOf(Tag.class);
    private Duration timeout = Duration.ofMinutes(1);

    private Builder(String member, Path configFile) {
      this.member = Objects.requireNonNull(member, "member == null");
      this.configFile = Objects.requireNonNull(configFile, "configFile == null");
      if (!configFile.isAbsolute()) {
        throw new IllegalArgumentException("configFile must be absolute: " + configFile);
      }
    }

    /** The tags to set or remove (all three unless given). */
    public Builder tags(Set<Tag> tags) {
      if (tags.isEmpty()) {
        throw new IllegalArgumentException("at least one tag");
      }
      this.tags = EnumSet.copyOf(tags);
      return this;
    }

    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    public DrainOptions build() {
      return new DrainOptions(this);
    }
  }
}
