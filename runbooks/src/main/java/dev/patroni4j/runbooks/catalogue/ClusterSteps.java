package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.client.model.ScheduledSwitchover;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Impact;
import dev.patroni4j.runbooks.RunbookEvent;
import dev.patroni4j.runbooks.RunbookException;
import dev.patroni4j.runbooks.Step;
import dev.patroni4j.runbooks.StepRefusedException;
import dev.patroni4j.runbooks.Steps;
import dev.patroni4j.runbooks.Verification;
import dev.patroni4j.runbooks.internal.ActionReply;
import dev.patroni4j.runbooks.internal.Observed;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Cluster-wide steps: guards, CHECKPOINT, failover, scheduled switchover, pause/resume, config patch. */
final class ClusterSteps {
  private ClusterSteps() {}

  /** Passes when the switchover goal already holds or the bound candidate qualifies; blocked with the reason else. */
  static Step candidateQualifies(Env env) {
    return Steps.named("candidate")
        .decide(ctx -> {
          String from = ctx.binding("from");
          ClusterView view = env.ops.cluster();
          Optional<String> leader = Observed.leaderName(view);
          if (leader.isPresent() && !leader.get().equals(from)) {
            return Decision.satisfied("no switchover needed: leader is " + leader.get());
          }
          List<String> to = ctx.bindingValues("to");
          Candidates.Selection sel = Candidates.choose(view, env.ops.config(), from, to.isEmpty() ? null : to.get(0),
              env.streamingFromLeader(view));
          return sel.candidate() != null ? Decision.satisfied(sel.reason(), Map.of("candidate", sel.candidate()))
              : Decision.blocked(sel.reason(), sel.rejected());
        })
        .build();
  }

  /** Waits until the bound candidate lags at most {@code maxLag} bytes (skipped once the switchover happened). */
  static Step lagBelow(Env env, long maxLag) {
    return Steps.await("lag-below", ctx -> {
      ClusterView view = env.ops.cluster();
      if (!Observed.leaderName(view).map(ctx.binding("from")::equals).orElse(true)) {
        return Verification.done("no switchover needed");
      }
      String to = ctx.binding("to");
      long lag = view.members().stream().filter(m -> m.name().equals(to)).findFirst()
          .map(m -> m.lag().knownBytes().orElse(Long.MAX_VALUE)).orElse(Long.MAX_VALUE);
      return lag <= maxLag ? Verification.done(to + " lags " + lag + " bytes <= " + maxLag)
          : Verification.pending(to + " lags " + (lag == Long.MAX_VALUE ? "unknown" : lag + " bytes") + " > " + maxLag);
    });
  }

  /** CHECKPOINT on the leader, so that its shutdown during the switchover is short. */
  static Step checkpoint(Env env) {
    return Steps.named("checkpoint").impact(Impact.CHANGE)
        .decide(ctx -> {
          String from = ctx.binding("from");
          ClusterView view = env.ops.cluster();
          return Observed.leaderName(view).map(from::equals).orElse(false)
              ? Decision.needsAction("CHECKPOINT on " + from + " before switching over", Map.of("leader", from))
              : Decision.satisfied("no switchover needed");
        })
        .act((ctx, intent) -> env.sql(env.ops.cluster(), intent.facts().get("leader"), c -> {
          try (Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
          }
          return null;
        }))
        .build();
  }

