package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.ClusterObservation;
import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.Outcome;
import dev.patroni4j.client.PatroniWaitTimeoutException;
import dev.patroni4j.client.RequestListener;
import dev.patroni4j.client.SwitchoverRequest;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Timeline;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Fact;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.Impact;
import dev.patroni4j.runbooks.RunbookEvent;
import dev.patroni4j.runbooks.RunbookException;
import dev.patroni4j.runbooks.Step;
import dev.patroni4j.runbooks.StepContext;
import dev.patroni4j.runbooks.StepRefusedException;
import dev.patroni4j.runbooks.Verification;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Moves the leader away from the bound {@code from} member. The goal is "the leader is not {@code from}": once it
 * holds the step is satisfied, so a resumed or repeated run with the same journal never switches twice. The intent
 * records the leader and timeline it decided on; after a crash between request and outcome, the step waits for
 * Patroni's own resolution window (2 x max(10 s, loop_wait)) for the effect before it considers sending again.
 * Right before the request it re-checks its {@link Guardrails} and refuses (nothing sent) when they fail.
 */
final class SwitchoverStep implements Step {
  /** Decides whether the switchover is wanted at all (e.g. only when the leader has a pending restart). */
  interface Wanted {
    Optional<String> notWantedBecause(Env env, ClusterView view, String leader) throws Exception;
  }

  private final Env env;
  private final String name;
  private final Fact<String> fromBinding;
  private final Fact<String> toBinding; // absent: choose when deciding
  private final Wanted wanted;
  private final Guardrails guardrails;

  SwitchoverStep(Env env, String name, Fact<String> fromBinding, Fact<String> toBinding, Wanted wanted,
      Guardrails guardrails) {
    this.env = env;
    this.name = name;
    this.fromBinding = fromBinding;
    this.toBinding = toBinding;
    this.wanted = wanted;
    this.guardrails = guardrails;
  }

  /** The guardrails' scope of a switchover: the candidate's lag, the leader's transactions. */
  static GuardrailChecks.Scope scope(String from, String to) {
    return new GuardrailChecks.Scope(java.util.List.of(to), java.util.List.of(from));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Impact impact() {
    return Impact.DISRUPTIVE;
  }

  @Override
  public Decision decide(StepContext ctx) throws Exception {
    String from = ctx.binding(fromBinding);
    ClusterView view = env.client.cluster();
    Optional<String> leader = Views.leaderName(view);
    Optional<Timeline> tl = Views.timeline(view);
    if (leader.isEmpty()) {
      return Decision.blocked("the cluster has no leader; a switchover needs one (use the failover runbook)");
    }
    if (!leader.get().equals(from)) {
      return Decision.satisfied("leader is " + leader.get() + " (timeline " + Views.text(tl) + "), not " + from,
          tl.map(t -> Facts.of(Keys.LEADER, leader.get(), Keys.TIMELINE, t)).orElse(Facts.of(Keys.LEADER, leader.get())));
    }
    Optional<String> skip = wanted.notWantedBecause(env, view, from);
    if (skip.isPresent()) {
      return Decision.satisfied(skip.get());
    }
    if (tl.isEmpty()) {
      return Decision.blocked("leader " + from + " reports no timeline");
    }
    Candidates.Selection sel = Candidates.choose(view, env.client.config(), from, ctx.findBinding(toBinding).orElse(null),
        env.streamingFromLeader(view));
    if (sel.candidate() == null) {
      return Decision.blocked(sel.reason(), sel.evidence());
    }
    return Decision.needsAction("switch over from " + from + " to " + sel.candidate() + ": " + sel.reason(),
        Facts.of(Keys.LEADER, from, Keys.TIMELINE, tl.get(), Keys.CANDIDATE, sel.candidate()));
  }

  @Override
  public void act(StepContext ctx, Decision.NeedsAction intent) throws Exception {
    String from = intent.facts().get(Keys.LEADER);
    String to = intent.facts().get(Keys.CANDIDATE);
    // The cluster may have changed since the plan: the guardrails again, right before the request.
    GuardrailChecks.recheck(env, guardrails, scope(from, to), ctx, "the switchover from " + from + " to " + to);
    // Told of this request only: a concurrent run on the same client hears of its own.
    RequestListener sent = new RequestListener() {
      @Override
      public void requestSent(String method, URI target, String endpointKind) {
        ctx.publish(new RunbookEvent.SwitchoverInitiated(ctx.runId(), ctx.now(), ctx.stepId(), from, to));
      }
    };
    Outcome o = env.client.switchover(SwitchoverRequest.from(from).to(to), sent);
    Facts evidence = Env.evidence(o);
    ctx.note(Keys.OUTCOME, o.kind());
    o.member().ifPresent(m -> ctx.note(Keys.ACTUAL_MEMBER, m));
    switch (o.kind()) {
      case DONE, DONE_WITH_OTHER_MEMBER, UNKNOWN -> { } // verification resolves the outcome by observation
      case REFUSED -> throw new StepRefusedException("Patroni refused the switchover: " + Env.describe(o), evidence);
      case FAILED, SCHEDULED -> throw new RunbookException("switchover did not happen: " + Env.describe(o));
    }
  }

  /** The step's goal as a cluster condition: another member leads, on a later timeline than the one decided on. */
  private static ClusterCondition moved(Decision.NeedsAction intent) {
    return Conditions.leaderChangedFrom(intent.facts().get(Keys.LEADER), intent.facts().get(Keys.TIMELINE));
  }

  @Override
  public Optional<ClusterCondition> goal(StepContext ctx, Decision.NeedsAction intent) {
    return Optional.of(moved(intent));
  }

  @Override
  public Verification reached(StepContext ctx, Decision.NeedsAction intent, ClusterObservation o) {
    ClusterView view = o.view();
    String leader = view.leader().name();
    Timeline tl = view.timeline().orElseThrow();
    ctx.publish(new RunbookEvent.SwitchoverFinalized(ctx.runId(), ctx.now(), ctx.stepId(), leader, tl,
        leader.equals(intent.facts().get(Keys.CANDIDATE)) ? "switched over" : "switched over to another member"));
    return Verification.done("leader is " + leader + " on timeline " + tl,
        Facts.of(Keys.NEW_LEADER, leader, Keys.NEW_TIMELINE, tl));
  }

  @Override
  public Decision decideAfterInterruption(StepContext ctx, Decision.NeedsAction intent) throws Exception {
    // Patroni's resolution window, within the step's own deadline.
    Duration window = Duration.ofSeconds(2 * Math.max(10, env.loopWait().toSeconds()));
    ClusterObservation o;
    try {
      o = ctx.await(moved(intent), window);
    } catch (PatroniWaitTimeoutException e) {
      return decide(ctx); // Patroni gave up or never got the request: deciding afresh is safe now
    }
    Verification done = reached(ctx, intent, o);
    return Decision.satisfied("the interrupted switchover took effect: " + done.reason(), done.facts());
  }
}
