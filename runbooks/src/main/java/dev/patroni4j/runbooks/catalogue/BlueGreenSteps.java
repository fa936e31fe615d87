package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.ClusterObservation;
import dev.patroni4j.client.PatroniException;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.client.model.Timeline;
import dev.patroni4j.config.ConfigDocument;
import dev.patroni4j.config.PatroniConfig;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.Impact;
import dev.patroni4j.runbooks.Step;
import dev.patroni4j.runbooks.StepRefusedException;
import dev.patroni4j.runbooks.Steps;
import dev.patroni4j.runbooks.Verification;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The steps of {@link BlueGreen#freeze} and {@link BlueGreen#commit} (and the managed freeze's undo in {@link
 * BlueGreen#rollback}), on the replica the binding {@link DeploymentMark#REPLICA} names.
 */
final class BlueGreenSteps {
  /** The freeze's tag, written, removed and checked by {@link DrainSteps}: one code path for local tags. */
  private static final Set<DrainOptions.Tag> NOFAILOVER = EnumSet.of(DrainOptions.Tag.NOFAILOVER);
  private static final String APPLY_DELAY = "postgresql.recovery_conf.recovery_min_apply_delay";

  private BlueGreenSteps() {}

  /** {@code pg_wal_replay_pause()} (or resume) on the replica; satisfied when replay is so already. */
  static Step pauseReplay(Env env, boolean pause) {
    String wanted = pause ? "paused" : "not paused";
    return Steps.named(pause ? "pause-replay" : "resume-replay").impact(Impact.CHANGE)
        .decide(ctx -> {
          String replica = ctx.binding(DeploymentMark.REPLICA);
          return replayPaused(env, replica) == pause
              ? Decision.satisfied(replica + "'s WAL replay is " + wanted + " already")
              : Decision.needsAction((pause ? "pg_wal_replay_pause()" : "pg_wal_replay_resume()") + " on " + replica);
        })
        .act((ctx, intent) -> env.sqlRun(env.client.cluster(), ctx.binding(DeploymentMark.REPLICA),
            c -> BlueGreen.one(c, pause ? "SELECT pg_wal_replay_pause()::text" : "SELECT pg_wal_replay_resume()::text")))
        .verify((ctx, intent) -> {
          String replica = ctx.binding(DeploymentMark.REPLICA);
          return replayPaused(env, replica) == pause ? Verification.done(replica + "'s WAL replay is " + wanted,
              Facts.of(BlueGreen.REPLAY_PAUSED, pause)) : Verification.pending(replica + "'s WAL replay is not "
              + wanted + " yet");
        })
        .build();
  }

  /**
   * The managed freeze in the replica's {@code patroni.yml}: {@code tags.nofailover: true} and {@code
   * postgresql.recovery_conf.recovery_min_apply_delay} ({@code delay}), or both removed ({@code delay} null, leaving
   * no empty {@code tags} or {@code recovery_conf} behind); edited with {@link ConfigDocument}, so the rest of the
   * file stays as written, the tag by {@link DrainSteps#edit}, as a drain writes it.
   */
  static Step localFreeze(Env env, Map<String, Path> configFiles, @Nullable Duration delay) {
    String wanted = delay == null ? "no freeze" : "nofailover and recovery_min_apply_delay " + delay.toSeconds() + "s";
    return Steps.named(delay == null ? "unfreeze-config" : "freeze-config").impact(Impact.CHANGE)
        .decide(ctx -> {
          String replica = ctx.binding(DeploymentMark.REPLICA);
          Path file = configFile(configFiles, replica);
          ConfigDocument doc = read(env, replica, file);
          return frozenAs(doc.config(), delay)
              ? Decision.satisfied(file + " on " + replica + " has " + wanted + " already")
              : Decision.needsAction("write " + wanted + " into " + file + " on " + replica);
        })
        .act((ctx, intent) -> {
          String replica = ctx.binding(DeploymentMark.REPLICA);
          Path file = configFile(configFiles, replica);
          ConfigDocument edited = edit(read(env, replica, file), delay);
          Objects.requireNonNull(env.hosts, "host actions").writeFile(replica, file,
              edited.text().getBytes(StandardCharsets.UTF_8));
        })
        .verify((ctx, intent) -> {
          String replica = ctx.binding(DeploymentMark.REPLICA);
          Path file = configFile(configFiles, replica);
          return frozenAs(read(env, replica, file).config(), delay)
              ? Verification.done(file + " on " + replica + " has " + wanted)
              : Verification.pending(file + " on " + replica + " does not have " + wanted + " yet");
        })
        .build();
  }

  /**
   * Reloads the replica's Patroni until it reports the tag as the local freeze wants and PostgreSQL runs with the
   * delay ({@code delay} null: neither).
   */
  static Step reloadFreeze(Env env, @Nullable Duration delay) {
    return Steps.named(delay == null ? "reload-unfrozen" : "reload-frozen").impact(Impact.CHANGE)
        .decide(ctx -> {
          String replica = ctx.binding(DeploymentMark.REPLICA);
          Optional<String> wrong = reloadedWrongly(env, replica, delay);
          return wrong.isEmpty() ? Decision.satisfied(replica + " runs " + describe(delay) + " already")
              : Decision.needsAction("reload " + replica + ": " + wrong.get());
        })
        .act((ctx, intent) -> Env.refuseUnlessDone(env.client.member(ctx.binding(DeploymentMark.REPLICA)).reload(),
            "POST /reload"))
        .verify((ctx, intent) -> {
          String replica = ctx.binding(DeploymentMark.REPLICA);
          Optional<String> wrong = reloadedWrongly(env, replica, delay);
          return wrong.isEmpty() ? Verification.done(replica + " runs " + describe(delay))
              : Verification.pending(replica + ": " + wrong.get());
        })
        .build();
  }

  /**
   * The mark on the running leader: {@code txid_current()} (assigns and commits a transaction id), then, in a
   * transaction of its own, {@code pg_current_wal_lsn()}, so that the position is after the mark's commit record.
   * Waits (within the step's deadline) until the frozen replica has received that WAL, so a rollback finds the mark.
   */
  static Step mark(Env env, FreezeOptions.Mode mode) {
    return Steps.named(BlueGreen.MARK_STEP).impact(Impact.CHANGE)
        .decide(ctx -> Decision.needsAction("record txid_current() and pg_current_wal_lsn() on the leader",
            Facts.of(DeploymentMark.REPLICA, ctx.binding(DeploymentMark.REPLICA), DeploymentMark.MODE, mode)))
        .act((ctx, intent) -> {
          String replica = ctx.binding(DeploymentMark.REPLICA);
          ClusterView view = env.client.cluster();
          Member leader = view.findLeader().filter(l -> l.role().is(Role.Kind.PRIMARY) && l.state().isRunning())
              .orElseThrow(() -> new StepRefusedException("the cluster has no running primary to record the mark on"));
          Timeline timeline = leader.findTimeline().or(() -> Views.timeline(view))
              .orElseThrow(() -> new StepRefusedException("the leader " + leader.name() + " reports no timeline"));
          long xid = Long.parseLong(env.sql(view, leader.name(), c -> BlueGreen.one(c, "SELECT txid_current()::text")));
          Lsn lsn = env.sql(view, leader.name(), c -> Lsn.parse(BlueGreen.one(c, "SELECT pg_current_wal_lsn()::text")));
          ctx.note(DeploymentMark.XID, xid);
          ctx.note(DeploymentMark.LEADER, leader.name());
          ctx.note(DeploymentMark.LSN, lsn);
          ctx.note(DeploymentMark.TIMELINE, timeline);
          while (received(env, replica).compareTo(lsn) < 0) {
            if (ctx.remaining().isZero()) {
              throw new PatroniException(replica + " has not received the mark's WAL up to " + lsn + " in time");
            }
            ctx.sleeper().sleep(Duration.ofMillis(200));
          }
        })
        .build();
  }

  /**
   * The freeze holds: replay paused and the cluster paused ({@link FreezeOptions.Mode#PAUSE_CLUSTER}), or {@code
   * nofailover} shown in {@code /cluster} and the delay in effect ({@link FreezeOptions.Mode#MANAGED}); reports the
   * replay lag in bytes and seconds and whether replay is paused.
   */
  static Step frozen(BlueGreen blueGreen, FreezeOptions options) {
    Env env = blueGreen.env();
    return Steps.await("frozen", ctx -> {
      String replica = ctx.binding(DeploymentMark.REPLICA);
      FreezeProgress p = blueGreen.progress(replica);
      Facts facts = progressFacts(p);
      if (options.mode() == FreezeOptions.Mode.PAUSE_CLUSTER) {
        if (!env.client.config().paused()) {
          return Verification.pending("the cluster is not paused: Patroni would resume " + replica + "'s replay", facts);
        }
        if (!p.replayPaused()) {
          return Verification.pending(replica + "'s replay is not paused", facts);
        }
      } else {
        if (!env.client.cluster().member(replica).tags().noFailover()) {
          return Verification.pending("/cluster does not show " + replica + " tagged nofailover", facts);
        }
        if (!p.applyDelay().equals(options.applyDelay())) {
          return Verification.pending(replica + " applies with a delay of " + p.applyDelay() + ", not "
              + options.applyDelay(), facts);
        }
      }
      return Verification.done("frozen " + p.describe(), facts);
    });
  }

  /**
   * The replica has replayed up to the leader's WAL position when the commit was planned (binding {@link
   * BlueGreen#COMMIT_LSN}) and is a failover candidate again: streaming on the leader's timeline, not tagged
   * {@code nofailover}, replay not paused, the cluster not paused.
   */
  static Step caughtUp(BlueGreen blueGreen, String replica) {
    Env env = blueGreen.env();
    return Steps.await("caught-up", ctx -> {
      Lsn target = ctx.binding(BlueGreen.COMMIT_LSN);
      FreezeProgress p = blueGreen.progress(replica);
      Facts facts = progressFacts(p);
      if (p.replayed().compareTo(target) < 0) {
        return Verification.pending(replica + " replayed up to " + p.replayed() + ", not yet past " + target, facts);
      }
      ClusterObservation o = ctx.observe(false);
      if (!Conditions.memberStreaming(replica).test(o)) {
        return Verification.pending(Conditions.memberStreaming(replica).whyNot(o), facts);
      }
      if (o.view().member(replica).tags().noFailover()) {
        return Verification.pending(replica + " is still tagged nofailover", facts);
      }
      if (p.replayPaused() || env.client.config().paused()) {
        return Verification.pending("replay or the cluster is still paused", facts);
      }
      return Verification.done(replica + " replayed past " + target + " and is a failover candidate again ("
          + p.describe() + ")", facts);
    });
  }

  static Facts progressFacts(FreezeProgress p) {
    Facts f = Facts.of(BlueGreen.RECEIVED, p.received(), BlueGreen.REPLAYED, p.replayed(),
        BlueGreen.REPLAY_LAG_BYTES, p.replayLagBytes()).with(BlueGreen.REPLAY_PAUSED, p.replayPaused());
    return p.findReplayLag().map(d -> f.with(BlueGreen.REPLAY_LAG_SECONDS, d.toSeconds())).orElse(f);
  }

  // ------------------------------------------------------------------ helpers

  private static boolean replayPaused(Env env, String replica) throws SQLException {
    return "t".equals(env.sql(env.client.cluster(), replica, c -> BlueGreen.one(c, "SELECT pg_is_wal_replay_paused()")));
  }

  private static Lsn received(Env env, String replica) throws SQLException {
    String text = env.sql(env.client.cluster(), replica, c -> BlueGreen.one(c,
        "SELECT coalesce(pg_last_wal_receive_lsn(), '0/0')::text"));
    return Lsn.parse(text);
  }

  private static Optional<String> reloadedWrongly(Env env, String replica, @Nullable Duration delay)
      throws SQLException {
    // as /cluster shows it (failover_priority <= 0 counts too), the way the frozen and caught-up checks read it
    boolean tagged = env.status(replica).tags().noFailover();
    if (tagged != (delay != null)) {
      return Optional.of("Patroni reports nofailover " + (tagged ? "set" : "unset"));
    }
    long ms = Long.parseLong(env.sql(env.client.cluster(), replica, c -> BlueGreen.one(c,
        "SELECT setting FROM pg_settings WHERE name = 'recovery_min_apply_delay'")));
    long wanted = delay == null ? 0 : delay.toMillis();
    return ms == wanted ? Optional.empty()
        : Optional.of("PostgreSQL runs with recovery_min_apply_delay " + ms + " ms, not " + wanted + " ms");
  }

  private static String describe(@Nullable Duration delay) {
    return delay == null ? "without nofailover or an apply delay"
        : "with nofailover and recovery_min_apply_delay " + delay.toSeconds() + "s";
  }

  private static boolean frozenAs(PatroniConfig config, @Nullable Duration delay) {
    boolean tagged = DrainSteps.mismatches(DrainSteps.localTags(config), NOFAILOVER, true).isEmpty();
    Optional<String> applied = config.get(APPLY_DELAY).map(String::valueOf);
    return delay == null ? !tagged && applied.isEmpty()
        : tagged && applied.filter((delay.toSeconds() + "s")::equals).isPresent();
  }

  static ConfigDocument edit(ConfigDocument doc, @Nullable Duration delay) {
    if (delay != null) {
      return DrainSteps.edit(doc, NOFAILOVER, true).set(APPLY_DELAY, delay.toSeconds() + "s");
    }
    ConfigDocument out = DrainSteps.edit(doc, NOFAILOVER, false).remove(APPLY_DELAY);
    Optional<Object> left = out.config().get("postgresql.recovery_conf");
    // removing a mapping's last entry leaves the key without a value, which reads as absent
    if (left.isEmpty() || (left.get() instanceof Map<?, ?> m && m.isEmpty())) {
      out = out.remove("postgresql.recovery_conf");
    }
    return out;
  }

  private static ConfigDocument read(Env env, String member, Path file) {
    return Objects.requireNonNull(env.hosts, "host actions").readFile(member, file).map(ConfigDocument::parse)
        .orElseThrow(() -> new StepRefusedException("cannot read " + file + " on " + member));
  }

  private static Path configFile(Map<String, Path> configFiles, String member) {
    Path p = configFiles.get(member);
    if (p == null) {
      throw new StepRefusedException("no patroni.yml given for " + member + " (BlueGreen.of(catalogue, configFiles))");
    }
    return p;
  }
}
