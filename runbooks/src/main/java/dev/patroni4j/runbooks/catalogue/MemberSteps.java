package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.client.model.ScheduledRestart;
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
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Steps on one member: restart if pending, scheduled restart and its cancellation, reinitialize, reload. */
final class MemberSteps {
  private MemberSteps() {}

  /** Restarts {@code member} if it has {@code pending_restart}; done when it runs again without it. */
  static Step restartIfPending(Env env, String member) {
    return Steps.named("restart[" + member + "]").impact(Impact.DISRUPTIVE)
        .decide(ctx -> {
          MemberStatus s = env.ops.status(member);
          if (!s.pendingRestart()) {
            return Decision.satisfied(member + " has no pending restart");
          }
          Map<String, String> facts = new LinkedHashMap<>();
          facts.put("role", s.role().raw());
          if (s.postmasterStartTime() != null) {
            facts.put("postmasterStart", s.postmasterStartTime().toString());
          }
          return Decision.needsAction(member + " has a pending restart", facts);
        })
        .act((ctx, intent) -> {
          ActionReply r = env.ops.restart(member, null, true);
          if (r.kind() == ActionReply.Kind.REFUSED && !r.message().contains("in progress")
              && !r.message().contains("not satisfied")) {
            throw new StepRefusedException("Patroni refused to restart " + member + ": " + r, Map.of());
          }
          if (r.kind() == ActionReply.Kind.FAILED) {
            throw new RunbookException("restart of " + member + " failed: " + r);
          }
        })
        .verify((ctx, intent) -> {
          MemberStatus s = env.ops.status(member);
          String was = intent.facts().get("postmasterStart");
          boolean restarted = was == null || (s.postmasterStartTime() != null
              && !s.postmasterStartTime().toString().equals(was));
          if (Observed.isUp(s.state()) && !s.pendingRestart() && restarted) {
            ctx.publish(new RunbookEvent.MemberRestarted(ctx.runId(), ctx.now(), ctx.stepId(), member));
            return Verification.done(member + " restarted and " + s.state().raw());
          }
          return Verification.pending(member + " is " + s.state().raw() + (s.pendingRestart() ? ", restart pending" : ""));
        })
        .build();
  }

  /** Schedules a restart of {@code member} at {@code at} (only if a restart is pending by then). */
  static Step scheduleRestart(Env env, String member, OffsetDateTime at) {
    return Steps.named("schedule-restart[" + member + "]").impact(Impact.CHANGE)
        .decide(ctx -> {
          ScheduledRestart s = env.ops.status(member).scheduledRestart();
          if (s != null && s.schedule().toInstant().equals(at.toInstant())) {
            return Decision.satisfied("restart of " + member + " already scheduled at " + s.schedule());
          }
          if (s != null) {
            return Decision.blocked("another restart of " + member + " is scheduled at " + s.schedule()
                + "; cancel it first");
          }
          return Decision.needsAction("schedule restart of " + member + " at " + at, Map.of("at", at.toString()));
        })
        .act((ctx, intent) -> {
          ActionReply r = env.ops.restart(member, at, true);
          if (r.kind() != ActionReply.Kind.SCHEDULED && r.kind() != ActionReply.Kind.UNKNOWN) {
            throw new StepRefusedException("Patroni did not schedule the restart: " + r, Map.of());
          }
        })
        .verify((ctx, intent) -> env.ops.status(member).scheduledRestart() != null
            ? Verification.done("restart of " + member + " scheduled")
            : Verification.pending("no scheduled restart on " + member + " yet"))
        .build();
  }

  static Step cancelScheduledRestart(Env env, String member) {
    return Steps.named("cancel-restart[" + member + "]").impact(Impact.CHANGE)
        .decide(ctx -> env.ops.status(member).scheduledRestart() == null
            ? Decision.satisfied("no restart scheduled on " + member)
            : Decision.needsAction("cancel the scheduled restart of " + member, Map.of()))
        .act((ctx, intent) -> {
          ActionReply r = env.ops.cancelScheduledRestart(member);
          if (r.kind() == ActionReply.Kind.REFUSED && r.status() != 404) {
            throw new StepRefusedException("Patroni refused to cancel: " + r, Map.of());
          }
        })
        .verify((ctx, intent) -> env.ops.status(member).scheduledRestart() == null
            ? Verification.done("no restart scheduled on " + member)
            : Verification.pending("restart still scheduled on " + member))
        .build();
  }

  /**
   * Reinitializes {@code member} from the leader when it is not healthy (or always, with {@code force}); done when it
   * runs again with a new postmaster on the leader's timeline. Destructive: its data directory is rebuilt.
   */
  static Step reinitialize(Env env, String member, boolean force) {
    return Steps.named("reinitialize[" + member + "]").impact(Impact.DESTRUCTIVE)
        .decide(ctx -> {
          ClusterView view = env.ops.cluster();
          Optional<Member> leader = view.findLeader();
          Optional<Member> m = view.members().stream().filter(x -> x.name().equals(member)).findFirst();
          if (leader.isEmpty()) {
            return Decision.blocked("the cluster has no leader to reinitialize " + member + " from");
          }
          if (leader.get().name().equals(member)) {
            return Decision.blocked(member + " is the leader; it cannot be reinitialized");
          }
          if (m.isEmpty()) {
            return Decision.blocked(member + " is not in the member list (is its Patroni running?)");
          }
          long tl = Observed.timeline(view);
          boolean healthy = Observed.isUp(m.get().state())
              && m.get().findTimeline().map(t -> t.id() == tl).orElse(false);
          if (healthy && !force) {
            return Decision.satisfied(member + " is " + m.get().state().raw() + " on timeline " + tl);
          }
          return Decision.needsAction("reinitialize " + member + " (" + m.get().state().raw() + ") from "
              + leader.get().name(), Map.of("state", m.get().state().raw(), "leader", leader.get().name(),
                  "requestedAt", ctx.now().toString()));
        })
        .act((ctx, intent) -> {
          ActionReply r = env.ops.reinitialize(member, true);
          if (r.kind() == ActionReply.Kind.REFUSED || r.kind() == ActionReply.Kind.FAILED) {
            throw new StepRefusedException("Patroni refused to reinitialize " + member + ": " + r, Map.of());
          }
        })
        .verify((ctx, intent) -> {
          MemberStatus s = env.ops.status(member);
          OffsetDateTime started = s.postmasterStartTime();
          boolean fresh = started != null
              && started.toInstant().isAfter(java.time.Instant.parse(intent.facts().get("requestedAt")));
          return Observed.isUp(s.state()) && fresh
              ? Verification.done(member + " rebuilt and " + s.state().raw())
              : Verification.pending(member + " is " + s.state().raw());
        })
        .build();
  }
}