  /** Promotes the bound candidate when the cluster has no leader. */
  static Step failover(Env env) {
    return Steps.named("failover").impact(Impact.DISRUPTIVE)
        .decide(ctx -> {
          ClusterView view = env.ops.cluster();
          Optional<String> leader = Observed.leaderName(view);
          List<String> to = ctx.bindingValues("to");
          if (leader.isPresent()) {
            return to.contains(leader.get()) ? Decision.satisfied("leader is " + leader.get())
                : Decision.blocked("the cluster has a leader (" + leader.get()
                    + "); use the planned switchover runbook");
          }
          if (to.isEmpty()) {
            return Decision.blocked("no member can be promoted: " + ctx.bindingValues("to-reason").get(0));
          }
          return Decision.needsAction("no leader; promote " + to.get(0),
              Map.of("candidate", to.get(0), "timeline", "" + Observed.timeline(view)));
        })
        .act((ctx, intent) -> {
          String to = intent.facts().get("candidate");
          ActionReply r = env.ops.failover(to, () -> ctx.publish(
              new RunbookEvent.SwitchoverInitiated(ctx.runId(), ctx.now(), ctx.stepId(), "-", to)));
          if (r.kind() == ActionReply.Kind.REFUSED) {
            throw new StepRefusedException("Patroni refused the failover: " + r, Map.of("http", "" + r.status()));
          }
          if (r.kind() == ActionReply.Kind.FAILED || r.kind() == ActionReply.Kind.SCHEDULED) {
            throw new RunbookException("failover did not happen: " + r);
          }
        })
        .verify((ctx, intent) -> {
          ClusterView view = env.ops.cluster();
          Optional<String> leader = Observed.leaderName(view);
          if (leader.isPresent() && view.findLeader().map(m -> Observed.isUp(m.state())).orElse(false)) {
            ctx.publish(new RunbookEvent.SwitchoverFinalized(ctx.runId(), ctx.now(), ctx.stepId(), leader.get(),
                Observed.timeline(view), leader.get().equals(intent.facts().get("candidate")) ? "failed over"
                    : "failed over to another member"));
            return Verification.done("leader is " + leader.get(), Map.of("newLeader", leader.get()));
          }
          return Verification.pending("no running leader yet");
        })
        .afterInterruption((ctx, intent) -> Observed.leaderName(env.ops.cluster()).isPresent()
            ? Verification.done("a leader exists") : Verification.failed("still no leader", Map.of()))
        .build();
  }

  static Step scheduleSwitchover(Env env, OffsetDateTime at) {
    return Steps.named("schedule-switchover").impact(Impact.CHANGE)
        .decide(ctx -> {
          ScheduledSwitchover s = env.ops.cluster().scheduledSwitchover();
          String to = ctx.bindingValues("to").isEmpty() ? null : ctx.binding("to");
          if (s != null && s.at().toInstant().equals(at.toInstant()) && Objects.equals(s.toMember(), to)) {
            return Decision.satisfied("switchover already scheduled at " + s.at());
          }
          if (s != null) {
            return Decision.blocked("another switchover is scheduled at " + s.at() + "; cancel it first");
          }
          return Decision.needsAction("schedule a switchover from " + ctx.binding("from") + " at " + at,
              Map.of("at", at.toString()));
        })
        .act((ctx, intent) -> {
          String to = ctx.bindingValues("to").isEmpty() ? null : ctx.binding("to");
          ActionReply r = env.ops.switchover(ctx.binding("from"), to, at, () -> { });
          if (r.kind() != ActionReply.Kind.SCHEDULED && r.kind() != ActionReply.Kind.UNKNOWN) {
            throw new StepRefusedException("Patroni did not schedule the switchover: " + r, Map.of());
          }
        })
        .verify((ctx, intent) -> env.ops.cluster().scheduledSwitchover() != null
            ? Verification.done("switchover scheduled") : Verification.pending("no scheduled switchover yet"))
        .build();
  }

  static Step cancelScheduledSwitchover(Env env) {
    return Steps.named("cancel-switchover").impact(Impact.CHANGE)
        .decide(ctx -> env.ops.cluster().scheduledSwitchover() == null
            ? Decision.satisfied("no switchover is scheduled")
            : Decision.needsAction("cancel the scheduled switchover", Map.of()))
        .act((ctx, intent) -> {
          ActionReply r = env.ops.cancelScheduledSwitchover();
          if (r.kind() == ActionReply.Kind.REFUSED && r.status() != 404) {
            throw new StepRefusedException("Patroni refused to cancel: " + r, Map.of());
          }
        })
        .verify((ctx, intent) -> env.ops.cluster().scheduledSwitchover() == null
            ? Verification.done("no switchover is scheduled") : Verification.pending("switchover still scheduled"))
        .build();
  }

