package dev.patroni4j.runbooks;

import dev.patroni4j.client.ClusterObserver;
import dev.patroni4j.client.Confirmable;
import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Plans and executes {@link Runbook}s against one cluster: journals intent before every action, resumes from the
 * journal after a crash, holds the cluster's runbook lease while mutating, demands a {@link dev.patroni4j.client.Confirmation} for
 * destructive steps, and reports a typed {@link RunbookResult}.
 *
 * <pre>{@code
 * import dev.patroni4j.client.PatroniClient;
 * import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
 * // given: PatroniRunbooks catalogue; PatroniClient client; ClusterLease lease; RunbookListener progress;
 * // given: Runbook switchover; Path path;
 * RunbookRunner runner = RunbookRunner.builder()
 *     .identity(catalogue.identitySource())
 *     .observer((withStatuses, maxWait) -> client.observe(withStatuses))
 *     .lease(lease)
 *     .listener(progress)
 *     .build();
 * Plan plan = runner.plan(switchover);                 // changes nothing
 * RunbookResult result = runner.execute(switchover, FileJournal.at(path));
 * }</pre>
 *
 * <p>The work is split by job: {@link Planning} makes and checks plans, {@link JournalReplay} replays and appends
 * the journal, {@link StepExecution} decides and acts, {@link StepVerification} verifies with the step's deadline,
 * {@link LeaseRenewal} holds the lease.
 *
 * <p>Thread-safety: immutable and thread-safe; concurrent executions on the same cluster are serialised (refused) by
 * the lease, not by this object.
 */
public final class RunbookRunner {
  private final RunnerSettings settings;
  private final Planning planning;
  private final StepExecution execution;

  private RunbookRunner(Builder b) {
    this.settings = new RunnerSettings(Objects.requireNonNull(b.identity, "identity source is required"), b.lease,
        b.leaseTtl, b.listeners.isEmpty() ? RunbookListener.noop() : RunbookListener.composite(b.listeners),
        b.clock, b.sleeper, b.defaultPolicy, b.observer);
    this.planning = new Planning(settings);
    this.execution = new StepExecution(settings);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Computes what {@code runbook} would do on the cluster as it is now, without changing anything. */
  public Plan plan(Runbook runbook) {
    return planning.plan(runbook, UUID.randomUUID().toString(), settings.observeIdentity());
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
      now = settings.observeIdentity();
    } catch (RunbookException e) {
      String runId = started.map(JournalEntry::runId).orElse("not-started");
      return finish(new RunbookResult.Failed(runId, message(e), null, Facts.of(), e, List.of()));
    }
    Plan plan;
    boolean resumed = started.isPresent();
    if (resumed) {
      String payload = started.orElseThrow().payload();
      if (payload == null) {
        throw new JournalException("journal's RUN_STARTED entry carries no plan");
      }
      plan = Plan.fromJson(payload);
      if (!plan.runbook().equals(runbook.name())) {
        throw new JournalException("journal holds a run of runbook '" + plan.runbook() + "', not '"
            + runbook.name() + "'");
      }
      if (options.plan() != null && !options.plan().id().equals(plan.id())) {
        throw new JournalException("journal holds plan " + plan.id() + ", not the given plan " + options.plan().id());
      }
      if (!plan.cluster().sameClusterAs(now)) {
        return finish(refused(plan.id(), "journal was started on another cluster: "
            + plan.cluster().differenceFrom(now).orElse(""), Facts.of()));
      }
    } else if (options.plan() != null) {
      plan = options.plan();
      Optional<String> stale = planning.staleness(runbook, plan, now, options);
      if (stale.isPresent()) {
        return finish(refused(plan.id(), stale.get(), Facts.of()));
      }
    } else {
      if (options.approvalRequired()) {
        return finish(refused("not-started", "an approved plan is required", Facts.of()));
      }
      String planId = UUID.randomUUID().toString();
      try {
        plan = planning.plan(runbook, planId, now);
      } catch (StepRefusedException e) {
        return finish(refused(planId, "cannot plan: " + e.getMessage(), e.evidence()));
      } catch (RunbookException e) {
        return finish(new RunbookResult.Failed(planId, "cannot plan: " + e.getMessage(), null, Facts.of(), e,
            List.of()));
      }
    }
    List<Runbook.Resolved> steps = runbook.resolve(plan.bindings(), settings.defaultPolicy());
    List<String> ids = steps.stream().map(Runbook.Resolved::id).toList();
    List<String> plannedIds = plan.steps().stream().map(PlannedStep::stepId).toList();
    if (!ids.equals(plannedIds)) {
      throw new JournalException("runbook '" + runbook.name() + "' now has steps " + ids
          + " but its plan has " + plannedIds);
    }
    Confirmable target = runbook.confirmationTarget(plan.bindings()).orElse(null);
    JournalReplay run = new JournalReplay(plan, journal, entries, options.confirmation(), target, settings.clock());
    if (needsConfirmation(run, steps)) {
      Optional<String> mismatch = target != null ? whyNotConfirmed(target, options.confirmation())
          : now.whyNotConfirmedBy(options.confirmation());
      if (mismatch.isPresent()) {
        return finish(refused(plan.id(), "confirmation refused: " + mismatch.get(), Facts.of()));
      }
    }
    boolean mutating = steps.stream().anyMatch(s -> s.step().impact() != Impact.NONE);
    LeaseRenewal lease;
    try {
      lease = mutating ? LeaseRenewal.acquire(settings.lease(), now.scope(), plan.id(), settings.leaseTtl())
          : LeaseRenewal.none();
    } catch (LeaseUnavailableException e) {
      return finish(refused(plan.id(), message(e), Facts.of(ClusterLease.HOLDER, e.holder())));
    }
    RunbookResult result;
    try (lease) {
      if (!resumed) {
        run.append("", JournalEntry.Kind.RUN_STARTED, "planned " + steps.size() + " steps", Facts.of(), plan.toJson());
      }
      settings.publish(new RunbookEvent.RunStarted(plan.id(), settings.clock().instant(), runbook.name(), resumed,
          steps.size()));
      WriteProbe probe = options.findWriteProbe().map(WriteProbe::start).orElse(null);
      try {
        result = runSteps(run, steps, lease);
      } finally {
        if (probe != null) {
          probe.stop(); // also when a listener or step throws an Error: no writer thread outlives the run
        }
      }
      if (probe != null) {
        WriteDowntime downtime = probe.stop();
        settings.publish(new RunbookEvent.WriteDowntimeMeasured(plan.id(), settings.clock().instant(), downtime));
        result = result.withWriteDowntime(downtime);
      }
    }
    run.append("", JournalEntry.Kind.RUN_FINISHED, kindOf(result), Facts.of(), null);
    return finish(result);
  }

