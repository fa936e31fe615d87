package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Impact;
import dev.patroni4j.runbooks.RunbookEvent;
import dev.patroni4j.runbooks.RunbookException;
import dev.patroni4j.runbooks.Step;
import dev.patroni4j.runbooks.StepContext;
import dev.patroni4j.runbooks.StepRefusedException;
import dev.patroni4j.runbooks.Verification;
import dev.patroni4j.runbooks.WaitTimeoutException;
import dev.patroni4j.runbooks.internal.ActionReply;
import dev.patroni4j.runbooks.internal.Observed;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Moves the leader away from the bound {@code from} member. The goal is "the leader is not {@code from}": once it
 * holds the step is satisfied, so a resumed or repeated run never switches twice. The intent records the leader and
 * timeline it decided on; after a crash between request and outcome, the step waits for Patroni's own resolution
 * window (2 x max(10 s, loop_wait)) for the effect before it considers sending again.
 */
final class SwitchoverStep implements Step {
  /** Decides whether the switchover is wanted at all (e.g. only when the leader has a pending restart). */
  interface Wanted {
    Optional<String> notWantedBecause(Env env, ClusterView view, String leader) throws Exception;
  }

  private final Env env;
  private final String name;
  private final String fromBinding;
  private final String toBinding; // empty binding value list: choose when deciding
  private final Wanted wanted;

  SwitchoverStep(Env env, String name, String fromBinding, String toBinding, Wanted wanted) {
    this.env = env;
    this.name = name;
    this.fromBinding = fromBinding;
    this.toBinding = toBinding;
    this.wanted = wanted;
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
    ClusterView view = env.ops.cluster();
    Optional<String> leader = Observed.leaderName(view);
    long tl = Observed.timeline(view);
    if (leader.isEmpty()) {
      return Decision.blocked("the cluster has no leader; a switchover needs one (use the failover runbook)",
          Map.of("timeline", "" + tl));
    }
    if (!leader.get().equals(from)) {
      return Decision.satisfied("leader is " + leader.get() + " (timeline " + tl + "), not " + from,
          Map.of("leader", leader.get(), "timeline", "" + tl));
    }
    Optional<String> skip = wanted.notWantedBecause(env, view, from);
    if (skip.isPresent()) {
      return Decision.satisfied(skip.get());
    }
    List<String> bound = ctx.bindingValues(toBinding);
    Candidates.Selection sel = Candidates.choose(view, env.ops.config(), from,
        bound.isEmpty() ? null : bound.get(0), env.streamingFromLeader(view));
    if (sel.candidate() == null) {
      return Decision.blocked(sel.reason(), sel.rejected());
    }
    return Decision.needsAction("switch over from " + from + " to " + sel.candidate() + ": " + sel.reason(),
        Map.of("leader", from, "timeline", "" + tl, "candidate", sel.candidate()));
  }

  @Override
  public void act(StepContext ctx, Decision.NeedsAction intent) throws Exception {
    String from = intent.facts().get("leader");
    String to = intent.facts().get("candidate");
    ActionReply reply = env.ops.switchover(from, to, null,
        () -> ctx.publish(new RunbookEvent.SwitchoverInitiated(ctx.runId(), ctx.now(), ctx.stepId(), from, to)));
    switch (reply.kind()) {
      case DONE, UNKNOWN -> { } // verification resolves the outcome by observation
      case REFUSED -> throw new StepRefusedException("Patroni refused the switchover: " + reply,
          Map.of("http", "" + reply.status()));
      case FAILED, SCHEDULED -> throw new RunbookException("switchover did not happen: " + reply);
    }
  }

  @Override
  public Verification verify(StepContext ctx, Decision.NeedsAction intent) throws Exception {
    ClusterView view = env.ops.cluster();
    Optional<String> leader = Observed.leaderName(view);
    long tl = Observed.timeline(view);
    long before = Long.parseLong(intent.facts().get("timeline"));
    if (leader.isPresent() && !leader.get().equals(intent.facts().get("leader")) && tl > before) {
      ctx.publish(new RunbookEvent.SwitchoverFinalized(ctx.runId(), ctx.now(), ctx.stepId(), leader.get(), tl,
          leader.get().equals(intent.facts().get("candidate")) ? "switched over" : "switched over to another member"));
      return Verification.done("leader is " + leader.get() + " on timeline " + tl,
          Map.of("newLeader", leader.get(), "newTimeline", "" + tl));
    }
    return Verification.pending("leader " + leader.orElse("(none)") + ", timeline " + tl);
  }

  @Override
  public Decision decideAfterInterruption(StepContext ctx, Decision.NeedsAction intent) throws Exception {
    Duration window = Duration.ofSeconds(2 * Math.max(10, env.loopWait().toSeconds()));
    try {
      Verification.Done done = ctx.await("the interrupted switchover's effect", window, () -> verify(ctx, intent));
      return Decision.satisfied("the interrupted switchover took effect: " + done.reason(), done.facts());
    } catch (WaitTimeoutException e) {
      return decide(ctx); // Patroni gave up or never got the request: deciding afresh is safe now
    }
  }
}
