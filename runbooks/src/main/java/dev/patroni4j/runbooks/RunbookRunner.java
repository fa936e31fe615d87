package dev.patroni4j.runbooks;

import dev.patroni4j.runbooks.internal.Reads;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Plans and executes {@link Runbook}s against one cluster: journals intent before every action, resumes from the
 * journal after a crash, holds the cluster's runbook lease while mutating, demands a {@link ConfirmationToken} for
 * destructive steps, and reports a typed {@link RunbookResult}.
 *
 * <pre>{@code
 * RunbookRunner runner = RunbookRunner.builder()
 *     .identity(PatroniRunbooks.identitySource(client))
 *     .lease(lease)
 *     .listener(progress)
 *     .build();
 * Plan plan = runner.plan(switchover);                 // changes nothing
 * RunbookResult result = runner.execute(switchover, FileJournal.at(path));
 * }</pre>
 *
 * <p>Thread-safety: immutable and thread-safe; concurrent executions on the same cluster are serialised (refused) by
 * the lease, not by this object.
 */
public final class RunbookRunner {
  private static final System.Logger LOG = System.getLogger(RunbookRunner.class.getName());

  private final ClusterIdentity.Source identity;
  private final ClusterLease lease;
  private final Duration leaseTtl;
  private final RunbookListener listener;
  private final Clock clock;
  private final Sleeper sleeper;
  private final StepPolicy defaultPolicy;

  private RunbookRunner(Builder b) {
    this.identity = Objects.requireNonNull(b.identity, "identity source is required");
    this.lease = b.lease;
    this.leaseTtl = b.leaseTtl;
    this.listener = b.listeners.isEmpty() ? RunbookListener.noop() : RunbookListener.composite(b.listeners);
    this.clock = b.clock;
    this.sleeper = b.sleeper;
    this.defaultPolicy = b.defaultPolicy;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Computes what {@code runbook} would do on the cluster as it is now, without changing anything. */
  public Plan plan(Runbook runbook) {
    ClusterIdentity now = observeIdentity();
    return plan(runbook, UUID.randomUUID().toString(), now);
  }

  private Plan plan(Runbook runbook, String planId, ClusterIdentity now) {
    Map<String, List<String>> bindings = resolveBindings(runbook, planId);
    List<PlannedStep> planned = new ArrayList<>();
    for (Runbook.Resolved r : runbook.resolve(bindings, defaultPolicy)) {
      planned.add(planStep(r, context(planId, r, bindings, null)));
    }
    return new Plan(planId, runbook.name(), clock.instant(), now, bindings, planned, null);
  }

  private PlannedStep planStep(Runbook.Resolved r, StepContext ctx) {
    try {
      Decision d = Reads.withRetry(r.policy().readRetry(), r.id(), () -> r.step().decide(ctx));
      return new PlannedStep(r.id(), r.step().impact(), d.kind(), d.reason(), d.facts());
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return new PlannedStep(r.id(), r.step().impact(), "unobservable", describe(e), Map.of());
    }
  }

  private Map<String, List<String>> resolveBindings(Runbook runbook, String planId) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (Runbook.Bind b : runbook.bindings()) {
      StepContext ctx = new StepContext(planId, "bind:" + b.name(), Map.copyOf(values), null, clock, sleeper,
          defaultPolicy, listener);
      try {
        values.put(b.name(), List.copyOf(
            Reads.withRetry(defaultPolicy.readRetry(), "bind " + b.name(), () -> b.binder().resolve(ctx))));
      } catch (RunbookException e) {
        throw e;
      } catch (Exception e) {
        throw new RunbookException("cannot resolve binding '" + b.name() + "': " + describe(e), e);
      }
    }
    return values;
  }

  /** Executes {@code runbook}, resuming from {@code journal} if it already holds a run of it. */
  public RunbookResult execute(Runbook runbook, Journal journal) {
    return execute(runbook, journal, ExecuteOptions.defaults());
  }