  private RunbookResult runSteps(JournalReplay run, List<Runbook.Resolved> steps, LeaseRenewal lease) {
    RunbookResult stopped = null;
    List<String> failedCleanups = new ArrayList<>();
    for (Runbook.Resolved r : steps) {
      if (stopped != null) {
        // Undo what an armed step started, even without the lease: leaving it (a paused pooler) is worse.
        if (r.armedBy() != null && run.intended(r.armedBy())) {
          execution.run(run, r).ifPresent(c -> failedCleanups.add(r.id() + ": " + reasonOf(c)));
        }
        continue;
      }
      String lost = lease.lost();
      Optional<RunbookResult> stop = lost != null
          ? Optional.of(new RunbookResult.Failed(run.plan.id(), "runbook lease lost: " + lost, r.id(), Facts.of(), null,
              run.reports))
          : execution.run(run, r);
      if (stop.isPresent()) {
        stopped = stop.get();
      }
    }
    if (stopped == null) {
      return new RunbookResult.Succeeded(run.plan.id(), run.reports);
    }
    String also = failedCleanups.isEmpty() ? "" : "; cleanup also failed: " + String.join("; ", failedCleanups);
    if (stopped instanceof RunbookResult.Refused r) {
      return new RunbookResult.Refused(r.runId(), r.reason() + also, r.stepId(), r.evidence(), run.reports);
    }
    RunbookResult.Failed f = (RunbookResult.Failed) stopped;
    return new RunbookResult.Failed(f.runId(), f.reason() + also, f.stepId(), f.evidence(), f.cause(), run.reports);
  }

  private static String reasonOf(RunbookResult r) {
    return r instanceof RunbookResult.Refused x ? x.reason() : r instanceof RunbookResult.Failed x ? x.reason() : "";
  }

  private boolean needsConfirmation(JournalReplay run, List<Runbook.Resolved> steps) {
    for (Runbook.Resolved r : steps) {
      if (r.step().impact() != Impact.DESTRUCTIVE || run.history(r.id()).terminal != null) {
        continue;
      }
      Optional<PlannedStep> planned = run.plan.steps().stream().filter(p -> p.stepId().equals(r.id())).findFirst();
      if (run.history(r.id()).intent != null
          || planned.map(p -> p.decision() != Decision.Kind.SATISFIED).orElse(true)) {
        return true;
      }
    }
    return false;
  }

  /** Why {@code given} does not confirm a runbook's own confirmation target; empty when it does. */
  static Optional<String> whyNotConfirmed(Confirmable target, @Nullable Confirmation given) {
    if (given == null) {
      return Optional.of("destructive steps need the confirmation token of " + target.confirmationSubject() + " ("
          + target.confirmationToken() + ")");
    }
    return given.confirms(target) ? Optional.empty()
        : Optional.of("confirmation '" + given + "' does not confirm " + target.confirmationSubject());
  }

  private static RunbookResult.Refused refused(String runId, String reason, Facts evidence) {
    return new RunbookResult.Refused(runId, reason, null, evidence, List.of());
  }

  private RunbookResult finish(RunbookResult result) {
    settings.publish(new RunbookEvent.RunFinished(result.runId(), settings.clock().instant(), result));
    return result;
  }

  private static String kindOf(RunbookResult r) {
    return r instanceof RunbookResult.Succeeded ? "succeeded" : r instanceof RunbookResult.Refused ? "refused" : "failed";
  }

  /** The exception's message, or its description when it has none. */
  static String message(Throwable e) {
    return Objects.requireNonNullElse(e.getMessage(), describe(e));
  }

  static String describe(Throwable e) {
    String msg = e.getMessage();
    return e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
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
    private @Nullable ClusterObserver observer;

    private Builder() {}

    /** How to observe the cluster's identity (scope, system identifier, leader, timeline, members). Required. */
    public Builder identity(ClusterIdentity.Source identity) {
      this.identity = Objects.requireNonNull(identity, "identity == null");
      return this;
    }

    /**
     * How steps observe the cluster for {@link StepContext#check} and {@link StepContext#await(
     * dev.patroni4j.client.ClusterCondition, Duration)}, e.g. {@code (withStatuses, maxWait) ->
     * client.observe(withStatuses)}; catalogue runners have it already.
     */
    public Builder observer(ClusterObserver observer) {
      this.observer = Objects.requireNonNull(observer, "observer == null");
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

    /** The clock deadlines and journal timestamps use. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** How waits sleep between observations (patroni4j's one {@link Sleeper}). */
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
