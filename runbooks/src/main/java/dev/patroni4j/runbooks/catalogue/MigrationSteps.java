package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.ClusterObservation;
import dev.patroni4j.client.PatroniException;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.client.model.PatroniVersion;
import dev.patroni4j.config.ConfigDocument;
import dev.patroni4j.config.SystemdUnit;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Fact;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.Impact;
import dev.patroni4j.runbooks.Step;
import dev.patroni4j.runbooks.StepContext;
import dev.patroni4j.runbooks.Steps;
import dev.patroni4j.runbooks.Verification;
import dev.patroni4j.runbooks.host.HostActions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The steps of {@link PatroniRunbooks#packageMigration}. The plan fixes, as bindings, each member's REST address, the
 * sequence of per-member steps (only for members that are not migrated yet, so a second run has nothing to do), the
 * postmaster PIDs that must survive (pause strategy) and, for the drain strategy, the switchover's leader and target.
 * Each sequence item is a step name, e.g. {@code stop-patroni[pg2]}.
 */
final class MigrationSteps {
  static final Fact<Map<String, String>> REST_URLS = Fact.textMap("rest-urls");
  static final Fact<List<String>> SEQUENCE = Fact.texts("migration-sequence");
  static final Fact<Map<String, String>> POSTMASTER_PIDS = Fact.textMap("postmaster-pids");
  static final Fact<List<String>> MIGRATING = Fact.texts("migrating");
  static final Fact<List<String>> RISKS = Fact.texts("risks");
  static final Fact<String> PID = Fact.text("postmasterPid");
  static final Fact<String> TARGET = Fact.text("target");

  static final String SWITCHOVER = "switchover";
  static final String SETTLE = "settle";
  private static final EnumSet<DrainOptions.Tag> DRAIN_TAGS = EnumSet.of(DrainOptions.Tag.NOFAILOVER,
      DrainOptions.Tag.NOLOADBALANCE);

  private MigrationSteps() {}

  // ------------------------------------------------------------------------------------------------ bindings

  /** Each member's REST address as the member list has it when the plan is made. */
  static Map<String, String> restUrls(Env env) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Member m : env.client.cluster().members()) {
      if (m.apiUrl() != null) {
        out.put(m.name(), m.apiUrl());
      }
    }
    return out;
  }

  /**
   * The steps to run, in order: replicas by name, the leader last (with the drain strategy, a switchover to an
   * upgraded replica before it); members already migrated are left out (with the drain strategy, one still drained
   * keeps its undrain).
   */
  static List<String> sequence(Env env, PackageMigrationOptions o, Map<String, String> rest) {
    ClusterView view = env.client.cluster();
    Optional<String> leader = Views.leaderName(view);
    List<String> order = new ArrayList<>(o.members().keySet());
    order.sort(Comparator.comparing((String m) -> leader.map(m::equals).orElse(false)).thenComparing(m -> m));
    boolean drain = o.strategy() == PackageMigrationOptions.Strategy.DRAIN_REPLICAS;
    List<String> out = new ArrayList<>();
    for (String m : order) {
      PackageMigrationOptions.Member mo = member(o, m);
      boolean migrated = migrated(env, o, m, rest).isPresent();
      boolean isLeader = leader.map(m::equals).orElse(false);
      if (drain && !migrated && isLeader) {
        out.add(SWITCHOVER);
        out.add(SETTLE);
      }
      if (drain && !migrated) {
        out.addAll(List.of(name("drain-config", m), name("drain-reload", m), name("drain-observed", m)));
      }
      if (!migrated) {
        out.add(name("stop-patroni", m));
        if (!drain) {
          out.add(name("postgres-running", m));
        }
        out.add(name("switch-installation", m));
        if (mo.moves()) {
          out.add(name("move-config", m));
        }
        if (mo.newUnit() != null) {
          out.add(name("write-unit", m));
        }
        out.add(name("start-patroni", m));
      }
      if (drain && (!migrated || drained(view, m))) {
        out.addAll(List.of(name("undrain-config", m), name("undrain-reload", m), name("undrain-observed", m)));
      }
    }
    return out;
  }

  /** The postmaster PID of every member the sequence stops, read from its data directory ("" when none). */
  static Map<String, String> postmasterPids(Env env, PackageMigrationOptions o, List<String> sequence) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String item : sequence) {
      if (item.startsWith("stop-patroni[")) {
        String m = memberOf(item);
        out.put(m, postmasterPid(env, member(o, m)).orElse(""));
      }
    }
    return out;
  }

  /** The switchover's target: the first replica being migrated that is not tagged nofailover, else any replica. */
  static Optional<String> switchoverTarget(Env env, List<String> sequence) {
    if (!sequence.contains(SWITCHOVER)) {
      return Optional.empty();
    }
    ClusterView view = env.client.cluster();
    List<String> replicas = sequence.stream().filter(i -> i.startsWith("start-patroni[")).map(MigrationSteps::memberOf)
        .filter(m -> view.findMember(m).map(x -> !x.isLeader()).orElse(false)).toList();
    return replicas.stream().filter(m -> view.findMember(m).map(x -> !x.tags().noFailover()).orElse(false))
        .findFirst().or(() -> replicas.stream().findFirst())
        .or(() -> view.replicas().stream().filter(r -> !r.tags().noFailover()).map(Member::name).findFirst());
  }

  // ------------------------------------------------------------------------------------------------ pre-flight

  /**
   * The options' guardrails as the migration applies them: expected Patroni versions, when given, also accept the
   * target release, which every member runs once it is migrated (the re-checks run in the mixed-version window).
   */
  static Guardrails guardrails(PackageMigrationOptions o) {
    Guardrails g = o.guardrails();
    if (g.expectedPatroniVersions().isEmpty()) {
      return g;
    }
    PatroniVersion t = o.target();
    List<String> versions = new ArrayList<>(g.expectedPatroniVersions());
    versions.add(t.major() + "." + t.minor() + "." + t.patch());
    return g.toBuilder().expectPatroniVersions(versions).build();
  }

  /**
   * The plan-time guardrails' scope: the replay lag of every replica (one of them is promoted if the leader fails
   * while members run different releases, or is the drain strategy's switchover target) and the running transactions
   * of every member to migrate; not needed when nothing is left to migrate.
   */
  static GuardrailChecks.Either guardrailScope(StepContext ctx, ClusterView view) {
    List<String> migrating = ctx.binding(SEQUENCE).stream().filter(i -> i.startsWith("start-patroni["))
        .map(MigrationSteps::memberOf).toList();
    if (migrating.isEmpty()) {
      return GuardrailChecks.Either.notNeeded("nothing to migrate");
    }
    List<String> replicas = view.members().stream().filter(m -> !m.isLeader()).map(Member::name).toList();
    return GuardrailChecks.Either.of(new GuardrailChecks.Scope(replicas, migrating));
  }

  /**
   * The migration's own plan-time refusals, before anything changes: the options cover exactly the cluster's members,
   * no unit of a member still to migrate would stop PostgreSQL with Patroni ({@link SystemdUnit#stopTraps}), no jump
   * is one Patroni's release notes warn about unless acknowledged (the plan names the risk either way), PostgreSQL
   * runs on every member the pause strategy stops, and the drain strategy has a replica to switch over to. General
   * guardrails (lag, long transactions, sync standby) are separate steps that can precede this one.
   */
  static Step preflight(Env env, PackageMigrationOptions o) {
    return Steps.named("preflight").impact(Impact.NONE)
        .decide(ctx -> {
          List<String> sequence = ctx.binding(SEQUENCE);
          List<String> migrating = sequence.stream().filter(i -> i.startsWith("start-patroni["))
              .map(MigrationSteps::memberOf).toList();
          Facts facts = Facts.of(MIGRATING, migrating, TARGET, o.target().toString());
          if (migrating.isEmpty()) {
            return Decision.satisfied("every member runs Patroni " + o.target()
                + " with its configuration at the new path: nothing to migrate", facts);
          }
          ClusterView view = env.client.cluster();
          List<String> refusals = new ArrayList<>();
          List<String> notCovered = view.memberNames().stream().filter(n -> !o.members().containsKey(n)).toList();
          if (!notCovered.isEmpty()) {
            refusals.add("members " + notCovered + " have no move in the options: every member must be migrated");
          }
          List<String> absent = o.members().keySet().stream().filter(n -> view.findMember(n).isEmpty()).toList();
          if (!absent.isEmpty()) {
            refusals.add("the options name " + absent + ", which are not in the member list (resume an interrupted"
                + " run with its journal)");
          }
          if (view.findLeader().isEmpty()) {
            refusals.add("the cluster has no leader");
          }
          Map<String, String> rest = ctx.binding(REST_URLS);
          Map<String, String> pids = ctx.findBinding(POSTMASTER_PIDS).orElse(Map.of());
          List<String> risks = new ArrayList<>();
          for (String m : migrating) {
            Optional<Path> unitFile = member(o, m).findUnitFile();
            if (unitFile.isPresent()) {
              Optional<String> unit = hosts(env).readFile(m, unitFile.get());
              if (unit.isEmpty()) {
                refusals.add(m + ": no unit file at " + unitFile.get());
              } else {
                for (SystemdUnit.Trap t : SystemdUnit.stopTraps(unit.get())) {
                  refusals.add(m + "'s unit " + unitFile.get() + " has " + t.found() + ": " + t.explanation());
                }
              }
            }
            Optional<PatroniVersion> current = status(env, m, rest).flatMap(MemberStatus::findPatroniVersion);
            if (current.isPresent() && o.target().major() >= 4 && !current.get().isAtLeast(3, 1)) {
              risks.add(m + " runs Patroni " + current.get() + " -> " + o.target());
            }
            if (pids.containsKey(m) && pids.get(m).isEmpty()) {
              refusals.add(m + ": no postmaster.pid in its data directory: PostgreSQL does not run there");
            }
          }
          if (sequence.contains(SWITCHOVER) && ctx.findBinding(Keys.TO).isEmpty()) {
            refusals.add("no replica to switch over to before the leader is migrated");
          }
          PackageMigrationOptions.Risk risk = PackageMigrationOptions.Risk.UPGRADE_TO_4_FROM_BEFORE_3_1;
          String riskText = risks.isEmpty() ? "" : "risk " + risk + " (" + String.join(", ", risks) + "): "
              + risk.description();
          facts = facts.with(RISKS, risks.isEmpty() ? List.of() : List.of(risk.name()));
          if (!risks.isEmpty() && !o.acknowledged().contains(risk)) {
            refusals.add(riskText + "; acknowledge " + risk + " in the options to migrate anyway");
          }
          if (!refusals.isEmpty()) {
            return Decision.blocked("package migration refused before anything changes: " + String.join("; ",
                refusals), facts);
          }
          return Decision.satisfied("migrate " + migrating + " to Patroni " + o.target() + " (" + o.strategy() + ")"
              + (risks.isEmpty() ? "" : "; acknowledged " + riskText), facts);
        })
        .build();
  }

  // ------------------------------------------------------------------------------------------------ steps

  /** Pauses the cluster unless nothing is left to migrate (a second run does not pause and resume). */
  static Step pause(Env env) {
    return new GuardedStep("pause", ClusterSteps.pause(env, true), ctx -> ctx.binding(SEQUENCE).isEmpty()
        ? Optional.of("nothing to migrate: the cluster is not paused for it") : Optional.empty());
  }

  /**
   * Resumes the cluster, verified on every member; in the plan of a run that pauses it says so (the cluster is not
   * paused yet when the plan is made).
   */
  static Step resume(Env env) {
    Step resume = ClusterSteps.pause(env, false);
    return new GuardedStep("resume", resume, ctx -> Optional.empty()) {
      @Override
      public Decision decide(StepContext ctx) throws Exception {
        return planning(ctx) && !ctx.binding(SEQUENCE).isEmpty()
            ? Decision.needsAction("resume once the last member is back (set pause=false)") : resume.decide(ctx);
      }
    };
  }

  /** The step of one sequence item. */
  static Step item(Env env, PackageMigrationOptions o, String item) {
    if (item.equals(SWITCHOVER)) {
      // guarded like a planned switchover: the candidate's lag and the leader's longest transaction right before it
      return new SwitchoverStep(env, SWITCHOVER, Keys.FROM, Keys.TO, (e, view, leader) -> migrated(e, o, leader,
          restUrlsOrEmpty(view)).map(s -> leader + " is migrated already (" + s + "): no switchover needed"),
          guardrails(o));
    }
    if (item.equals(SETTLE)) {
      return Steps.until(SETTLE, ctx -> dev.patroni4j.client.Conditions.allStreaming(o.members().keySet()));
    }
    String kind = item.substring(0, item.indexOf('['));
    String m = memberOf(item);
    PackageMigrationOptions.Member mo = member(o, m);
    return switch (kind) {
      case "drain-config" -> new GuardedStep(item, DrainSteps.localConfig(env, drainOptions(o, mo, true), true),
          ctx -> migrated(env, o, m, ctx.binding(REST_URLS)));
      case "drain-reload" -> new GuardedStep(item, DrainSteps.reload(env, drainOptions(o, mo, true), true),
          ctx -> migrated(env, o, m, ctx.binding(REST_URLS)));
      case "drain-observed" -> new GuardedStep(item, DrainSteps.observed(env, drainOptions(o, mo, true), true),
          ctx -> migrated(env, o, m, ctx.binding(REST_URLS)));
      case "undrain-config" -> new GuardedStep(item, DrainSteps.localConfig(env, drainOptions(o, mo, false), false),
          ctx -> Optional.empty());
      case "undrain-reload" -> new GuardedStep(item, DrainSteps.reload(env, drainOptions(o, mo, false), false),
          ctx -> Optional.empty());
      case "undrain-observed" -> new GuardedStep(item, DrainSteps.observed(env, drainOptions(o, mo, false), false),
          ctx -> Optional.empty());
      case "stop-patroni" -> stopPatroni(env, o, mo);
      case "postgres-running" -> postgresRunning(env, o, mo);
      case "switch-installation" -> switchInstallation(env, o, mo);
      case "move-config" -> moveConfig(env, mo);
      case "write-unit" -> writeUnit(env, mo);
      case "start-patroni" -> startPatroni(env, o, mo);
      default -> throw new IllegalArgumentException("unknown migration step " + item);
    };
  }

  /**
   * Stops only the member's Patroni; with the pause strategy only while the member reports the cluster paused. Right
   * before the stop it re-checks the guardrails on the member (its running transactions, a synchronous standby in
   * synchronous mode, the versions) and refuses, nothing stopped, when they fail now.
   */
  static Step stopPatroni(Env env, PackageMigrationOptions o, PackageMigrationOptions.Member mo) {
    String m = mo.member();
    boolean pause = o.strategy() == PackageMigrationOptions.Strategy.PAUSE_CLUSTER;
    return Steps.named(name("stop-patroni", m)).impact(Impact.DISRUPTIVE)
        .decide(ctx -> {
          Map<String, String> rest = ctx.binding(REST_URLS);
          Optional<String> done = migrated(env, o, m, rest);
          if (done.isPresent()) {
            return Decision.satisfied(m + " is migrated already: " + done.get());
          }
          Optional<MemberStatus> s = status(env, m, rest);
          if (s.isEmpty()) {
            return Decision.satisfied(m + "'s Patroni is stopped (its REST API does not answer)");
          }
          if (pause && !s.get().paused()) {
            // while planning, the pause step before this one has not run yet
            return planning(ctx) ? Decision.needsAction("stop " + m + "'s Patroni only, once the cluster is paused")
                : Decision.blocked(m + " does not report the cluster paused: stopping its Patroni would stop "
                    + "PostgreSQL too");
          }
          return Decision.needsAction("stop " + m + "'s Patroni " + s.get().findPatroniVersion().map(
              PatroniVersion::toString).orElse("") + (pause ? " only (paused: PostgreSQL keeps running)"
              : " (PostgreSQL stops with it; the member is drained)"));
        })
        .act((ctx, intent) -> {
          GuardrailChecks.recheck(env, guardrails(o), new GuardrailChecks.Scope(List.of(), List.of(m)), ctx,
              "stopping " + m + "'s Patroni");
          hosts(env).stopPatroni(m);
        })
        .verify((ctx, intent) -> status(env, m, ctx.binding(REST_URLS)).isEmpty()
            ? Verification.done(m + "'s Patroni is stopped")
            : Verification.pending(m + "'s REST API still answers"))
        .build();
  }

  /** The postmaster the plan saw still runs: same PID in {@code postmaster.pid}, and the process exists. */
  static Step postgresRunning(Env env, PackageMigrationOptions o, PackageMigrationOptions.Member mo) {
    String m = mo.member();
    return Steps.await(name("postgres-running", m), ctx -> {
      Optional<String> done = migrated(env, o, m, ctx.binding(REST_URLS));
      if (done.isPresent()) {
        return Verification.done(m + " is migrated already: " + done.get());
      }
      String planned = ctx.binding(POSTMASTER_PIDS).getOrDefault(m, "");
      Optional<String> now = postmasterPid(env, mo);
      if (now.isPresent() && now.get().equals(planned) && alive(env, m, planned)) {
        return Verification.done("PostgreSQL on " + m + " still runs (postmaster PID " + planned + ")",
            Facts.of(PID, planned));
      }
      return Verification.failed("PostgreSQL on " + m + " no longer runs as postmaster PID " + planned
          + (now.isPresent() ? " (postmaster.pid says " + now.get() + ")" : " (no postmaster.pid)")
          + ": stopping Patroni stopped it; not going on", Facts.of(PID, planned));
    });
  }

  /** Switches the member's installation to the target release; only while its Patroni is stopped. */
  static Step switchInstallation(Env env, PackageMigrationOptions o, PackageMigrationOptions.Member mo) {
    String m = mo.member();
    return Steps.named(name("switch-installation", m)).impact(Impact.CHANGE)
        .decide(ctx -> {
          Map<String, String> rest = ctx.binding(REST_URLS);
          Optional<String> done = migrated(env, o, m, rest);
          if (done.isPresent()) {
            return Decision.satisfied(m + " is migrated already: " + done.get());
          }
          Optional<MemberStatus> s = status(env, m, rest);
          if (s.isPresent() && s.get().findPatroniVersion().map(v -> sameRelease(v, o.target())).orElse(false)) {
            return Decision.satisfied(m + " runs Patroni " + o.target() + " already");
          }
          if (s.isPresent() && !planning(ctx)) {
            return Decision.blocked(m + "'s Patroni runs: it must be stopped before its installation is switched");
          }
          return Decision.needsAction("switch " + m + "'s Patroni installation to " + o.target(),
              Facts.of(TARGET, o.target().toString()));
        })
        .act((ctx, intent) -> hosts(env).switchPatroniInstallation(m, o.target()))
        .verify((ctx, intent) -> Verification.done(m + " starts Patroni " + o.target() + " next"))
        .build();
  }

  /** Moves the configuration file to where the new service reads it. */
  static Step moveConfig(Env env, PackageMigrationOptions.Member mo) {
    String m = mo.member();
    String from = mo.configFile().toString();
    String to = mo.newConfigFile().toString();
    return Steps.named(name("move-config", m)).impact(Impact.CHANGE)
        .decide(ctx -> {
          boolean old = hosts(env).readFile(m, mo.configFile()).isPresent();
          boolean moved = hosts(env).readFile(m, mo.newConfigFile()).isPresent();
          if (moved && !old) {
            return Decision.satisfied(m + "'s configuration is at " + to + " already");
          }
          if (moved) {
            return Decision.blocked(m + " has a configuration at both " + from + " and " + to
                + ": remove the one its new service must not read");
          }
          if (!old) {
            return Decision.blocked(m + " has no configuration at " + from + " nor at " + to);
          }
          return Decision.needsAction("move " + m + "'s configuration from " + from + " to " + to);
        })
        .act((ctx, intent) -> hosts(env).moveFile(m, mo.configFile(), mo.newConfigFile()))
        .verify((ctx, intent) -> hosts(env).readFile(m, mo.newConfigFile()).isPresent()
            && hosts(env).readFile(m, mo.configFile()).isEmpty()
            ? Verification.done(m + "'s configuration is at " + to)
            : Verification.pending(m + "'s configuration is not (only) at " + to + " yet"))
        .build();
  }

  /** Writes the member's new unit (rendered by patroni-config's {@link SystemdUnit}) unless it holds it already. */
  static Step writeUnit(Env env, PackageMigrationOptions.Member mo) {
    String m = mo.member();
    Path file = Objects.requireNonNull(mo.unitFile(), "unitFile");
    String text = Objects.requireNonNull(mo.newUnit(), "newUnit").render();
    return Steps.named(name("write-unit", m)).impact(Impact.CHANGE)
        .decide(ctx -> hosts(env).readFile(m, file).filter(text::equals).isPresent()
            ? Decision.satisfied(file + " on " + m + " is the new unit already")
            : Decision.needsAction("write the new unit (reading " + mo.newConfigFile() + ") to " + file + " on " + m))
        .act((ctx, intent) -> hosts(env).writeFile(m, file, text.getBytes(StandardCharsets.UTF_8)))
        .verify((ctx, intent) -> hosts(env).readFile(m, file).filter(text::equals).isPresent()
            ? Verification.done(file + " on " + m + " is the new unit")
            : Verification.pending(file + " on " + m + " is not the new unit yet"))
        .build();
  }

  /** Starts the member's Patroni; done when it is in the member list, running, on the target release. */
  static Step startPatroni(Env env, PackageMigrationOptions o, PackageMigrationOptions.Member mo) {
    String m = mo.member();
    ClusterCondition back = back(m, o.target());
    return Steps.named(name("start-patroni", m)).impact(Impact.CHANGE)
        .decide(ctx -> {
          ClusterObservation obs = ctx.observe(true);
          return back.test(obs) ? Decision.satisfied(back.describe())
              : Decision.needsAction("start " + m + "'s Patroni " + o.target() + " (" + back.whyNot(obs) + ")");
        })
        .act((ctx, intent) -> hosts(env).startPatroni(m))
        .verifyUntil((ctx, intent) -> back)
        .onReached((ctx, intent, obs) -> Verification.done(back.describe(), Facts.of(TARGET, o.target().toString())))
        .build();
  }

  /** Every member is in the member list, running, on the target release. */
  static Step allMigrated(PackageMigrationOptions o) {
    List<ClusterCondition> all = o.members().keySet().stream().map(m -> back(m, o.target())).toList();
    return Steps.until("all-migrated", new ClusterCondition() {
      @Override
      public boolean test(ClusterObservation obs) {
        return all.stream().allMatch(c -> c.test(obs));
      }

      @Override
      public String describe() {
        return "members " + o.members().keySet() + " run Patroni " + o.target();
      }

      @Override
      public String whyNot(ClusterObservation obs) {
        return all.stream().filter(c -> !c.test(obs)).findFirst().map(c -> c.whyNot(obs)).orElse("holds");
      }

      @Override
      public boolean needsMemberStatuses() {
        return true;
      }
    });
  }

  // ------------------------------------------------------------------------------------------------ observations

  /** {@code member} is in the member list, running, and its own REST API answers from release {@code target}. */
  static ClusterCondition back(String member, PatroniVersion target) {
    return new ClusterCondition() {
      @Override
      public boolean test(ClusterObservation o) {
        return o.view().findMember(member).isPresent() && o.status(member)
            .filter(s -> s.state().isRunning())
            .flatMap(MemberStatus::findPatroniVersion).map(v -> sameRelease(v, target)).orElse(false);
      }

      @Override
      public String describe() {
        return member + " is in the member list, running, on Patroni " + target;
      }

      @Override
      public String whyNot(ClusterObservation o) {
        if (o.view().findMember(member).isEmpty()) {
          return member + " is not in the member list";
        }
        Optional<MemberStatus> s = o.status(member);
        if (s.isEmpty()) {
          return member + "'s REST API does not answer";
        }
        return member + " is " + s.get().state().raw() + " on Patroni " + s.get().findPatroniVersion()
            .map(PatroniVersion::toString).orElse("(unknown)");
      }

      @Override
      public boolean needsMemberStatuses() {
        return true;
      }
    };
  }

  /**
   * Why {@code member} counts as migrated (its own REST API answers from the target release and its configuration is
   * at the new path only), or empty.
   */
  static Optional<String> migrated(Env env, PackageMigrationOptions o, String member, Map<String, String> rest) {
    PackageMigrationOptions.Member mo = o.members().get(member);
    if (mo == null) {
      return Optional.empty();
    }
    Optional<PatroniVersion> v = status(env, member, rest).flatMap(MemberStatus::findPatroniVersion);
    if (v.isEmpty() || !sameRelease(v.get(), o.target())) {
      return Optional.empty();
    }
    HostActions hosts = hosts(env);
    if (hosts.readFile(member, mo.newConfigFile()).isEmpty()
        || (mo.moves() && hosts.readFile(member, mo.configFile()).isPresent())) {
      return Optional.empty();
    }
    return Optional.of("Patroni " + o.target() + " with its configuration at " + mo.newConfigFile());
  }

  /** The member's own {@code GET /patroni}, at its planned REST address (else the member list's); empty if down. */
  static Optional<MemberStatus> status(Env env, String member, Map<String, String> rest) {
    try {
      String url = rest.get(member);
      if (url != null) {
        return Optional.of(env.client.memberAt(URI.create(url)).status());
      }
      return Optional.of(env.client.member(member).status());
    } catch (PatroniException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Map<String, String> restUrlsOrEmpty(ClusterView view) {
    Map<String, String> out = new LinkedHashMap<>();
    view.members().forEach(mm -> {
      if (mm.apiUrl() != null) {
        out.put(mm.name(), mm.apiUrl());
      }
    });
    return out;
  }

  private static boolean drained(ClusterView view, String member) {
    return view.findMember(member).map(x -> x.tags().noFailover() || x.tags().noLoadBalance()).orElse(false);
  }

  /** The first line of {@code postmaster.pid} in the member's data directory (from its configuration file). */
  static Optional<String> postmasterPid(Env env, PackageMigrationOptions.Member mo) {
    HostActions hosts = hosts(env);
    Optional<String> config = hosts.readFile(mo.member(), mo.configFile())
        .or(() -> hosts.readFile(mo.member(), mo.newConfigFile()));
    Optional<String> dataDir = config.flatMap(c -> ConfigDocument.parse(c).config().postgresql().dataDir());
    if (dataDir.isEmpty()) {
      return Optional.empty();
    }
    return hosts.readFile(mo.member(), Path.of(dataDir.get(), "postmaster.pid"))
        .map(text -> text.split("\n", 2)[0].strip()).filter(pid -> pid.matches("[0-9]+"));
  }

  private static boolean alive(Env env, String member, String pid) {
    return !pid.isEmpty() && hosts(env).run(member, List.of("test", "-d", "/proc/" + pid)).succeeded();
  }

  private static DrainOptions drainOptions(PackageMigrationOptions o, PackageMigrationOptions.Member mo, boolean drain) {
    return DrainOptions.builder(mo.member(), drain ? mo.configFile() : mo.newConfigFile()).tags(DRAIN_TAGS)
        .timeout(o.memberTimeout()).build();
  }

  static boolean sameRelease(PatroniVersion a, PatroniVersion b) {
    return a.major() == b.major() && a.minor() == b.minor() && a.patch() == b.patch();
  }

  static String name(String kind, String member) {
    return kind + "[" + member + "]";
  }

  static String memberOf(String item) {
    return item.substring(item.indexOf('[') + 1, item.length() - 1);
  }

  private static PackageMigrationOptions.Member member(PackageMigrationOptions o, String m) {
    PackageMigrationOptions.Member mo = o.members().get(m);
    if (mo == null) {
      throw new IllegalArgumentException("no move for member " + m + " in the options");
    }
    return mo;
  }

  /** True while the plan is being made: steps before this one have not acted yet. */
  private static boolean planning(StepContext ctx) {
    return ctx.plannedCluster().isEmpty();
  }

  private static HostActions hosts(Env env) {
    return Objects.requireNonNull(env.hosts, "host actions");
  }
}