  /**
   * Executes {@code runbook} with {@code journal}: a fresh run if the journal is empty (planning first, or using the
   * given plan after checking that it still holds), otherwise resumes the journaled run where it stopped.
   *
   * @throws JournalException if the journal cannot be read or written, or holds a run of another runbook
   */
  public RunbookResult execute(Runbook runbook, Journal journal, ExecuteOptions options) {
    List<JournalEntry> entries = journal.read();
    Optional<JournalEntry> started =
        entries.stream().filter(e -> e.kind() == JournalEntry.Kind.RUN_STARTED).findFirst();
    ClusterIdentity now;
    try {
      now = observeIdentity();
    } catch (RunbookException e) {
      String runId = started.map(JournalEntry::runId).orElse("not-started");
      return finish(new RunbookResult.Failed(runId, e.getMessage(), null, Map.of(), e, List.of()));
    }
    Plan plan;
    boolean resumed = started.isPresent();
    if (resumed) {
      plan = Plan.fromJson(Objects.requireNonNull(started.get().payload(), "RUN_STARTED without plan"));
      if (!plan.runbook().equals(runbook.name())) {
        throw new JournalException("journal holds a run of runbook '" + plan.runbook() + "', not '"
            + runbook.name() + "'");
      }
      if (options.plan() != null && !options.plan().id().equals(plan.id())) {
        throw new JournalException("journal holds plan " + plan.id() + ", not the given plan " + options.plan().id());
      }
      if (!plan.cluster().sameClusterAs(now)) {
        return finish(refused(plan.id(), "journal was started on another cluster: "
            + plan.cluster().differenceFrom(now).orElse(""), null, List.of()));
      }
    } else if (options.plan() != null) {
      plan = options.plan();
      Optional<String> stale = staleness(runbook, plan, now, options);
      if (stale.isPresent()) {
        return finish(refused(plan.id(), stale.get(), null, List.of()));
      }
    } else {
      if (options.approvalRequired()) {
        return finish(refused("not-started", "an approved plan is required", null, List.of()));
      }
      String planId = UUID.randomUUID().toString();
      try {
        plan = plan(runbook, planId, now);
      } catch (StepRefusedException e) {
        return finish(refused(planId, "cannot plan: " + e.getMessage(), null, e.evidence(), List.of()));
      } catch (RunbookException e) {
        return finish(new RunbookResult.Failed(planId, "cannot plan: " + e.getMessage(), null, Map.of(), e,
            List.of()));
      }
    }
    List<Runbook.Resolved> steps = runbook.resolve(plan.bindings(), defaultPolicy);
    List<String> ids = steps.stream().map(Runbook.Resolved::id).toList();
    List<String> plannedIds = plan.steps().stream().map(PlannedStep::stepId).toList();
    if (!ids.equals(plannedIds)) {
      throw new JournalException("runbook '" + runbook.name() + "' now has steps " + ids
          + " but its plan has " + plannedIds);
    }
    Run run = new Run(plan, journal, entries, options.confirmationToken());
    if (needsConfirmation(run, steps)) {
      Optional<String> mismatch = options.findConfirmation()
          .map(t -> t.mismatch(now))
          .orElse(Optional.of("destructive steps need a confirmation token (" + ConfirmationToken.forCluster(now)
              + " would confirm the cluster as it is now)"));
      if (mismatch.isPresent()) {
        return finish(refused(plan.id(), "confirmation refused: " + mismatch.get(), null, List.of()));
      }
    }
    boolean mutating = steps.stream().anyMatch(s -> s.step().impact() != Impact.NONE);
    ClusterLease.Handle handle;
    try {
      handle = mutating ? lease.acquire(now.scope(), plan.id(), leaseTtl) : ClusterLease.none().acquire("", "", leaseTtl);
    } catch (LeaseUnavailableException e) {
      return finish(refused(plan.id(), e.getMessage(), null, Map.of("holder", e.holder()), List.of()));
    }
    AtomicReference<@Nullable String> leaseLost = new AtomicReference<>();
    ScheduledExecutorService renewer = mutating ? startRenewing(handle, leaseLost) : null;
    RunbookResult result;
    try {
      if (!resumed) {
        run.append("", JournalEntry.Kind.RUN_STARTED, "planned " + steps.size() + " steps", Map.of(), plan.toJson());
      }
      publish(new RunbookEvent.RunStarted(plan.id(), clock.instant(), runbook.name(), resumed, steps.size()));
      result = runSteps(run, steps, leaseLost);
    } finally {
      if (renewer != null) {
        renewer.shutdownNow();
      }
      handle.close();
    }
    run.append("", JournalEntry.Kind.RUN_FINISHED, kindOf(result), Map.of(), null);
    return finish(result);
  }

  private RunbookResult runSteps(Run run, List<Runbook.Resolved> steps, AtomicReference<@Nullable String> leaseLost) {
    for (Runbook.Resolved r : steps) {
      String lost = leaseLost.get();
      if (lost != null) {
        return new RunbookResult.Failed(run.plan.id(), "runbook lease lost: " + lost, r.id(), Map.of(), null,
            run.reports);
      }
      Optional<RunbookResult> stop = runStep(run, r);
      if (stop.isPresent()) {
        return stop.get();
      }
    }
    return new RunbookResult.Succeeded(run.plan.id(), run.reports);
  }

