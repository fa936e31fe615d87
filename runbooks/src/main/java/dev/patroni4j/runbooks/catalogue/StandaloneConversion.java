package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.ConfigPatch;
import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.Outcome;
import dev.patroni4j.client.PatroniException;
import dev.patroni4j.client.RestartRequest;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.client.model.ScheduledRestart;
import dev.patroni4j.config.ClusterSpec;
import dev.patroni4j.config.ConfigGenerator;
import dev.patroni4j.config.PatroniConfig.Credentials;
import dev.patroni4j.config.StandaloneServer;
import dev.patroni4j.runbooks.ClusterIdentity;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Fact;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.Impact;
import dev.patroni4j.runbooks.Runbook;
import dev.patroni4j.runbooks.RunbookEvent;
import dev.patroni4j.runbooks.RunbookException;
import dev.patroni4j.runbooks.RunbookRunner;
import dev.patroni4j.runbooks.Step;
import dev.patroni4j.runbooks.StepContext;
import dev.patroni4j.runbooks.StepPolicy;
import dev.patroni4j.runbooks.StepRefusedException;
import dev.patroni4j.runbooks.Steps;
import dev.patroni4j.runbooks.Verification;
import dev.patroni4j.runbooks.host.HostActions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Puts a standalone PostgreSQL primary (started with {@code pg_ctl} or a distribution's service, not Patroni) and its
 * streaming physical standbys under Patroni (catalogue item "convert a standalone PostgreSQL"), without a restart
 * before the caller's time for the primary and without losing a replication slot:
 * <ol>
 *   <li>{@code preflight}: refuses, before anything changes, unless exactly one node is a primary, every standby
 *       streams, each node's data directory and port are as its {@link dev.patroni4j.config.MemberHost} says, and no
 *       replication slot's consumer is more than {@link ConversionOptions#maxSlotLagBytes} behind;</li>
 *   <li>{@code users}: creates the superuser, replication and rewind users that are missing (passwords hashed by the
 *       driver, never sent or journaled in clear) and grants the rewind user {@code EXECUTE} on {@code pg_ls_dir(text,
 *       boolean, boolean)}, {@code pg_stat_file(text, boolean)}, {@code pg_read_binary_file(text)} and {@code
 *       pg_read_binary_file(text, bigint, bigint, boolean)}; existing users are kept (given only a missing {@code
 *       LOGIN}, {@code SUPERUSER} or {@code REPLICATION}, never a new password);</li>
 *   <li>{@code write-config[m]}: each node's {@code patroni.yml}, generated from the running server by {@link
 *       ConfigGenerator#standalone} (port, data and bin directory, its settings, its {@code pg_hba.conf}) with every
 *       replication slot found on the primary as a permanent slot, since Patroni drops slots it does not know;</li>
 *   <li>primary first, then each standby: {@code retire-service[m]} (when a command is given), {@code
 *       start-patroni[m]} until the member is registered and running, {@code adopted[m]}: its postmaster PID is the
 *       one the plan saw (Patroni adopted it rather than restarting it);</li>
 *   <li>{@code logical-slots-copied[standby]} when there are logical slots: Patroni gives a replica the permanent
 *       logical slots by stopping it, copying them from the primary and starting it, which hands its start-up over
 *       (a further restart would be a second one);</li>
 *   <li>{@code restart[standby]} now (unless that happened) and {@code schedule-restart[primary]} at {@link
 *       ConversionOptions#primaryRestartAt}, then {@code restarted[primary]}: the start-up is Patroni's once PostgreSQL
 *       records Patroni's command line ({@code --cluster_name=<scope>} in {@code postmaster.opts});</li>
 *   <li>{@code slots-caught-up}, then {@code drop-standby-slots}: the physical slot each standby streamed through
 *       leaves the dynamic configuration only once Patroni's own slot for that member has a {@code restart_lsn} at or
 *       beyond the old one's; Patroni then drops it. Other slots (logical ones, physical ones no standby used) stay
 *       permanent, and {@code logical-slots-kept} checks that no logical slot went missing or moved back;</li>
 *   <li>{@code all-streaming}: every node is a member streaming from the primary, the only writable one.</li>
 * </ol>
 *
 * <pre>{@code
 * import dev.patroni4j.runbooks.FileJournal;
 * import dev.patroni4j.runbooks.RunbookResult;
 * // given: PatroniRunbooks catalogue; ConversionOptions options; Path journal;
 * // catalogue: a client naming the members' future REST addresses, SQL access as an existing superuser, host actions
 * StandaloneConversion conversion = StandaloneConversion.of(catalogue, options);
 * RunbookResult r = conversion.runner().build().execute(conversion.convert(), FileJournal.at(journal));
 * }</pre>
 *
 * <p>Idempotent per target: a run on a converted cluster acts on nothing. A run interrupted after a standby switched
 * to Patroni's slot must be resumed with its journal, which names the standby's old slot; a fresh journal keeps that
 * slot as a permanent one.
 *
 * <p>Immutable and thread-safe.
 */
public final class StandaloneConversion {
  static final Fact<String> PRIMARY = Fact.text("primary");
  static final Fact<Map<String, String>> PIDS = Fact.textMap("postmaster-pids");
  /** Every slot on the primary that is not a member's own: name to {@code physical} or {@code logical/plugin/db}. */
  static final Fact<Map<String, String>> SLOTS = Fact.textMap("slots");
  /** The physical slots the standbys streamed through before Patroni: slot name to member. */
  static final Fact<Map<String, String>> STANDBY_SLOTS = Fact.textMap("standby-slots");
  /** Each logical slot's {@code confirmed_flush_lsn} when the plan was made. */
  static final Fact<Map<String, String>> LOGICAL_POSITIONS = Fact.textMap("logical-positions");
  static final Fact<List<String>> STANDBYS = Fact.texts("standbys");
  static final Fact<List<String>> PROBLEMS = Fact.texts("problems");
  static final Fact<String> PID = Fact.text("postmasterPid");
  /** The per-node steps in order: the primary's start, each standby's, then each standby's restart. */
  static final Fact<List<String>> SEQUENCE = Fact.texts("conversion-sequence");

  private static final List<String> REWIND_FUNCTIONS = List.of("pg_catalog.pg_ls_dir(text, boolean, boolean)",
      "pg_catalog.pg_stat_file(text, boolean)", "pg_catalog.pg_read_binary_file(text)",
      "pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean)");

  private final PatroniRunbooks catalogue;
  private final Env env;
  private final ConversionOptions options;

  private StandaloneConversion(PatroniRunbooks catalogue, ConversionOptions options) {
    this.catalogue = catalogue;
    this.env = catalogue.env();
    this.options = options;
  }

  /**
   * The conversion of {@code options}' nodes, through {@code catalogue}: its client names the members' REST
   * addresses to be, its {@link PatroniRunbooks.Builder#postgres SQL access} connects as an existing superuser and
   * its {@link PatroniRunbooks.Builder#hostActions host actions} start Patroni and read the nodes' files.
   *
   * @throws IllegalArgumentException when the catalogue has no SQL access or no host actions, or its scope is not
   *     the options'
   */
  public static StandaloneConversion of(PatroniRunbooks catalogue, ConversionOptions options) {
    Objects.requireNonNull(catalogue, "catalogue == null");
    Objects.requireNonNull(options, "options == null");
    if (catalogue.env().pg == null || catalogue.env().hosts == null) {
      throw new IllegalArgumentException("a conversion needs SQL access (postgres) and host actions (hostActions)");
    }
    if (!catalogue.scope().equals(options.cluster().scope())) {
      throw new IllegalArgumentException("the catalogue is for cluster " + catalogue.scope() + ", the options for "
          + options.cluster().scope());
    }
    return new StandaloneConversion(catalogue, options);
  }

  /**
   * A runner builder like the catalogue's, whose cluster identity (scope and the system identifier, read with SQL
   * from the first node that answers) exists before Patroni runs.
   */
  public RunbookRunner.Builder runner() {
    return catalogue.runner().identity(this::identity);
  }

  /** The conversion runbook. */
  public Runbook convert() {
    StepPolicy member = StepPolicy.custom().verifyTimeout(options.memberTimeout()).build();
    Duration untilRestart = Duration.between(env.client.clock().instant(), options.primaryRestartAt().toInstant());
    StepPolicy primaryRestart = StepPolicy.custom().verifyTimeout(options.memberTimeout()
        .plus(untilRestart.isNegative() ? Duration.ZERO : untilRestart)).build();
    Runbook.Builder b = Runbook.named("convert-standalone")
        .bind(PRIMARY, ctx -> primary())
        .bind(STANDBYS, ctx -> options.nodes().stream().map(ConversionOptions.Node::name)
            .filter(n -> !n.equals(ctx.binding(PRIMARY))).toList())
        .bind(PIDS, ctx -> postmasterPids())
        .bind(STANDBY_SLOTS, ctx -> standbySlots(ctx.binding(STANDBYS)))
        .bind(SLOTS, ctx -> slots(ctx.binding(PRIMARY)))
        .bind(LOGICAL_POSITIONS, ctx -> logicalPositions(ctx.binding(PRIMARY)))
        .bind(Keys.MEMBERS, ctx -> addresses())
        .bind(SEQUENCE, ctx -> sequence(ctx.binding(PRIMARY), ctx.binding(STANDBYS),
            ctx.binding(SLOTS).values().stream().anyMatch(k -> k.startsWith("logical/"))))
        .step(preflight())
        .step(users());
    for (ConversionOptions.Node n : options.nodes()) {
      b.step(writeConfig(n));
    }
    return b.forEach(SEQUENCE, this::item, member)
        .step(schedulePrimaryRestart(), member)
        .step(primaryRestarted(), primaryRestart)
        .step(slotsCaughtUp(), member)
        .step(dropStandbySlots(), member)
        .step(logicalSlotsKept())
        .step(Awaits.allStreaming(env, "all-streaming"), member)
        .build();
  }

  // ------------------------------------------------------------------------------------------------ bindings

  /** The Patroni leader when there is one, else the one node whose PostgreSQL is not in recovery. */
  private String primary() throws SQLException {
    Optional<String> leader = view().flatMap(ClusterView::findLeader).map(Member::name);
    if (leader.isPresent()) {
      return leader.get();
    }
    List<String> primaries = new ArrayList<>();
    List<String> unreachable = new ArrayList<>();
    for (ConversionOptions.Node n : options.nodes()) {
      try {
        if (!sql(n, c -> queryBoolean(c, "SELECT pg_is_in_recovery()"))) {
          primaries.add(n.name());
        }
      } catch (SQLException e) {
        unreachable.add(n.name() + " (" + e.getMessage() + ")");
      }
    }
    if (primaries.size() != 1) {
      throw new StepRefusedException("a conversion needs exactly one primary among " + names() + "; not in recovery: "
          + primaries + (unreachable.isEmpty() ? "" : ", not answering: " + unreachable), Facts.of());
    }
    return primaries.get(0);
  }

  private Map<String, String> postmasterPids() {
    Map<String, String> out = new LinkedHashMap<>();
    for (ConversionOptions.Node n : options.nodes()) {
      out.put(n.name(), postmasterPid(n).orElse(""));
    }
    return out;
  }

  /** Each standby's {@code primary_slot_name}, when it is not the slot Patroni names after the member. */
  private Map<String, String> standbySlots(List<String> standbys) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String s : standbys) {
      String slot = sql(node(s), c -> queryText(c, "SELECT current_setting('primary_slot_name')"));
      if (!slot.isEmpty() && !slot.equals(slotName(s))) {
        out.put(slot, s);
      }
    }
    return out;
  }

  private Map<String, String> slots(String primary) throws SQLException {
    List<String> own = options.nodes().stream().map(n -> slotName(n.name())).toList();
    return sql(node(primary), c -> {
      Map<String, String> out = new LinkedHashMap<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT slot_name, slot_type, plugin,"
          + " database FROM pg_replication_slots WHERE NOT temporary ORDER BY slot_name")) {
        while (rs.next()) {
          if (!own.contains(rs.getString(1))) {
            out.put(rs.getString(1), rs.getString(2).equals("logical")
                ? "logical/" + rs.getString(3) + "/" + rs.getString(4) : "physical");
          }
        }
      }
      return out;
    });
  }

  private Map<String, String> logicalPositions(String primary) throws SQLException {
    return sql(node(primary), c -> {
      Map<String, String> out = new LinkedHashMap<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT slot_name, confirmed_flush_lsn"
          + " FROM pg_replication_slots WHERE slot_type = 'logical' AND confirmed_flush_lsn IS NOT NULL")) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
      return out;
    });
  }

  private Map<String, String> addresses() {
    Map<String, String> out = new LinkedHashMap<>();
    options.nodes().forEach(n -> out.put(n.name(), n.host().postgresConnectAddress()));
    return out;
  }

  private ClusterIdentity identity() throws SQLException {
    Optional<ClusterView> view = view();
    String systemId = null;
    SQLException last = null;
    for (ConversionOptions.Node n : options.nodes()) {
      try {
        systemId = sql(n, c -> queryText(c, "SELECT system_identifier::text FROM pg_control_system()"));
        break;
      } catch (SQLException e) {
        last = e;
      }
    }
    if (systemId == null) {
      throw new RunbookException("no node of " + names() + " answered SQL to read the system identifier: "
          + (last == null ? "" : last.getMessage()));
    }
    return new ClusterIdentity(options.cluster().scope(), systemId,
        view.flatMap(ClusterView::findLeader).map(Member::name).orElse(null),
        view.flatMap(ClusterView::timeline).map(t -> t.id()).orElse(0L),
        view.map(v -> v.members().stream().map(Member::name).toList()).orElse(List.of()));
  }

  // ------------------------------------------------------------------------------------------------ steps

  private Step preflight() {
    return Steps.named("preflight").impact(Impact.NONE)
        .decide(ctx -> {
          String primary = ctx.binding(PRIMARY);
          List<String> problems = new ArrayList<>();
          for (ConversionOptions.Node n : options.nodes()) {
            if (handedOver(n)) {
              continue;
            }
            if (ctx.binding(PIDS).getOrDefault(n.name(), "").isEmpty() && !registered(n.name())) {
              problems.add(n.name() + ": no postmaster.pid in " + n.host().dataDir() + ": PostgreSQL does not run");
              continue;
            }
            problems.addAll(serverProblems(n, n.name().equals(primary)));
          }
          if (converted(ctx)) {
            return Decision.satisfied("every node of " + names() + " is a Patroni member started by Patroni and no"
                + " standby's old slot is left in the dynamic configuration: nothing to convert");
          }
          problems.addAll(slotLag(primary, ctx.binding(SLOTS).keySet()));
          Facts facts = Facts.of(PRIMARY, primary, PROBLEMS, problems);
          if (!problems.isEmpty()) {
            return Decision.blocked("conversion refused before anything changes: " + String.join("; ", problems),
                facts);
          }
          return Decision.satisfied("convert: primary " + primary + ", standbys " + ctx.binding(STANDBYS)
              + ", permanent slots " + ctx.binding(SLOTS).keySet() + " (until Patroni's catch up: "
              + ctx.binding(STANDBY_SLOTS).keySet() + ")", facts);
        })
        .build();
  }

  private Step users() {
    return Steps.named("users").impact(Impact.CHANGE)
        .decide(ctx -> {
          List<String> todo = sql(node(ctx.binding(PRIMARY)), this::missingUsers);
          return todo.isEmpty() ? Decision.satisfied("the Patroni users exist: " + userNames())
              : Decision.needsAction(String.join("; ", todo), Facts.of(PROBLEMS, todo));
        })
        .act((ctx, intent) -> sql(node(ctx.binding(PRIMARY)), c -> {
          createUsers(c);
          return Boolean.TRUE;
        }))
        .verify((ctx, intent) -> {
          List<String> todo = sql(node(ctx.binding(PRIMARY)), this::missingUsers);
          return todo.isEmpty() ? Verification.done("the Patroni users exist: " + userNames())
              : Verification.failed("still missing after creation: " + todo);
        })
        .build();
  }

  private Step writeConfig(ConversionOptions.Node n) {
    return Steps.named("write-config[" + n.name() + "]").impact(Impact.CHANGE)
        .decide(ctx -> {
          if (registered(n.name())) {
            return Decision.satisfied(n.name() + " is a Patroni member: its configuration is Patroni's now");
          }
          byte[] generated = generate(ctx, n);
          Optional<String> existing = hosts().readFile(n.name(), n.configFile());
          if (existing.isPresent() && existing.get().equals(new String(generated, StandardCharsets.UTF_8))) {
            return Decision.satisfied(n.configFile() + " on " + n.name() + " is the generated configuration");
          }
          if (existing.isPresent()) {
            return Decision.blocked(n.name() + " has another configuration at " + n.configFile()
                + ": move it away before converting (it is not overwritten)");
          }
          return Decision.needsAction("write " + n.configFile() + " on " + n.name() + " (generated from the running"
              + " server, slots " + ctx.binding(SLOTS).keySet() + " permanent)");
        })
        .act((ctx, intent) -> hosts().writeFile(n.name(), n.configFile(), generate(ctx, n)))
        .verify((ctx, intent) -> hosts().readFile(n.name(), n.configFile()).isPresent()
            ? Verification.done(n.configFile() + " written on " + n.name())
            : Verification.pending("no file at " + n.configFile() + " on " + n.name() + " yet"))
        .build();
  }

  private Step retireService(ConversionOptions.Node n) {
    return Steps.named("retire-service[" + n.name() + "]").impact(Impact.CHANGE)
        .decide(ctx -> registered(n.name())
            ? Decision.satisfied(n.name() + " is a Patroni member: its old service was retired before Patroni started")
            : Decision.needsAction("retire the old service on " + n.name() + ": " + n.retireOldService()))
        .act((ctx, intent) -> {
          HostActions.CommandResult r = hosts().run(n.name(), n.retireOldService());
          if (!r.succeeded()) {
            throw new StepRefusedException("retiring the old service on " + n.name() + " failed with exit code "
                + r.exitCode() + " (the command was sent)", Facts.of());
          }
        })
        .verify((ctx, intent) -> postmasterAsPlanned(ctx, n))
        .build();
  }

  private Step startPatroni(ConversionOptions.Node n) {
    return Steps.named("start-patroni[" + n.name() + "]").impact(Impact.CHANGE)
        .decide(ctx -> registered(n.name()) ? Decision.satisfied(n.name() + " is a registered Patroni member")
            : Decision.needsAction("start Patroni on " + n.name() + ", which adopts the running postmaster "
                + ctx.binding(PIDS).getOrDefault(n.name(), "")))
        .act((ctx, intent) -> hosts().startPatroni(n.name()))
        // polled over the REST API directly: until the first member runs, no member answers an observation
        .verify((ctx, intent) -> {
          boolean primary = n.name().equals(ctx.binding(PRIMARY));
          Optional<Member> m = view().flatMap(v -> v.findMember(n.name()));
          return m.filter(x -> x.state().isRunning() && (!primary || x.isLeader())).isPresent()
              ? Verification.done(n.name() + " is registered and running" + (primary ? " as the leader" : ""))
              : Verification.pending(m.map(x -> n.name() + " is " + x.state().raw() + (x.isLeader() ? "" : ", not"
                  + " the leader")).orElse(n.name() + " is not registered yet"));
        })
        .build();
  }

  private Step adopted(ConversionOptions.Node n) {
    return Steps.await("adopted[" + n.name() + "]", ctx -> {
      String planned = ctx.binding(PIDS).getOrDefault(n.name(), "");
      Optional<String> now = postmasterPid(n);
      if (handedOver(n)) {
        return Verification.done(n.name() + "'s postmaster " + now.orElse("") + " was started by Patroni"
            + (n.name().equals(ctx.binding(PRIMARY)) ? "" : " (after adopting PID " + planned + ", Patroni restarts"
                + " a replica itself to copy the permanent logical slots)"));
      }
      if (now.isEmpty() && !n.name().equals(ctx.binding(PRIMARY))) {
        return Verification.pending(n.name() + " has no postmaster.pid: Patroni is restarting it");
      }
      return postmasterAsPlanned(ctx, n);
    });
  }

  /**
   * A replica gets the permanent logical slots only by Patroni copying them from the primary, which it does by
   * stopping and starting the replica: that restart hands the start-up over, so it is waited for rather than
   * followed by another one.
   */
  private Step logicalSlotsCopied(ConversionOptions.Node n) {
    return Steps.await("logical-slots-copied[" + n.name() + "]", ctx -> {
      List<String> logical = ctx.binding(SLOTS).entrySet().stream().filter(e -> e.getValue().startsWith("logical/"))
          .map(Map.Entry::getKey).toList();
      List<String> present;
      try {
        present = sql(n, c -> {
          List<String> out = new ArrayList<>();
          try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
              "SELECT slot_name FROM pg_replication_slots WHERE slot_type = 'logical'")) {
            while (rs.next()) {
              out.add(rs.getString(1));
            }
          }
          return out;
        });
      } catch (SQLException restarting) {
        return Verification.pending(n.name() + " does not answer SQL (Patroni restarts it to copy " + logical + ")");
      }
      return present.containsAll(logical) && handedOver(n)
          ? Verification.done("Patroni copied " + logical + " to " + n.name() + ", restarting it")
          : Verification.pending(n.name() + " has logical slots " + present + " of " + logical);
    });
  }

  private Step restartStandby(ConversionOptions.Node n) {
    String m = n.name();
    return Steps.named("restart[" + m + "]").impact(Impact.DISRUPTIVE)
        .decide(ctx -> handedOver(n) ? Decision.satisfied(m + " was started by Patroni")
            : Decision.needsAction("restart " + m + " through Patroni, which then owns its start-up",
                Facts.of(Keys.REQUESTED_AT, ctx.now())))
        .act((ctx, intent) -> {
          Outcome o = env.client.member(m).restart(RestartRequest.now());
          ctx.note(Keys.OUTCOME, o.kind());
          // busy: a restart is running already; resolved by verification, like an unknown outcome
          if (o instanceof Outcome.Refused r && r.reason() != Outcome.Refusal.BUSY) {
            throw new StepRefusedException("Patroni refused to restart " + m + ": " + Env.describe(o), Env.evidence(o));
          }
          if (o.kind() == Outcome.Kind.FAILED) {
            throw new RunbookException("restart of " + m + " failed: " + Env.describe(o));
          }
        })
        .verify((ctx, intent) -> startedByPatroni(ctx, n))
        // a crash between the request and its journal entry: a restart that took effect is not requested again
        .afterInterruption((ctx, intent) -> handedOver(n) ? Verification.done(m + " was restarted by Patroni")
            : Verification.failed("no restart of " + m + " took effect"))
        .build();
  }

  private Step schedulePrimaryRestart() {
    return Steps.named("schedule-restart[primary]").impact(Impact.CHANGE)
        .decide(ctx -> {
          ConversionOptions.Node p = node(ctx.binding(PRIMARY));
          if (handedOver(p)) {
            return Decision.satisfied(p.name() + " was started by Patroni");
          }
          Optional<ScheduledRestart> s = Optional.empty();
          if (registered(p.name())) {
            s = Optional.ofNullable(env.status(p.name()).scheduledRestart());
          }
          if (s.isPresent() && s.get().schedule().toInstant().equals(options.primaryRestartAt().toInstant())) {
            return Decision.satisfied("restart of " + p.name() + " scheduled at " + s.get().schedule());
          }
          if (s.isPresent()) {
            return Decision.blocked("another restart of " + p.name() + " is scheduled at " + s.get().schedule()
                + "; cancel it first");
          }
          return Decision.needsAction("schedule the restart of " + p.name() + " at " + options.primaryRestartAt(),
              Facts.of(Keys.AT, options.primaryRestartAt().toString()));
        })
        .act((ctx, intent) -> {
          Outcome o = env.client.member(ctx.binding(PRIMARY)).restart(RestartRequest.at(options.primaryRestartAt()));
          if (o.kind() != Outcome.Kind.SCHEDULED && o.kind() != Outcome.Kind.UNKNOWN) {
            throw new StepRefusedException("Patroni did not schedule the restart of " + ctx.binding(PRIMARY) + " at "
                + options.primaryRestartAt() + ": " + Env.describe(o), Env.evidence(o));
          }
        })
        .verify((ctx, intent) -> {
          ConversionOptions.Node p = node(ctx.binding(PRIMARY));
          if (handedOver(p)) {
            return Verification.done(p.name() + " restarted at its scheduled time already");
          }
          ScheduledRestart s = env.status(p.name()).scheduledRestart();
          return s != null && s.schedule().toInstant().equals(options.primaryRestartAt().toInstant())
              ? Verification.done("restart of " + p.name() + " scheduled at " + s.schedule())
              : Verification.pending("no restart of " + p.name() + " scheduled at " + options.primaryRestartAt());
        })
        .build();
  }

  private Step primaryRestarted() {
    return Steps.await("restarted[primary]", ctx -> {
      ConversionOptions.Node p = node(ctx.binding(PRIMARY));
      Verification v = startedByPatroni(ctx, p);
      if (!(v instanceof Verification.Done)) {
        return v;
      }
      Optional<String> leader = view().flatMap(ClusterView::findLeader).map(Member::name);
      return leader.equals(Optional.of(p.name())) ? v
          : Verification.pending(p.name() + " restarted but leads no more (leader: " + leader.orElse("none") + ")");
    });
  }

  private Step slotsCaughtUp() {
    return Steps.await("slots-caught-up", ctx -> {
      List<String> behind = slotsBehind(ctx);
      return behind.isEmpty() ? Verification.done("Patroni's slots are at or beyond the standbys' old slots "
          + ctx.binding(STANDBY_SLOTS).keySet()) : Verification.pending(String.join("; ", behind));
    });
  }

  private Step dropStandbySlots() {
    return Steps.named("drop-standby-slots").impact(Impact.CHANGE)
        .decide(ctx -> {
          List<String> permanent = permanentStandbySlots(ctx);
          if (permanent.isEmpty()) {
            return Decision.satisfied("no standby's old slot is permanent in the dynamic configuration"
                + (ctx.binding(STANDBY_SLOTS).isEmpty() ? "" : " (" + ctx.binding(STANDBY_SLOTS).keySet() + ")"));
          }
          List<String> behind = slotsBehind(ctx);
          if (!behind.isEmpty()) {
            return Decision.blocked("not removing permanent slots " + permanent + ": " + String.join("; ", behind));
          }
          return Decision.needsAction("remove permanent slots " + permanent + " from the dynamic configuration, so"
              + " that Patroni drops them", Facts.of(Keys.KEYS, permanent));
        })
        .act((ctx, intent) -> {
          ConfigPatch.Builder patch = ConfigPatch.builder();
          intent.facts().get(Keys.KEYS).forEach(s -> patch.removePath(List.of("slots", s)));
          Env.refuseUnlessDone(env.client.patchConfig(patch.build()), "PATCH /config");
        })
        .verify((ctx, intent) -> {
          List<String> left = new ArrayList<>(intent.facts().get(Keys.KEYS));
          left.retainAll(slotsOnLeader(ctx).keySet());
          return left.isEmpty() ? Verification.done("Patroni dropped " + intent.facts().get(Keys.KEYS))
              : Verification.pending("still on the primary: " + left);
        })
        .build();
  }

  private Step logicalSlotsKept() {
    return Steps.await("logical-slots-kept", ctx -> {
      Map<String, String> planned = ctx.binding(LOGICAL_POSITIONS);
      Map<String, String> now = sql(node(leaderOrPrimary(ctx)), c -> {
        Map<String, String> out = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT slot_name,"
            + " confirmed_flush_lsn FROM pg_replication_slots WHERE slot_type = 'logical'")) {
          while (rs.next()) {
            out.put(rs.getString(1), Objects.toString(rs.getString(2), ""));
          }
        }
        return out;
      });
      List<String> lost = new ArrayList<>();
      planned.forEach((slot, lsn) -> {
        String current = now.get(slot);
        if (current == null) {
          lost.add(slot + " is gone");
        } else if (current.isEmpty() || Lsn.parse(current).compareTo(Lsn.parse(lsn)) < 0) {
          lost.add(slot + " is at " + current + ", behind the " + lsn + " its consumer had confirmed");
        }
      });
      return lost.isEmpty() ? Verification.done("logical slots " + planned.keySet() + " kept at or beyond their"
          + " consumers' positions") : Verification.failed(String.join("; ", lost), Facts.of(PROBLEMS, lost));
    });
  }

  // ------------------------------------------------------------------------------------------------ observations

  private Verification postmasterAsPlanned(StepContext ctx, ConversionOptions.Node n) {
    String planned = ctx.binding(PIDS).getOrDefault(n.name(), "");
    Optional<String> now = postmasterPid(n);
    if (!planned.isEmpty() && now.equals(Optional.of(planned)) && alive(n, planned)) {
      return Verification.done("PostgreSQL on " + n.name() + " still runs as postmaster PID " + planned,
          Facts.of(PID, planned));
    }
    return Verification.failed("PostgreSQL on " + n.name() + " no longer runs as postmaster PID " + planned
        + now.map(p -> " (postmaster.pid says " + p + ")").orElse(" (no postmaster.pid)")
        + ": it was restarted or stopped, not adopted; not going on", Facts.of(PID, planned));
  }

  private Verification startedByPatroni(StepContext ctx, ConversionOptions.Node n) {
    if (!handedOver(n)) {
      return Verification.pending(n.name() + "'s postmaster is still the one started before Patroni");
    }
    try {
      MemberStatus s = env.status(n.name());
      if (!s.state().isRunning()) {
        return Verification.pending(n.name() + " is " + s.state().raw());
      }
    } catch (PatroniException e) {
      return Verification.pending(n.name() + "'s REST API does not answer: " + e.getMessage());
    }
    ctx.publish(new RunbookEvent.MemberRestarted(ctx.runId(), ctx.now(), ctx.stepId(), n.name()));
    return Verification.done(n.name() + " restarted by Patroni and running");
  }

  /** Whether every node is handed over and no standby's old slot is still permanent. */
  private boolean converted(StepContext ctx) {
    for (ConversionOptions.Node n : options.nodes()) {
      if (!registered(n.name()) || !handedOver(n)) {
        return false;
      }
    }
    return ctx.binding(STANDBY_SLOTS).isEmpty() || permanentStandbySlots(ctx).isEmpty();
  }

  /** Patroni started this node's postmaster: PostgreSQL recorded Patroni's command line in {@code postmaster.opts}. */
  private boolean handedOver(ConversionOptions.Node n) {
    return hosts().readFile(n.name(), Path.of(n.host().dataDir(), "postmaster.opts"))
        .filter(opts -> opts.contains("\"--cluster_name=" + options.cluster().scope() + "\"")).isPresent();
  }

  private boolean registered(String member) {
    return view().flatMap(v -> v.findMember(member)).isPresent();
  }

  private Optional<ClusterView> view() {
    try {
      return Optional.of(env.client.cluster());
    } catch (PatroniException notYet) {
      return Optional.empty();
    }
  }

  private List<String> permanentStandbySlots(StepContext ctx) {
    Map<?, ?> configured;
    try {
      configured = env.client.config().get("slots").filter(Map.class::isInstance).map(Map.class::cast)
          .orElse(Map.of());
    } catch (PatroniException notYet) {
      return new ArrayList<>(ctx.binding(STANDBY_SLOTS).keySet());
    }
    return ctx.binding(STANDBY_SLOTS).keySet().stream().filter(configured::containsKey).toList();
  }

  /** The standbys' old slots that Patroni's slot for the same member has not caught up with, with the figures. */
  private List<String> slotsBehind(StepContext ctx) throws SQLException {
    Map<String, Optional<Lsn>> slots = slotsOnLeader(ctx);
    List<String> behind = new ArrayList<>();
    ctx.binding(STANDBY_SLOTS).forEach((old, member) -> {
      if (!slots.containsKey(old)) {
        return;
      }
      Optional<Lsn> was = slots.get(old);
      Optional<Lsn> own = slots.getOrDefault(slotName(member), Optional.empty());
      if (own.isEmpty()) {
        behind.add(member + "'s slot " + slotName(member) + " has no restart_lsn yet (old slot " + old + " at "
            + was.map(Lsn::toString).orElse("none") + ")");
      } else if (was.isPresent() && own.get().compareTo(was.get()) < 0) {
        behind.add(member + "'s slot " + slotName(member) + " is at " + own.get() + ", behind old slot " + old
            + " at " + was.get());
      }
    });
    return behind;
  }

  private Map<String, Optional<Lsn>> slotsOnLeader(StepContext ctx) throws SQLException {
    return sql(node(leaderOrPrimary(ctx)), c -> {
      Map<String, Optional<Lsn>> out = new LinkedHashMap<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT slot_name, restart_lsn FROM pg_replication_slots")) {
        while (rs.next()) {
          out.put(rs.getString(1), Optional.ofNullable(rs.getString(2)).map(Lsn::parse));
        }
      }
      return out;
    });
  }

  private String leaderOrPrimary(StepContext ctx) {
    return view().flatMap(ClusterView::findLeader).map(Member::name).orElse(ctx.binding(PRIMARY));
  }

  /** What is wrong with a node that is still standalone: data directory, port, a standby that does not stream. */
  private List<String> serverProblems(ConversionOptions.Node n, boolean primary) {
    List<String> out = new ArrayList<>();
    try {
      sql(n, c -> {
        String dataDir = queryText(c, "SELECT current_setting('data_directory')");
        if (!stripSlash(dataDir).equals(stripSlash(n.host().dataDir()))) {
          out.add(n.name() + ": PostgreSQL runs on " + dataDir + ", not on " + n.host().dataDir());
        }
        boolean inRecovery = queryBoolean(c, "SELECT pg_is_in_recovery()");
        if (primary == inRecovery) {
          out.add(n.name() + ": " + (inRecovery ? "in recovery, but planned as the primary" : "a second primary"));
        } else if (!primary && !registered(n.name())) {
          String status = queryText(c, "SELECT coalesce((SELECT status FROM pg_stat_wal_receiver), 'no wal"
              + " receiver')");
          if (!status.equals("streaming")) {
            out.add("standby " + n.name() + " is not streaming (" + status + ")");
          }
        }
        return Boolean.TRUE;
      });
    } catch (SQLException e) {
      out.add(n.name() + ": SQL at " + n.host().postgresConnectAddress() + " failed: " + e.getMessage());
    }
    return out;
  }

  private List<String> slotLag(String primary, java.util.Collection<String> slots) throws SQLException {
    return sql(node(primary), c -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT slot_name, pg_wal_lsn_diff(pg_current_wal_lsn(),"
          + " coalesce(confirmed_flush_lsn, restart_lsn))::bigint FROM pg_replication_slots ORDER BY slot_name");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long lag = rs.getLong(2);
          if (slots.contains(rs.getString(1)) && !rs.wasNull() && lag > options.maxSlotLagBytes()) {
            out.add("slot " + rs.getString(1) + "'s consumer is " + lag + " bytes behind the primary (bound "
                + options.maxSlotLagBytes() + ")");
          }
        }
      }
      return out;
    });
  }

  private byte[] generate(StepContext ctx, ConversionOptions.Node n) throws SQLException {
    StandaloneServer server = sql(n, StandaloneServer::read);
    Map<String, Object> permanent = new LinkedHashMap<>();
    ctx.binding(SLOTS).forEach((name, kind) -> {
      Map<String, Object> slot = new LinkedHashMap<>();
      if (kind.startsWith("logical/")) {
        String[] parts = kind.split("/", 3);
        slot.put("type", "logical");
        slot.put("plugin", parts[1]);
        slot.put("database", parts[2]);
      } else {
        slot.put("type", "physical");
      }
      permanent.put(name, slot);
    });
    ClusterSpec.Builder spec = options.cluster().toBuilder();
    if (!permanent.isEmpty()) {
      spec.dynamicConfig("slots", permanent);
    }
    return ConfigGenerator.standalone(spec.build(), server, n.host()).toYaml().getBytes(StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------------------------------------ users

  private List<String> userNames() {
    List<String> out = new ArrayList<>(List.of(options.cluster().superuser().username(),
        options.cluster().replication().username()));
    options.cluster().rewind().ifPresent(r -> out.add(r.username()));
    return out;
  }

  /** What is missing, as the statements' descriptions: roles, attributes, the rewind user's grants. */
  private List<String> missingUsers(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    ClusterSpec spec = options.cluster();
    role(c, spec.superuser(), "rolsuper", "SUPERUSER", out);
    role(c, spec.replication(), "rolreplication", "REPLICATION", out);
    if (spec.rewind().isPresent()) {
      String rewind = spec.rewind().get().username();
      role(c, spec.rewind().get(), "rolcanlogin", "LOGIN", out);
      for (String f : REWIND_FUNCTIONS) {
        boolean granted = exists(c, rewind) && queryBoolean(c, "SELECT has_function_privilege("
            + literal(rewind) + ", " + literal(f) + ", 'EXECUTE')");
        if (!granted) {
          out.add("grant EXECUTE on " + f + " to " + rewind);
        }
      }
    }
    return out;
  }

  private static void role(Connection c, Credentials user, String attribute, String keyword, List<String> out)
      throws SQLException {
    if (!exists(c, user.username())) {
      out.add("create " + keyword + " user " + user.username());
    } else if (!queryBoolean(c, "SELECT " + attribute + " AND rolcanlogin FROM pg_roles WHERE rolname = "
        + literal(user.username()))) {
      out.add("give the existing user " + user.username() + " LOGIN " + keyword + " (kept otherwise)");
    }
  }

  private void createUsers(Connection c) throws SQLException {
    ClusterSpec spec = options.cluster();
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      ensure(c, spec.superuser(), "SUPERUSER");
      ensure(c, spec.replication(), "REPLICATION");
      if (spec.rewind().isPresent()) {
        ensure(c, spec.rewind().get(), "");
        for (String f : REWIND_FUNCTIONS) {
          execute(c, "GRANT EXECUTE ON FUNCTION " + f + " TO " + ident(spec.rewind().get().username()));
        }
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /** Creates the user with its password (hashed by the driver), or gives an existing one the attributes only. */
  private static void ensure(Connection c, Credentials user, String attribute) throws SQLException {
    String name = ident(user.username());
    if (exists(c, user.username())) {
      execute(c, "ALTER ROLE " + name + " WITH LOGIN " + attribute);
      return;
    }
    execute(c, "CREATE ROLE " + name + " WITH LOGIN " + attribute);
    if (user.password().isPresent()) {
      execute(c, "ALTER ROLE " + name + " PASSWORD " + literal(scramVerifier(user.password().get().reveal())));
    }
  }

  /**
   * PostgreSQL's SCRAM-SHA-256 verifier of {@code password} (RFC 7677, 4096 iterations, random salt): what the server
   * stores, so that the password itself is never sent, logged by the server or journaled.
   */
  static String scramVerifier(String password) {
    try {
      byte[] salt = new byte[16];
      new java.security.SecureRandom().nextBytes(salt);
      int iterations = 4096;
      javax.crypto.SecretKeyFactory pbkdf2 = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
      byte[] salted = pbkdf2.generateSecret(new javax.crypto.spec.PBEKeySpec(password.toCharArray(), salt, iterations,
          256)).getEncoded();
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(salted, "HmacSHA256"));
      byte[] clientKey = mac.doFinal("Client Key".getBytes(StandardCharsets.US_ASCII));
      byte[] serverKey = mac.doFinal("Server Key".getBytes(StandardCharsets.US_ASCII));
      byte[] storedKey = java.security.MessageDigest.getInstance("SHA-256").digest(clientKey);
      java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
      return "SCRAM-SHA-256$" + iterations + ":" + b64.encodeToString(salt) + "$" + b64.encodeToString(storedKey) + ":"
          + b64.encodeToString(serverKey);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("this JVM lacks PBKDF2WithHmacSHA256/HmacSHA256/SHA-256", e);
    }
  }

  private static boolean exists(Connection c, String role) throws SQLException {
    return queryBoolean(c, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = " + literal(role) + ")");
  }

  // ------------------------------------------------------------------------------------------------ plumbing

  /** Primary first, then each standby: retire its service, start Patroni, adopted; then each standby's restart. */
  private List<String> sequence(String primary, List<String> standbys, boolean logicalSlots) {
    List<String> out = new ArrayList<>();
    List<String> order = new ArrayList<>(List.of(primary));
    order.addAll(standbys);
    for (String m : order) {
      if (!node(m).retireOldService().isEmpty()) {
        out.add("retire-service[" + m + "]");
      }
      out.add("start-patroni[" + m + "]");
      out.add("adopted[" + m + "]");
    }
    for (String m : standbys) {
      if (logicalSlots) {
        out.add("logical-slots-copied[" + m + "]");
      }
      out.add("restart[" + m + "]");
      out.add("streaming[" + m + "]");
    }
    return out;
  }

  private Step item(String item) {
    ConversionOptions.Node n = node(item.substring(item.indexOf('[') + 1, item.length() - 1));
    return switch (item.substring(0, item.indexOf('['))) {
      case "retire-service" -> retireService(n);
      case "start-patroni" -> startPatroni(n);
      case "adopted" -> adopted(n);
      case "logical-slots-copied" -> logicalSlotsCopied(n);
      case "restart" -> restartStandby(n);
      case "streaming" -> Awaits.memberStreaming(n.name());
      default -> throw new IllegalArgumentException("unknown conversion step " + item);
    };
  }

  private Optional<String> postmasterPid(ConversionOptions.Node n) {
    return hosts().readFile(n.name(), Path.of(n.host().dataDir(), "postmaster.pid"))
        .map(text -> text.split("\n", 2)[0].strip()).filter(pid -> pid.matches("[0-9]+"));
  }

  private boolean alive(ConversionOptions.Node n, String pid) {
    return hosts().run(n.name(), List.of("test", "-d", "/proc/" + pid)).succeeded();
  }

  private ConversionOptions.Node node(String name) {
    return options.findNode(name).orElseThrow(() -> new IllegalArgumentException("no node " + name + " in the options"));
  }

  private List<String> names() {
    return options.nodes().stream().map(ConversionOptions.Node::name).toList();
  }

  private HostActions hosts() {
    return Objects.requireNonNull(env.hosts, "host actions");
  }

  private <T> T sql(ConversionOptions.Node n, Env.SqlWork<T> work) throws SQLException {
    String address = n.host().postgresConnectAddress();
    int colon = address.lastIndexOf(':');
    try (Connection c = Objects.requireNonNull(env.pg, "postgres").connect(n.name(), address.substring(0, colon),
        Integer.parseInt(address.substring(colon + 1)))) {
      return work.run(c);
    }
  }

  private static String queryText(Connection c, String query) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return Objects.toString(rs.getString(1), "");
    }
  }

  private static boolean queryBoolean(Connection c, String query) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  private static void execute(Connection c, String statement) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  /** Patroni's slot name for a member: lower case, anything but letters, digits and '_' as '_'. */
  static String slotName(String member) {
    return member.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
  }

  private static String ident(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  private static String stripSlash(String dir) {
    return dir.length() > 1 && dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
  }
}
