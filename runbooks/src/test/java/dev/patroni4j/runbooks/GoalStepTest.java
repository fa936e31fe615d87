package dev.patroni4j.runbooks;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.ClusterObservation;
import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.ManualTime;
import dev.patroni4j.client.PatroniWaitTimeoutException;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberState;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.client.model.Timeline;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Steps whose goal is a cluster condition are waited for through ClusterWaiter, within the step's deadline. */
class GoalStepTest {
  private static final Duration VERIFY = Duration.ofSeconds(10);
  private final ScriptedCluster cluster = new ScriptedCluster();
  private final ManualTime time = ManualTime.startingAt(Instant.parse("2026-11-22T04:00:00Z")).onSleep(cluster::tick);
  private final AtomicInteger observations = new AtomicInteger();
  @TempDir Path dir;

  private ClusterObservation observe() {
    observations.incrementAndGet();
    ClusterView view = ClusterView.of(cluster.scope, cluster.members.stream()
        .map(n -> Member.builder(n, Role.of(n.equals(cluster.leader) ? "leader" : "replica"), MemberState.of("running"))
            .timeline(Timeline.of(cluster.timeline)).build()).toList(), false, null);
    return new ClusterObservation(view, Map.of(), Map.of(), time.instant());
  }

  private RunbookRunner runner() {
    return RunbookRunner.builder().identity(cluster::identity).clock(time).sleeper(time)
        .observer((withStatuses, maxWait) -> observe())
        .defaultPolicy(StepPolicy.custom().verifyTimeout(VERIFY).pollInterval(Duration.ofSeconds(1))
            .readRetry(1, Duration.ZERO).build())
        .build();
  }

  private Journal journal(String name) {
    return FileJournal.at(dir.resolve(name + ".jsonl"));
  }

  private Step switchOverTo(String candidate, ClusterCondition goal) {
    return Steps.named("switchover").impact(Impact.DISRUPTIVE)
        .decide(ctx -> cluster.leader.equals(candidate) ? Decision.satisfied("leader is " + candidate)
            : Decision.needsAction("leader is " + cluster.leader))
        .act((ctx, intent) -> cluster.requestSwitchover(candidate))
        .verifyUntil((ctx, intent) -> goal)
        .onReached((ctx, intent, o) -> Verification.done("leader is " + o.view().leader().name(),
            Facts.of(ScriptedCluster.TIMELINE, o.view().timeline().orElseThrow().id())))
        .build();
  }