  /** Pauses or resumes; done only when every member reports it. */
  static Step pause(Env env, boolean pause) {
    String word = pause ? "paused" : "resumed";
    return Steps.named(pause ? "pause" : "resume").impact(Impact.CHANGE)
        .decide(ctx -> {
          List<String> lagging = membersNotReporting(env, pause);
          boolean config = env.ops.config().paused();
          return config == pause && lagging.isEmpty()
              ? Decision.satisfied("cluster and every member report " + word)
              : Decision.needsAction("set pause=" + pause, Map.of("notYet", String.join(",", lagging)));
        })
        .act((ctx, intent) -> {
          ActionReply r = env.ops.patchConfig(Map.of("pause", pause));
          if (r.kind() == ActionReply.Kind.REFUSED || r.kind() == ActionReply.Kind.FAILED) {
            throw new StepRefusedException("Patroni refused PATCH /config: " + r, Map.of());
          }
        })
        .verify((ctx, intent) -> {
          List<String> lagging = membersNotReporting(env, pause);
          return lagging.isEmpty() ? Verification.done("every member reports " + word)
              : Verification.pending("not yet " + word + ": " + lagging);
        })
        .build();
  }

  private static List<String> membersNotReporting(Env env, boolean pause) {
    List<String> out = new ArrayList<>();
    for (var m : env.ops.cluster().members()) {
      MemberStatus s = env.ops.status(m.name());
      if (s.paused() != pause) {
        out.add(m.name());
      }
    }
    return out;
  }

  /**
   * Changes the dynamic configuration, with a version check: the run applies only to the configuration version it was
   * planned on (binding {@code config-version}); if someone changed the configuration since, the step is blocked
   * instead of overwriting their change. With a DCS client the write itself is a compare-and-set on that version;
   * without one it is {@code PATCH /config} (Patroni answers 409 on a race). Satisfied when the configuration already
   * contains the change.
   */
  static Step patchConfig(Env env, Map<String, Object> patch) {
    return Steps.named("patch-config").impact(Impact.CHANGE)
        .decide(ctx -> {
          ConfigVersions.Versioned current = ConfigVersions.read(env);
          List<String> differ = ConfigDiff.differences(current.config(), patch);
          if (differ.isEmpty()) {
            return Decision.satisfied("configuration already has " + String.join(", ", ConfigDiff.paths(patch)));
          }
          String planned = ctx.binding("config-version");
          if (!planned.equals(current.version())) {
            return Decision.blocked("the configuration changed since the plan was made (version " + planned + " -> "
                + current.version() + "); plan again", Map.of("planned", planned, "current", current.version()));
          }
          return Decision.needsAction("change " + String.join(", ", differ),
              Map.of("keys", String.join(",", differ), "version", current.version()));
        })
        .act((ctx, intent) -> {
          if (env.dcs != null) {
            ConfigVersions.casWrite(env, patch, intent.facts().get("version"));
            return;
          }
          ActionReply r = env.ops.patchConfig(patch);
          if (r.status() == 409) {
            throw new StepRefusedException("configuration changed concurrently (409); plan again", Map.of("http", "409"));
          }
          if (r.kind() == ActionReply.Kind.REFUSED || r.kind() == ActionReply.Kind.FAILED) {
            throw new StepRefusedException("Patroni refused PATCH /config: " + r, Map.of("http", "" + r.status()));
          }
        })
        .verify((ctx, intent) -> {
          DynamicConfig c = env.ops.config();
          List<String> differ = ConfigDiff.differences(c, patch);
          return differ.isEmpty() ? Verification.done("configuration stored")
              : Verification.pending("still differs: " + differ);
        })
        .build();
  }
}
