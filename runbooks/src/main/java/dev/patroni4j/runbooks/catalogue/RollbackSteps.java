package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.ClusterObservation;
import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.PatroniException;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsClient;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.client.model.Timeline;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Fact;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.Impact;
import dev.patroni4j.runbooks.Runbook;
import dev.patroni4j.runbooks.RunbookException;
import dev.patroni4j.runbooks.Step;
import dev.patroni4j.runbooks.StepContext;
import dev.patroni4j.runbooks.StepPolicy;
import dev.patroni4j.runbooks.Steps;
import dev.patroni4j.runbooks.Verification;
import dev.patroni4j.runbooks.host.DataDirectory;
import dev.patroni4j.runbooks.host.HostActions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The steps of {@link BlueGreen#rollback}. Every step up to the recovered member's start first asks whether the
 * rollback is complete already (the frozen replica leads on a newer timeline than the mark's), so a fresh second run
 * acts on nothing; each decides from what the hosts and the DCS show, so a resumed run repeats no recovery, DCS reset
 * or wipe whose effect is visible.
 */
final class RollbackSteps {
  /** Each member's REST address at plan time: whether its Patroni runs is asked there. */
  static final Fact<Map<String, String>> API_URLS = Fact.textMap("api-urls");
  /** The members other than the frozen replica, replicas first, the leader last. */
  static final Fact<List<String>> OTHERS = Fact.texts("others");
  static final Fact<String> DATA_DIR = Fact.text("data-dir");
  static final Fact<String> RECOVERY_LOG = Fact.text("recovery-log");
  private static final Pattern NEW_TIMELINE = Pattern.compile("selected new timeline ID: (\\d+)");

  private final Env env;
  private final HostActions hosts;
  private final DcsClient dcs;
  private final Map<String, Path> configFiles;
  private final DeploymentMark mark;
  private final String replica;

  private RollbackSteps(Env env, Map<String, Path> configFiles, DeploymentMark mark) {
    this.env = env;
    this.hosts = Objects.requireNonNull(env.hosts, "host actions");
    this.dcs = Objects.requireNonNull(env.dcs, "dcs");
    this.configFiles = configFiles;
    this.mark = mark;
    this.replica = mark.replica();
  }

  static Runbook runbook(Env env, Map<String, Path> configFiles, DeploymentMark mark) {
    RollbackSteps s = new RollbackSteps(env, configFiles, mark);
    StepPolicy minutes = StepPolicy.custom().verifyTimeout(Duration.ofMinutes(5)).build();
    Runbook.Builder b = Runbook.named("blue-green-rollback")
        .bind(DeploymentMark.REPLICA, ctx -> mark.replica())
        .bind(Keys.MEMBERS, ctx -> Env.addresses(env.client.cluster()))
        .bind(API_URLS, ctx -> s.apiUrls())
        .bind(OTHERS, ctx -> s.others())
        .step(s.markHeld())
        .step(s.unlessRolledBack(ClusterSteps.pause(env, true)))
        .step(s.unlessRolledBack(s.stop(mark.replica())), minutes)
        .step(s.unlessRolledBack(s.recover()), minutes)
        .step(s.unlessRolledBack(s.stopRecovered()), minutes)
        .forEach(OTHERS, m -> s.unlessRolledBack(s.stop(m)), minutes)
        .step(s.unlessRolledBack(s.resetDcs()))
        .step(s.unlessRolledBack(s.stripPause()));
    if (mark.mode() == FreezeOptions.Mode.MANAGED) {
      b.step(s.unlessRolledBack(BlueGreenSteps.localFreeze(env, configFiles, null)));
    }
    return b.step(s.startLeader(), minutes)
        .forEach(OTHERS, s::rebuild, StepPolicy.custom().verifyTimeout(Duration.ofMinutes(10)).build())
        .step(Awaits.allStreaming(env, "all-streaming"), minutes)
        .build();
  }

  // ------------------------------------------------------------------ steps

  /**
   * Refuses unless the frozen replica still holds the mark: a running replica on the mark's timeline, frozen (replay
   * paused, or an apply delay), that replayed no further than the mark's position and received at least up to it.
   */
  private Step markHeld() {
    return Steps.named("mark-held")
        .decide(ctx -> {
          Optional<String> done = rolledBack();
          if (done.isPresent()) {
            return Decision.satisfied(done.get());
          }
          ClusterView view = env.client.cluster();
          List<String> unknown = view.memberNames().stream().filter(m -> !configFiles.containsKey(m)).toList();
          if (!unknown.isEmpty()) {
            return Decision.blocked("no patroni.yml given for " + unknown + " (BlueGreen.of(catalogue, configFiles))");
          }
          Optional<Member> frozen = view.findMember(replica).filter(m -> !m.isLeader() && m.state().isRunning());
          if (frozen.isEmpty()) {
            return Decision.blocked(replica + " is not a running replica: the mark cannot be recovered from it");
          }
          Optional<Timeline> tl = Views.timeline(view);
          if (tl.isEmpty() || tl.get().id() != mark.timeline().id()) {
            return Decision.blocked("the cluster is on timeline " + Views.text(tl) + ", the mark on "
                + mark.timeline().id() + ": a failover happened since the mark");
          }
          return env.sql(view, replica, c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT"
                + " coalesce(pg_last_wal_receive_lsn(), '0/0')::text, pg_last_wal_replay_lsn()::text,"
                + " pg_is_wal_replay_paused(), (SELECT setting FROM pg_settings"
                + " WHERE name = 'recovery_min_apply_delay')::bigint")) {
              rs.next();
              Lsn received = Lsn.parse(rs.getString(1));
              Lsn replayed = Lsn.parse(rs.getString(2));
              boolean frozenNow = rs.getBoolean(3) || rs.getLong(4) > 0;
              Facts seen = Facts.of(BlueGreen.RECEIVED, received, BlueGreen.REPLAYED, replayed);
              if (replayed.compareTo(mark.lsn()) > 0) {
                return Decision.blocked("the mark is older than the WAL " + replica + " applied: it replayed up to "
                    + replayed + ", past the mark at " + mark.lsn() + " (committed or unfrozen already?)", seen);
              }
              if (!frozenNow) {
                return Decision.blocked(replica + " is not frozen (replay not paused, no apply delay): its replay"
                    + " may pass the mark at any moment", seen);
              }
              if (received.compareTo(mark.lsn()) < 0) {
                return Decision.blocked(replica + " received WAL up to " + received + " only, not the mark at "
                    + mark.lsn(), seen);
              }
              return Decision.satisfied(replica + " holds the mark: received " + received + ", replayed " + replayed
                  + ", mark " + mark.lsn() + " (transaction " + mark.xid() + ")", seen);
            }
          });
        })
        .build();
  }

  /** Stops the member's Patroni, then its PostgreSQL if it still runs (it does while the cluster is paused). */
  private Step stop(String member) {
    return Steps.named("stop[" + member + "]").impact(Impact.DISRUPTIVE)
        .decide(ctx -> {
          boolean patroni = patroniUp(ctx, member);
          boolean postgres = files(member).postgresRunning(hosts);
          return !patroni && !postgres ? Decision.satisfied("Patroni and PostgreSQL are stopped on " + member)
              : Decision.needsAction("stop " + (patroni ? "Patroni" + (postgres ? " and " : "") : "")
                  + (postgres ? "PostgreSQL" : "") + " on " + member);
        })
        .act((ctx, intent) -> {
          if (patroniUp(ctx, member)) {
            hosts.stopPatroni(member);
          }
          if (files(member).postgresRunning(hosts)) {
            hosts.stopPostgres(member);
          }
        })
        .verify((ctx, intent) -> !patroniUp(ctx, member) && !files(member).postgresRunning(hosts)
            ? Verification.done("Patroni and PostgreSQL are stopped on " + member)
            : Verification.pending("Patroni or PostgreSQL still runs on " + member))
        .build();
  }

  /**
   * The destructive step: recovery of the stopped replica to the mark's transaction. Its {@code postgresql.conf}
   * (Patroni's, which sets every {@code recovery_target*} to {@code ''}, so a {@code -c recovery_target_xid} on the
   * command line would make two targets) gets the target, {@code promote}, a {@code restore_command} (PostgreSQL 15
   * refuses archive recovery without one; the WAL in {@code pg_wal} is replayed), no apply delay, {@code hot_standby
   * off} and its log in a file of its own; {@code standby.signal} becomes {@code recovery.signal}; {@code pg_ctl
   * start}. Done when that log says "recovery stopping after commit of transaction" the mark's and the server left
   * recovery on a new timeline. Satisfied once the data directory is out of recovery on a newer timeline.
   */
  private Step recover() {
    return Steps.named("recover[" + replica + "]").impact(Impact.DESTRUCTIVE)
        .decide(ctx -> {
          MemberFiles f = files(replica);
          Map<String, String> control = f.controlData(hosts);
          if (recovered(control)) {
            return Decision.satisfied(replica + " was recovered to the mark already: " + describe(control));
          }
          return Decision.needsAction("recover " + replica + " to transaction " + mark.shortXid() + " (discards every"
              + " transaction after the mark), then promote it: " + describe(control),
              Facts.of(DATA_DIR, f.dataDir().toString(), RECOVERY_LOG, recoveryLog(f).toString()));
        })
        .act((ctx, intent) -> {
          MemberFiles f = files(replica);
          if (f.postgresRunning(hosts)) {
            hosts.stopPostgres(replica); // left running by an interrupted attempt: start over with the same target
          }
          Path conf = f.configDir().resolve("postgresql.conf");
          String text = hosts.readFile(replica, conf)
              .orElseThrow(() -> new RunbookException("no " + conf + " on " + replica));
          hosts.writeFile(replica, conf, withSettings(text, recoverySettings()).getBytes(StandardCharsets.UTF_8));
          Path standby = f.dataDir().resolve("standby.signal");
          Path recovery = f.dataDir().resolve("recovery.signal");
          if (hosts.readFile(replica, standby).isPresent()) {
            hosts.moveFile(replica, standby, recovery);
          } else if (hosts.readFile(replica, recovery).isEmpty()) {
            hosts.writeFile(replica, recovery, new byte[0]);
          }
          HostActions.CommandResult r = hosts.run(replica, List.of(f.tool("pg_ctl"), "start", "-W", "-D",
              f.configDir().toString(), "-l", recoveryLog(f).toString()));
          if (!r.succeeded()) {
            throw new RunbookException("pg_ctl start on " + replica + " failed (exit " + r.exitCode() + "): "
                + r.stderr().strip());
          }
        })
        .verify((ctx, intent) -> {
          MemberFiles f = files(replica);
          String log = hosts.readFile(replica, recoveryLog(f)).orElse("");
          String stopped = "recovery stopping after commit of transaction " + mark.shortXid();
          if (!log.contains(stopped)) {
            Optional<String> fatal = log.lines().filter(l -> l.contains("FATAL") || l.contains("PANIC")).reduce((a, c) -> c);
            return fatal.isPresent() && !f.postgresRunning(hosts)
                ? Verification.failed("the recovery of " + replica + " stopped: " + fatal.get())
                : Verification.pending("no '" + stopped + "' in " + recoveryLog(f) + " yet");
          }
          Map<String, String> control = f.controlData(hosts);
          Matcher m = NEW_TIMELINE.matcher(log);
          long newTimeline = 0;
          while (m.find()) {
            newTimeline = Long.parseLong(m.group(1));
          }
          if (!control.getOrDefault("Database cluster state", "").equals("in production")
              || newTimeline <= mark.timeline().id()) {
            return Verification.pending(replica + " found the mark; not promoted yet: " + describe(control));
          }
          return Verification.done(replica + " stopped recovery after transaction " + mark.shortXid()
              + " and was promoted to timeline " + newTimeline, Facts.of(Keys.NEW_TIMELINE, Timeline.of(newTimeline)));
        })
        .build();
  }

  /** Stops the recovered PostgreSQL (Patroni starts it again as the leader). */
  private Step stopRecovered() {
    return Steps.named("stop-recovered[" + replica + "]").impact(Impact.DISRUPTIVE)
        .decide(ctx -> files(replica).postgresRunning(hosts)
            ? Decision.needsAction("stop the recovered PostgreSQL on " + replica)
            : Decision.satisfied("PostgreSQL is stopped on " + replica))
        .act((ctx, intent) -> hosts.stopPostgres(replica))
        .verify((ctx, intent) -> {
          MemberFiles f = files(replica);
          Map<String, String> control = f.controlData(hosts);
          return !f.postgresRunning(hosts) && recovered(control)
              ? Verification.done("the recovered PostgreSQL on " + replica + " is stopped: " + describe(control))
              : Verification.pending("PostgreSQL on " + replica + ": " + describe(control));
        })
        .build();
  }

  /**
   * Removes the cluster's keys from the DCS (every Patroni is stopped, so none writes them back). The DCS guard's
   * confirmation is made from the system identifier the step decided on: the run's own token was checked against
   * the leader before the recovery, and that leader is stopped now.
   */
  private Step resetDcs() {
    return Steps.named("reset-dcs").impact(Impact.DISRUPTIVE)
        .decide(ctx -> {
          ClusterSnapshot s = dcs.snapshot(env.ref);
          return s.isEmpty() ? Decision.satisfied("the DCS holds no key of " + env.ref)
              : Decision.needsAction("remove every key of " + env.ref + " (Patroni is stopped on every member)",
                  Facts.of(Keys.SYSTEM_IDENTIFIER, s.systemIdentifier().orElse("")));
        })
        .act((ctx, intent) -> dcs.removeCluster(env.ref,
            Confirmation.forCluster(env.ref.scope(), intent.facts().get(Keys.SYSTEM_IDENTIFIER))))
        .verify((ctx, intent) -> dcs.snapshot(env.ref).isEmpty() ? Verification.done("no key of " + env.ref + " left")
            : Verification.pending("keys of " + env.ref + " remain"))
        .build();
  }

  /**
   * Removes {@code pause} from the recovered member's {@code patroni.dynamic.json}: with the DCS reset, a Patroni
   * started on it would stay in maintenance mode ("PAUSE: postgres is not running") with no configuration in the DCS
   * to resume.
   */
  private Step stripPause() {
    return Steps.named("strip-pause[" + replica + "]").impact(Impact.CHANGE)
        .decide(ctx -> {
          Path file = dynamicJson();
          return DynamicConfigFile.hasPause(hosts, replica, file)
              ? Decision.needsAction("remove pause from " + file + " on " + replica)
              : Decision.satisfied(file + " on " + replica + " has no pause");
        })
        .act((ctx, intent) -> DynamicConfigFile.stripPause(hosts, replica, dynamicJson()))
        .verify((ctx, intent) -> !DynamicConfigFile.hasPause(hosts, replica, dynamicJson())
            ? Verification.done(dynamicJson() + " on " + replica + " has no pause")
            : Verification.pending(dynamicJson() + " on " + replica + " still has pause"))
        .build();
  }

  /** Starts Patroni on the recovered member alone: it takes the leader lock with its data (another new timeline). */
  private Step startLeader() {
    return Steps.named("start-leader[" + replica + "]").impact(Impact.DISRUPTIVE)
        .decide(ctx -> rolledBack().<Decision>map(Decision::satisfied)
            .orElseGet(() -> Decision.needsAction("start Patroni on " + replica + " as the only member")))
        .act((ctx, intent) -> hosts.startPatroni(replica))
        .verify((ctx, intent) -> rolledBack().<Verification>map(d -> Verification.done(d,
                Facts.of(Keys.NEW_LEADER, replica)))
            .orElseGet(() -> Verification.pending(replica + " does not lead on a timeline after "
                + mark.timeline().id() + " yet")))
        .build();
  }

  /**
   * Wipes the member's data directory and starts its Patroni, which clones the recovered leader; satisfied when the
   * member streams from it. After an interruption, a member whose Patroni runs is not wiped again.
   */
  private Step rebuild(String member) {
    ClusterCondition streaming = Conditions.memberStreaming(member);
    return Steps.named("rebuild[" + member + "]").impact(Impact.DISRUPTIVE)
        .decide(ctx -> {
          ClusterObservation o = ctx.observe(false);
          if (rolledBack().isPresent() && streaming.test(o)) {
            return Decision.satisfied(member + " streams from the recovered leader " + replica);
          }
          if (rolledBack().isPresent() && patroniUp(ctx, member)) {
            // Rebuilt by an earlier run (the stop steps left every other member's Patroni down until then). A fresh
            // clone can drop out of streaming for a moment while the leader creates its slot: wait for it rather
            // than act a second time.
            ctx.await(streaming);
            return Decision.satisfied(member + " streams from the recovered leader " + replica
                + " (rebuilt by an earlier run)");
          }
          return Decision.needsAction("wipe " + member + "'s data directory and start its Patroni to clone "
              + replica, Facts.of(DATA_DIR, files(member).dataDir().toString()));
        })
        .act((ctx, intent) -> {
          if (!patroniUp(ctx, member)) {
            Path data = Path.of(intent.facts().get(DATA_DIR));
            hosts.wipeDataDirectory(member, data, Confirmation.of(new DataDirectory(member, data)));
            hosts.startPatroni(member);
          }
        })
        .afterInterruption((ctx, intent) -> patroniUp(ctx, member)
            ? Verification.done(member + "'s Patroni runs (started by the interrupted run)")
            : Verification.failed(member + "'s Patroni does not run"))
        .verifyUntil((ctx, intent) -> streaming)
        .build();
  }

  // ------------------------------------------------------------------ helpers

  /** Skips {@code step} once the rollback is complete, so a second run acts on nothing. */
  private Step unlessRolledBack(Step step) {
    return new GuardedStep(step.name(), step, ctx -> rolledBack());
  }

  /** Present (saying so) when the frozen replica leads as a running primary on a newer timeline than the mark's. */
  private Optional<String> rolledBack() {
    ClusterView view;
    try {
      view = env.client.cluster();
    } catch (PatroniException down) {
      return Optional.empty();
    }
    return view.findLeader()
        .filter(l -> l.name().equals(replica) && l.role().is(Role.Kind.PRIMARY) && l.state().isRunning())
        .flatMap(l -> l.findTimeline().or(() -> Views.timeline(view)))
        .filter(t -> t.id() > mark.timeline().id())
        .map(t -> "rolled back already: " + replica + " leads on timeline " + t.id() + ", after the mark's "
            + mark.timeline().id());
  }

  /** Out of recovery (promoted, running or shut down) on a newer timeline than the mark's. */
  private boolean recovered(Map<String, String> control) {
    String state = control.getOrDefault("Database cluster state", "");
    // a replica's data directory is "in archive recovery" or "shut down in recovery"; only the recovery makes it a
    // primary's, and the checkpoint of a clean shutdown carries the new timeline
    return state.equals("in production")
        || (state.equals("shut down") && MemberFiles.checkpointTimeline(control) > mark.timeline().id());
  }

  private static String describe(Map<String, String> control) {
    return "cluster state '" + control.getOrDefault("Database cluster state", "?") + "', checkpoint timeline "
        + control.getOrDefault("Latest checkpoint's TimeLineID", "?");
  }

  private Map<String, String> recoverySettings() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("recovery_target_xid", String.valueOf(mark.shortXid()));
    s.put("recovery_target_inclusive", "on");
    s.put("recovery_target_action", "promote");
    s.put("restore_command", "/bin/false");
    s.put("recovery_min_apply_delay", "0"); // honoured in archive recovery too: a managed freeze's delay must go
    s.put("hot_standby", "off");
    s.put("logging_collector", "off"); // so the recovery's messages reach the log file pg_ctl is given
    return s;
  }

  /** {@code conf} with every line setting one of {@code settings} dropped and the settings appended. */
  static String withSettings(String conf, Map<String, String> settings) {
    List<String> out = new ArrayList<>();
    for (String line : conf.split("\n", -1)) {
      String key = line.strip().split("[\\s=]", 2)[0];
      if (!settings.containsKey(key)) {
        out.add(line);
      }
    }
    while (!out.isEmpty() && out.get(out.size() - 1).isBlank()) {
      out.remove(out.size() - 1);
    }
    out.add("# patroni4j blue-green rollback");
    settings.forEach((k, v) -> out.add(k + " = '" + v.replace("'", "''") + "'"));
    return String.join("\n", out) + "\n";
  }

  private Path recoveryLog(MemberFiles f) {
    return f.dataDir().resolveSibling(f.dataDir().getFileName() + "-rollback.log");
  }

  private Path dynamicJson() {
    return files(replica).dataDir().resolve(DynamicConfigFile.NAME);
  }

  private MemberFiles files(String member) {
    Path file = configFiles.get(member);
    if (file == null) {
      throw new RunbookException("no patroni.yml given for " + member + " (BlueGreen.of(catalogue, configFiles))");
    }
    return MemberFiles.read(hosts, member, file);
  }

  /** Whether the member's Patroni answers at the REST address it had when the plan was made. */
  private boolean patroniUp(StepContext ctx, String member) {
    return env.patroniAnswersAt(ctx.binding(API_URLS).get(member));
  }

  private Map<String, String> apiUrls() {
    Map<String, String> out = new LinkedHashMap<>();
    env.client.cluster().members().forEach(m -> out.put(m.name(), Objects.requireNonNullElse(m.apiUrl(), "")));
    return out;
  }

  private List<String> others() {
    ClusterView view = env.client.cluster();
    List<String> out = new ArrayList<>();
    view.members().stream().filter(m -> !m.isLeader() && !m.name().equals(replica)).forEach(m -> out.add(m.name()));
    view.members().stream().filter(m -> m.isLeader() && !m.name().equals(replica)).forEach(m -> out.add(m.name()));
    return out;
  }
}
