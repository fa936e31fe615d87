package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.model.PatroniVersion;
import dev.patroni4j.config.SystemdUnit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What {@link PatroniRunbooks#packageMigration} migrates: the Patroni release every member ends on, each member's
 * configuration file now and where the new installation's service expects it, optionally each member's systemd unit
 * (checked before anything changes, rewritten through patroni-config's {@link SystemdUnit}), the strategy, and the
 * risks the caller accepts, and the pre-flight {@link #guardrails() guardrails}.
 *
 * <pre>{@code
 * import dev.patroni4j.client.model.PatroniVersion;
 * import dev.patroni4j.config.SystemdUnit;
 * Path unit = Path.of("/etc/systemd/system/patroni.service");
 * SystemdUnit newUnit = SystemdUnit.newBuilder()
 *     .patroniExecutable(Path.of("/opt/patroni-4.1/bin/patroni"))
 *     .configFile(Path.of("/etc/patroni/patroni.yml"))
 *     .build();
 * PackageMigrationOptions.Builder b = PackageMigrationOptions.builder(PatroniVersion.parse("4.1.5"))
 *     .strategy(PackageMigrationOptions.Strategy.PAUSE_CLUSTER);
 * for (String member : List.of("pg1", "pg2", "pg3")) {
 *   b.member(PackageMigrationOptions.Member.of(member, Path.of("/etc/patroni.yml"), Path.of("/etc/patroni/patroni.yml"))
 *       .withUnit(unit, newUnit));
 * }
 * PackageMigrationOptions options = b.memberTimeout(Duration.ofMinutes(3))
 *     .guardrails(Guardrails.builder().maxTransactionAge(Duration.ofSeconds(5)).build())
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe; the builder is not.
 */
public final class PackageMigrationOptions {
  /** How the members are moved to the new release; the caller picks one. */
  public enum Strategy {
    /**
     * Pause the cluster (verified on every member), then per member stop only Patroni (PostgreSQL keeps running: no
     * restart, no leader change), switch the installation, move the configuration, start, wait until it is back on
     * the new release; the leader last; resume (verified on every member).
     */
    PAUSE_CLUSTER,
    /**
     * As a large public operator runs it in production, the cluster staying managed: per replica drain ({@code
     * nofailover} + {@code noloadbalance}), upgrade (its PostgreSQL restarts with Patroni), undrain; then a
     * controlled switchover to an upgraded replica; the old primary last.
     */
    DRAIN_REPLICAS
  }

  /** A version jump Patroni's own release notes warn about; refused unless acknowledged with {@link Builder#acknowledge}. */
  public enum Risk {
    /**
     * To Patroni 4.x from a release older than 3.1.0: the upgrade is reliable only from 3.1.0 or newer; from older
     * releases a primary failure during the mixed-version window may misbehave.
     */
    UPGRADE_TO_4_FROM_BEFORE_3_1;

    /** What the release notes say, as the plan names it. */
    public String description() {
      return "Patroni's release notes: upgrading to 4.x is reliable only from 3.1.0 or newer; from an older release a "
          + "primary failure during the mixed-version window may misbehave";
    }
  }

  /**
   * One member's move: its configuration file now, where the new installation's service expects it (the same path
   * when it does not move), and optionally its systemd unit: the file the service manager reads, checked before
   * anything changes ({@link SystemdUnit#stopTraps}) and rewritten with {@code newUnit} after the move.
   *
   * <p>Without a unit the host actions' {@code stopPatroni} is trusted to stop Patroni only.
   *
   * @param member the member's name
   * @param configFile its {@code patroni.yml} now (absolute, on its host)
   * @param newConfigFile where the new service reads it (absolute)
   * @param unitFile its systemd unit file, or null
   * @param newUnit the unit to write there after the move, or null to leave the unit file as it is
   */
  public record Member(String member, Path configFile, Path newConfigFile, @Nullable Path unitFile,
      @Nullable SystemdUnit newUnit) {
    public Member {
      Objects.requireNonNull(member, "member == null");
      requireAbsolute(configFile, "configFile");
      requireAbsolute(newConfigFile, "newConfigFile");
      if (unitFile != null) {
        requireAbsolute(unitFile, "unitFile");
      }
      if (newUnit != null && unitFile == null) {
        throw new IllegalArgumentException("newUnit needs the unitFile to write it to");
      }
      if (newUnit != null) {
        List<SystemdUnit.Trap> traps = SystemdUnit.check(newUnit.render(), newConfigFile);
        if (!traps.isEmpty()) {
          throw new IllegalArgumentException("the new unit of " + member + " is unsafe or reads another file than "
              + newConfigFile + ": " + traps);
        }
      }
    }

    /** A member whose configuration moves from {@code configFile} to {@code newConfigFile}, without a unit. */
    public static Member of(String member, Path configFile, Path newConfigFile) {
      return new Member(member, configFile, newConfigFile, null, null);
    }

    /** This member with its unit file, checked before anything changes and left as it is. */
    public Member withUnit(Path unitFile) {
      return new Member(member, configFile, newConfigFile, unitFile, null);
    }

    /** This member with its unit file, checked before anything changes and rewritten with {@code newUnit}. */
    public Member withUnit(Path unitFile, SystemdUnit newUnit) {
      return new Member(member, configFile, newConfigFile, unitFile, Objects.requireNonNull(newUnit, "newUnit"));
    }

    public Optional<Path> findUnitFile() {
      return Optional.ofNullable(unitFile);
    }

    public Optional<SystemdUnit> findNewUnit() {
      return Optional.ofNullable(newUnit);
    }

    /** Whether the configuration file changes place. */
    public boolean moves() {
      return !configFile.normalize().equals(newConfigFile.normalize());
    }
  }

  private final PatroniVersion target;
  private final Strategy strategy;
  private final Map<String, Member> members;
  private final Set<Risk> acknowledged;
  private final Duration memberTimeout;
  private final Guardrails guardrails;

  private PackageMigrationOptions(Builder b) {
    this.target = b.target;
    this.strategy = b.strategy;
    this.members = Collections.unmodifiableMap(new LinkedHashMap<>(b.members));
    this.acknowledged = b.acknowledged.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(
        b.acknowledged));
    this.memberTimeout = b.memberTimeout;
    this.guardrails = b.guardrails;
  }

  /** Options for moving every member to release {@code target}. */
  public static Builder builder(PatroniVersion target) {
    return new Builder(target);
  }

  public PatroniVersion target() {
    return target;
  }

  public Strategy strategy() {
    return strategy;
  }

  /** Every member's move, by name, in the order given. */
  public Map<String, Member> members() {
    return members;
  }

  /** The risks the caller accepts; the plan still names them. */
  public Set<Risk> acknowledged() {
    return acknowledged;
  }

  /** How long one member may take to come back on the new release after its start (2 minutes). */
  public Duration memberTimeout() {
    return memberTimeout;
  }

  /**
   * The pre-flight guardrails ({@link Guardrails#defaults()} unless set), checked when the plan is made (step {@code
   * guardrails}: every replica's replay lag, the longest running transaction on every member to migrate, a
   * synchronous standby in synchronous mode, the members' versions) and again right before each member's Patroni is
   * stopped (that member's transactions, the synchronous standby, the versions) and before the drain strategy's
   * switchover (the candidate's lag, the leader's transactions). Expected Patroni versions, when given, are extended
   * with the target release: members already migrated run it.
   */
  public Guardrails guardrails() {
    return guardrails;
  }

  @Override
  public String toString() {
    return "PackageMigrationOptions[target=" + target + ", strategy=" + strategy + ", members=" + members.keySet()
        + ", acknowledged=" + acknowledged + ", memberTimeout=" + memberTimeout + ", guardrails=" + guardrails + "]";
  }

  private static void requireAbsolute(Path p, String what) {
    Objects.requireNonNull(p, what + " == null");
    if (!p.isAbsolute()) {
      throw new IllegalArgumentException(what + " must be absolute: " + p);
    }
  }

  /** Builds {@link PackageMigrationOptions}; not thread-safe. */
  public static final class Builder {
    private final PatroniVersion target;
    private Strategy strategy = Strategy.PAUSE_CLUSTER;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final Set<Risk> acknowledged = EnumSet.noneOf(Risk.class);
    private Duration memberTimeout = Duration.ofMinutes(2);
    private Guardrails guardrails = Guardrails.defaults();

    private Builder(PatroniVersion target) {
      this.target = Objects.requireNonNull(target, "target == null");
    }

    /** The strategy ({@link Strategy#PAUSE_CLUSTER} unless given). */
    public Builder strategy(Strategy strategy) {
      this.strategy = Objects.requireNonNull(strategy, "strategy == null");
      return this;
    }

    /** A member's move; every member of the cluster needs one. */
    public Builder member(Member member) {
      Objects.requireNonNull(member, "member == null");
      if (members.putIfAbsent(member.member(), member) != null) {
        throw new IllegalArgumentException("member " + member.member() + " given twice");
      }
      return this;
    }

    /** Accepts {@code risk}: the plan names it, the run is not refused for it. */
    public Builder acknowledge(Risk risk) {
      acknowledged.add(Objects.requireNonNull(risk, "risk == null"));
      return this;
    }

    public Builder memberTimeout(Duration memberTimeout) {
      if (memberTimeout.isNegative() || memberTimeout.isZero()) {
        throw new IllegalArgumentException("memberTimeout must be positive: " + memberTimeout);
      }
      this.memberTimeout = memberTimeout;
      return this;
    }

    /**
     * The pre-flight guardrails, checked at plan time and again right before each member's Patroni is stopped
     * ({@link Guardrails#defaults()} unless set; {@link Guardrails#none()} turns them off).
     */
    public Builder guardrails(Guardrails guardrails) {
      this.guardrails = Objects.requireNonNull(guardrails, "guardrails == null");
      return this;
    }

    /**
     * Builds the options.
     *
     * @throws IllegalStateException without any member
     */
    public PackageMigrationOptions build() {
      if (members.isEmpty()) {
        throw new IllegalStateException("no member: member(...) for every member of the cluster");
      }
      return new PackageMigrationOptions(this);
    }
  }
}