  /** Runs one step; returns a result only when the run must stop. */
  private Optional<RunbookResult> runStep(Run run, Runbook.Resolved r) {
    Step step = r.step();
    StepContext ctx = context(run.plan.id(), r, run.plan.bindings(), run.confirmation);
    Instant began = clock.instant();
    publish(new RunbookEvent.StepStarted(run.plan.id(), began, r.id(), step.impact()));
    StepHistory history = run.history(r.id());
    if (history.terminal != null) {
      run.report(r.id(), StepReport.Outcome.ALREADY_DONE, "completed by an earlier run: " + history.terminal.reason(),
          history.terminal.facts(), began);
      publish(new RunbookEvent.StepSkipped(run.plan.id(), clock.instant(), r.id(), "completed by an earlier run"));
      return Optional.empty();
    }
    Decision.NeedsAction intent;
    if (history.acted && history.intent != null) {
      intent = history.intent;
    } else {
      Decision decision;
      try {
        Decision.NeedsAction previous = history.intent;
        decision = Reads.withRetry(r.policy().readRetry(), r.id(), previous == null
            ? () -> step.decide(ctx)
            : () -> step.decideAfterInterruption(ctx, previous));
      } catch (Exception e) {
        return Optional.of(fail(run, r, "could not observe: " + describe(e), Map.of(), e, began));
      }
      if (decision instanceof Decision.Satisfied s) {
        run.append(r.id(), JournalEntry.Kind.SKIPPED, s.reason(), s.facts(), null);
        run.report(r.id(), StepReport.Outcome.SKIPPED, s.reason(), s.facts(), began);
        publish(new RunbookEvent.StepSkipped(run.plan.id(), clock.instant(), r.id(), s.reason()));
        return Optional.empty();
      }
      if (decision instanceof Decision.Blocked b) {
        return Optional.of(refuse(run, r, b.reason(), b.facts(), began));
      }
      intent = (Decision.NeedsAction) decision;
      if (step.impact() == Impact.DESTRUCTIVE) {
        Optional<String> mismatch = confirmationMismatch(run.confirmation);
        if (mismatch.isPresent()) {
          return Optional.of(refuse(run, r, "confirmation refused: " + mismatch.get(), intent.facts(), began));
        }
      }
      run.append(r.id(), JournalEntry.Kind.INTENT, intent.reason(), intent.facts(), null);
      try {
        step.act(ctx, intent);
      } catch (StepRefusedException e) {
        return Optional.of(refuse(run, r, e.getMessage(), merge(intent.facts(), e.evidence()), began));
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        return Optional.of(fail(run, r, "action failed: " + describe(e), intent.facts(), e, began));
      }
      run.append(r.id(), JournalEntry.Kind.ACTED, intent.reason(), intent.facts(), null);
      publish(new RunbookEvent.StepActed(run.plan.id(), clock.instant(), r.id(), intent.reason(), intent.facts()));
    }
    return verify(run, r, ctx, intent, began);
  }

  private Optional<RunbookResult> verify(
      Run run, Runbook.Resolved r, StepContext ctx, Decision.NeedsAction intent, Instant began) {
    Instant deadline = clock.instant().plus(r.policy().verifyTimeout());
    while (true) {
      Verification v;
      try {
        v = r.step().verify(ctx, intent);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.of(fail(run, r, "interrupted while verifying", intent.facts(), e, began));
      } catch (RunbookException e) {
        return Optional.of(fail(run, r, "verification failed: " + e.getMessage(), intent.facts(), e, began));
      } catch (Exception e) {
        v = Verification.pending(describe(e));
      }
      if (v instanceof Verification.Done done) {
        run.append(r.id(), JournalEntry.Kind.COMPLETED, done.reason(), done.facts(), null);
        run.report(r.id(), StepReport.Outcome.COMPLETED, done.reason(), merge(intent.facts(), done.facts()), began);
        publish(new RunbookEvent.StepVerified(run.plan.id(), clock.instant(), r.id(), done.reason(),
            Duration.between(began, clock.instant())));
        return Optional.empty();
      }
      if (v instanceof Verification.Failed f) {
        return Optional.of(fail(run, r, f.reason(), merge(intent.facts(), f.facts()), null, began));
      }
      if (!clock.instant().isBefore(deadline)) {
        WaitTimeoutException timeout = new WaitTimeoutException(r.id() + " to take effect", r.policy().verifyTimeout(),
            v.reason());
        return Optional.of(fail(run, r, timeout.getMessage(), intent.facts(), timeout, began));
      }
      try {
        sleeper.sleep(r.policy().pollInterval());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.of(fail(run, r, "interrupted while verifying", intent.facts(), e, began));
      }
    }
  }

