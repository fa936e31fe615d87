package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.PatroniException;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsClient;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.Timeline;
import dev.patroni4j.runbooks.ClusterIdentity;
import dev.patroni4j.runbooks.ClusterLease;
import dev.patroni4j.runbooks.Fact;
import dev.patroni4j.runbooks.Runbook;
import dev.patroni4j.runbooks.RunbookRunner;
import dev.patroni4j.runbooks.Step;
import dev.patroni4j.runbooks.StepPolicy;
import dev.patroni4j.runbooks.StepRefusedException;
import dev.patroni4j.runbooks.Steps;
import dev.patroni4j.runbooks.backup.BackupTool;
import dev.patroni4j.runbooks.backup.RecoveryPointGuard;
import dev.patroni4j.runbooks.host.HostActions;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The runbook catalogue for one Patroni cluster, built from a built, shared {@link PatroniClient} (plus, optionally,
 * a {@link DcsClient}, SQL access and host actions); it never changes the objects it is given. Each method returns an
 * immutable {@link Runbook} to plan and execute with a {@link RunbookRunner} from {@link #runner()}.
 *
 * <pre>{@code
 * import dev.patroni4j.runbooks.FileJournal;
 * import dev.patroni4j.runbooks.RunbookListener;
 * import dev.patroni4j.runbooks.RunbookResult;
 * // given: String restPassword; String pgPassword; RunbookListener progress; Path path;
 * PatroniClient client = PatroniClient.builder()
 *     .members(List.of(URI.create("http://10.0.0.1:8008"), URI.create("http://10.0.0.2:8008")))
 *     .basicAuth("patroni", restPassword)
 *     .build();
 * PatroniRunbooks catalogue = PatroniRunbooks.builder(client)
 *     .scope("demo")
 *     .postgres((member, host, port) -> DriverManager.getConnection(
 *         "jdbc:postgresql://" + host + ":" + port + "/postgres", "postgres", pgPassword))
 *     .build();
 * RunbookRunner runner = catalogue.runner().listener(progress).build();
 * RunbookResult r = runner.execute(catalogue.plannedSwitchover(SwitchoverOptions.defaults()), FileJournal.at(path));
 * }</pre>
 *
 * <p><b>What "idempotent" means here.</b> Every runbook is resumable <em>per journal</em>: running it again with the
 * same journal resumes where the last run stopped and never repeats an action whose effect is visible (a completed
 * run acts on nothing). Across journals, each runbook is idempotent <em>per target</em>, i.e. a fresh run acts on
 * nothing only when its target state already holds:
 * <ul>
 *   <li>{@link #plannedSwitchover}: with an explicit {@code from}, the target is "that member is not the leader", so
 *       a second run acts on nothing; <em>without</em> {@code from}, a fresh journal means "switch away from whoever
 *       leads now", and switches over again;</li>
 *   <li>{@link #failover}: "a running leader exists" (refused while one does, unless it is the named candidate);</li>
 *   <li>{@link #rollingRestart}, {@link #configChange}: "no member has {@code pending_restart}" and "the configuration
 *       has the change";</li>
 *   <li>{@link #pause}, {@link #resume}, {@link #scheduledSwitchover}, {@link #scheduledRestart} and their
 *       cancellations, {@link #reinitialize} (without {@code force}), {@link #recoverStartFailed}, {@link
 *       #removeCluster}, {@link #addReplica}, {@link #drain}, {@link #undrain}, {@link #packageMigration}: the state
 *       they name;</li>
 *   <li>{@link #reload}: the condition the caller states.</li>
 * </ul>
 * A run succeeds only when its goal holds for every member its plan named: a planned member that left the cluster,
 * or two members accepting writes ({@code pg_is_in_recovery()}, where {@link Builder#postgres} is configured), fail
 * the run with that evidence.
 *
 * <p>Thread-safety: immutable and thread-safe; share one instance per cluster. Runs on one catalogue at the same time
 * each see their own events only.
 */
public final class PatroniRunbooks {
  private final String scope;
  private final Env env;
  private final @Nullable DcsClient dcs;
  private final ClusterRef ref;
  private final ClusterLease lease;
  private final @Nullable RecoveryPointGuard recoveryPoint;

  private PatroniRunbooks(String scope, Env env, @Nullable DcsClient dcs, ClusterRef ref, ClusterLease lease,
      @Nullable BackupTool backupTool, Duration maxBackupAge) {
    this.scope = scope;
    this.env = env;
    this.dcs = dcs;
    this.ref = ref;
    this.lease = lease;
    // Read on the leader when the step runs: that is where the tool's live check archives a WAL switch.
    this.recoveryPoint = backupTool == null ? null : RecoveryPointGuard.of(backupTool, this::currentLeader,
        maxBackupAge);
  }

  /** A catalogue over {@code client}, which it shares and never changes (the caller keeps ownership). */
  public static Builder builder(PatroniClient client) {
    return new Builder(client);
  }

  /** The REST client the catalogue's steps use. */
  public PatroniClient client() {
    return env.client;
  }

  public String scope() {
    return scope;
  }

  Env env() {
    return env;
  }

  /**
   * A runner builder wired to this cluster's identity, lease and REST observations, on the client's clock and
   * sleeper (one notion of time: a test's {@link dev.patroni4j.client.ManualTime} given to the client reaches the
   * runner's waits); add listeners, policies, or another clock and sleeper as needed.
   */
  public RunbookRunner.Builder runner() {
    PatroniClient client = env.client;
    return RunbookRunner.builder().identity(identitySource()).lease(lease)
        .clock(client.clock()).sleeper(client.sleeper())
        .observer((withStatuses, maxWait) -> client.observe(withStatuses));
  }

  /** The per-cluster runbook lease ({@link ClusterLease#none()} unless one was configured). */
  public ClusterLease lease() {
    return lease;
  }

  /**
   * Observes scope, system identifier, leader, timeline and members: from the DCS when one is configured (it answers
   * even when no Patroni runs), else from the REST API (system identifier from the leader's {@code GET /patroni}).
   */
  public ClusterIdentity.Source identitySource() {
    if (dcs != null) {
      DcsClient d = dcs;
      return () -> {
        ClusterSnapshot s = d.snapshot(ref);
        ClusterView view = s.toClusterView();
        return new ClusterIdentity(scope, s.systemIdentifier().orElse(""), s.leaderName().orElse(null),
            timelineId(view), view.members().stream().map(Member::name).toList());
      };
    }
    return () -> {
      ClusterView view = env.client.cluster();
      if (view.scope() != null && !view.scope().equals(scope)) {
        throw new PatroniException("the REST endpoints belong to cluster '" + view.scope() + "', not '" + scope + "'");
      }
      Optional<Member> leader = view.findLeader();
      String systemId = null;
      List<Member> askOrder = new ArrayList<>();
      leader.ifPresent(askOrder::add);
      askOrder.addAll(view.members());
      for (Member m : askOrder) {
        try {
          systemId = env.client.clientFor(m).status().systemIdentifier();
        } catch (PatroniException e) {
          continue;
        }
        if (systemId != null) {
          break;
        }
      }
      if (systemId == null) {
        throw new PatroniException("no member reported the database system identifier");
      }
      return new ClusterIdentity(scope, systemId, leader.map(Member::name).orElse(null), timelineId(view),
          view.members().stream().map(Member::name).toList());
    };
  }

  /**
   * Planned switchover: check the candidate, optionally wait for low lag, CHECKPOINT the leader, switch over (outcome
   * resolved by observation, including Patroni's 503 "status unknown"), then wait until every member streams on the
   * new timeline: every member the plan named, with at most one accepting writes. {@code from}/{@code to} are fixed
   * when the plan is made. Idempotent per target only with {@link SwitchoverOptions#from}: without it, a fresh
   * journal switches away from whoever leads then. The {@link SwitchoverOptions#guardrails() guardrails} (the
   * candidate's replay lag, the longest transaction on the leader, a synchronous standby in synchronous mode, the
   * members' Patroni versions) are checked by the first step, {@code guardrails}, so that the plan refuses before
   * anything changes, and again right before the switchover request. With {@link SwitchoverOptions#poolers poolers},
   * {@code pooler-pause[name]} pauses each right before the switchover (refused, nothing changed, when one is paused
   * already or, unless told to proceed, when transactions outlive the drain timeout), and {@code
   * pooler-repoint[name]}, {@code pooler-resume[name]} point it at the new leader and resume it right after; both also
   * run when the run fails or is refused after a pause, and a run resumed from the journal of a crashed one resumes
   * the poolers it paused.
   */
  public Runbook plannedSwitchover(SwitchoverOptions options) {
    Runbook.Builder b = Runbook.named("planned-switchover")
        .bind(Keys.FROM, ctx -> options.findFrom().orElseGet(this::currentLeader))
        .bindOptional(Keys.TO, ctx -> options.findTo().or(() -> bestCandidate(ctx.binding(Keys.FROM))))
        .bind(Keys.MEMBERS, ctx -> Env.addresses(env.client.cluster()));
    guardRecoveryPoint(b);
    b.step(GuardrailChecks.preflight(env, options.guardrails(), (ctx, view) -> {
          String from = ctx.binding(Keys.FROM);
          Optional<String> leader = Views.leaderName(view);
          if (leader.isPresent() && !leader.get().equals(from)) {
            return GuardrailChecks.Either.notNeeded("no switchover needed: leader is " + leader.get());
          }
          return GuardrailChecks.Either.of(new GuardrailChecks.Scope(ctx.findBinding(Keys.TO).stream().toList(),
              List.of(from)));
        }))
        .step(ClusterSteps.candidateQualifies(env));
    if (options.maxLagBytes() != null) {
      b.step(ClusterSteps.lagBelow(env, options.maxLagBytes()),
          StepPolicy.custom().verifyTimeout(positive(options.lagWait())).build());
    }
    if (options.checkpoint() && env.pg != null) {
      b.step(ClusterSteps.checkpoint(env));
    }
    PoolerCutover cutover = options.poolers();
    for (Pooler p : cutover.poolers()) {
      b.step(PoolerSteps.pause(env, p, cutover), StepPolicy.custom().verifyTimeout(Duration.ofSeconds(10)).build());
    }
    b.step(switchover("switchover", Keys.FROM, Keys.TO, (e, v, l) -> Optional.empty(), options.guardrails()),
        StepPolicy.custom().verifyTimeout(Duration.ofSeconds(90)).build());
    // Re-pointed and resumed as soon as the new leader leads, not after the replicas caught up; also when the run
    // stopped after a pause (cleanup steps), so no pooler is left paused.
    StepPolicy poolerPolicy = StepPolicy.custom().verifyTimeout(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
        .build();
    for (Pooler p : cutover.poolers()) {
      b.cleanupStep(PoolerSteps.pauseName(p), PoolerSteps.repoint(env, p), poolerPolicy);
    }
    for (Pooler p : cutover.poolers()) {
      b.cleanupStep(PoolerSteps.pauseName(p), PoolerSteps.resume(p), poolerPolicy);
    }
    return b.step(Awaits.allStreaming(env, "all-streaming"), StepPolicy.custom().verifyTimeout(Duration.ofMinutes(3))
            .build())
        .build();
  }

  /** Schedules a switchover at {@code at} (with time zone); satisfied if exactly that one is scheduled already. */
  public Runbook scheduledSwitchover(OffsetDateTime at, SwitchoverOptions options) {
    return Runbook.named("scheduled-switchover")
        .bind(Keys.FROM, ctx -> options.findFrom().orElseGet(this::currentLeader))
        .bindOptional(Keys.TO, ctx -> options.findTo())
        .step(ClusterSteps.scheduleSwitchover(env, at))
        .build();
  }

  public Runbook cancelScheduledSwitchover() {
    return Runbook.named("cancel-scheduled-switchover").step(ClusterSteps.cancelScheduledSwitchover(env)).build();
  }

  /**
   * Failover when the cluster has no leader: promote {@code candidate} (or the running member with the least lag that
   * is not {@code nofailover}), then wait until every member that was running when the plan was made streams from
   * it. Refused while a leader exists.
   */
  public Runbook failover(@Nullable String candidate) {
    return Runbook.named("failover")
        .bindOptional(Keys.TO, ctx -> candidate != null ? Optional.of(candidate) : failoverCandidate())
        .bind(Keys.TO_REASON, ctx -> candidate != null ? "named by the caller"
            : failoverCandidate().map(c -> c + " has the least lag").orElse("no running member without nofailover"))
        .bind(Keys.MEMBERS, ctx -> runningAddresses())
        .step(ClusterSteps.failover(env), StepPolicy.custom().verifyTimeout(Duration.ofSeconds(90)).build())
        .step(Awaits.allStreaming(env, "all-streaming"), StepPolicy.custom().verifyTimeout(Duration.ofMinutes(3))
            .build())
        .build();
  }

  /**
   * Rolling restart of the members with {@code pending_restart}: replicas one at a time, then a switchover away from
   * the leader (only if it needs the restart) and the old leader; the primary first when the only pending changes
   * are decreases of {@code max_connections}, {@code max_prepared_transactions}, {@code max_locks_per_transaction},
   * {@code max_worker_processes} or {@code max_wal_senders}. The order is fixed when the plan is made.
   */
  public Runbook rollingRestart() {
    return rollingRestart(Guardrails.defaults());
  }

  /**
   * {@link #rollingRestart()} with {@code guardrails}: checked when the plan is made (every replica's replay lag, the
   * running transactions of every member with a pending restart, a synchronous standby in synchronous mode, versions)
   * and again right before each restart (that member's transactions) and before the switchover (the candidate's lag,
   * the leader's transactions).
   */
  public Runbook rollingRestart(Guardrails guardrails) {
    return rollingRestart(Map.of(), guardrails);
  }

  private Runbook rollingRestart(Map<String, Object> plannedParameters, Guardrails guardrails) {
    Objects.requireNonNull(guardrails, "guardrails == null");
    Runbook.Builder b = Runbook.named("rolling-restart")
        .bind(Keys.RESTART_FROM, ctx -> currentLeader())
        .bindOptional(Keys.RESTART_TO, ctx -> Optional.empty())
        .bind(Keys.MEMBERS, ctx -> Env.addresses(env.client.cluster()))
        .bind(Keys.SEQUENCE, ctx -> RestartOrder.sequence(env, ctx.binding(Keys.RESTART_FROM), plannedParameters));
    guardRecoveryPoint(b);
    return b.step(GuardrailChecks.preflight(env, guardrails, (ctx, view) -> restartScope(view, plannedParameters)))
        .forEach(Keys.SEQUENCE, item -> switch (item) {
          case RestartOrder.SETTLE -> Awaits.allStreaming(env, "settle");
          case RestartOrder.CAUGHT_UP -> Awaits.allCaughtUp("caught-up");
          case RestartOrder.SWITCHOVER -> switchover("switchover", Keys.RESTART_FROM, Keys.RESTART_TO,
              (e, view, leader) -> e.status(leader).pendingRestart() ? Optional.empty()
                  : Optional.of(leader + " has no pending restart: no switchover needed"), guardrails);
          default -> MemberSteps.restartIfPending(env, item, guardrails);
        }, StepPolicy.custom().verifyTimeout(Duration.ofMinutes(3)).build())
        .step(Awaits.allStreaming(env, "all-streaming"), StepPolicy.custom().verifyTimeout(Duration.ofMinutes(3))
            .build())
        .build();
  }

  /** Schedules a restart of {@code member} at {@code at}, which Patroni performs only if a restart is pending. */
  public Runbook scheduledRestart(String member, OffsetDateTime at) {
    return Runbook.named("scheduled-restart").step(MemberSteps.scheduleRestart(env, member, at)).build();
  }

  public Runbook cancelScheduledRestart(String member) {
    return Runbook.named("cancel-scheduled-restart").step(MemberSteps.cancelScheduledRestart(env, member)).build();
  }

  /**
   * Config change with a version check: applies {@code patch} (nested maps as in Patroni's dynamic configuration,
   * {@code null} removes a key) only to the configuration version the plan was made on, as a DCS compare-and-set
   * when a DCS client is configured, else as {@code PATCH /config}; a concurrent change refuses the run. Then waits
   * until every member
   * applied it or reports {@code pending_restart}, report the pending restarts, and, if {@code restartIfPending},
   * chain the rolling restart.
   */
  public Runbook configChange(Map<String, Object> patch, boolean restartIfPending) {
    Map<String, Object> copy = deepCopy(patch);
    Runbook.Builder b = Runbook.named("config-change")
        .bind(Keys.CONFIG_VERSION, ctx -> ConfigVersions.read(env).version())
        .step(ClusterSteps.patchConfig(env, copy))
        .step(ConfigSteps.applied(env, ConfigDiff.parameters(copy)), StepPolicy.custom()
            .verifyTimeout(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).build())
        .step(ConfigSteps.pendingRestart(env, ConfigDiff.parameters(copy)), StepPolicy.custom()
            .verifyTimeout(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).build());
    if (restartIfPending) {
      b.include(rollingRestart(ConfigDiff.parameters(copy), Guardrails.defaults()));
    }
    return b.build();
  }

  /** Reloads {@code member}; {@code expected} is what must be observed afterwards (and makes a repeat a no-op). */
  public Runbook reload(String member, Steps.Condition<?> expected) {
    return Runbook.named("reload").step(ConfigSteps.reload(env, member, expected)).build();
  }

  /** Maintenance mode on; done only when every member reports it. */
  public Runbook pause() {
    return Runbook.named("pause").step(ClusterSteps.pause(env, true)).build();
  }

  /** Maintenance mode off; done only when every member reports it. */
  public Runbook resume() {
    return Runbook.named("resume").step(ClusterSteps.pause(env, false)).build();
  }

  /**
   * Reinitializes {@code member} from the leader if it is not healthy (always, with {@code force}), done when it
   * streams again. Destructive: needs a confirmation token.
   */
  public Runbook reinitialize(String member, boolean force) {
    return Runbook.named("reinitialize")
        .step(MemberSteps.reinitialize(env, member, force), StepPolicy.custom().verifyTimeout(Duration.ofMinutes(5))
            .build())
        .step(Awaits.memberStreaming(member), StepPolicy.custom().verifyTimeout(Duration.ofMinutes(2)).build())
        .build();
  }

  /**
   * Recovers a replica that Patroni reports as {@code start failed} (also {@code restart failed}, {@code crashed},
   * {@code stopped}), e.g. one whose PostgreSQL PANICs with "could not locate a valid checkpoint record" after a
   * restart: waits up to {@code comeBack} for the member to either fail or stream again (one still starting then
   * fails the run with its state: use {@link #reinitialize} with {@code force}), checks its own REST API answers (the
   * rebuild is a request to its Patroni), reinitializes it from the leader, and is done when it streams from the
   * leader on the leader's timeline. Destructive: needs a confirmation token. A healthy member is left alone, so a
   * second run acts on nothing.
   */
  public Runbook recoverStartFailed(String member, Duration comeBack) {
    return Runbook.named("recover-start-failed")
        .step(RecoverySteps.recognise(member), StepPolicy.custom().verifyTimeout(positive(comeBack)).build())
        .step(RecoverySteps.restApiReachable(env, member))
        .step(MemberSteps.reinitialize(env, member, false), StepPolicy.custom().verifyTimeout(Duration.ofMinutes(5))
            .build())
        .step(Awaits.memberStreaming(member), StepPolicy.custom().verifyTimeout(Duration.ofMinutes(2)).build())
        .build();
  }

  /**
   * Adds a replica on a prepared host (catalogue item "add a replica"): checks the options are for this cluster, a
   * running leader exists and the name is free (or already this host's); judges the member's data directory from its
   * {@code pg_control} and keeps it when it is missing, empty, or this cluster's on a timeline it can follow, while a
   * directory of another system identifier, of a diverged timeline or that is no data directory at all is wiped only
   * with a confirmation token (without one the run is refused before anything changes; the plan names both system
   * identifiers); writes the member's {@code patroni.yml} generated by patroni-config ({@link
   * AddReplicaOptions#config}); starts its Patroni; and is done when it streams from the leader (or its {@code
   * replicatefrom} member) on the leader's timeline within {@link AddReplicaOptions#maxLagBytes}. Needs {@link
   * Builder#hostActions}. Idempotent per target: a member that streams from an unchanged configuration file is left
   * alone, so a second run acts on nothing.
   *
   * <pre>{@code
   * import dev.patroni4j.client.Confirmation;
   * import dev.patroni4j.runbooks.ExecuteOptions;
   * import dev.patroni4j.runbooks.Journal;
   * import dev.patroni4j.runbooks.Plan;
   * import dev.patroni4j.runbooks.RunbookResult;
   * // given: PatroniRunbooks catalogue; RunbookRunner runner; AddReplicaOptions options; Journal journal; String typedToken;
   * Plan plan = runner.plan(catalogue.addReplica(options)); // show plan.describe(); a wipe needs plan.confirmationToken()
   * RunbookResult r = runner.execute(catalogue.addReplica(options), journal,
   *     ExecuteOptions.defaults().confirmation(Confirmation.of(typedToken)));
   * }</pre>
   *
   * @throws IllegalStateException without host actions
   */
  public Runbook addReplica(AddReplicaOptions options) {
    Objects.requireNonNull(options, "options == null");
    if (env.hosts == null) {
      throw new IllegalStateException("addReplica needs host actions: PatroniRunbooks.builder(...).hostActions(...)");
    }
    String member = options.member();
    return Runbook.named("add-replica")
        .step(AddReplicaSteps.target(env, scope, options))
        .step(AddReplicaSteps.dataDirectory(env, options))
        .step(AddReplicaSteps.writeConfig(env, options))
        .step(AddReplicaSteps.start(env, options), StepPolicy.custom().verifyTimeout(Duration.ofMinutes(2)).build())
        .step(Steps.until("streaming[" + member + "]",
                dev.patroni4j.client.Conditions.replicaStreamingWithin(member, options.maxLagBytes())),
            StepPolicy.custom().verifyTimeout(options.streamTimeout()).pollInterval(Duration.ofSeconds(1)).build())
        .build();
  }

  /**
   * Drains a replica (catalogue item "drain a member"): sets the {@link DrainOptions#tags} ({@code nofailover},
   * {@code noloadbalance}, {@code nosync}; all three by default) to {@code true} in its local {@code patroni.yml}
   * (edited with patroni-config's {@code ConfigDocument}, so comments and every other line stay as written), reloads
   * its Patroni, and is done when {@code /cluster} shows the tags and its health checks agree ({@code /replica} and
   * {@code /async} answer 503 with {@code noloadbalance} while {@code /health} answers 200; without it, {@code
   * /replica?tag_nofailover=true} and {@code /async} answer 200). PostgreSQL is not restarted. Refused for the
   * leader. Needs {@link Builder#hostActions}. Idempotent per target: a drained member is left alone.
   *
   * <pre>{@code
   * import dev.patroni4j.runbooks.Journal;
   * // given: PatroniRunbooks catalogue; RunbookRunner runner; Journal journal; Journal journal2;
   * DrainOptions pg2 = DrainOptions.builder("pg2", Path.of("/etc/patroni/patroni.yml")).build();
   * runner.execute(catalogue.drain(pg2), journal);   // upgrade pg2, then:
   * runner.execute(catalogue.undrain(pg2), journal2);
   * }</pre>
   *
   * @throws IllegalStateException without host actions
   */
  public Runbook drain(DrainOptions options) {
    return drainRunbook("drain", options, true);
  }

  /**
   * Reverses {@link #drain}: removes the tags from the member's local configuration (and the {@code tags} key when
   * nothing else is left in it, so a file that had no tags before the drain is as it was), reloads, and is done when
   * {@code /cluster} no longer shows them, {@code /replica} answers 200 and {@code /replica?tag_nofailover=true} 503.
   * A tag the member had in its own configuration before the drain is removed too.
   *
   * @throws IllegalStateException without host actions
   */
  public Runbook undrain(DrainOptions options) {
    return drainRunbook("undrain", options, false);
  }

  private Runbook drainRunbook(String name, DrainOptions options, boolean drain) {
    Objects.requireNonNull(options, "options == null");
    if (env.hosts == null) {
      throw new IllegalStateException(name + " needs host actions: PatroniRunbooks.builder(...).hostActions(...)");
    }
    return Runbook.named(name)
        .step(DrainSteps.localConfig(env, options, drain))
        .step(DrainSteps.reload(env, options, drain), StepPolicy.custom().verifyTimeout(options.timeout()).build())
        .step(DrainSteps.observed(env, options, drain), StepPolicy.custom().verifyTimeout(options.timeout()).build())
        .build();
  }

  /**
   * Moves every member to another Patroni release, as when Patroni moves from one package to another (catalogue item
   * "package migration under pause"): per member its Patroni is stopped, its installation switched ({@link
   * HostActions#switchPatroniInstallation}), its configuration moved to where the new service reads it and, when
   * given, its systemd unit rewritten through patroni-config's {@link dev.patroni4j.config.SystemdUnit}; then it is
   * started and waited for until it is back in the member list, running, on the new release. The members' order is
   * fixed by the plan: replicas by name, the leader last. Two strategies ({@link PackageMigrationOptions.Strategy}):
   * <ul>
   *   <li>{@code PAUSE_CLUSTER}: pause, verified on every member; each member's Patroni is stopped only while it
   *       reports the pause, and its postmaster must still run afterwards (same PID in {@code postmaster.pid}, the
   *       process alive), else the run fails before its installation is touched; no PostgreSQL restart and no leader
   *       change; resume at the end, verified on every member;</li>
   *   <li>{@code DRAIN_REPLICAS}: the cluster stays managed; per replica drain ({@code nofailover} +
   *       {@code noloadbalance}, as {@link #drain}), upgrade, undrain; then a planned switchover to an upgraded
   *       replica, and the old primary last (drained, upgraded, undrained).</li>
   * </ul>
   * The run ends when every member runs the target release and streams from the leader.
   *
   * <p>Refused when the plan is made, before anything changes (step {@code preflight}, which names the reasons): a
   * member to migrate whose unit would stop PostgreSQL together with Patroni or kill it uncleanly ({@link
   * dev.patroni4j.config.SystemdUnit#stopTraps}: {@code KillMode} other than {@code process}, a harsh {@code
   * KillSignal}); a version jump Patroni's release notes warn about ({@link
   * PackageMigrationOptions.Risk#UPGRADE_TO_4_FROM_BEFORE_3_1}) unless acknowledged in the options (the plan names
   * the risk either way); cluster members without a move in the options. Before it, step {@code guardrails} checks
   * the {@link PackageMigrationOptions#guardrails() guardrails} (every replica's replay lag, the longest running
   * transaction on every member to migrate, a synchronous standby in synchronous mode, the members' versions) and
   * refuses, naming each threshold and the value observed; they are checked again right before each member's Patroni
   * is stopped (that member's transactions) and before the drain strategy's switchover (the candidate's lag, the
   * leader's transactions).
   *
   * <p>Journaled and resumable; idempotent per target: a member that runs the target release with its configuration at
   * the new path only is left out of the plan, so a second run acts on nothing (not even a pause).
   *
   * <p>With {@link dev.patroni4j.runbooks.host.ShellHostActions} on systemd hosts, a written unit takes effect only
   * after {@code systemctl daemon-reload}: make it part of the start template (e.g. {@code sudo systemctl
   * daemon-reload && sudo systemctl start patroni}).
   *
   * <pre>{@code
   * import dev.patroni4j.client.model.PatroniVersion;
   * import dev.patroni4j.runbooks.Journal;
   * import dev.patroni4j.runbooks.Plan;
   * import dev.patroni4j.runbooks.RunbookResult;
   * // given: PatroniRunbooks catalogue; RunbookRunner runner; Journal journal;
   * PackageMigrationOptions.Builder b = PackageMigrationOptions.builder(PatroniVersion.parse("4.1.5"));
   * for (String member : List.of("pg1", "pg2", "pg3")) {
   *   b.member(PackageMigrationOptions.Member.of(member, Path.of("/etc/patroni.yml"), Path.of("/etc/patroni/patroni.yml"))
   *       .withUnit(Path.of("/etc/systemd/system/patroni.service")));
   * }
   * Plan plan = runner.plan(catalogue.packageMigration(b.build()));   // names refusals and risks
   * RunbookResult r = runner.execute(catalogue.packageMigration(b.build()), journal);
   * }</pre>
   *
   * @throws IllegalStateException without host actions
   */
  public Runbook packageMigration(PackageMigrationOptions options) {
    Objects.requireNonNull(options, "options == null");
    if (env.hosts == null) {
      throw new IllegalStateException("packageMigration needs host actions: PatroniRunbooks.builder(...).hostActions(...)");
    }
    boolean pause = options.strategy() == PackageMigrationOptions.Strategy.PAUSE_CLUSTER;
    StepPolicy perMember = StepPolicy.custom().verifyTimeout(options.memberTimeout()).build();
    Runbook.Builder b = Runbook.named("package-migration")
        .bind(MigrationSteps.REST_URLS, ctx -> MigrationSteps.restUrls(env))
        .bind(Keys.MEMBERS, ctx -> Env.addresses(env.client.cluster()))
        .bind(MigrationSteps.SEQUENCE, ctx -> MigrationSteps.sequence(env, options, ctx.binding(MigrationSteps.REST_URLS)));
    if (pause) {
      b.bind(MigrationSteps.POSTMASTER_PIDS, ctx -> MigrationSteps.postmasterPids(env, options,
          ctx.binding(MigrationSteps.SEQUENCE)));
    } else {
      b.bind(Keys.FROM, ctx -> Views.leaderName(env.client.cluster()).orElse(""))
          .bindOptional(Keys.TO, ctx -> MigrationSteps.switchoverTarget(env, ctx.binding(MigrationSteps.SEQUENCE)));
    }
    guardRecoveryPoint(b);
    b.step(GuardrailChecks.preflight(env, MigrationSteps.guardrails(options), MigrationSteps::guardrailScope))
        .step(MigrationSteps.preflight(env, options));
    if (pause) {
      b.step(MigrationSteps.pause(env));
    }
    b.forEach(MigrationSteps.SEQUENCE, item -> MigrationSteps.item(env, options, item), perMember);
    if (pause) {
      b.step(MigrationSteps.resume(env));
    }
    return b.step(MigrationSteps.allMigrated(options), perMember)
        .step(Awaits.allStreaming(env, "all-streaming"), StepPolicy.custom().verifyTimeout(Duration.ofMinutes(3))
            .build())
        .build();
  }

  /**
   * Removes the cluster from the DCS (every key, as {@code patronictl remove}); refused while any member is still
   * registered, and without a confirmation token. Needs {@link Builder#dcs}.
   */
  public Runbook removeCluster() {
    if (dcs == null) {
      throw new IllegalStateException("removeCluster needs a DcsClient: PatroniRunbooks.builder().dcs(...)");
    }
    return Runbook.named("remove-cluster").step(RemoveClusterStep.create(dcs, ref)).build();
  }

  /**
   * Puts the {@link RecoveryPointGuard} first when a backup tool is configured ({@link Builder#backupTool}), so the
   * plan refuses before anything changes.
   */
  private void guardRecoveryPoint(Runbook.Builder b) {
    if (recoveryPoint != null) {
      b.step(recoveryPoint.step());
    }
  }

  /** A user-visible handle on the switchover step, for custom runbooks that embed it; default guardrails. */
  Step switchover(String name, Fact<String> fromBinding, Fact<String> toBinding, SwitchoverStep.Wanted wanted) {
    return switchover(name, fromBinding, toBinding, wanted, Guardrails.defaults());
  }

  /** The switchover step with {@code guardrails} re-checked right before its request. */
  Step switchover(String name, Fact<String> fromBinding, Fact<String> toBinding, SwitchoverStep.Wanted wanted,
      Guardrails guardrails) {
    return new SwitchoverStep(env, name, fromBinding, toBinding, wanted, guardrails);
  }

  /**
   * The rolling restart's guardrail scope: every replica's lag and the transactions of every member to restart (all
   * members when the restart follows a planned parameter change); not needed when no member has a pending restart.
   */
  private GuardrailChecks.Either restartScope(ClusterView view, Map<String, Object> plannedParameters) {
    List<String> replicas = view.members().stream().filter(m -> !m.isLeader()).map(Member::name).toList();
    List<String> restarted = plannedParameters.isEmpty()
        ? view.members().stream().filter(m -> env.status(m.name()).pendingRestart()).map(Member::name).toList()
        : view.members().stream().map(Member::name).toList();
    if (restarted.isEmpty()) {
      return GuardrailChecks.Either.notNeeded("no member has a pending restart");
    }
    return GuardrailChecks.Either.of(new GuardrailChecks.Scope(replicas, restarted));
  }

  private String currentLeader() {
    return Views.leaderName(env.client.cluster())
        .orElseThrow(() -> new StepRefusedException("the cluster has no leader"));
  }

  private Optional<String> bestCandidate(String from) {
    try {
      ClusterView view = env.client.cluster();
      return Candidates.choose(view, env.client.config(), from, null, env.streamingFromLeader(view)).find();
    } catch (java.sql.SQLException e) {
      throw new PatroniException("cannot read the leader's pg_stat_replication: " + e.getMessage(), e);
    }
  }

  private Map<String, String> runningAddresses() {
    ClusterView view = env.client.cluster();
    Map<String, String> all = Env.addresses(view);
    Map<String, String> out = new LinkedHashMap<>();
    view.members().stream().filter(m -> m.state().isRunning()).forEach(m -> out.put(m.name(), all.get(m.name())));
    return out;
  }

  private static long timelineId(ClusterView view) {
    return Views.timeline(view).map(Timeline::id).orElse(0L);
  }

  private Optional<String> failoverCandidate() {
    ClusterView view = env.client.cluster();
    return view.members().stream()
        .filter(m -> !m.tags().noFailover() && m.state().isRunning())
        .min(java.util.Comparator.comparingLong((Member m) -> m.lag().knownBytes().orElse(Long.MAX_VALUE))
            .thenComparing(Member::name))
        .map(Member::name);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> deepCopy(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, v instanceof Map<?, ?> nested ? deepCopy((Map<String, Object>) nested) : v));
    return java.util.Collections.unmodifiableMap(out);
  }

  private static Duration positive(Duration d) {
    return d.isZero() ? Duration.ofMillis(1) : d;
  }

  /** Builder for {@link PatroniRunbooks}; not thread-safe. */
  public static final class Builder {
    private final PatroniClient client;
    private @Nullable String scope;
    private @Nullable PostgresConnector pg;
    private @Nullable DcsClient dcs;
    private String namespace = ClusterRef.DEFAULT_NAMESPACE;
    private @Nullable DcsClient leaseDcs;
    private @Nullable HostActions hosts;
    private @Nullable BackupTool backupTool;
    private Duration maxBackupAge = Duration.ofDays(1);

    private Builder(PatroniClient client) {
      this.client = Objects.requireNonNull(client, "client == null");
    }

    /** Patroni's {@code namespace} (default {@code /service}). */
    public Builder namespace(String namespace) {
      this.namespace = Objects.requireNonNull(namespace, "namespace == null");
      return this;
    }

    /**
     * The DCS client (e.g. {@code EtcdDcsClient}): identity is then read from the DCS, and
     * {@link #removeCluster()} is available. The caller keeps ownership and closes it.
     */
    public Builder dcs(DcsClient dcs) {
      this.dcs = Objects.requireNonNull(dcs, "dcs == null");
      return this;
    }

    /**
     * Holds the one-mutating-runbook-per-cluster lease in this DCS (e.g. an {@code EtcdDcsClient} or
     * {@code ConsulDcsClient}; usually the one given to {@link #dcs}), as {@link ClusterLease#inDcs}. The caller
     * keeps ownership and closes it.
     */
    public Builder dcsLease(DcsClient dcs) {
      this.leaseDcs = Objects.requireNonNull(dcs, "dcs == null");
      return this;
    }

    /** The cluster's name ({@code scope}); required. Confirmation tokens and the lease are bound to it. */
    public Builder scope(String scope) {
      this.scope = Objects.requireNonNull(scope, "scope == null");
      return this;
    }

    /**
     * SQL access to members, for CHECKPOINT before a switchover, replication and settings checks, and the final
     * "at most one member accepts writes" check.
     */
    public Builder postgres(PostgresConnector pg) {
      this.pg = Objects.requireNonNull(pg, "pg == null");
      return this;
    }

    /** Actions on the members' hosts (start/stop Patroni, move files), for runbooks that touch hosts. */
    public Builder hostActions(HostActions hosts) {
      this.hosts = Objects.requireNonNull(hosts, "hosts == null");
      return this;
    }

    /**
     * The cluster's backup tool: {@link #plannedSwitchover}, {@link #rollingRestart} (also as chained by {@link
     * #configChange}) and {@link #packageMigration} then start with step {@code recovery-point} ({@link
     * RecoveryPointGuard}), which refuses the plan, before anything changes and naming the figures, when the newest
     * complete backup finished more than {@code maxBackupAge} ago, when there is none, or when the WAL archive has a
     * gap or its live check on the leader fails. Those runbooks are guarded because each ends with PostgreSQL
     * restarted or a new timeline, the moments a latent problem (a torn page, a replica that was not in sync, a
     * Patroni release that misbehaves) turns into a restore, and a restore is only as good as the newest backup plus
     * an unbroken archive after it. Not guarded: {@link #failover} (an emergency: refusing it leaves the cluster
     * without a leader and stops archiving anyway), {@link #removeCluster} (it runs with every member stopped, so no
     * leader can run the live check, and the point-in-time restore that follows it chooses its own backup), and the
     * runbooks that change no timeline and restart nothing ({@link #pause}, {@link #drain}, {@link #reload}, ...).
     * A tool whose live check switches WAL (pgBackRest's {@code check}) makes the replicas look up to one WAL segment
     * behind in Patroni's view until their next loop; with {@code maximum_lag_on_failover} below the segment size
     * (Patroni's default is 1 MiB) the switchover's candidate step can then refuse right after the guard passed.
     */
    public Builder backupTool(BackupTool tool, Duration maxBackupAge) {
      this.backupTool = Objects.requireNonNull(tool, "tool == null");
      if (maxBackupAge.isNegative() || maxBackupAge.isZero()) {
        throw new IllegalArgumentException("maxBackupAge <= 0: " + maxBackupAge);
      }
      this.maxBackupAge = maxBackupAge;
      return this;
    }

    public PatroniRunbooks build() {
      String s = Objects.requireNonNull(scope, "scope(...) is required");
      ClusterLease lease = leaseDcs == null ? ClusterLease.none() : ClusterLease.inDcs(leaseDcs, namespace);
      ClusterRef ref = ClusterRef.of(namespace, s);
      return new PatroniRunbooks(s, new Env(client, pg, dcs, ref, hosts), dcs, ref, lease, backupTool,
          maxBackupAge);
    }
  }
}
