package dev.patroni4j.runbooks.catalogue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.ClusterObservation;
import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.PatroniException;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsClient;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.config.ConfigDocument;
import dev.patroni4j.config.PatroniConfig;
import dev.patroni4j.runbooks.ClusterIdentity;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Fact;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.Impact;
import dev.patroni4j.runbooks.Runbook;
import dev.patroni4j.runbooks.RunbookException;
import dev.patroni4j.runbooks.Step;
import dev.patroni4j.runbooks.StepContext;
import dev.patroni4j.runbooks.StepPolicy;
import dev.patroni4j.runbooks.StepRefusedException;
import dev.patroni4j.runbooks.Steps;
import dev.patroni4j.runbooks.Verification;
import dev.patroni4j.runbooks.host.DataDirectory;
import dev.patroni4j.runbooks.host.HostActions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The steps of {@link MajorUpgrade}. Each step decides from what the hosts and the DCS show (data directories, {@code
 * pg_controldata}, the marker beside the new data directory, the DCS's system identifier), so a resumed run repeats no
 * action whose effect is visible and a fresh run on an upgraded cluster acts on nothing.
 */
final class MajorUpgradeSteps {
  static final Fact<Map<String, String>> API_URLS = Fact.textMap("api-urls");
  static final Fact<List<String>> REPLICAS = Fact.texts("replicas");
  /** Patroni stops replicas first; PostgreSQL the primary first (so the replicas replay its shutdown checkpoint). */
  static final Fact<List<String>> PATRONI_ORDER = Fact.texts("patroni-stop-order");
  static final Fact<List<String>> POSTGRES_ORDER = Fact.texts("postgres-stop-order");
  static final Fact<List<String>> ALL = Fact.texts("all-members");
  static final Fact<String> OLD_SYSTEM = Fact.text("old-system");
  /** What {@code initdb} of the new cluster must match: superuser, encoding, locales, checksums, WAL segment size. */
  static final Fact<Map<String, String>> INITDB = Fact.textMap("initdb");
  static final Fact<Map<String, String>> CHECKPOINTS = Fact.textMap("checkpoints");
  static final Fact<String> NEW_SYSTEM = Fact.text("new-system");
  static final Fact<List<String>> PROBLEMS = Fact.texts("problems");
  static final Fact<String> OUTPUT = Fact.text("output");

  private static final String MARKER_UPGRADED = "pg_upgrade done from system ";
  private static final String MARKER_ANALYZED = "analyzed";

  private final PatroniRunbooks catalogue;
  private final Env env;
  private final HostActions hosts;
  private final DcsClient dcs;
  private final MajorUpgradeOptions o;
  private final String primary;

  MajorUpgradeSteps(PatroniRunbooks catalogue, MajorUpgradeOptions options) {
    this.catalogue = catalogue;
    this.env = catalogue.env();
    this.hosts = Objects.requireNonNull(env.hosts, "host actions");
    this.dcs = Objects.requireNonNull(env.dcs, "dcs");
    this.o = options;
    this.primary = options.primary();
  }

  // ------------------------------------------------------------------------------------------------ runbooks

  Runbook rehearsal() {
    return bindings(Runbook.named("major-upgrade-rehearsal")).step(guardrails()).step(rehearsalStep()).build();
  }

  Runbook upgrade() {
    StepPolicy member = StepPolicy.custom().verifyTimeout(o.memberTimeout()).build();
    return bindings(Runbook.named("major-upgrade"))
        .step(guardrails())
        .step(rehearsalStep())
        .step(unlessUpgraded(ClusterSteps.pause(env, true)), member)
        .forEach(PATRONI_ORDER, m -> unlessUpgraded(stopPatroni(m)), member)
        .forEach(POSTGRES_ORDER, m -> unlessUpgraded(stopPostgres(m, o.oldBinDir(), o.layout(m).oldDataDir())), member)
        .step(unlessUpgraded(checkpoints()))
        .step(unlessUpgraded(initdb()), member)
        .step(unlessUpgraded(pgUpgrade()), member)
        .forEach(ALL, m -> config(m, true))
        .step(unlessUpgraded(resetDcs("reset-dcs")))
        .step(unlessUpgraded(dynamicConfig()))
        .step(startPrimary(), member)
        .forEach(REPLICAS, this::rebuild, member)
        .step(ClusterSteps.pause(env, false), member)
        .step(Awaits.allStreaming(env, "all-streaming"), member)
        .step(analyze(), member)
        .build();
  }

  Runbook rollback() {
    StepPolicy member = StepPolicy.custom().verifyTimeout(o.memberTimeout()).build();
    return Runbook.named("major-upgrade-rollback")
        .bind(API_URLS, ctx -> apiUrls())
        .bind(REPLICAS, ctx -> replicas())
        .bind(ALL, ctx -> List.copyOf(o.members().keySet()))
        .bind(OLD_SYSTEM, ctx -> oldSystem().orElseThrow(() -> new StepRefusedException("no old data directory"
            + " answers pg_controldata: nothing to roll back to")))
        .bind(Keys.MEMBERS, ctx -> memberAddresses())
        .step(rollbackPossible())
        .forEach(ALL, m -> unlessRolledBack(stopAll(m)), member)
        .step(unlessRolledBack(restorePgControl()))
        .forEach(ALL, m -> config(m, false))
        .step(unlessRolledBack(resetDcs("restore-dcs")))
        .step(unlessRolledBack(stripOldPause()))
        .step(startOldPrimary(), member)
        .forEach(REPLICAS, this::startOldReplica, member)
        .forEach(ALL, this::discardNew)
        .step(Awaits.allStreaming(env, "all-streaming"), member)
        .build();
  }

  private Runbook.Builder bindings(Runbook.Builder b) {
    return b.bind(API_URLS, ctx -> apiUrls())
        .bind(REPLICAS, ctx -> replicas())
        .bind(ALL, ctx -> List.copyOf(o.members().keySet()))
        .bind(PATRONI_ORDER, ctx -> concat(ctx.binding(REPLICAS), List.of(primary)))
        .bind(POSTGRES_ORDER, ctx -> concat(List.of(primary), ctx.binding(REPLICAS)))
        .bind(OLD_SYSTEM, ctx -> oldSystem().orElse(""))
        .bind(INITDB, ctx -> initdbSettings())
        .bind(Keys.MEMBERS, ctx -> memberAddresses());
  }

  // ------------------------------------------------------------------------------------------------ identity

  /**
   * The old system's identity: its system identifier from the old data directories (primary first; in link mode
   * {@code pg_upgrade} renames the primary's {@code pg_control}, the replicas' stay), the leader Patroni reports
   * when it leads the old or the new system, else (every Patroni stopped, the leader key expired or removed) the
   * primary the options name, so that the token the run was confirmed with holds while nothing leads.
   */
  ClusterIdentity identity() throws Exception {
    ClusterIdentity live;
    try {
      live = catalogue.identitySource().observe();
    } catch (PatroniException down) {
      live = null;
    }
    Optional<String> old = oldSystem();
    if (old.isEmpty()) {
      if (live != null) {
        return live;
      }
      throw new PatroniException("cannot identify cluster " + catalogue.scope() + ": the DCS does not answer and no"
          + " old data directory answers pg_controldata");
    }
    if (live != null && live.systemIdentifier().equals(old.get()) && live.leader() != null) {
      return live;
    }
    if (live != null && !live.systemIdentifier().isEmpty() && !live.systemIdentifier().equals(old.get())
        && !Optional.of(live.systemIdentifier()).equals(newSystem())) {
      return live; // a third system: the plan's identity will not match, as it should not
    }
    // The old system with no leader (every Patroni stopped by the upgrade): a runner started anew after a crash
    // names the primary the plan stopped, as the run that stopped it did.
    String leader = live != null && live.leader() != null ? live.leader() : primary;
    return new ClusterIdentity(catalogue.scope(), old.get(), leader, live == null ? 0 : live.timeline(),
        live == null ? List.copyOf(o.members().keySet()) : live.members());
  }

  // ------------------------------------------------------------------------------------------------ upgrade steps

  private Step guardrails() {
    Step g = GuardrailChecks.preflight(env, o.guardrails(), (ctx, view) -> GuardrailChecks.Either.of(
        new GuardrailChecks.Scope(ctx.binding(REPLICAS), ctx.binding(ALL))));
    return unlessUpgraded(g);
  }

  /** Touches nothing of the cluster: checks, then {@code pg_upgrade --check} against a scratch {@code initdb}. */
  private Step rehearsalStep() {
    return unlessUpgraded(Steps.named("rehearsal")
        .decide(ctx -> {
          List<String> problems = new ArrayList<>();
          ClusterView view = env.client.cluster();
          if (view.findLeader().filter(l -> l.name().equals(primary) && l.state().isRunning()).isEmpty()) {
            problems.add(primary + " does not lead (leader: " + Views.leaderName(view).orElse("none")
                + "): pg_upgrade runs on the leader");
          }
          for (Member m : view.members()) {
            if (!o.members().containsKey(m.name())) {
              problems.add("no layout given for member " + m.name());
            }
          }
          for (Map.Entry<String, MajorUpgradeOptions.Layout> e : o.members().entrySet()) {
            String m = e.getKey();
            MajorUpgradeOptions.Layout l = e.getValue();
            if (view.findMember(m).isEmpty()) {
              problems.add(m + " is not a member of the cluster");
              continue;
            }
            PatroniConfig.Postgresql pg = readConfig(m).config().postgresql();
            if (!pg.dataDir().map(Path::of).map(Path::normalize).equals(Optional.of(l.oldDataDir().normalize()))) {
              problems.add(l.configFile() + " on " + m + " names data_dir " + pg.dataDir().orElse("(none)") + ", not "
                  + l.oldDataDir());
            }
            Optional<String> content = listing(m, l.newDataDir());
            if (content.filter(s -> !s.isBlank()).isPresent()) {
              problems.add("the new data directory " + l.newDataDir() + " on " + m + " is not empty");
            }
          }
          for (String tool : List.of("pg_upgrade", "initdb", "pg_ctl", "pg_controldata", "vacuumdb", "postgres")) {
            HostActions.CommandResult r = hosts.run(primary, List.of(o.newBinDir().resolve(tool).toString(),
                "--version"));
            if (!r.succeeded()) {
              problems.add(o.newBinDir().resolve(tool) + " does not run on " + primary + " (exit " + r.exitCode() + ")");
            }
          }
          if (problems.isEmpty()) {
            problems.addAll(extensionProblems(view));
            diskProblem().ifPresent(problems::add);
          }
          if (problems.isEmpty()) {
            Optional<String> check = checkRun(ctx);
            check.ifPresent(problems::add);
          }
          Facts evidence = Facts.of(PROBLEMS, problems);
          if (!problems.isEmpty()) {
            return Decision.blocked("the rehearsal refuses the upgrade: " + String.join("; ", problems), evidence);
          }
          return Decision.satisfied("rehearsal passed (guardrails, layout, extensions, disk space, pg_upgrade --check);"
              + " the real run: " + describeRun(ctx), evidence);
        })
        .build());
  }

  private String describeRun(StepContext ctx) {
    List<String> replicas = ctx.binding(REPLICAS);
    MajorUpgradeOptions.Layout p = o.layout(primary);
    String noReturn = o.mode() == MajorUpgradeOptions.Mode.LINK
        ? "point of no return: start-primary (the first start of the new cluster, whose data files are hard links of"
            + " the old one's); before it, rollback() restarts the old cluster"
        : "no point of no return (copy mode leaves " + p.oldDataDir() + " untouched): rollback() restarts the old"
            + " cluster, losing what was written to the new one";
    return "pause; stop Patroni on " + concat(replicas, List.of(primary)) + "; stop PostgreSQL on "
        + concat(List.of(primary), replicas) + "; compare their latest checkpoint locations; initdb " + p.newDataDir()
        + " on " + primary + " with " + ctx.binding(INITDB) + "; pg_upgrade " + o.mode().describe() + " from "
        + o.oldBinDir() + " to " + o.newBinDir() + "; set data_dir and bin_dir in every patroni.yml; remove the"
        + " cluster's keys from the DCS; carry patroni.dynamic.json over without pause; start Patroni on " + primary
        + "; wipe and clone " + replicas + "; resume; vacuumdb --analyze-in-stages; " + noReturn;
  }

  private Step stopPatroni(String member) {
    return Steps.named("stop-patroni[" + member + "]").impact(Impact.DISRUPTIVE)
        .decide(ctx -> patroniUp(ctx, member) ? Decision.needsAction("stop Patroni on " + member)
            : Decision.satisfied("Patroni is stopped on " + member))
        .act((ctx, intent) -> hosts.stopPatroni(member))
        .verify((ctx, intent) -> patroniUp(ctx, member) ? Verification.pending("Patroni still answers on " + member)
            : Verification.done("Patroni is stopped on " + member))
        .build();
  }

  /**
   * {@code pg_ctl stop -m fast} (a clean shutdown, with a shutdown checkpoint) of the PostgreSQL on {@code dataDir},
   * named explicitly: which data directory a member's PostgreSQL runs on is what the upgrade changes.
   */
  private Step stopPostgres(String member, Path bin, Path dataDir) {
    return Steps.named("stop-postgres[" + member + "]").impact(Impact.DISRUPTIVE)
        .decide(ctx -> running(member, bin, dataDir) ? Decision.needsAction("stop PostgreSQL on " + dataDir + " of "
            + member) : Decision.satisfied("PostgreSQL is stopped on " + dataDir + " of " + member))
        .act((ctx, intent) -> pgCtlStop(member, bin, dataDir))
        .verify((ctx, intent) -> running(member, bin, dataDir)
            ? Verification.pending("PostgreSQL still runs on " + dataDir + " of " + member)
            : Verification.done("PostgreSQL is stopped on " + dataDir + " of " + member))
        .build();
  }

  /** Every old data directory shut down cleanly at the same checkpoint; refused with each one's state otherwise. */
  private Step checkpoints() {
    return Steps.named("checkpoints")
        .decide(ctx -> {
          Map<String, String> seen = new LinkedHashMap<>();
          List<String> problems = new ArrayList<>();
          String primaryLocation = null;
          for (String m : ctx.binding(POSTGRES_ORDER)) {
            Map<String, String> c = control(m, o.oldBinDir(), o.layout(m).oldDataDir())
                .orElseThrow(() -> new RunbookException("pg_controldata cannot read " + o.layout(m).oldDataDir()
                    + " on " + m));
            String state = c.getOrDefault("Database cluster state", "?");
            String location = c.getOrDefault("Latest checkpoint location", "?");
            seen.put(m, location + " (" + state + ")");
            String clean = m.equals(primary) ? "shut down" : "shut down in recovery";
            if (!state.equals(clean)) {
              problems.add(m + " is '" + state + "', not '" + clean + "'");
            }
            if (primaryLocation == null) {
              primaryLocation = location;
            } else if (!location.equals(primaryLocation)) {
              problems.add(m + "'s latest checkpoint is at " + location + ", " + primary + "'s at " + primaryLocation);
            }
          }
          Facts evidence = Facts.of(CHECKPOINTS, seen);
          return problems.isEmpty()
              ? Decision.satisfied("every member shut down cleanly at checkpoint " + primaryLocation, evidence)
              : Decision.blocked("the members' latest checkpoints differ, an unclean replica cannot be reused: "
                  + String.join("; ", problems) + " [" + seen + "]", evidence);
        })
        .build();
  }

  private Step initdb() {
    MajorUpgradeOptions.Layout p = o.layout(primary);
    return Steps.named("initdb[" + primary + "]").impact(Impact.CHANGE)
        .decide(ctx -> control(primary, o.newBinDir(), p.newDataDir()).isPresent()
            ? Decision.satisfied(p.newDataDir() + " on " + primary + " holds a cluster already")
            : Decision.needsAction("initdb " + p.newDataDir() + " on " + primary + " with " + ctx.binding(INITDB)))
        .act((ctx, intent) -> {
          if (listing(primary, p.newDataDir()).filter(s -> !s.isBlank()).isPresent()) {
            // what an initdb interrupted with its runner left (the rehearsal found the directory absent or empty)
            hosts.wipeDataDirectory(primary, p.newDataDir(),
                Confirmation.of(new DataDirectory(primary, p.newDataDir())));
          }
          runOrFail(primary, "initdb", initdbCommand(ctx.binding(INITDB), p.newDataDir()));
        })
        .verify((ctx, intent) -> control(primary, o.newBinDir(), p.newDataDir()).isPresent()
            ? Verification.done("initialized " + p.newDataDir() + " on " + primary)
            : Verification.failed("pg_controldata cannot read " + p.newDataDir() + " on " + primary + " after initdb"))
        .build();
  }

  private Step pgUpgrade() {
    MajorUpgradeOptions.Layout p = o.layout(primary);
    Impact impact = o.mode() == MajorUpgradeOptions.Mode.LINK ? Impact.DESTRUCTIVE : Impact.CHANGE;
    return Steps.named("pg-upgrade[" + primary + "]").impact(impact)
        .decide(ctx -> upgradedFrom().isPresent()
            ? Decision.satisfied("pg_upgrade completed already: " + marker(primary).orElse(""))
            : Decision.needsAction("pg_upgrade " + o.mode().describe() + " " + p.oldDataDir() + " -> " + p.newDataDir()
                + " on " + primary))
        .act((ctx, intent) -> {
          HostActions.CommandResult r = hosts.run(primary, pgUpgradeCommand(ctx, p.newDataDir(), false));
          if (!r.succeeded()) {
            throw new RunbookException("pg_upgrade on " + primary + " failed (exit " + r.exitCode() + "), before the"
                + " point of no return (the new cluster was not started; rollback() restarts the old one): "
                + tail(r.stdout() + "\n" + r.stderr()));
          }
          String sys = control(primary, o.newBinDir(), p.newDataDir()).map(c -> c.get("Database system identifier"))
              .orElse("?");
          hosts.writeFile(primary, markerFile(primary), (MARKER_UPGRADED + ctx.binding(OLD_SYSTEM) + " to system " + sys
              + " (" + o.mode().describe() + ")\n").getBytes(StandardCharsets.UTF_8));
        })
        .verify((ctx, intent) -> upgradedFrom().isPresent() ? Verification.done("pg_upgrade completed on " + primary,
                Facts.of(NEW_SYSTEM, newSystem().orElse("")))
            : Verification.failed("no completion marker " + markerFile(primary) + " on " + primary))
        .build();
  }

  /** {@code postgresql.data_dir}, {@code bin_dir} (and a {@code config_dir} that was the data directory) of one file. */
  private Step config(String member, boolean toNew) {
    MajorUpgradeOptions.Layout l = o.layout(member);
    Path dir = toNew ? l.newDataDir() : l.oldDataDir();
    Path bin = toNew ? o.newBinDir() : o.oldBinDir();
    String what = "data_dir " + dir + " and bin_dir " + bin;
    return Steps.named((toNew ? "config[" : "restore-config[") + member + "]").impact(Impact.CHANGE)
        .decide(ctx -> names(readConfig(member), dir, bin)
            ? Decision.satisfied(l.configFile() + " on " + member + " names " + what)
            : Decision.needsAction("set " + what + " in " + l.configFile() + " on " + member))
        .act((ctx, intent) -> {
          ConfigDocument doc = readConfig(member);
          Path from = toNew ? l.oldDataDir() : l.newDataDir();
          ConfigDocument edited = doc.set("postgresql.data_dir", dir.toString()).set("postgresql.bin_dir",
              bin.toString());
          if (doc.config().postgresql().configDir().map(Path::of).map(Path::normalize)
              .equals(Optional.of(from.normalize()))) {
            edited = edited.set("postgresql.config_dir", dir.toString());
          }
          hosts.writeFile(member, l.configFile(), edited.text().getBytes(StandardCharsets.UTF_8));
        })
        .verify((ctx, intent) -> names(readConfig(member), dir, bin)
            ? Verification.done(l.configFile() + " on " + member + " names " + what)
            : Verification.failed(l.configFile() + " on " + member + " does not name " + what + " after the write"))
        .build();
  }

  /**
   * Removes the cluster's keys (every Patroni stopped). The rollback removes them too when they still are the old
   * system's: they say {@code pause}, and a paused Patroni does not start a stopped PostgreSQL; its old primary then
   * takes the leader key with its data, as the upgraded one does. The DCS guard is the system identifier the step
   * decided on.
   */
  private Step resetDcs(String name) {
    return Steps.named(name).impact(Impact.DESTRUCTIVE)
        .decide(ctx -> {
          ClusterSnapshot s = dcs.snapshot(env.ref);
          if (s.isEmpty()) {
            return Decision.satisfied("the DCS holds no key of " + env.ref);
          }
          String sys = s.systemIdentifier().orElse("");
          List<String> up = o.members().keySet().stream().filter(m -> patroniUp(ctx, m)).toList();
          if (!up.isEmpty()) {
            return Decision.blocked("Patroni still runs on " + up + ": it would write the cluster's keys again");
          }
          return Decision.needsAction("remove every key of " + env.ref + " (system " + (sys.isEmpty() ? "none" : sys)
              + ")", Facts.of(Keys.SYSTEM_IDENTIFIER, sys));
        })
        .act((ctx, intent) -> dcs.removeCluster(env.ref,
            Confirmation.forCluster(env.ref.scope(), intent.facts().get(Keys.SYSTEM_IDENTIFIER))))
        .verify((ctx, intent) -> dcs.snapshot(env.ref).isEmpty() ? Verification.done("no key of " + env.ref + " left")
            : Verification.pending("keys of " + env.ref + " remain"))
        .build();
  }

  /** The old data directory's {@code patroni.dynamic.json} in the new one, without {@code pause}. */
  private Step dynamicConfig() {
    MajorUpgradeOptions.Layout p = o.layout(primary);
    Path from = p.oldDataDir().resolve(DynamicConfigFile.NAME);
    Path to = p.newDataDir().resolve(DynamicConfigFile.NAME);
    return Steps.named("dynamic-config[" + primary + "]").impact(Impact.CHANGE)
        .decide(ctx -> {
          Optional<ObjectNode> old = DynamicConfigFile.read(hosts, primary, from);
          if (old.isEmpty()) {
            return Decision.satisfied("no " + from + " on " + primary + ": Patroni writes bootstrap.dcs");
          }
          Optional<ObjectNode> now = DynamicConfigFile.read(hosts, primary, to);
          return now.isPresent() && !now.get().has("pause")
              ? Decision.satisfied(to + " on " + primary + " holds the dynamic configuration without pause")
              : Decision.needsAction("copy " + from + " to " + to + " on " + primary + " without pause");
        })
        .act((ctx, intent) -> {
          ObjectNode doc = DynamicConfigFile.read(hosts, primary, from).orElseThrow(() -> new RunbookException(from + " vanished on "
              + primary));
          DynamicConfigFile.writeWithoutPause(hosts, primary, to, doc);
        })
        .verify((ctx, intent) -> DynamicConfigFile.read(hosts, primary, to).filter(n -> !n.has("pause")).isPresent()
            ? Verification.done(to + " on " + primary + " holds the dynamic configuration without pause")
            : Verification.failed(to + " on " + primary + " is missing or has pause after the write"))
        .build();
  }

  /** Patroni on the primary takes the leader key with the upgraded data: the DCS then holds the new system. */
  private Step startPrimary() {
    Impact impact = o.mode() == MajorUpgradeOptions.Mode.LINK ? Impact.DESTRUCTIVE : Impact.DISRUPTIVE;
    return Steps.named("start-primary[" + primary + "]").impact(impact)
        .decide(ctx -> newLeads().<Decision>map(Decision::satisfied)
            .orElseGet(() -> Decision.needsAction("start Patroni on " + primary + " on the upgraded data"
                + (o.mode() == MajorUpgradeOptions.Mode.LINK ? " (the point of no return of link mode)" : ""))))
        .act((ctx, intent) -> hosts.startPatroni(primary))
        .verify((ctx, intent) -> newLeads().<Verification>map(d -> Verification.done(d,
                Facts.of(NEW_SYSTEM, newSystem().orElse(""))))
            .orElseGet(() -> Verification.pending(primary + " does not lead the new system in the DCS yet")))
        .build();
  }

  /**
   * Wipes what a new data directory holds (nothing, unless an earlier attempt left files) and starts the replica's
   * Patroni, which clones the new primary; satisfied when it streams. A replica whose Patroni runs already (a resumed
   * run) is waited for, not wiped again.
   */
  private Step rebuild(String member) {
    Path dir = o.layout(member).newDataDir();
    ClusterCondition streaming = Conditions.memberStreaming(member);
    return Steps.named("rebuild[" + member + "]").impact(Impact.DESTRUCTIVE)
        .decide(ctx -> {
          if (newLeads().isEmpty()) {
            return Decision.blocked("the new system does not lead: " + primary + " must lead it before " + member
                + " is cloned");
          }
          ClusterObservation obs = ctx.observe(false);
          if (streaming.test(obs)) {
            return Decision.satisfied(member + " streams from the new primary " + primary);
          }
          if (patroniUp(ctx, member)) {
            ctx.await(streaming);
            return Decision.satisfied(member + " streams from the new primary " + primary + " (started earlier)");
          }
          return Decision.needsAction("wipe " + dir + " on " + member + " and start its Patroni to clone " + primary);
        })
        .act((ctx, intent) -> {
          if (!patroniUp(ctx, member)) {
            if (listing(member, dir).filter(s -> !s.isBlank()).isPresent()) {
              hosts.wipeDataDirectory(member, dir, Confirmation.of(new DataDirectory(member, dir)));
            }
            hosts.startPatroni(member);
          }
        })
        .afterInterruption((ctx, intent) -> patroniUp(ctx, member)
            ? Verification.done(member + "'s Patroni runs (started by the interrupted run)")
            : Verification.failed(member + "'s Patroni does not run"))
        .verifyUntil((ctx, intent) -> streaming)
        .build();
  }

  /** {@code vacuumdb --all --analyze-in-stages} on the primary, through its Unix socket; recorded in the marker. */
  private Step analyze() {
    return Steps.named("analyze[" + primary + "]").impact(Impact.CHANGE)
        .decide(ctx -> marker(primary).filter(t -> t.contains(MARKER_ANALYZED)).isPresent()
            ? Decision.satisfied("the upgraded cluster was analyzed already")
            : Decision.needsAction("vacuumdb --all --analyze-in-stages on " + primary))
        .act((ctx, intent) -> {
          ClusterView view = env.client.cluster();
          String socket = env.sql(view, primary, c -> text(c,
              "SELECT split_part(current_setting('unix_socket_directories'), ',', 1)")).strip();
          int port = view.member(primary).port() == null ? 5432 : Objects.requireNonNull(view.member(primary).port());
          runOrFail(primary, "vacuumdb", List.of(o.newBinDir().resolve("vacuumdb").toString(), "--all",
              "--analyze-in-stages", "-h", socket.isEmpty() ? "/tmp" : socket, "-p", Integer.toString(port), "-U",
              ctx.binding(INITDB).getOrDefault("superuser", "postgres")));
          hosts.writeFile(primary, markerFile(primary), (marker(primary).orElse("") + MARKER_ANALYZED + "\n")
              .getBytes(StandardCharsets.UTF_8));
        })
        .verify((ctx, intent) -> marker(primary).filter(t -> t.contains(MARKER_ANALYZED)).isPresent()
            ? Verification.done("analyzed every database of the upgraded cluster")
            : Verification.failed("no analyze recorded in " + markerFile(primary)))
        .build();
  }

  // ------------------------------------------------------------------------------------------------ rollback steps

  private Step rollbackPossible() {
    return Steps.named("rollback-possible")
        .decide(ctx -> {
          Optional<String> done = rolledBack(ctx);
          if (done.isPresent()) {
            return Decision.satisfied(done.get());
          }
          if (o.mode() == MajorUpgradeOptions.Mode.LINK) {
            Optional<String> started = newStarted();
            if (started.isPresent()) {
              return Decision.blocked("past the point of no return of link mode: " + started.get() + "; the old"
                  + " cluster shares its data files and cannot be started again");
            }
          }
          MajorUpgradeOptions.Layout p = o.layout(primary);
          boolean control = exists(primary, p.oldDataDir().resolve("global/pg_control"))
              || exists(primary, p.oldDataDir().resolve("global/pg_control.old"));
          if (!control) {
            return Decision.blocked(p.oldDataDir() + " on " + primary + " has no global/pg_control: no old cluster to"
                + " start");
          }
          return Decision.satisfied("the old cluster (system " + ctx.binding(OLD_SYSTEM) + ") can be started again on "
              + "the old data directories");
        })
        .build();
  }

  /** Stops Patroni, then PostgreSQL on the new and on the old data directory, of one member. */
  private Step stopAll(String member) {
    MajorUpgradeOptions.Layout l = o.layout(member);
    return Steps.named("stop[" + member + "]").impact(Impact.DISRUPTIVE)
        .decide(ctx -> {
          List<String> up = runningParts(ctx, member, l);
          return up.isEmpty() ? Decision.satisfied("nothing runs on " + member)
              : Decision.needsAction("stop " + String.join(", ", up) + " on " + member);
        })
        .act((ctx, intent) -> {
          if (patroniUp(ctx, member)) {
            hosts.stopPatroni(member);
          }
          if (running(member, o.newBinDir(), l.newDataDir())) {
            pgCtlStop(member, o.newBinDir(), l.newDataDir());
          }
          if (running(member, o.oldBinDir(), l.oldDataDir())) {
            pgCtlStop(member, o.oldBinDir(), l.oldDataDir());
          }
        })
        .verify((ctx, intent) -> {
          List<String> up = runningParts(ctx, member, l);
          return up.isEmpty() ? Verification.done("nothing runs on " + member)
              : Verification.pending(String.join(", ", up) + " still running on " + member);
        })
        .build();
  }

  /** Link mode: {@code pg_upgrade} renamed the old primary's {@code global/pg_control}; it gets its name back. */
  private Step restorePgControl() {
    Path dir = o.layout(primary).oldDataDir().resolve("global");
    return Steps.named("restore-pg-control[" + primary + "]").impact(Impact.CHANGE)
        .decide(ctx -> exists(primary, dir.resolve("pg_control"))
            ? Decision.satisfied(dir.resolve("pg_control") + " on " + primary + " is in place")
            : Decision.needsAction("rename " + dir.resolve("pg_control.old") + " back to pg_control on " + primary))
        .act((ctx, intent) -> hosts.moveFile(primary, dir.resolve("pg_control.old"), dir.resolve("pg_control")))
        .verify((ctx, intent) -> exists(primary, dir.resolve("pg_control"))
            ? Verification.done(dir.resolve("pg_control") + " on " + primary + " is in place")
            : Verification.failed("no " + dir.resolve("pg_control") + " on " + primary))
        .build();
  }

  /** The upgrade paused the cluster before stopping it: a reset DCS must not start the old one in maintenance mode. */
  private Step stripOldPause() {
    Path file = o.layout(primary).oldDataDir().resolve(DynamicConfigFile.NAME);
    return Steps.named("strip-pause[" + primary + "]").impact(Impact.CHANGE)
        .decide(ctx -> DynamicConfigFile.hasPause(hosts, primary, file)
            ? Decision.needsAction("remove pause from " + file + " on " + primary)
            : Decision.satisfied(file + " on " + primary + " has no pause"))
        .act((ctx, intent) -> DynamicConfigFile.stripPause(hosts, primary, file))
        .verify((ctx, intent) -> !DynamicConfigFile.hasPause(hosts, primary, file)
            ? Verification.done(file + " on " + primary + " has no pause")
            : Verification.failed(file + " on " + primary + " still has pause after the write"))
        .build();
  }

  private Step startOldPrimary() {
    return Steps.named("start-old-primary[" + primary + "]").impact(Impact.DISRUPTIVE)
        .decide(ctx -> oldLeads(ctx).<Decision>map(Decision::satisfied)
            .orElseGet(() -> Decision.needsAction("start Patroni on " + primary + " on the old data directory")))
        .act((ctx, intent) -> hosts.startPatroni(primary))
        .verify((ctx, intent) -> oldLeads(ctx).<Verification>map(Verification::done)
            .orElseGet(() -> Verification.pending(primary + " does not lead the old system yet")))
        .build();
  }

  private Step startOldReplica(String member) {
    ClusterCondition streaming = Conditions.memberStreaming(member);
    return Steps.named("start-old[" + member + "]").impact(Impact.DISRUPTIVE)
        .decide(ctx -> streaming.test(ctx.observe(false)) ? Decision.satisfied(member + " streams from " + primary)
            : patroniUp(ctx, member) ? Decision.satisfied(member + "'s Patroni runs; all-streaming waits for it")
            : Decision.needsAction("start Patroni on " + member + " on its old data directory"))
        .act((ctx, intent) -> hosts.startPatroni(member))
        .verifyUntil((ctx, intent) -> streaming)
        .build();
  }

  /** What the upgrade wrote for the new cluster on one member (its data directory, the marker) removed. */
  private Step discardNew(String member) {
    Path dir = o.layout(member).newDataDir();
    return Steps.named("discard-new[" + member + "]").impact(Impact.DESTRUCTIVE)
        .decide(ctx -> listing(member, dir).filter(s -> !s.isBlank()).isPresent() || exists(member, markerFile(member))
            ? Decision.needsAction("wipe " + dir + " on " + member + " (the abandoned new cluster)")
            : Decision.satisfied(dir + " on " + member + " is absent or empty"))
        .act((ctx, intent) -> {
          if (listing(member, dir).filter(s -> !s.isBlank()).isPresent()) {
            hosts.wipeDataDirectory(member, dir, Confirmation.of(new DataDirectory(member, dir)));
          }
          runOrFail(member, "rm", List.of("rm", "-f", markerFile(member).toString()));
        })
        .verify((ctx, intent) -> listing(member, dir).filter(s -> !s.isBlank()).isEmpty()
            && !exists(member, markerFile(member)) ? Verification.done(dir + " on " + member + " is empty")
            : Verification.failed(dir + " on " + member + " still holds files"))
        .build();
  }

  // ------------------------------------------------------------------------------------------------ observations

  private Step unlessUpgraded(Step step) {
    return new GuardedStep(step.name(), step, ctx -> newInDcs());
  }

  private Step unlessRolledBack(Step step) {
    return new GuardedStep(step.name(), step, this::rolledBack);
  }

  /** Present when the DCS holds the system of the new primary data directory. */
  private Optional<String> newInDcs() {
    Optional<String> sys = dcs.snapshot(env.ref).systemIdentifier();
    Optional<String> upgraded = newSystem();
    return sys.isPresent() && sys.equals(upgraded)
        ? Optional.of("upgraded already: the DCS holds the new system " + sys.get()) : Optional.empty();
  }

  /** Present when the DCS holds the new system and the primary leads it, running. */
  private Optional<String> newLeads() {
    Optional<String> upgraded = newInDcs();
    if (upgraded.isEmpty() || !leadsRunning(primary)) {
      return Optional.empty();
    }
    return Optional.of(primary + " leads the new system " + newSystem().orElse("?"));
  }

  /** Present when the DCS holds the old system, the primary leads it and every file names the old directories. */
  private Optional<String> rolledBack(StepContext ctx) {
    Optional<String> sys = dcs.snapshot(env.ref).systemIdentifier();
    if (sys.isEmpty() || !sys.get().equals(ctx.binding(OLD_SYSTEM)) || !leadsRunning(primary)) {
      return Optional.empty();
    }
    for (String m : o.members().keySet()) {
      if (!names(readConfig(m), o.layout(m).oldDataDir(), o.oldBinDir())) {
        return Optional.empty();
      }
    }
    return Optional.of("the old system " + sys.get() + " runs: " + primary + " leads it");
  }

  private Optional<String> oldLeads(StepContext ctx) {
    Optional<String> sys = dcs.snapshot(env.ref).systemIdentifier();
    return sys.isPresent() && sys.get().equals(ctx.binding(OLD_SYSTEM)) && leadsRunning(primary)
        ? Optional.of(primary + " leads the old system " + sys.get()) : Optional.empty();
  }

  /** Whether the new cluster was started: its system in the DCS, or Patroni's marks in its data directory. */
  private Optional<String> newStarted() {
    Optional<String> inDcs = newInDcs();
    if (inDcs.isPresent()) {
      return inDcs;
    }
    Path dir = o.layout(primary).newDataDir();
    if (exists(primary, dir.resolve("postgresql.base.conf")) || exists(primary, dir.resolve("postmaster.pid"))) {
      return Optional.of("Patroni started PostgreSQL on " + dir + " on " + primary);
    }
    return Optional.empty();
  }

  private boolean leadsRunning(String member) {
    try {
      ClusterView view = env.client.cluster();
      return view.findLeader().filter(l -> l.name().equals(member) && l.role().is(Role.Kind.PRIMARY)
          && l.state().isRunning()).isPresent();
    } catch (PatroniException down) {
      return false;
    }
  }

  private Optional<String> upgradedFrom() {
    return marker(primary).filter(t -> t.startsWith(MARKER_UPGRADED));
  }

  private Optional<String> marker(String member) {
    return hosts.readFile(member, markerFile(member));
  }

  private Path markerFile(String member) {
    Path dir = o.layout(member).newDataDir();
    return dir.resolveSibling(dir.getFileName() + ".patroni4j-upgrade");
  }

  /** The old system identifier, from the first old data directory {@code pg_controldata} reads (primary first). */
  Optional<String> oldSystem() {
    List<String> order = new ArrayList<>(List.of(primary));
    o.members().keySet().stream().filter(m -> !m.equals(primary)).forEach(order::add);
    for (String m : order) {
      Optional<String> sys = control(m, o.oldBinDir(), o.layout(m).oldDataDir())
          .map(c -> c.get("Database system identifier"));
      if (sys.isPresent()) {
        return sys;
      }
    }
    return Optional.empty();
  }

  /** The system identifier of the primary's new data directory, once {@code pg_upgrade} completed there. */
  private Optional<String> newSystem() {
    if (upgradedFrom().isEmpty()) {
      return Optional.empty();
    }
    return control(primary, o.newBinDir(), o.layout(primary).newDataDir())
        .map(c -> c.get("Database system identifier"));
  }

  private Optional<Map<String, String>> control(String member, Path bin, Path dataDir) {
    HostActions.CommandResult r = hosts.run(member, List.of("env", "LC_ALL=C", bin.resolve("pg_controldata").toString(),
        "-D", dataDir.toString()));
    if (!r.succeeded()) {
      return Optional.empty();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : r.stdout().split("\n", -1)) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        out.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
      }
    }
    return out.containsKey("Database system identifier") ? Optional.of(out) : Optional.empty();
  }

  /** {@code pg_ctl status}: 0 running, 3 not running, 4 no accessible data directory. */
  private boolean running(String member, Path bin, Path dataDir) {
    HostActions.CommandResult r = hosts.run(member, List.of(bin.resolve("pg_ctl").toString(), "status", "-D",
        dataDir.toString()));
    if (r.exitCode() == 0) {
      return true;
    }
    if (r.exitCode() == 3 || r.exitCode() == 4) {
      return false;
    }
    throw new RunbookException("pg_ctl status on " + member + " failed (exit " + r.exitCode() + "): "
        + r.stderr().strip());
  }

  private void pgCtlStop(String member, Path bin, Path dataDir) {
    runOrFail(member, "pg_ctl stop", List.of(bin.resolve("pg_ctl").toString(), "stop", "-m", "fast", "-w", "-D",
        dataDir.toString()));
  }

  private List<String> runningParts(StepContext ctx, String member, MajorUpgradeOptions.Layout l) {
    List<String> up = new ArrayList<>();
    if (patroniUp(ctx, member)) {
      up.add("Patroni");
    }
    if (running(member, o.newBinDir(), l.newDataDir())) {
      up.add("PostgreSQL on " + l.newDataDir());
    }
    if (running(member, o.oldBinDir(), l.oldDataDir())) {
      up.add("PostgreSQL on " + l.oldDataDir());
    }
    return up;
  }

  /** The directory's entries ({@code ls -A}), or empty when there is no such directory. */
  private Optional<String> listing(String member, Path dir) {
    HostActions.CommandResult r = hosts.run(member, List.of("ls", "-A", dir.toString()));
    return r.succeeded() ? Optional.of(r.stdout()) : Optional.empty();
  }

  private boolean exists(String member, Path file) {
    return hosts.run(member, List.of("test", "-e", file.toString())).succeeded();
  }

  private void runOrFail(String member, String what, List<String> command) {
    HostActions.CommandResult r = hosts.run(member, command);
    if (!r.succeeded()) {
      throw new RunbookException(what + " on " + member + " failed (exit " + r.exitCode() + "): "
          + tail(r.stdout() + "\n" + r.stderr()));
    }
  }

  /**
   * {@code pg_upgrade}, run in the new data directory's parent (where it leaves its scripts and, with {@code
   * --socketdir}, its sockets, so no server it starts listens on TCP); {@code check}: {@code --check} against the
   * running old cluster (its socket and port are read from its {@code postmaster.pid}).
   */
  private List<String> pgUpgradeCommand(StepContext ctx, Path newDataDir, boolean check) {
    MajorUpgradeOptions.Layout p = o.layout(primary);
    Path work = Objects.requireNonNull(newDataDir.getParent(), "new data directory parent");
    List<String> c = new ArrayList<>(List.of("env", "-C", work.toString(), "LC_ALL=C",
        o.newBinDir().resolve("pg_upgrade").toString(), "-b", o.oldBinDir().toString(), "-B",
        o.newBinDir().toString(), "-d", p.oldDataDir().toString(), "-D", newDataDir.toString(), "-U",
        ctx.binding(INITDB).getOrDefault("superuser", "postgres"), "-p", Integer.toString(o.port()), "-P",
        Integer.toString(o.port()), "-s", work.toString(), "-j", Integer.toString(o.jobs())));
    if (o.mode() == MajorUpgradeOptions.Mode.LINK) {
      c.add("--link");
    }
    if (check) {
      c.add("--check");
    }
    return c;
  }

  private List<String> initdbCommand(Map<String, String> s, Path dir) {
    List<String> c = new ArrayList<>(List.of(o.newBinDir().resolve("initdb").toString(), "-D", dir.toString(),
        "-U", s.getOrDefault("superuser", "postgres"), "-E", s.getOrDefault("encoding", "UTF8"),
        "--lc-collate=" + s.getOrDefault("lc_collate", "C"), "--lc-ctype=" + s.getOrDefault("lc_ctype", "C"),
        "--wal-segsize=" + s.getOrDefault("wal_segsize_mb", "16"), "--auth-local=trust",
        "--auth-host=scram-sha-256", "--no-sync"));
    if ("on".equals(s.get("data_checksums"))) {
      c.add("--data-checksums");
    }
    if ("i".equals(s.get("locale_provider"))) {
      c.add("--locale-provider=icu");
      c.add("--icu-locale=" + s.getOrDefault("icu_locale", ""));
    }
    return c;
  }

  /** The live {@code pg_upgrade --check} against a scratch {@code initdb} beside the new data directory; a problem. */
  private Optional<String> checkRun(StepContext ctx) {
    Path target = o.layout(primary).newDataDir();
    Path scratch = target.resolveSibling(target.getFileName() + ".rehearsal");
    try {
      hosts.run(primary, List.of("rm", "-rf", scratch.toString()));
      HostActions.CommandResult init = hosts.run(primary, initdbCommand(ctx.binding(INITDB), scratch));
      if (!init.succeeded()) {
        return Optional.of("initdb of the scratch cluster " + scratch + " failed (exit " + init.exitCode() + "): "
            + tail(init.stdout() + "\n" + init.stderr()));
      }
      HostActions.CommandResult r = hosts.run(primary, pgUpgradeCommand(ctx, scratch, true));
      return r.succeeded() ? Optional.empty() : Optional.of("pg_upgrade --check failed (exit " + r.exitCode() + "): "
          + tail(r.stdout() + "\n" + r.stderr()));
    } finally {
      hosts.run(primary, List.of("rm", "-rf", scratch.toString()));
    }
  }

  /** Every extension of the primary's {@code postgres} database must have a control file in the new installation. */
  private List<String> extensionProblems(ClusterView view) throws SQLException {
    HostActions.CommandResult share = hosts.run(primary, List.of(o.newBinDir().resolve("pg_config").toString(),
        "--sharedir"));
    if (!share.succeeded()) {
      return List.of(o.newBinDir().resolve("pg_config") + " --sharedir failed on " + primary);
    }
    Path dir = Path.of(share.stdout().strip()).resolve("extension");
    List<String> extensions = env.sql(view, primary, c -> {
      List<String> out = new ArrayList<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1")) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    });
    List<String> problems = new ArrayList<>();
    for (String e : extensions) {
      if (!exists(primary, dir.resolve(e + ".control"))) {
        problems.add("extension " + e + " has no " + dir.resolve(e + ".control") + " in the new installation");
      }
    }
    return problems;
  }

  /** Copy mode needs the old data directory's size free beside the new one; link mode a little room. */
  private Optional<String> diskProblem() {
    MajorUpgradeOptions.Layout p = o.layout(primary);
    long need = 64L << 10; // KiB: catalogs, WAL and logs of the new cluster
    if (o.mode() == MajorUpgradeOptions.Mode.COPY) {
      HostActions.CommandResult du = hosts.run(primary, List.of("du", "-sk", p.oldDataDir().toString()));
      if (!du.succeeded()) {
        return Optional.of("du -sk " + p.oldDataDir() + " failed on " + primary);
      }
      need += Long.parseLong(du.stdout().strip().split("\\s+", -1)[0]);
    }
    Path parent = Objects.requireNonNull(p.newDataDir().getParent(), "new data directory parent");
    HostActions.CommandResult df = hosts.run(primary, List.of("df", "-Pk", parent.toString()));
    if (!df.succeeded()) {
      return Optional.of("df -Pk " + parent + " failed on " + primary + " (does the directory exist?)");
    }
    String[] lines = df.stdout().strip().split("\n", -1);
    long free = Long.parseLong(lines[lines.length - 1].strip().split("\\s+", -1)[3]);
    return free >= need ? Optional.empty() : Optional.of(parent + " on " + primary + " has " + free + " KiB free, the "
        + o.mode().name().toLowerCase(java.util.Locale.ROOT) + " upgrade needs " + need + " KiB");
  }

  /** Plan-time: what the new cluster's {@code initdb} must match, read from the running primary. */
  private Map<String, String> initdbSettings() throws SQLException {
    ClusterView view = env.client.cluster();
    String on = Views.leaderName(view).orElse(primary);
    return env.sql(view, on, c -> {
      Map<String, String> s = new LinkedHashMap<>();
      s.put("superuser", text(c, "SELECT rolname FROM pg_authid WHERE oid = 10"));
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_encoding_to_char(encoding),"
          + " datcollate, datctype FROM pg_database WHERE datname = 'template1'")) {
        rs.next();
        s.put("encoding", rs.getString(1));
        s.put("lc_collate", rs.getString(2));
        s.put("lc_ctype", rs.getString(3));
      }
      if (Integer.parseInt(text(c, "SHOW server_version_num")) >= 150000) {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT datlocprovider::text,"
            + " coalesce(daticulocale, '') FROM pg_database WHERE datname = 'template1'")) {
          rs.next();
          s.put("locale_provider", rs.getString(1));
          s.put("icu_locale", rs.getString(2));
        }
      }
      s.put("data_checksums", text(c, "SHOW data_checksums"));
      s.put("wal_segsize_mb", Long.toString(Long.parseLong(text(c,
          "SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'")) >> 20));
      return s;
    });
  }

  private static String text(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      if (!rs.next()) {
        throw new SQLException("no row from " + sql);
      }
      return String.valueOf(rs.getString(1));
    }
  }

  private ConfigDocument readConfig(String member) {
    Path file = o.layout(member).configFile();
    return hosts.readFile(member, file).map(ConfigDocument::parse)
        .orElseThrow(() -> new StepRefusedException("cannot read " + file + " on " + member));
  }

  private static boolean names(ConfigDocument doc, Path dataDir, Path binDir) {
    PatroniConfig.Postgresql pg = doc.config().postgresql();
    return pg.dataDir().map(Path::of).map(Path::normalize).equals(Optional.of(dataDir.normalize()))
        && pg.binDir().map(Path::of).map(Path::normalize).equals(Optional.of(binDir.normalize()));
  }

  /** Whether the member's Patroni answers at the REST address it had when the plan was made. */
  private boolean patroniUp(StepContext ctx, String member) {
    return env.patroniAnswersAt(ctx.binding(API_URLS).get(member));
  }

  /**
   * Each member's REST address: as Patroni reports it, else (no Patroni answers: a rollback planned on a stopped
   * cluster) as its {@code patroni.yml} says ({@code restapi.connect_address}, https with a {@code certfile}).
   */
  private Map<String, String> apiUrls() {
    Map<String, String> out = new LinkedHashMap<>();
    try {
      env.client.cluster().members().forEach(m -> out.put(m.name(), Objects.requireNonNullElse(m.apiUrl(), "")));
    } catch (PatroniException down) {
      // read from the files below
    }
    for (String m : o.members().keySet()) {
      if (out.getOrDefault(m, "").isEmpty()) {
        PatroniConfig.RestApi rest = readConfig(m).config().restApi();
        out.put(m, rest.connectAddress().or(rest::listen)
            .map(a -> (rest.certfile().isPresent() ? "https://" : "http://") + a + "/patroni").orElse(""));
      }
    }
    return out;
  }

  /** Each member's PostgreSQL address, as Patroni reports it, else as its {@code postgresql.connect_address}. */
  private Map<String, String> memberAddresses() {
    Map<String, String> all;
    try {
      all = Env.addresses(env.client.cluster());
    } catch (PatroniException down) {
      all = Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String m : o.members().keySet()) {
      String a = all.getOrDefault(m, "");
      out.put(m, a.isEmpty() ? readConfig(m).config().postgresql().connectAddress().orElse("") : a);
    }
    return out;
  }

  private List<String> replicas() {
    return o.members().keySet().stream().filter(m -> !m.equals(primary)).toList();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** The last lines of a tool's output (pg_upgrade names the failed check there); never a secret. */
  private static String tail(String output) {
    List<String> lines = output.strip().lines().filter(l -> !l.isBlank()).toList();
    return String.join(" | ", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
  }
}