  private RunbookResult refuse(Run run, Runbook.Resolved r, String reason, Map<String, String> facts, Instant began) {
    run.append(r.id(), JournalEntry.Kind.REFUSED, reason, facts, null);
    run.report(r.id(), StepReport.Outcome.REFUSED, reason, facts, began);
    publish(new RunbookEvent.StepFailed(run.plan.id(), clock.instant(), r.id(), reason));
    return refused(run.plan.id(), reason, r.id(), facts, run.reports);
  }

  private RunbookResult fail(Run run, Runbook.Resolved r, String reason, Map<String, String> facts,
      @Nullable Throwable cause, Instant began) {
    run.append(r.id(), JournalEntry.Kind.FAILED, reason, facts, null);
    run.report(r.id(), StepReport.Outcome.FAILED, reason, facts, began);
    publish(new RunbookEvent.StepFailed(run.plan.id(), clock.instant(), r.id(), reason));
    return new RunbookResult.Failed(run.plan.id(), reason, r.id(), facts, cause, run.reports);
  }

  private static RunbookResult.Refused refused(String runId, String reason, @Nullable String stepId,
      List<StepReport> reports) {
    return refused(runId, reason, stepId, Map.of(), reports);
  }

  private static RunbookResult.Refused refused(String runId, String reason, @Nullable String stepId,
      Map<String, String> evidence, List<StepReport> reports) {
    return new RunbookResult.Refused(runId, reason, stepId, evidence, reports);
  }

  private RunbookResult finish(RunbookResult result) {
    publish(new RunbookEvent.RunFinished(result.runId(), clock.instant(), result));
    return result;
  }

  private Optional<String> staleness(Runbook runbook, Plan plan, ClusterIdentity now, ExecuteOptions options) {
    if (!plan.runbook().equals(runbook.name())) {
      return Optional.of("plan is for runbook '" + plan.runbook() + "', not '" + runbook.name() + "'");
    }
    if (options.approvalRequired() && plan.approvedBy() == null) {
      return Optional.of("plan " + plan.id() + " is not approved");
    }
    Optional<String> changed = plan.cluster().differenceFrom(now);
    if (changed.isPresent()) {
      return Optional.of("plan no longer holds: " + changed.get());
    }
    Plan fresh = plan(runbook, plan.id(), now);
    if (!fresh.bindings().equals(plan.bindings())) {
      return Optional.of("plan no longer holds: bindings are now " + fresh.bindings() + ", planned "
          + plan.bindings());
    }
    for (int i = 0; i < plan.steps().size(); i++) {
      PlannedStep was = plan.steps().get(i);
      PlannedStep is = fresh.steps().get(i);
      if (!was.decision().equals(is.decision())) {
        return Optional.of("plan no longer holds: step " + was.stepId() + " was " + was.decision() + " ("
            + was.reason() + "), now " + is.decision() + " (" + is.reason() + ")");
      }
    }
    return Optional.empty();
  }

  private boolean needsConfirmation(Run run, List<Runbook.Resolved> steps) {
    for (Runbook.Resolved r : steps) {
      if (r.step().impact() != Impact.DESTRUCTIVE || run.history(r.id()).terminal != null) {
        continue;
      }
      Optional<PlannedStep> planned = run.plan.steps().stream().filter(p -> p.stepId().equals(r.id())).findFirst();
      if (run.history(r.id()).intent != null || planned.map(p -> !"satisfied".equals(p.decision())).orElse(true)) {
        return true;
      }
    }
    return false;
  }

  private Optional<String> confirmationMismatch(@Nullable ConfirmationToken token) {
    if (token == null) {
      return Optional.of("destructive step needs a confirmation token");
    }
    try {
      return token.mismatch(observeIdentity());
    } catch (RunbookException e) {
      return Optional.of("cannot observe the cluster to check the token: " + e.getMessage());
    }
  }

  private ClusterIdentity observeIdentity() {
    try {
      return Reads.withRetry(defaultPolicy.readRetry(), "cluster identity", identity::observe);
    } catch (RunbookException e) {
      throw e;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new RunbookException("cannot observe the cluster's identity: " + describe(e), e);
    }
  }

