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
 * PatroniClient client = PatroniClient.builder()
 *     .members(List.of(URI.create("http://10.0.0.1:8008"), URI.create("http://10.0.0.2:8008")))
 *     .basicAuth("patroni", restPassword)
 *     .build();
 * PatroniRunbooks catalogue = PatroniRunbooks.builder(client)
 *     .scope("demo")
 *     .postgres((member, host, port) -> DriverManager.getConnection(jdbcUrl(host, port), "postgres", pgPassword))
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
 *       #removeCluster}: the state they name;</li>
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

  private PatroniRunbooks(String scope, Env env, @Nullable DcsClient dcs, ClusterRef ref, ClusterLease lease) {
    this.scope = scope;
    this.env = env;
    this.dcs = dcs;
    this.ref = ref;
    this.lease = lease;
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
   * A runner builder wired to this cluster's identity, lease and REST observations (with the client's clock and
   * sleeper semantics); add listeners, clock, sleeper, policies as needed.
   */
  public RunbookRunner.Builder runner() {
    PatroniClient client = env.client;
    return RunbookRunner.builder().identity(identitySource()).lease(lease)
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
   * journal switches away from whoever leads then.
   */
  public Runbook plannedSwitchover(SwitchoverOptions options) {
    Runbook.Builder b = Runbook.named("planned-switchover")
        .bind(Keys.FROM, ctx -> options.findFrom().orElseGet(this::currentLeader))
        .bindOptional(Keys.TO, ctx -> options.findTo().or(() -> bestCandidate(ctx.binding(Keys.FROM))))
        .bind(Keys.MEMBERS, ctx -> Env.addresses(env.client.cluster()))
        .step(ClusterSteps.candidateQualifies(env));
    if (options.maxLagBytes() != null) {
      b.step(ClusterSteps.lagBelow(env, options.maxLagBytes()),
          StepPolicy.custom().verifyTimeout(positive(options.lagWait())).build());
    }
    if (options.checkpoint() && env.pg != null) {
      b.step(ClusterSteps.checkpoint(env));
    }
    return b.step(switchover("switchover", Keys.FROM, Keys.TO, (e, v, l) -> Optional.empty()),
            StepPolicy.custom().verifyTimeout(Duration.ofSeconds(90)).build())
        .step(Awaits.allStreaming(env, "all-streaming"), StepPolicy.custom().verifyTimeout(Duration.ofMinutes(3))
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
    return rollingRestart(Map.of());
  }

  private Runbook rollingRestart(Map<String, Object> plannedParameters) {
    return Runbook.named("rolling-restart")
        .bind(Keys.RESTART_FROM, ctx -> currentLeader())
        .bindOptional(Keys.RESTART_TO, ctx -> Optional.empty())
        .bind(Keys.MEMBERS, ctx -> Env.addresses(env.client.cluster()))
        .bind(Keys.SEQUENCE, ctx -> RestartOrder.sequence(env, ctx.binding(Keys.RESTART_FROM), plannedParameters))
        .forEach(Keys.SEQUENCE, item -> switch (item) {
          case RestartOrder.SETTLE -> Awaits.allStreaming(env, "settle");
          case RestartOrder.CAUGHT_UP -> Awaits.allCaughtUp(env, "caught-up");
          case RestartOrder.SWITCHOVER -> switchover("switchover", Keys.RESTART_FROM, Keys.RESTART_TO,
              (e, view, leader) -> e.status(leader).pendingRestart() ? Optional.empty()
                  : Optional.of(leader + " has no pending restart: no switchover needed"));
          default -> MemberSteps.restartIfPending(env, item);
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
      b.include(rollingRestart(ConfigDiff.parameters(copy)));
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
   * Removes the cluster from the DCS (every key, as {@code patronictl remove}); refused while any member is still
   * registered, and without a confirmation token. Needs {@link Builder#dcs}.
   */
  public Runbook removeCluster() {
    if (dcs == null) {
      throw new IllegalStateException("removeCluster needs a DcsClient: PatroniRunbooks.builder().dcs(...)");
    }
    return Runbook.named("remove-cluster").step(RemoveClusterStep.create(dcs, ref)).build();
  }

  /** A user-visible handle on the switchover step, for custom runbooks that embed it. */
  Step switchover(String name, Fact<String> fromBinding, Fact<String> toBinding, SwitchoverStep.Wanted wanted) {
    return new SwitchoverStep(env, name, fromBinding, toBinding, wanted);
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

    public PatroniRunbooks build() {
      String s = Objects.requireNonNull(scope, "scope(...) is required");
      ClusterLease lease = leaseDcs == null ? ClusterLease.none() : ClusterLease.inDcs(leaseDcs, namespace);
      ClusterRef ref = ClusterRef.of(namespace, s);
      return new PatroniRunbooks(s, new Env(client, pg, dcs, ref, hosts), dcs, ref, lease);
    }
  }
}
