package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.ClusterObservation;
import dev.patroni4j.client.PatroniException;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Step;
import dev.patroni4j.runbooks.StepContext;
import dev.patroni4j.runbooks.StepRefusedException;
import dev.patroni4j.runbooks.Steps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Evaluates {@link Guardrails}: {@link #evaluate} is the verdict logic on observations (pure, tested on fixtures);
 * {@link #check} observes the cluster for it (REST, and SQL where configured); {@link #preflight} is the plan-time
 * step and {@link #recheck} the re-check a disruptive step makes right before it acts. Runbooks that adopt the
 * guardrails use those two.
 */
final class GuardrailChecks {
  private GuardrailChecks() {}

  /**
   * What an operation puts at risk: the members whose replay lag matters (a switchover's candidate) and the members
   * whose running transactions the action interrupts (the leader of a switchover, a restarted member).
   */
  record Scope(List<String> lagOf, List<String> transactionsOn) {
    Scope {
      lagOf = List.copyOf(lagOf);
      transactionsOn = List.copyOf(transactionsOn);
    }
  }

  /** The oldest running transaction of a member, or why it could not be read. */
  record Transactions(@Nullable Duration oldestAge, @Nullable Long pid, @Nullable String state,
      @Nullable String notChecked) {
    static Transactions none() {
      return new Transactions(null, null, null, null);
    }

    static Transactions notChecked(String why) {
      return new Transactions(null, null, null, why);
    }
  }

  /**
   * The observations the verdicts are made from.
   *
   * @param replicationLag replay lag by member from the leader's {@code pg_stat_replication} (empty without SQL)
   * @param versions Patroni versions by member, as reported by {@code GET /patroni}
   * @param transactions the oldest transaction by member
   */
  record Observed(ClusterView view, @Nullable DynamicConfig config, Map<String, Long> replicationLag,
      Map<String, String> versions, Map<String, Transactions> transactions) {}

  /** An operation's scope, or why the operation is not needed at all (then nothing is checked). */
  interface ScopeOf {
    Either scope(StepContext ctx, ClusterView view) throws Exception;
  }

  /** A scope, or the reason the operation will not happen. */
  record Either(@Nullable Scope scope, String notNeeded) {
    static Either of(Scope scope) {
      return new Either(scope, "");
    }

    static Either notNeeded(String why) {
      return new Either(null, why);
    }
  }

  /** The plan-time step: satisfied when the guardrails pass (naming every threshold), blocked when they refuse. */
  static Step preflight(Env env, Guardrails g, ScopeOf scopeOf) {
    return Steps.named("guardrails")
        .decide(ctx -> {
          if (g.isNone()) {
            return Decision.satisfied("guardrails off");
          }
          ClusterView view = env.client.cluster();
          Either e = scopeOf.scope(ctx, view);
          if (e.scope() == null) {
            return Decision.satisfied(e.notNeeded() + "; guardrails not needed");
          }
          GuardrailReport r = check(env, g, e.scope());
          String text = r.describe() + " [thresholds: " + g.describe() + "]";
          return r.refuses() ? Decision.blocked(text, r.toFacts()) : Decision.satisfied(text, r.toFacts());
        })
        .build();
  }

  /**
   * The re-check right before a disruptive action: throws {@link StepRefusedException} (the run ends refused, nothing
   * done) when the guardrails refuse now, and notes the passing report in the step's outcome otherwise.
   */
  static void recheck(Env env, Guardrails g, Scope scope, StepContext ctx, String action) throws Exception {
    if (g.isNone()) {
      return;
    }
    GuardrailReport r = check(env, g, scope);
    if (r.refuses()) {
      throw new StepRefusedException("re-checked right before " + action + ": " + r.describe(), r.toFacts());
    }
    ctx.note(GuardrailReport.SUMMARY, r.describe());
  }

  /** Observes what {@code g} needs for {@code scope} and evaluates it. */
  static GuardrailReport check(Env env, Guardrails g, Scope scope) throws Exception {
    ClusterView view;
    Map<String, String> versions = new LinkedHashMap<>();
    if (!g.expectedPatroniVersions().isEmpty()) {
      ClusterObservation o = env.client.observe(true);
      view = o.view();
      for (Member m : view.members()) {
        o.status(m.name()).flatMap(MemberStatus::findPatroniVersion).ifPresent(v -> versions.put(m.name(), v.raw()));
      }
    } else {
      view = env.client.cluster();
    }
    DynamicConfig config = g.syncStandbyRequired() ? env.client.config() : null;
    Map<String, Long> replication = g.maxReplayLagBytes().isPresent() && !scope.lagOf().isEmpty()
        ? replicationLag(env, view) : Map.of();
    Map<String, Transactions> txns = new LinkedHashMap<>();
    if (g.maxTransactionAge().isPresent()) {
      for (String member : scope.transactionsOn()) {
        txns.put(member, transactions(env, view, member));
      }
    }
    return evaluate(g, scope, new Observed(view, config, replication, versions, txns));
  }

  /** The verdicts of {@code g} on {@code o}, in a fixed order: lag, transactions, sync standby, versions. */
  static GuardrailReport evaluate(Guardrails g, Scope scope, Observed o) {
    List<GuardrailVerdict> out = new ArrayList<>();
    OptionalLong maxLag = g.maxReplayLagBytes();
    if (maxLag.isPresent()) {
      for (String name : scope.lagOf()) {
        out.add(lag(name, maxLag.getAsLong(), o));
      }
    }
    Optional<Duration> maxAge = g.maxTransactionAge();
    if (maxAge.isPresent()) {
      for (String name : scope.transactionsOn()) {
        out.add(age(name, maxAge.get(), o.transactions().getOrDefault(name,
            Transactions.notChecked("no observation"))));
      }
    }
    if (g.syncStandbyRequired()) {
      out.add(sync(o));
    }
    if (!g.expectedPatroniVersions().isEmpty()) {
      for (Member m : o.view().members()) {
        out.add(version(m.name(), g, o.versions().get(m.name())));
      }
    }
    return new GuardrailReport(out, g.refuseUnchecked());
  }

  private static GuardrailVerdict lag(String name, long max, Observed o) {
    Optional<Member> m = o.view().findMember(name);
    if (m.isEmpty()) {
      return new GuardrailVerdict.ReplayLag(GuardrailVerdict.Status.VIOLATED, name, max, null, "",
          name + " is not a member of the cluster");
    }
    if (m.get().isLeader()) {
      return new GuardrailVerdict.ReplayLag(GuardrailVerdict.Status.PASSED, name, max, 0L, "leader",
          name + " is the leader");
    }
    Long observed = null;
    List<String> sources = new ArrayList<>();
    OptionalLong replay = m.get().replayLag().knownBytes();
    OptionalLong patroni = replay.isPresent() ? replay : m.get().lag().knownBytes();
    if (patroni.isPresent()) {
      observed = patroni.getAsLong();
      sources.add(replay.isPresent() ? "patroni replay_lag" : "patroni lag");
    }
    Long sql = o.replicationLag().get(name);
    if (sql != null) {
      if (observed == null || sql > observed) {
        observed = sql;
        sources.add(0, "pg_stat_replication");
      } else {
        sources.add("pg_stat_replication");
      }
    }
    String source = String.join(", ", sources);
    if (observed == null) {
      return new GuardrailVerdict.ReplayLag(GuardrailVerdict.Status.VIOLATED, name, max, null, source,
          "Patroni reports its lag as " + m.get().lag());
    }
    return new GuardrailVerdict.ReplayLag(observed <= max ? GuardrailVerdict.Status.PASSED
        : GuardrailVerdict.Status.VIOLATED, name, max, observed, source, "");
  }

  private static GuardrailVerdict age(String name, Duration max, Transactions t) {
    if (t.notChecked() != null) {
      return new GuardrailVerdict.TransactionAge(GuardrailVerdict.Status.NOT_CHECKED, name, max, null, null, null,
          t.notChecked());
    }
    Duration age = t.oldestAge();
    boolean ok = age == null || age.compareTo(max) <= 0;
    return new GuardrailVerdict.TransactionAge(ok ? GuardrailVerdict.Status.PASSED : GuardrailVerdict.Status.VIOLATED,
        name, max, age, t.pid(), t.state(), "");
  }

  private static GuardrailVerdict sync(Observed o) {
    DynamicConfig config = o.config();
    String mode = config == null ? "unknown" : config.synchronousMode().orElse("off");
    if (config == null) {
      return new GuardrailVerdict.SyncStandby(GuardrailVerdict.Status.NOT_CHECKED, mode, 1, List.of(),
          "the dynamic configuration was not read");
    }
    List<String> standbys = o.view().members().stream()
        .filter(m -> (m.role().is(Role.Kind.SYNC_STANDBY) || m.role().is(Role.Kind.QUORUM_STANDBY))
            && m.state().isRunning())
        .map(Member::name).toList();
    if (mode.equals("false") || mode.equals("off")) {
      return new GuardrailVerdict.SyncStandby(GuardrailVerdict.Status.PASSED, mode, 1, standbys,
          "synchronous_mode is " + mode + ": no synchronous standby needed");
    }
    return new GuardrailVerdict.SyncStandby(standbys.isEmpty() ? GuardrailVerdict.Status.VIOLATED
        : GuardrailVerdict.Status.PASSED, mode, 1, standbys, "");
  }

  private static GuardrailVerdict version(String name, Guardrails g, @Nullable String observed) {
    if (observed == null) {
      return new GuardrailVerdict.PatroniVersion(GuardrailVerdict.Status.NOT_CHECKED, name,
          g.expectedPatroniVersions(), null, name + " did not report its version (GET /patroni)");
    }
    boolean ok = g.expectedPatroniVersions().stream().anyMatch(e -> observed.equals(e) || observed.startsWith(e + "."));
    return new GuardrailVerdict.PatroniVersion(ok ? GuardrailVerdict.Status.PASSED : GuardrailVerdict.Status.VIOLATED,
        name, g.expectedPatroniVersions(), observed, "");
  }

  // ------------------------------------------------------------------ SQL

  /** Client sessions' oldest open transaction; idle sessions, walsenders and Patroni's own connections excluded. */
  static final String OLDEST_TRANSACTION = "SELECT pid, state,"
      + " (EXTRACT(EPOCH FROM (clock_timestamp() - xact_start)) * 1000)::bigint AS age_ms"
      + " FROM pg_stat_activity"
      + " WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
      + " AND coalesce(state, '') <> 'idle' AND coalesce(application_name, '') NOT LIKE 'Patroni%'"
      + " ORDER BY xact_start LIMIT 1";

  /** Whether this session sees other users' sessions in {@code pg_stat_activity}. */
  static final String SEES_ALL_SESSIONS = "SELECT r.rolsuper OR pg_has_role(current_user, 'pg_read_all_stats',"
      + " 'MEMBER') FROM pg_roles r WHERE r.rolname = current_user";

  private static Transactions transactions(Env env, ClusterView view, String member) {
    if (env.pg == null) {
      return Transactions.notChecked("no PostgresConnector configured (PatroniRunbooks.Builder.postgres)");
    }
    if (view.findMember(member).isEmpty()) {
      return Transactions.notChecked(member + " is not a member of the cluster");
    }
    try {
      return env.sql(view, member, GuardrailChecks::oldestTransaction);
    } catch (SQLException | PatroniException e) {
      return Transactions.notChecked("cannot read pg_stat_activity on " + member + ": " + e.getMessage());
    }
  }

  private static Transactions oldestTransaction(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SEES_ALL_SESSIONS); ResultSet rs = ps.executeQuery()) {
      if (!rs.next() || !rs.getBoolean(1)) {
        return Transactions.notChecked("the connector's role sees only its own sessions (needs superuser or"
            + " pg_read_all_stats)");
      }
    }
    try (PreparedStatement ps = c.prepareStatement(OLDEST_TRANSACTION); ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return Transactions.none();
      }
      return new Transactions(Duration.ofMillis(Math.max(0, rs.getLong(3))), rs.getLong(1), rs.getString(2), null);
    }
  }

  /** Replay lag by member from the leader's {@code pg_stat_replication}; empty without SQL or when it fails. */
  private static Map<String, Long> replicationLag(Env env, ClusterView view) {
    Optional<Member> leader = view.findLeader();
    if (env.pg == null || leader.isEmpty()) {
      return Map.of();
    }
    try {
      return env.sql(view, leader.get().name(), c -> {
        Map<String, Long> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT application_name,"
            + " pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint FROM pg_stat_replication"
            + " WHERE replay_lsn IS NOT NULL");
            ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.merge(rs.getString(1), Math.max(0, rs.getLong(2)), Math::min);
          }
        }
        return out;
      });
    } catch (SQLException | PatroniException e) {
      return Map.of(); // Patroni's own figures still decide
    }
  }
}
