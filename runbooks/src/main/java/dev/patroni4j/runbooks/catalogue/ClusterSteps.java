package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.ConfigPatch;
import dev.patroni4j.client.FailoverRequest;
import dev.patroni4j.client.Outcome;
import dev.patroni4j.client.RequestListener;
import dev.patroni4j.client.SwitchoverRequest;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.client.model.ScheduledSwitchover;
import dev.patroni4j.client.model.Timeline;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.Impact;
import dev.patroni4j.runbooks.RunbookEvent;
import dev.patroni4j.runbooks.RunbookException;
import dev.patroni4j.runbooks.Step;
import dev.patroni4j.runbooks.StepRefusedException;
import dev.patroni4j.runbooks.Steps;
import dev.patroni4j.runbooks.Verification;
import java.net.URI;
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
          String from = ctx.binding(Keys.FROM);
          ClusterView view = env.client.cluster();
          Optional<String> leader = Views.leaderName(view);
          if (leader.isPresent() && !leader.get().equals(from)) {
            return Decision.satisfied("no switchover needed: leader is " + leader.get());
          }
          Candidates.Selection sel = Candidates.choose(view, env.client.config(), from,
              ctx.findBinding(Keys.TO).orElse(null), env.streamingFromLeader(view));
          return sel.candidate() != null ? Decision.satisfied(sel.reason(), Facts.of(Keys.CANDIDATE, sel.candidate()))
              : Decision.blocked(sel.reason(), sel.evidence());
        })
        .build();
  }

  /** Waits until the bound candidate lags at most {@code maxLag} bytes (skipped once the switchover happened). */
  static Step lagBelow(Env env, long maxLag) {
    return Steps.await("lag-below", ctx -> {
      ClusterView view = env.client.cluster();
      if (!Views.leaderName(view).map(ctx.binding(Keys.FROM)::equals).orElse(true)) {
        return Verification.done("no switchover needed");
      }
      String to = ctx.binding(Keys.TO);
      long lag = view.findMember(to).map(m -> m.lag().knownBytes().orElse(Long.MAX_VALUE)).orElse(Long.MAX_VALUE);
      return lag <= maxLag ? Verification.done(to + " lags " + lag + " bytes <= " + maxLag)
          : Verification.pending(to + " lags " + (lag == Long.MAX_VALUE ? "unknown" : lag + " bytes") + " > " + maxLag);
    });
  }

  /** CHECKPOINT on the leader, so that its shutdown during the switchover is short. */
  static Step checkpoint(Env env) {
    return Steps.named("checkpoint").impact(Impact.CHANGE)
        .decide(ctx -> {
          String from = ctx.binding(Keys.FROM);
          ClusterView view = env.client.cluster();
          return Views.leaderName(view).map(from::equals).orElse(false)
              ? Decision.needsAction("CHECKPOINT on " + from + " before switching over", Facts.of(Keys.LEADER, from))
              : Decision.satisfied("no switchover needed");
        })
        .act((ctx, intent) -> env.sqlRun(env.client.cluster(), intent.facts().get(Keys.LEADER), c -> {
          try (Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
          }
        }))
        .build();
  }

  /** Promotes the bound candidate when the cluster has no leader. */
  static Step failover(Env env) {
    return Steps.named("failover").impact(Impact.DISRUPTIVE)
        .decide(ctx -> {
          ClusterView view = env.client.cluster();
          Optional<String> leader = Views.leaderName(view);
          Optional<String> to = ctx.findBinding(Keys.TO);
          if (leader.isPresent()) {
            return to.equals(leader) ? Decision.satisfied("leader is " + leader.get())
                : Decision.blocked("the cluster has a leader (" + leader.get()
                    + "); use the planned switchover runbook");
          }
          if (to.isEmpty()) {
            return Decision.blocked("no member can be promoted: " + ctx.binding(Keys.TO_REASON));
          }
          Facts facts = Facts.of(Keys.CANDIDATE, to.get());
          Optional<Timeline> tl = Views.timeline(view);
          return Decision.needsAction("no leader; promote " + to.get(),
              tl.isPresent() ? facts.with(Keys.TIMELINE, tl.get()) : facts);
        })
        .act((ctx, intent) -> {
          String to = intent.facts().get(Keys.CANDIDATE);
          RequestListener sent = new RequestListener() {
            @Override
            public void requestSent(String method, URI target, String endpointKind) {
              ctx.publish(new RunbookEvent.SwitchoverInitiated(ctx.runId(), ctx.now(), ctx.stepId(), "-", to));
            }
          };
          Outcome o = env.client.failover(FailoverRequest.to(to), sent);
          ctx.note(Keys.OUTCOME, o.kind());
          o.member().ifPresent(m -> ctx.note(Keys.ACTUAL_MEMBER, m));
          if (o.kind() == Outcome.Kind.REFUSED) {
            throw new StepRefusedException("Patroni refused the failover: " + Env.describe(o), Env.evidence(o));
          }
          if (o.kind() == Outcome.Kind.FAILED || o.kind() == Outcome.Kind.SCHEDULED) {
            throw new RunbookException("failover did not happen: " + Env.describe(o));
          }
        })
        .verifyUntil((ctx, intent) -> Conditions.runningLeader())
        .onReached((ctx, intent, o) -> {
          String name = o.view().leader().name();
          Optional<Timeline> tl = Views.timeline(o.view());
          tl.ifPresent(t -> ctx.publish(new RunbookEvent.SwitchoverFinalized(ctx.runId(), ctx.now(), ctx.stepId(),
              name, t, name.equals(intent.facts().get(Keys.CANDIDATE)) ? "failed over"
                  : "failed over to another member")));
          return Verification.done("leader is " + name, Facts.of(Keys.NEW_LEADER, name));
        })
        .afterInterruption((ctx, intent) -> env.client.cluster().findLeader().isPresent()
            ? Verification.done("a leader exists") : Verification.failed("still no leader"))
        .build();
  }

  static Step scheduleSwitchover(Env env, OffsetDateTime at) {
    return Steps.named("schedule-switchover").impact(Impact.CHANGE)
        .decide(ctx -> {
          ScheduledSwitchover s = env.client.cluster().scheduledSwitchover();
          String to = ctx.findBinding(Keys.TO).orElse(null);
          if (s != null && s.at().toInstant().equals(at.toInstant()) && Objects.equals(s.toMember(), to)) {
            return Decision.satisfied("switchover already scheduled at " + s.at());
          }
          if (s != null) {
            return Decision.blocked("another switchover is scheduled at " + s.at() + "; cancel it first");
          }
          return Decision.needsAction("schedule a switchover from " + ctx.binding(Keys.FROM) + " at " + at,
              Facts.of(Keys.AT, at.toString()));
        })
        .act((ctx, intent) -> {
          SwitchoverRequest request = SwitchoverRequest.from(ctx.binding(Keys.FROM)).at(at);
          Optional<String> to = ctx.findBinding(Keys.TO);
          Outcome o = env.client.switchover(to.isPresent() ? request.to(to.get()) : request);
          if (o.kind() != Outcome.Kind.SCHEDULED && o.kind() != Outcome.Kind.UNKNOWN) {
            throw new StepRefusedException("Patroni did not schedule the switchover: " + Env.describe(o),
                Env.evidence(o));
          }
        })
        .verifyUntil((ctx, intent) -> Conditions.switchoverScheduledAt(at.toInstant()))
        .onReached((ctx, intent, o) -> Verification.done("switchover scheduled"))
        .build();
  }

  static Step cancelScheduledSwitchover(Env env) {
    return Steps.named("cancel-switchover").impact(Impact.CHANGE)
        .decide(ctx -> env.client.cluster().scheduledSwitchover() == null
            ? Decision.satisfied("no switchover is scheduled")
            : Decision.needsAction("cancel the scheduled switchover"))
        .act((ctx, intent) -> {
          Outcome o = env.client.cancelScheduledSwitchover();
          if (o instanceof Outcome.Refused r && r.reason() != Outcome.Refusal.NOTHING_SCHEDULED) {
            throw new StepRefusedException("Patroni refused to cancel: " + Env.describe(o), Env.evidence(o));
          }
        })
        .verifyUntil((ctx, intent) -> Conditions.noScheduledSwitchover())
        .onReached((ctx, intent, o) -> Verification.done("no switchover is scheduled"))
        .build();
  }

  /** Pauses or resumes; done only when every member reports it. */
  static Step pause(Env env, boolean pause) {
    String word = pause ? "paused" : "resumed";
    return Steps.named(pause ? "pause" : "resume").impact(Impact.CHANGE)
        .decide(ctx -> {
          List<String> lagging = membersNotReporting(env, pause);
          boolean config = env.client.config().paused();
          return config == pause && lagging.isEmpty()
              ? Decision.satisfied("cluster and every member report " + word)
              : Decision.needsAction("set pause=" + pause, Facts.of(Keys.NOT_YET, lagging));
        })
        .act((ctx, intent) -> Env.refuseUnlessDone(pause ? env.client.pause() : env.client.resume(), "PATCH /config"))
        .verifyUntil((ctx, intent) -> pause ? Conditions.allMembersPaused() : Conditions.allMembersResumed())
        .onReached((ctx, intent, o) -> Verification.done("every member reports " + word))
        .build();
  }

  private static List<String> membersNotReporting(Env env, boolean pause) {
    List<String> out = new ArrayList<>();
    for (Member m : env.client.cluster().members()) {
      MemberStatus s = env.client.clientFor(m).status();
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
          String planned = ctx.binding(Keys.CONFIG_VERSION);
          if (!planned.equals(current.version())) {
            return Decision.blocked("the configuration changed since the plan was made (version " + planned + " -> "
                + current.version() + "); plan again", Facts.of(Keys.PLANNED, planned, Keys.CURRENT, current.version()));
          }
          return Decision.needsAction("change " + String.join(", ", differ),
              Facts.of(Keys.KEYS, differ, Keys.VERSION, current.version()));
        })
        .act((ctx, intent) -> {
          if (env.dcs != null) {
            ConfigVersions.casWrite(env, env.dcs, patch, intent.facts().get(Keys.VERSION));
            return;
          }
          Outcome o = env.client.patchConfig(toPatch(patch));
          if (o instanceof Outcome.Refused r && r.reason() == Outcome.Refusal.CONFLICT) {
            throw new StepRefusedException("configuration changed concurrently (409); plan again", Env.evidence(o));
          }
          Env.refuseUnlessDone(o, "PATCH /config");
        })
        .verify((ctx, intent) -> {
          DynamicConfig c = env.client.config();
          List<String> differ = ConfigDiff.differences(c, patch);
          return differ.isEmpty() ? Verification.done("configuration stored")
              : Verification.pending("still differs: " + differ);
        })
        .build();
  }

  /** A JSON-merge-patch-shaped map (nested maps, {@code null} removes) as patroni-client's {@link ConfigPatch}. */
  static ConfigPatch toPatch(Map<String, Object> patch) {
    ConfigPatch.Builder b = ConfigPatch.builder();
    flatten(b, new ArrayList<>(), patch);
    return b.build();
  }

  private static void flatten(ConfigPatch.Builder b, List<String> prefix, Map<?, ?> tree) {
    tree.forEach((k, v) -> {
      List<String> path = new ArrayList<>(prefix);
      path.add(String.valueOf(k));
      if (v == null) {
        b.removePath(path);
      } else if (v instanceof Map<?, ?> m) {
        flatten(b, path, m);
      } else {
        b.setPath(path, v);
      }
    });
  }
}