  private ScheduledExecutorService startRenewing(ClusterLease.Handle handle,
      AtomicReference<@Nullable String> lost) {
    ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "runbook-lease-renewal");
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(100, leaseTtl.toMillis() / 3);
    s.scheduleAtFixedRate(() -> {
      try {
        handle.renew();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "runbook lease renewal failed", e);
        lost.compareAndSet(null, describe(e));
      }
    }, period, period, TimeUnit.MILLISECONDS);
    return s;
  }

  private StepContext context(String runId, Runbook.Resolved r, Map<String, List<String>> bindings,
      @Nullable ConfirmationToken token) {
    return new StepContext(runId, r.id(), bindings, token, clock, sleeper, r.policy(), listener);
  }

  private void publish(RunbookEvent event) {
    Listeners.deliver(listener, event);
  }

  private static String kindOf(RunbookResult r) {
    return r instanceof RunbookResult.Succeeded ? "succeeded" : r instanceof RunbookResult.Refused ? "refused" : "failed";
  }

  private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
    Map<String, String> m = new LinkedHashMap<>(a);
    m.putAll(b);
    return m;
  }

  static String describe(Throwable e) {
    String msg = e.getMessage();
    return e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
  }

  /** What the journal says about one step. */
  private static final class StepHistory {
    @Nullable JournalEntry terminal;
    Decision.@Nullable NeedsAction intent;
    boolean acted;
  }

  /** Mutable state of one execution. */
  private final class Run {
    final Plan plan;
    final Journal journal;
    final List<JournalEntry> entries;
    final @Nullable ConfirmationToken confirmation;
    final List<StepReport> reports = new ArrayList<>();
    long nextSeq;

    Run(Plan plan, Journal journal, List<JournalEntry> entries, @Nullable ConfirmationToken confirmation) {
      this.plan = plan;
      this.journal = journal;
      this.entries = new ArrayList<>(entries);
      this.confirmation = confirmation;
      this.nextSeq = entries.stream().mapToLong(JournalEntry::seq).max().orElse(0) + 1;
    }

    StepHistory history(String stepId) {
      StepHistory h = new StepHistory();
      for (JournalEntry e : entries) {
        if (!e.stepId().equals(stepId)) {
          continue;
        }
        switch (e.kind()) {
          case INTENT -> {
            h.intent = new Decision.NeedsAction(e.reason(), e.facts());
            h.acted = false;
          }
          case ACTED -> h.acted = true;
          case COMPLETED, SKIPPED -> h.terminal = e;
          case REFUSED -> {
            h.intent = null; // the cluster said no; nothing to resolve
            h.acted = false;
          }
          case FAILED -> h.acted = false;
          default -> { }
        }
      }
      return h;
    }

    void append(String stepId, JournalEntry.Kind kind, String reason, Map<String, String> facts,
        @Nullable String payload) {
      JournalEntry e = new JournalEntry(plan.id(), nextSeq++, clock.instant(), stepId, kind, reason, facts, payload);
      journal.append(e);
      entries.add(e);
    }

    void report(String stepId, StepReport.Outcome outcome, String reason, Map<String, String> facts, Instant began) {
      reports.add(new StepReport(stepId, outcome, reason, facts, Duration.between(began, clock.instant())));
    }
  }

  /** Builder for {@link RunbookRunner}; not thread-safe. */
  public static final class Builder {
    private ClusterIdentity.@Nullable Source identity;
    private ClusterLease lease = ClusterLease.none();
    private Duration leaseTtl = Duration.ofSeconds(30);
    private final List<RunbookListener> listeners = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();
    private StepPolicy defaultPolicy = StepPolicy.ofDefaults();

    private Builder() {}

    /** How to observe the cluster's identity (scope, system identifier, leader, timeline, members). Required. */
    public Builder identity(ClusterIdentity.Source identity) {
      this.identity = Objects.requireNonNull(identity, "identity == null");
      return this;
    }

    /** The per-cluster lease held while a mutating runbook runs; default none. */
    public Builder lease(ClusterLease lease) {
      this.lease = Objects.requireNonNull(lease, "lease == null");
      return this;
    }

    public Builder leaseTtl(Duration leaseTtl) {
      if (leaseTtl.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("leaseTtl < 1s: " + leaseTtl);
      }
      this.leaseTtl = leaseTtl;
      return this;
    }

    /** Adds a listener; listeners are called in the order added. */
    public Builder listener(RunbookListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener == null"));
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper == null");
      return this;
    }

    /** Policy for steps added without one. */
    public Builder defaultPolicy(StepPolicy defaultPolicy) {
      this.defaultPolicy = Objects.requireNonNull(defaultPolicy, "defaultPolicy == null");
      return this;
    }

    public RunbookRunner build() {
      return new RunbookRunner(this);
    }
  }
}
