package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.ClusterObservation;
import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.Outcome;
import dev.patroni4j.client.ReinitializeRequest;
import dev.patroni4j.client.RestartRequest;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.client.model.ScheduledRestart;
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
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/** Steps on one member: restart if pending, scheduled restart and its cancellation, reinitialize. */
final class MemberSteps {
  private MemberSteps() {}

  /** Restarts {@code member} if it has {@code pending_restart}; done when it runs again without it. */
  static Step restartIfPending(Env env, String member) {
    return restartIfPending(env, member, Guardrails.none());
  }

  /**
   * Restarts {@code member} if it has a pending restart; right before the request, re-checks {@code guardrails} on
   * it (its running transactions, a synchronous standby in synchronous mode, versions) and refuses when they fail.
   */
  static Step restartIfPending(Env env, String member, Guardrails guardrails) {
    return Steps.named("restart[" + member + "]").impact(Impact.DISRUPTIVE)
        .decide(ctx -> {
          MemberStatus s = env.status(member);
          if (!s.pendingRestart()) {
            return Decision.satisfied(member + " has no pending restart");
          }
          Facts facts = Facts.of(Keys.ROLE, s.role().raw());
          if (s.postmasterStartTime() != null) {
            facts = facts.with(Keys.POSTMASTER_START, s.postmasterStartTime().toInstant());
          }
          return Decision.needsAction(member + " has a pending restart", facts);
        })
        .act((ctx, intent) -> {
          GuardrailChecks.recheck(env, guardrails, new GuardrailChecks.Scope(List.of(), List.of(member)), ctx,
              "the restart of " + member);
          Outcome o = env.client.member(member).restart(RestartRequest.now().onlyIfPendingRestart());
          ctx.note(Keys.OUTCOME, o.kind());
          // Busy (a restart already in progress) and "conditions not satisfied" (nothing pending any more) are
          // resolved by verification, like an unknown outcome.
          if (o instanceof Outcome.Refused r && r.reason() != Outcome.Refusal.BUSY
              && r.reason() != Outcome.Refusal.CONDITIONS_NOT_MET) {
            throw new StepRefusedException("Patroni refused to restart " + member + ": " + Env.describe(o),
                Env.evidence(o));
          }
          if (o.kind() == Outcome.Kind.FAILED) {
            throw new RunbookException("restart of " + member + " failed: " + Env.describe(o));
          }
        })
        .verifyUntil((ctx, intent) -> {
          ClusterCondition running = Conditions.allOf(Conditions.memberRunning(member),
              Conditions.memberNotPendingRestart(member));
          Optional<Instant> was = intent.facts().find(Keys.POSTMASTER_START);
          return was.isEmpty() ? running
              : Conditions.allOf(Conditions.memberPostmasterRestartedSince(member, was.get()), running);
        })
        .onReached((ctx, intent, o) -> {
          ctx.publish(new RunbookEvent.MemberRestarted(ctx.runId(), ctx.now(), ctx.stepId(), member));
          return Verification.done(member + " restarted and " + stateOf(o, member));
        })
        .build();
  }

  /** Schedules a restart of {@code member} at {@code at} (only if a restart is pending by then). */
  static Step scheduleRestart(Env env, String member, OffsetDateTime at) {
    return Steps.named("schedule-restart[" + member + "]").impact(Impact.CHANGE)
        .decide(ctx -> {
          ScheduledRestart s = env.status(member).scheduledRestart();
          if (s != null && s.schedule().toInstant().equals(at.toInstant())) {
            return Decision.satisfied("restart of " + member + " already scheduled at " + s.schedule());
          }
          if (s != null) {
            return Decision.blocked("another restart of " + member + " is scheduled at " + s.schedule()
                + "; cancel it first");
          }
          return Decision.needsAction("schedule restart of " + member + " at " + at, Facts.of(Keys.AT, at.toString()));
        })
        .act((ctx, intent) -> {
          Outcome o = env.client.member(member).restart(RestartRequest.at(at).onlyIfPendingRestart());
          if (o.kind() != Outcome.Kind.SCHEDULED && o.kind() != Outcome.Kind.UNKNOWN) {
            throw new StepRefusedException("Patroni did not schedule the restart: " + Env.describe(o), Env.evidence(o));
          }
        })
        .verifyUntil((ctx, intent) -> Conditions.scheduledRestartIs(member, at.toInstant()))
        .onReached((ctx, intent, o) -> Verification.done("restart of " + member + " scheduled"))
        .build();
  }

  static Step cancelScheduledRestart(Env env, String member) {
    return Steps.named("cancel-restart[" + member + "]").impact(Impact.CHANGE)
        .decide(ctx -> env.status(member).scheduledRestart() == null
            ? Decision.satisfied("no restart scheduled on " + member)
            : Decision.needsAction("cancel the scheduled restart of " + member))
        .act((ctx, intent) -> {
          Outcome o = env.client.member(member).cancelScheduledRestart();
          if (o instanceof Outcome.Refused r && r.reason() != Outcome.Refusal.NOTHING_SCHEDULED) {
            throw new StepRefusedException("Patroni refused to cancel: " + Env.describe(o), Env.evidence(o));
          }
        })
        .verifyUntil((ctx, intent) -> Conditions.scheduledRestartAbsent(member))
        .build();
  }

  /**
   * Reinitializes {@code member} from the leader when it is not healthy (or always, with {@code force}); done when it
   * runs again with a new postmaster on the leader's timeline. Destructive: its data directory is rebuilt.
   */
  static Step reinitialize(Env env, String member, boolean force) {
    return Steps.named("reinitialize[" + member + "]").impact(Impact.DESTRUCTIVE)
        .decide(ctx -> {
          ClusterView view = env.client.cluster();
          Optional<Member> leader = view.findLeader();
          Optional<Member> m = view.findMember(member);
          if (leader.isEmpty()) {
            return Decision.blocked("the cluster has no leader to reinitialize " + member + " from");
          }
          if (leader.get().name().equals(member)) {
            return Decision.blocked(member + " is the leader; it cannot be reinitialized");
          }
          if (m.isEmpty()) {
            return Decision.blocked(member + " is not in the member list (is its Patroni running?)");
          }
          Optional<Timeline> tl = Views.timeline(view);
          boolean healthy = m.get().state().isRunning() && tl.isPresent() && tl.equals(m.get().findTimeline());
          if (healthy && !force) {
            return Decision.satisfied(member + " is " + m.get().state().raw() + " on timeline " + Views.text(tl));
          }
          return Decision.needsAction("reinitialize " + member + " (" + m.get().state().raw() + ") from "
              + leader.get().name(), Facts.of(Keys.STATE, m.get().state().raw(), Keys.LEADER, leader.get().name(),
                  Keys.REQUESTED_AT, ctx.now()));
        })
        .act((ctx, intent) -> Env.refuseUnlessDone(
            env.client.member(member).reinitialize(ReinitializeRequest.standard().force(true)),
            "to reinitialize " + member))
        .verifyUntil((ctx, intent) -> Conditions.allOf(
            Conditions.memberPostmasterStartedAfter(member, intent.facts().get(Keys.REQUESTED_AT)),
            Conditions.memberRunning(member)))
        .onReached((ctx, intent, o) -> Verification.done(member + " rebuilt and " + stateOf(o, member)))
        .build();
  }

  private static String stateOf(ClusterObservation o, String member) {
    return o.status(member).map(s -> s.state().raw()).orElse("running");
  }
}
