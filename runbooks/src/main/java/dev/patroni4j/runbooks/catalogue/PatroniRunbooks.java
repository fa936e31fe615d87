package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.PatroniException;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsClient;
import dev.patroni4j.runbooks.ClusterIdentity;
import dev.patroni4j.runbooks.ClusterLease;
import dev.patroni4j.runbooks.Runbook;
import dev.patroni4j.runbooks.RunbookRunner;
import dev.patroni4j.runbooks.Step;
import dev.patroni4j.runbooks.StepPolicy;
import dev.patroni4j.runbooks.StepRefusedException;
import dev.patroni4j.runbooks.Steps;
import dev.patroni4j.runbooks.internal.ClusterOps;
import dev.patroni4j.runbooks.internal.Observed;
import dev.patroni4j.runbooks.internal.ClientClusterOps;
import java.math.BigDecimal;
import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * The runbook catalogue for one Patroni cluster. Each method returns an immutable {@link Runbook} to plan and execute
 * with a {@link RunbookRunner} from {@link #runner()}; every runbook is idempotent (a second run acts on nothing) and
 * resumable from its journal.
 *
 * <pre>{@code
 * PatroniRunbooks catalogue = PatroniRunbooks.builder()
 *     .scope("demo")
 *     .restEndpoints(List.of(URI.create("http://10.0.0.1:8008"), URI.create("http://10.0.0.2:8008")))
 *     .restCredentials("patroni", restPassword)
 *     .postgres((member, host, port) -> DriverManager.getConnection(jdbcUrl(host, port), "postgres", pgPassword))
 *     .build();
 * RunbookRunner runner = catalogue.runner().listener(progress).build();
 * RunbookResult r = runner.execute(catalogue.plannedSwitchover(SwitchoverOptions.defaults()), FileJournal.at(path));
 * }</pre>
 *
 * <p>Thread-safety: immutable and thread-safe; share one instance per cluster.
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

  public static Builder builder() {
    return new Builder();
  }

  public String scope() {
    return scope;
  }

  Env env() {
    return env;
  }

  /** A runner builder wired to this cluster's identity and lease; add listeners, clock, policies as needed. */
  public RunbookRunner.Builder runner() {
    return RunbookRunner.builder().identity(identitySource()).lease(lease);
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
            Observed.timeline(view), view.members().stream().map(Member::name).toList());
      };
    }
    return () -> {
      ClusterView view = env.ops.cluster();
      if (view.scope() != null && !view.scope().equals(scope)) {
        throw new PatroniException("the REST endpoints belong to cluster '" + view.scope() + "', not '" + scope + "'");
      }
      Optional<String> leader = Observed.leaderName(view);
      String systemId = null;
      List<String> askOrder = new ArrayList<>();
      leader.ifPresent(askOrder::add);
      view.members().forEach(m -> askOrder.add(m.name()));
      for (String m : askOrder) {
        try {
          systemId = env.ops.status(m).systemIdentifier();
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
      return new ClusterIdentity(scope, systemId, leader.orElse(null), Observed.timeline(view),
          view.members().stream().map(Member::name).toList());
    };
  }

  /**
   * Planned switchover: check the candidate, optionally wait for low lag, CHECKPOINT the leader, switch over (outcome
   * resolved by observation, including Patroni's 503 "status unknown"), then wait until every member streams on the
   * new timeline. {@code from}/{@code to} are fixed when the plan is made.
   */
  public Runbook plannedSwitchover(SwitchoverOptions options) {
    Runbook.Builder b = Runbook.named("planned-switchover")
        .bind("from", ctx -> List.of(options.findFrom().orElseGet(this::currentLeader)))
        .bind("to", ctx -> options.findTo().map(List::of).orElseGet(() -> bestCandidate(ctx.binding("from"))))
        .step(ClusterSteps.candidateQualifies(env));
    if (options.maxLagBytes() != null) {
      b.step(ClusterSteps.lagBelow(env, options.maxLagBytes()),
          StepPolicy.custom().verifyTimeout(positive(options.lagWait())).build());
    }
    if (options.checkpoint() && env.pg != null) {
      b.step(ClusterSteps.checkpoint(env));
    }
    return b.step(switchover("switchover", "from", "to", (e, v, l) -> Optional.empty()),
            StepPolicy.custom().verifyTimeout(Duration.ofSeconds(90)).build())
        .step(Awaits.allStreaming(env, "all-streaming"), StepPolicy.custom().verifyTimeout(Duration.ofMinutes(3))
            .build())
        .build();
  }

  /** Schedules a switchover at {@code at} (with time zone); satisfied if exactly that one is scheduled already. */
  public Runbook scheduledSwitchover(OffsetDateTime at, SwitchoverOptions options) {
    return Runbook.named("scheduled-switchover")
        .bind("from", ctx -> List.of(options.findFrom().orElseGet(this::currentLeader)))
        .bind("to", ctx -> options.findTo().map(List::of).orElse(List.of()))
        .step(ClusterSteps.scheduleSwitchover(env, at))
        .build();
  }

  public Runbook cancelScheduledSwitchover() {
    return Runbook.named("cancel-scheduled-switchover").step(ClusterSteps.cancelScheduledSwitchover(env)).build();
  }

  /**
   * Failover when the cluster has no leader: promote {@code candidate} (or the running member with the least lag that
   * is not {@code nofailover}), then wait until every remaining member streams from it. Refused while a leader exists.
   */
  public Runbook failover(@Nullable String candidate) {
    return Runbook.named("failover")
        .bind("to", ctx -> candidate != null ? List.of(candidate) : failoverCandidate().map(List::of).orElse(List.of()))
        .bind("to-reason", ctx -> List.of(candidate != null ? "named by the caller"
            : failoverCandidate().map(c -> c + " has the least lag").orElse("no running member without nofailover")))
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
        .bind("restart-from", ctx -> List.of(currentLeader()))
        .bind("restart-to", ctx -> List.of())
        .bind("sequence", ctx -> restartSequence(ctx.binding("restart-from"), plannedParameters))
        .forEach("sequence", item -> switch (item) {
          case "@settle" -> Awaits.allStreaming(env, "settle");
          case "@caught-up" -> Awaits.allCaughtUp(env, "caught-up");
          case "@switchover" -> switchover("switchover", "restart-from", "restart-to", (e, view, leader) ->
              e.ops.status(leader).pendingRestart() ? Optional.empty()
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
        .bind("config-version", ctx -> List.of(ConfigVersions.read(env).version()))
        .step(ClusterSteps.patchConfig(env, copy))
        .step(ConfigSteps.applied(env, ConfigDiff.parameters(copy)), StepPolicy.custom()
            .verifyTimeout(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).build())
        .step(ConfigSteps.pendingRestart(env));
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
        .step(Awaits.memberStreaming(env, member), StepPolicy.custom().verifyTimeout(Duration.ofMinutes(2)).build())
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
  Step switchover(String name, String fromBinding, String toBinding, SwitchoverStep.Wanted wanted) {
    return new SwitchoverStep(env, name, fromBinding, toBinding, wanted);
  }

  private String currentLeader() {
    return Observed.leaderName(env.ops.cluster())
        .orElseThrow(() -> new StepRefusedException("the cluster has no leader", Map.of()));
  }

  private List<String> bestCandidate(String from) {
    try {
      ClusterView view = env.ops.cluster();
      return Candidates.choose(view, env.ops.config(), from, null, env.streamingFromLeader(view)).find()
          .map(List::of).orElse(List.of());
    } catch (java.sql.SQLException e) {
      throw new PatroniException("cannot read the leader's pg_stat_replication: " + e.getMessage(), e);
    }
  }

  private Optional<String> failoverCandidate() {
    ClusterView view = env.ops.cluster();
    return view.members().stream()
        .filter(m -> !m.tags().noFailover() && Observed.isUp(m.state()))
        .min(java.util.Comparator.comparingLong((Member m) -> m.lag().knownBytes().orElse(Long.MAX_VALUE))
            .thenComparing(Member::name))
        .map(Member::name);
  }

  /** Replicas, then settle + switchover + old leader; or the leader first (then replicas once caught up). */
  private List<String> restartSequence(String leader, Map<String, Object> plannedParameters) throws Exception {
    ClusterView view = env.ops.cluster();
    List<String> replicas = view.members().stream().map(Member::name).filter(n -> !n.equals(leader)).sorted()
        .toList();
    List<String> out = new ArrayList<>();
    if (onlyDecreasesOfPrimaryFirstSettings(view, leader, plannedParameters)) {
      // Replicas restart only once they replayed the primary's parameter change: Patroni starts a replica with
      // max(config, pg_control) for these settings, so restarting it earlier keeps the old value (still pending).
      out.add(leader);
      out.add("@caught-up");
      out.addAll(replicas);
    } else {
      out.addAll(replicas);
      out.addAll(List.of("@settle", "@switchover", leader));
    }
    return out;
  }

  private boolean onlyDecreasesOfPrimaryFirstSettings(ClusterView view, String leader, Map<String, Object> planned)
      throws Exception {
    Map<String, BigDecimal[]> changes = new LinkedHashMap<>(); // name -> {old, new}
    if (!planned.isEmpty()) {
      Map<String, Object> current = env.ops.config().postgresqlParameters();
      for (Map.Entry<String, Object> e : planned.entrySet()) {
        changes.put(e.getKey(), new BigDecimal[] {number(current.get(e.getKey())), number(e.getValue())});
      }
    } else {
      MemberStatus status = env.ops.status(leader);
      if (!status.pendingRestartReason().isEmpty()) {
        status.pendingRestartReason().forEach((name, change) -> changes.put(name,
            new BigDecimal[] {number(change.oldValue()), number(change.newValue())}));
      } else if (env.pg != null && status.pendingRestart()) {
        DynamicConfig config = env.ops.config();
        env.sql(view, leader, c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT name, setting FROM pg_settings WHERE pending_restart");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              changes.put(rs.getString(1), new BigDecimal[] {number(rs.getString(2)),
                  number(config.postgresqlParameters().get(rs.getString(1)))});
            }
          }
          return null;
        });
      }
    }
    return !changes.isEmpty() && changes.entrySet().stream().allMatch(e ->
        ConfigSteps.PRIMARY_FIRST_ON_DECREASE.contains(e.getKey()) && e.getValue()[0] != null
            && e.getValue()[1] != null && e.getValue()[1].compareTo(e.getValue()[0]) < 0);
  }

  private static @Nullable BigDecimal number(@Nullable Object v) {
    if (v == null) {
      return null;
    }
    try {
      return new BigDecimal(String.valueOf(v).trim());
    } catch (NumberFormatException e) {
      return null;
    }
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
    private @Nullable String scope;
    private PatroniClient.Builder rest = PatroniClient.builder();
    private boolean restMembers;
    private OkHttpClient http = new OkHttpClient();
    private @Nullable PostgresConnector pg;
    private @Nullable DcsClient dcs;
    private String namespace = ClusterRef.DEFAULT_NAMESPACE;
    private @Nullable DcsClient leaseDcs;

    private Builder() {}

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

    /** REST API base URLs of some members (e.g. {@code http://10.0.0.1:8008}); the others are learned. */
    public Builder restEndpoints(List<URI> endpoints) {
      rest.members(endpoints);
      restMembers = !endpoints.isEmpty() || restMembers;
      return this;
    }

    /** Basic-auth credentials for Patroni's REST API; never logged or journaled. */
    public Builder restCredentials(String username, String password) {
      rest.basicAuth(username, password);
      return this;
    }

    /**
     * The typed REST client's builder, for TLS, timeouts and the rest ({@code PatroniClient.builder().member(..)
     * .tls(..).basicAuth(..)}); replaces what {@link #restEndpoints} and {@link #restCredentials} set. Its OkHttp
     * client is set from {@link #okHttpClient}.
     */
    public Builder patroniClient(PatroniClient.Builder rest) {
      this.rest = Objects.requireNonNull(rest, "rest == null");
      this.restMembers = true;
      return this;
    }

    /** The OkHttp client to derive calls from (proxies, pools); a default one otherwise. */
    public Builder okHttpClient(OkHttpClient http) {
      this.http = Objects.requireNonNull(http, "http == null");
      return this;
    }

    /** SQL access to members, for CHECKPOINT before a switchover and for replication and settings checks. */
    public Builder postgres(PostgresConnector pg) {
      this.pg = Objects.requireNonNull(pg, "pg == null");
      return this;
    }

    public PatroniRunbooks build() {
      String s = Objects.requireNonNull(scope, "scope(...) is required");
      if (!restMembers) {
        throw new IllegalStateException("restEndpoints(...) or patroniClient(...) is required");
      }
      ClusterOps ops = new ClientClusterOps(rest, http);
      ClusterLease lease = leaseDcs == null ? ClusterLease.none() : ClusterLease.inDcs(leaseDcs, namespace);
      ClusterRef ref = ClusterRef.of(namespace, s);
      return new PatroniRunbooks(s, new Env(ops, pg, dcs, ref), dcs, ref, lease);
    }
  }
}