  @Test
  void aGoalIsWaitedForOnTheObserverAndReachedRecordsTheObservationInWhichItHeld() {
    Runbook rb = Runbook.named("rb").step(switchOverTo("pg2", Conditions.leaderIs("pg2"))).build();

    RunbookResult r = runner().execute(rb, journal("a"));

    assertThat(r).isInstanceOf(RunbookResult.Succeeded.class);
    StepReport report = r.steps().get(0);
    assertThat(report.outcome()).isEqualTo(StepReport.Outcome.COMPLETED);
    assertThat(report.reason()).isEqualTo("leader is pg2");
    assertThat(report.facts().get(ScriptedCluster.TIMELINE)).isEqualTo(2L);
    // The switchover takes two ticks: observed, slept, observed, slept, observed.
    assertThat(time.slept()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  @Test
  void aGoalThatIsNotReachedFailsTheStepWithTheLastClusterObservationAndWhyNot() {
    cluster.switchoverTicks = 1000;
    ClusterCondition pg3Leads = new ClusterCondition() {
      @Override public boolean test(ClusterObservation o) { return o.view().leader().name().equals("pg3"); }
      @Override public String describe() { return "pg3 leads"; }
      @Override public String whyNot(ClusterObservation o) { return "leader is still " + o.view().leader().name(); }
    };
    Runbook rb = Runbook.named("rb").step(switchOverTo("pg3", pg3Leads)).build();

    RunbookResult r = runner().execute(rb, journal("b"));

    assertThat(r).isInstanceOfSatisfying(RunbookResult.Failed.class, f -> {
      assertThat(f.stepId()).isEqualTo("switchover");
      assertThat(f.reason()).contains("PT10S").endsWith("last observed: leader is still pg1");
      assertThat(f.cause()).isInstanceOf(PatroniWaitTimeoutException.class);
      PatroniWaitTimeoutException e = (PatroniWaitTimeoutException) requireNonNull(f.cause());
      assertThat(e.lastObserved()).hasValueSatisfying(o -> assertThat(o.view().leader().name()).isEqualTo("pg1"));
    });
    assertThat(time.totalSlept()).isEqualTo(VERIFY);
  }

  @Test
  void aGoalThatAlreadyHoldsAfterTheActionIsReachedWithoutSleeping() {
    cluster.switchoverTicks = 0;
    Runbook rb = Runbook.named("rb").step(switchOverTo("pg2", Conditions.leaderIs("pg2"))).build();

    RunbookResult r = runner().execute(rb, journal("c"));

    assertThat(r).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(time.slept()).isEmpty();
  }

  @Test
  void untilIsSkippedWhenItsConditionHoldsAndOtherwiseWaitsForIt() {
    Runbook holds = Runbook.named("holds").step(Steps.until("leader", Conditions.leaderIs("pg1"))).build();
    RunbookResult skipped = runner().execute(holds, journal("d"));
    assertThat(skipped.steps()).extracting(StepReport::outcome).containsExactly(StepReport.Outcome.SKIPPED);

    cluster.requestSwitchover("pg3");
    Runbook waits = Runbook.named("waits").step(Steps.until("leader", ctx -> Conditions.leaderIs("pg3"))).build();
    RunbookResult waited = runner().execute(waits, journal("e"));
    assertThat(waited).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(waited.steps()).extracting(StepReport::outcome).containsExactly(StepReport.Outcome.COMPLETED);
    assertThat(cluster.leader).isEqualTo("pg3");
  }

  @Test
  void awaitInsideAStepNeverRunsPastTheStepsDeadline() {
    AtomicInteger waits = new AtomicInteger();
    Runbook rb = Runbook.named("rb").step(Steps.named("long-wait").impact(Impact.CHANGE)
        .decide(ctx -> Decision.needsAction("wait for pg3"))
        .act((ctx, intent) -> {
          waits.incrementAndGet();
          ctx.await(Conditions.leaderIs("pg3"), Duration.ofHours(1));
        })
        .build()).build();

    RunbookResult r = runner().execute(rb, journal("f"));

    assertThat(waits).hasValue(1);
    assertThat(r).isInstanceOfSatisfying(RunbookResult.Failed.class, f -> {
      assertThat(f.cause()).isInstanceOf(PatroniWaitTimeoutException.class);
      assertThat(((PatroniWaitTimeoutException) requireNonNull(f.cause())).timeout()).isEqualTo(VERIFY);
    });
    assertThat(time.totalSlept()).isEqualTo(VERIFY);
  }

  @Test
  void aGoalStepsDefaultVerifyObservesTheGoalOnce() throws Exception {
    Step step = switchOverTo("pg2", Conditions.leaderIs("pg2"));
    StepContext ctx = new StepContext("run", "switchover", Facts.of(), null, null, time, time,
        StepPolicy.ofDefaults(), new RunbookListener() { }, (withStatuses, maxWait) -> observe());
    Decision.NeedsAction intent = (Decision.NeedsAction) step.decide(ctx);

    assertThat(step.verify(ctx, intent)).isInstanceOfSatisfying(Verification.Pending.class,
        p -> assertThat(p.reason()).isEqualTo("not yet: leader is pg2 and running"));
    cluster.leader = "pg2";
    assertThat(step.verify(ctx, intent)).isInstanceOf(Verification.Done.class);
    assertThat(observations).hasValue(2);
  }
}
