package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.PatroniException;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.client.model.Timeline;
import dev.patroni4j.runbooks.ClusterIdentity;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Fact;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.Runbook;
import dev.patroni4j.runbooks.RunbookRunner;
import dev.patroni4j.runbooks.Step;
import dev.patroni4j.runbooks.StepPolicy;
import dev.patroni4j.runbooks.StepRefusedException;
import dev.patroni4j.runbooks.Steps;
import dev.patroni4j.runbooks.Verification;
import dev.patroni4j.runbooks.host.HostActions;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Blue-green deployment with rollback to a recorded transaction: before a risky deployment, {@link #freeze} one
 * replica (it keeps receiving WAL but applies none of it, and is never a failover candidate) and record the leader's
 * {@link DeploymentMark}; afterwards either {@link #commit} (the replica catches up and is a candidate again) or
 * {@link #rollback} the whole cluster to the mark from the frozen replica (every transaction after the mark is
 * discarded, on purpose: the run needs the cluster's confirmation token).
 *
 * <pre>{@code
 * import dev.patroni4j.client.Confirmation;
 * import dev.patroni4j.runbooks.ExecuteOptions;
 * import dev.patroni4j.runbooks.Journal;
 * import dev.patroni4j.runbooks.RunbookResult;
 * import dev.patroni4j.runbooks.RunbookRunner;
 * // given: PatroniRunbooks catalogue; Journal freezeJournal; Journal endJournal; boolean deploymentFailed;
 * // given: String typed;   // the token the operator typed, e.g. "demo:7310852917352427550:pg1"
 * BlueGreen blueGreen = BlueGreen.of(catalogue, Map.of(
 *     "pg1", Path.of("/etc/patroni/patroni.yml"), "pg2", Path.of("/etc/patroni/patroni.yml"),
 *     "pg3", Path.of("/etc/patroni/patroni.yml")));
 * RunbookRunner runner = blueGreen.runner().build();
 * RunbookResult frozen = runner.execute(
 *     blueGreen.freeze(FreezeOptions.builder(FreezeOptions.Mode.PAUSE_CLUSTER).build()), freezeJournal);
 * DeploymentMark mark = DeploymentMark.from(frozen);
 * // ... deploy, watching blueGreen.progress(mark) ...
 * RunbookResult end = deploymentFailed
 *     ? runner.execute(blueGreen.rollback(mark), endJournal,
 *         ExecuteOptions.defaults().confirmation(Confirmation.of(typed)))
 *     : runner.execute(blueGreen.commit(mark), endJournal);
 * }</pre>
 *
 * <p>Each runbook is journaled and resumable: a run killed at any step boundary resumes from its journal without a
 * second recovery, wipe or DCS reset; a fresh run whose goal holds acts on nothing (a second rollback finds the
 * frozen replica leading on a newer timeline than the mark's). Freezing needs SQL access ({@link
 * PatroniRunbooks.Builder#postgres}); the managed mode and the rollback need host actions ({@link
 * PatroniRunbooks.Builder#hostActions}); the rollback needs the DCS client ({@link PatroniRunbooks.Builder#dcs}).
 * Run them with {@link #runner()}, whose identity still knows the cluster while its DCS keys are reset.
 *
 * <p>Immutable and thread-safe.
 */
public final class BlueGreen {
  static final String MARK_STEP = "mark";
  /** The leader's {@code pg_current_wal_lsn()} when the commit was planned. */
  static final Fact<Lsn> COMMIT_LSN = Fact.lsn("commit-lsn");
  static final Fact<Long> REPLAY_LAG_BYTES = Fact.number("replay-lag-bytes");
  static final Fact<Long> REPLAY_LAG_SECONDS = Fact.number("replay-lag-seconds");
  static final Fact<Boolean> REPLAY_PAUSED = Fact.flag("replay-paused");
  static final Fact<Lsn> RECEIVED = Fact.lsn("received");
  static final Fact<Lsn> REPLAYED = Fact.lsn("replayed");

  private final PatroniRunbooks site;
  private final Env env;
  private final Map<String, Path> configFiles;

  private BlueGreen(PatroniRunbooks site, Map<String, Path> configFiles) {
    this.site = site;
    this.env = site.env();
    this.configFiles = Map.copyOf(configFiles);
  }

  /**
   * The blue-green runbooks of {@code site}'s cluster; {@code configFiles} names each member's {@code patroni.yml}
   * (absolute, on its host), where the managed freeze sets its tag and delay and the rollback finds the data
   * directories and PostgreSQL's programs.
   *
   * @throws IllegalArgumentException for a relative path
   */
  public static BlueGreen of(PatroniRunbooks site, Map<String, Path> configFiles) {
    Objects.requireNonNull(site, "site == null");
    configFiles.forEach((m, p) -> {
      if (!p.isAbsolute()) {
        throw new IllegalArgumentException("the configuration file of " + m + " must be absolute: " + p);
      }
    });
    return new BlueGreen(site, configFiles);
  }

  /**
   * The catalogue's runner, identifying the cluster from its DCS keys or, while a rollback has reset them and not yet
   * restarted the recovered member, from the members' data directories ({@code pg_controldata}: same scope and
   * system identifier, no leader), so that a rollback killed there resumes.
   */
  public RunbookRunner.Builder runner() {
    return site.runner().identity(this::identity);
  }

  /**
   * Freezes a replica ({@link FreezeOptions}) and records the mark: refused before anything changes when the replica
   * named (or, none named, every replica) does not qualify: not running on the leader's timeline, lagging more than
   * {@link FreezeOptions#maxLagBytes}, tagged {@code nofailover} already, replay paused already, or the synchronous
   * standby while synchronous mode is on. Then, {@link FreezeOptions.Mode#PAUSE_CLUSTER}: pause the cluster, then
   * {@code pg_wal_replay_pause()} on the replica; {@link FreezeOptions.Mode#MANAGED}: {@code nofailover} and {@code
   * recovery_min_apply_delay} in its {@code patroni.yml}, a reload, done when Patroni reports the tag and PostgreSQL the
   * delay. Then the mark on the leader ({@code txid_current()}, then {@code pg_current_wal_lsn()}), done once the
   * replica received that WAL; last, the replica's replay lag (bytes and seconds) and whether replay is paused, read
   * with SQL, with the check that the freeze holds.
   */
  public Runbook freeze(FreezeOptions options) {
    Objects.requireNonNull(options, "options == null");
    requireSql("freeze");
    if (options.mode() == FreezeOptions.Mode.MANAGED) {
      requireHosts("the managed freeze");
    }
    StepPolicy within = StepPolicy.custom().verifyTimeout(options.timeout()).build();
    Runbook.Builder b = Runbook.named("blue-green-freeze")
        .bindOptional(DeploymentMark.REPLICA, ctx -> options.replica().isPresent() ? options.replica() : bestReplica(options))
        .step(replicaQualifies(options));
    if (options.mode() == FreezeOptions.Mode.PAUSE_CLUSTER) {
      b.step(ClusterSteps.pause(env, true), within).step(BlueGreenSteps.pauseReplay(env, true), within);
    } else {
      b.step(BlueGreenSteps.localFreeze(env, configFiles, options.applyDelay()), within)
          .step(BlueGreenSteps.reloadFreeze(env, options.applyDelay()), within);
    }
    return b.step(BlueGreenSteps.mark(env, options.mode()), within)
        .step(BlueGreenSteps.frozen(this, options), within)
        .build();
  }

  /**
   * Ends the deployment window keeping what it wrote: {@link FreezeOptions.Mode#PAUSE_CLUSTER}:
   * {@code pg_wal_replay_resume()} on the replica, then the cluster resumed; {@link FreezeOptions.Mode#MANAGED}: the
   * tag and the delay removed from its {@code patroni.yml}, a reload. Done when the replica has replayed past the
   * leader's WAL position when the commit was planned and is a failover candidate again (streaming, not {@code
   * nofailover}, the cluster not paused), within {@code timeout}.
   */
  public Runbook commit(DeploymentMark mark, Duration timeout) {
    Objects.requireNonNull(mark, "mark == null");
    requireSql("commit");
    if (mark.mode() == FreezeOptions.Mode.MANAGED) {
      requireHosts("the managed commit");
    }
    StepPolicy within = StepPolicy.custom().verifyTimeout(timeout).build();
    Runbook.Builder b = Runbook.named("blue-green-commit")
        .bind(DeploymentMark.REPLICA, ctx -> mark.replica())
        .bind(COMMIT_LSN, ctx -> leaderLsn());
    if (mark.mode() == FreezeOptions.Mode.PAUSE_CLUSTER) {
      b.step(BlueGreenSteps.pauseReplay(env, false), within).step(ClusterSteps.pause(env, false), within);
    } else {
      b.step(BlueGreenSteps.localFreeze(env, configFiles, null), within)
          .step(BlueGreenSteps.reloadFreeze(env, null), within);
    }
    return b.step(BlueGreenSteps.caughtUp(this, mark.replica()), within).build();
  }

  /** {@link #commit(DeploymentMark, Duration)} within 5 minutes per step. */
  public Runbook commit(DeploymentMark mark) {
    return commit(mark, Duration.ofMinutes(5));
  }

  /**
   * Rolls the cluster back to {@code mark} from its frozen replica: refused before anything changes unless the
   * replica still holds the mark (it replayed no further than the mark's WAL position, received at least up to it,
   * on the mark's timeline), and unless the run is confirmed with the cluster's token naming the current leader
   * (recovering the replica is the destructive step). Then: the cluster paused; the replica stopped, recovered to
   * the mark ({@code recovery_target_xid}, {@code recovery_target_action = 'promote'}, a {@code restore_command},
   * {@code recovery.signal}), done on "recovery stopping after commit of transaction" the mark's in its log and a new
   * timeline, and stopped; the other members stopped; the cluster's keys removed from the DCS; the stale {@code
   * "pause"} stripped from the replica's {@code patroni.dynamic.json}; (managed mode) the freeze removed from its
   * {@code patroni.yml}; Patroni started on it alone, done when it leads on a newer timeline than the mark's; each
   * other member's data directory wiped and its Patroni started, done when it streams from the new leader; last,
   * every member streams and only the new leader accepts writes.
   *
   * <p>The confirmation is checked against the leader at the start; the steps after the recovery stop that leader and
   * reset the cluster's keys, so they act on what the confirmed run journaled (the system identifier, the data
   * directories) rather than on a token that names a leader that no longer exists.
   */
  public Runbook rollback(DeploymentMark mark) {
    Objects.requireNonNull(mark, "mark == null");
    requireSql("rollback");
    requireHosts("rollback");
    if (env.dcs == null) {
      throw new IllegalStateException("rollback resets the cluster in the DCS: PatroniRunbooks.builder().dcs(...)");
    }
    return RollbackSteps.runbook(env, configFiles, mark);
  }

  /**
   * The frozen replica's replay lag now (bytes behind the leader's WAL position, seconds since the last transaction
   * it replayed committed) and whether its replay is paused, read with SQL on the replica and the leader.
   *
   * @throws PatroniException if the cluster or a member cannot be read
   */
  public FreezeProgress progress(DeploymentMark mark) {
    try {
      return progress(mark.replica());
    } catch (SQLException e) {
      throw new PatroniException("cannot read the replay position of " + mark.replica() + ": " + e.getMessage(), e);
    }
  }

  FreezeProgress progress(String replica) throws SQLException {
    ClusterView view = env.client.cluster();
    String leader = Views.leaderName(view).orElseThrow(() -> new PatroniException("the cluster has no leader"));
    Lsn current = env.sql(view, leader, c -> Lsn.parse(one(c, "SELECT pg_current_wal_lsn()::text")));
    return env.sql(view, replica, c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_last_wal_receive_lsn()::text,"
          + " pg_last_wal_replay_lsn()::text, pg_is_wal_replay_paused(), (extract(epoch FROM now()"
          + " - pg_last_xact_replay_timestamp()) * 1000)::bigint, current_setting('recovery_min_apply_delay')::text,"
          + " (SELECT setting FROM pg_settings WHERE name = 'recovery_min_apply_delay')::bigint")) {
        if (!rs.next() || rs.getString(2) == null) {
          throw new StepRefusedException(replica + " is not a replica (no WAL replay position)");
        }
        Lsn replayed = Lsn.parse(rs.getString(2));
        Lsn received = Optional.ofNullable(rs.getString(1)).map(Lsn::parse).orElse(replayed);
        long lagMs = rs.getLong(4);
        Duration lag = rs.wasNull() ? null : Duration.ofMillis(Math.max(0, lagMs));
        return new FreezeProgress(replica, received, replayed, Math.max(0, current.bytesAfter(replayed)), lag,
            rs.getBoolean(3), Duration.ofMillis(rs.getLong(6)));
      }
    });
  }

  // ------------------------------------------------------------------ internals

  private Step replicaQualifies(FreezeOptions options) {
    return Steps.named("replica-qualifies")
        .decide(ctx -> {
          Map<String, String> rejected = rejections(options);
          Optional<String> replica = ctx.findBinding(DeploymentMark.REPLICA);
          if (replica.isEmpty()) {
            return Decision.blocked("no replica qualifies for the freeze: " + (rejected.isEmpty()
                ? "the cluster has no replica" : Candidates.describe(rejected)), Facts.of(Candidates.REJECTED, rejected));
          }
          String why = rejected.get(replica.get());
          if (why != null) {
            return Decision.blocked(replica.get() + " does not qualify for the freeze: it " + why,
                Facts.of(Candidates.REJECTED, rejected));
          }
          if (env.client.cluster().findMember(replica.get()).filter(m -> !m.isLeader()).isEmpty()) {
            return Decision.blocked(replica.get() + " is not a replica of the cluster");
          }
          return Decision.satisfied(replica.get() + " qualifies (" + options.mode() + "): "
              + (options.mode() == FreezeOptions.Mode.PAUSE_CLUSTER
                  ? "no automatic failover for the whole cluster until commit or rollback"
                  : "its patroni.yml gets nofailover and recovery_min_apply_delay " + options.applyDelay().toSeconds()
                      + "s until commit or rollback; replay resumes past the mark after that delay"),
              Facts.of(DeploymentMark.REPLICA, replica.get(), DeploymentMark.MODE, options.mode()));
        })
        .build();
  }

  private Optional<String> bestReplica(FreezeOptions options) throws SQLException {
    Map<String, String> rejected = rejections(options);
    return env.client.cluster().members().stream()
        .filter(m -> !m.isLeader() && !rejected.containsKey(m.name()))
        .min(Comparator.comparingLong((Member m) -> m.lag().knownBytes().orElse(Long.MAX_VALUE))
            .thenComparing(Member::name))
        .map(Member::name);
  }

  /** Every replica that does not qualify, with the reason. */
  private Map<String, String> rejections(FreezeOptions options) throws SQLException {
    ClusterView view = env.client.cluster();
    DynamicConfig config = env.client.config();
    boolean sync = config.synchronousMode().map(m -> !m.equals("false") && !m.equals("off")).orElse(false);
    long tl = Views.timeline(view).map(Timeline::id).orElse(0L);
    Map<String, String> out = new LinkedHashMap<>();
    for (Member m : view.members()) {
      if (m.isLeader()) {
        continue;
      }
      String why = null;
      if (!m.state().isRunning()) {
        why = "is " + m.state().raw();
      } else if (m.findTimeline().map(Timeline::id).orElse(-1L) != tl) {
        why = "is not on the leader's timeline " + tl;
      } else if (m.tags().noFailover()) {
        why = "is tagged nofailover already";
      } else if (m.lag().knownBytes().isEmpty()) {
        why = "has unknown lag";
      } else if (!m.lag().isAtMost(options.maxLagBytes())) {
        why = "lags " + m.lag().knownBytes().getAsLong() + " bytes, more than " + options.maxLagBytes();
      } else if (sync && (m.role().is(Role.Kind.SYNC_STANDBY) || m.role().is(Role.Kind.QUORUM_STANDBY))) {
        why = "is the synchronous standby (synchronous mode is on)";
      } else if (env.sql(view, m.name(), c -> "t".equals(one(c, "SELECT pg_is_wal_replay_paused()")))) {
        why = "has its replay paused already";
      }
      if (why != null) {
        out.put(m.name(), why);
      }
    }
    return out;
  }

  private Lsn leaderLsn() throws SQLException {
    ClusterView view = env.client.cluster();
    String leader = Views.leaderName(view).orElseThrow(() -> new StepRefusedException("the cluster has no leader"));
    return env.sql(view, leader, c -> Lsn.parse(one(c, "SELECT pg_current_wal_lsn()::text")));
  }

  private ClusterIdentity identity() throws Exception {
    ClusterIdentity id;
    try {
      id = site.identitySource().observe();
    } catch (PatroniException down) {
      id = null;
    }
    if (id != null && !id.systemIdentifier().isEmpty()) {
      return id;
    }
    // No initialize key (a rollback reset the DCS) or no Patroni answering: the data directories still say which
    // database system this is.
    HostActions hosts = env.hosts;
    if (hosts != null) {
      for (Map.Entry<String, Path> e : new java.util.TreeMap<>(configFiles).entrySet()) {
        try {
          MemberFiles files = MemberFiles.read(hosts, e.getKey(), e.getValue());
          String system = files.controlData(hosts).get("Database system identifier");
          if (system != null) {
            return new ClusterIdentity(site.scope(), system, null, 0, List.of());
          }
        } catch (RuntimeException unreadable) {
          // try the next member
        }
      }
    }
    if (id != null) {
      return id;
    }
    throw new PatroniException("cannot identify cluster " + site.scope() + ": no Patroni answers and no member's data"
        + " directory could be read");
  }

  static String one(java.sql.Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      if (!rs.next()) {
        throw new SQLException("no row from " + sql);
      }
      return String.valueOf(rs.getString(1));
    }
  }

  private void requireSql(String what) {
    if (env.pg == null) {
      throw new IllegalStateException(what + " reads replay positions with SQL: PatroniRunbooks.builder().postgres(...)");
    }
  }

  private void requireHosts(String what) {
    if (env.hosts == null) {
      throw new IllegalStateException(what + " needs host actions: PatroniRunbooks.builder().hostActions(...)");
    }
  }

  Env env() {
    return env;
  }
}
