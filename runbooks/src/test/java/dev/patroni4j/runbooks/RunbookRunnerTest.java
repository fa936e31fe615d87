package dev.patroni4j.runbooks;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.ManualTime;
import dev.patroni4j.client.PatroniWaitTimeoutException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunbookRunnerTest {
  private static final Fact<String> PG2 = Fact.text("pg2");
  private static final Fact<String> A = Fact.text("a");
  private static final Fact<Long> HTTP = Fact.number("http");
  private static final Fact<List<String>> MEMBERS = Fact.texts("members");
  private final ScriptedCluster cluster = new ScriptedCluster();
  private final ManualTime time = ManualTime.startingAt(Instant.parse("2026-11-22T04:00:00Z")).onSleep(cluster::tick);
  private final List<String> events = new ArrayList<>();
  @TempDir Path dir;

  private RunbookRunner.Builder runner() {
    return RunbookRunner.builder()
        .identity(cluster::identity)
        .clock(time)
        .sleeper(time)
        .defaultPolicy(StepPolicy.custom().verifyTimeout(Duration.ofSeconds(10)).pollInterval(Duration.ofSeconds(1))
            .readRetry(3, Duration.ofMillis(1)).build())
        .listener(new RunbookListener() {
          @Override
          public void stepSkipped(RunbookEvent.StepSkipped e) {
            events.add("skipped " + e.stepId());
          }

          @Override
          public void stepActed(RunbookEvent.StepActed e) {
            events.add("acted " + e.stepId());
          }

          @Override
          public void stepVerified(RunbookEvent.StepVerified e) {
            events.add("verified " + e.stepId());
          }

          @Override
          public void stepFailed(RunbookEvent.StepFailed e) {
            events.add("failed " + e.stepId());
          }
        });
  }

  private Journal journal(String name) {
    return FileJournal.at(dir.resolve(name + ".jsonl"));
  }

  @Test
  void switchoverActsOnceVerifiesAndSecondRunActsOnNothing() {
    RunbookResult first = runner().build().execute(cluster.switchoverRunbook(), journal("a"));

    assertThat(first).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(first.actedSteps()).containsExactly("switchover");
    assertThat(cluster.leader).isEqualTo("pg2");
    assertThat(cluster.timeline).isEqualTo(2);
    assertThat(events).containsExactly("skipped healthy", "acted switchover", "verified switchover", "skipped settled");

    RunbookResult again = runner().build().execute(cluster.switchoverRunbook(), journal("a"));
    assertThat(again.actedSteps()).isEmpty();
    assertThat(again.steps()).extracting(StepReport::outcome).containsOnly(StepReport.Outcome.ALREADY_DONE);
    assertThat(cluster.switchoverRequests).isEqualTo(1);
  }

  @Test
  void blockedStepRefusesWithItsReasonAndLaterStepsDoNotRun() {
    AtomicInteger later = new AtomicInteger();
    Runbook rb = Runbook.named("rb")
        .step(Steps.named("guard").decide(ctx -> Decision.blocked("no candidate: pg2 is nofailover",
            Facts.of(PG2, "nofailover"))).build())
        .step(Steps.named("later").impact(Impact.CHANGE)
            .decide(ctx -> Decision.needsAction("x")).act((ctx, i) -> later.incrementAndGet()).build())
        .build();

    RunbookResult r = runner().build().execute(rb, journal("b"));

    assertThat(r).isInstanceOfSatisfying(RunbookResult.Refused.class, refused -> {
      assertThat(refused.reason()).isEqualTo("no candidate: pg2 is nofailover");
      assertThat(refused.stepId()).isEqualTo("guard");
      assertThat(refused.evidence().get(PG2)).isEqualTo("nofailover");
    });
    assertThat(later).hasValue(0);
  }

  @Test
  void verificationTimesOutIntoFailedWithLastObservation() {
    cluster.switchoverTicks = 1000;
    RunbookResult r = runner().build().execute(cluster.switchoverRunbook(), journal("c"));

    assertThat(r).isInstanceOfSatisfying(RunbookResult.Failed.class, f -> {
      assertThat(f.stepId()).isEqualTo("switchover");
      assertThat(f.cause()).isInstanceOf(PatroniWaitTimeoutException.class);
      assertThat(((PatroniWaitTimeoutException) requireNonNull(f.cause())).lastObservation(Verification.Pending.class)
          .map(Verification::reason)).hasValue("timeline still 1");
      assertThat(f.reason()).contains("PT10S");
    });
  }

  @Test
  void crashAfterIntentResumesWithoutRepeatingAVisibleSwitchover() {
    Journal journal = journal("d");
    cluster.crashAfterRequest = true;
    assertThatThrownBy(() -> runner().build().execute(cluster.switchoverRunbook(), journal))
        .isInstanceOf(SimulatedCrash.class);
    cluster.tick();
    cluster.tick();
    assertThat(cluster.leader).isEqualTo("pg2");

    RunbookResult resumed = runner().build().execute(cluster.switchoverRunbook(), journal);

    assertThat(resumed).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(resumed.actedSteps()).isEmpty();
    assertThat(resumed.steps()).extracting(StepReport::outcome).containsExactly(StepReport.Outcome.ALREADY_DONE,
        StepReport.Outcome.SKIPPED, StepReport.Outcome.SKIPPED);
    assertThat(cluster.switchoverRequests).isEqualTo(1);
    assertThat(cluster.timeline).isEqualTo(2);
  }

  @Test
  void crashAfterIntentWhoseEffectNeverShowedActsAgain() {
    Journal journal = journal("d2");
    cluster.crashAfterRequest = true;
    cluster.switchoverTicks = 1000;
    assertThatThrownBy(() -> runner().build().execute(cluster.switchoverRunbook(), journal))
        .isInstanceOf(SimulatedCrash.class);
    cluster.switchoverTicks = 1;
    cluster.dropPendingSwitchover();

    RunbookResult resumed = runner().build().execute(cluster.switchoverRunbook(), journal);

    assertThat(resumed.actedSteps()).containsExactly("switchover");
    assertThat(cluster.switchoverRequests).isEqualTo(2);
    assertThat(cluster.timeline).isEqualTo(2);
  }

  @Test
  void resumeUsesTheJournaledBindingsNotFreshOnes() {
    Journal journal = journal("e");
    List<String> seen = new ArrayList<>();
    Runbook rb = Runbook.named("each")
        .bind(MEMBERS, ctx -> List.copyOf(cluster.members))
        .forEach(MEMBERS, m -> Steps.named("touch[" + m + "]").impact(Impact.CHANGE)
            .decide(ctx -> Decision.needsAction("touch " + m))
            .act((ctx, i) -> {
              seen.add(m);
              if (m.equals("pg2") && seen.size() == 2) { // crash after acting, before the outcome is journaled
                throw new SimulatedCrash();
              }
            })
            .build())
        .build();
    assertThatThrownBy(() -> runner().build().execute(rb, journal)).isInstanceOf(SimulatedCrash.class);
    cluster.members.add("pg4");

    RunbookResult r = runner().build().execute(rb, journal);

    assertThat(r.steps()).extracting(StepReport::stepId).containsExactly("touch[pg1]", "touch[pg2]", "touch[pg3]");
    assertThat(seen).containsExactly("pg1", "pg2", "pg2", "pg3");
  }

  @Test
  void planChangesNothingRoundTripsThroughJsonAndExecutesWhileItHolds() {
    RunbookRunner runner = runner().build();
    Plan plan = runner.plan(cluster.switchoverRunbook());

    assertThat(cluster.switchoverRequests).isZero();
    assertThat(plan.actions()).extracting(PlannedStep::stepId).containsExactly("switchover");
    assertThat(plan.bindings().get(ScriptedCluster.FROM)).isEqualTo("pg1");
    assertThat(plan.bindings().get(ScriptedCluster.TO)).isEqualTo("pg2");
    Plan stored = Plan.fromJson(plan.toJson());
    assertThat(stored).isEqualTo(plan);
    assertThat(plan.describe()).contains("ACT switchover [needs-action] leader is pg1");

    RunbookResult r = runner.execute(cluster.switchoverRunbook(), journal("f"),
        ExecuteOptions.defaults().plan(stored.approve("alice")).requireApproval());
    assertThat(r.succeeded()).isTrue();
    assertThat(r.runId()).isEqualTo(plan.id());
  }

  @Test
  void executingAPlanWhoseLeaderChangedIsRefusedAndChangesNothing() {
    RunbookRunner runner = runner().build();
    Plan plan = runner.plan(cluster.switchoverRunbook());
    cluster.leader = "pg3";
    cluster.timeline = 2;

    RunbookResult r = runner.execute(cluster.switchoverRunbook(), journal("g"), ExecuteOptions.defaults().plan(plan));

    assertThat(r).isInstanceOfSatisfying(RunbookResult.Refused.class,
        refused -> assertThat(refused.reason()).isEqualTo("plan no longer holds: leader is pg3, plan was made with leader pg1"));
    assertThat(cluster.switchoverRequests).isZero();
  }

  @Test
  void unapprovedPlanIsRefusedWhenApprovalIsRequired() {
    RunbookRunner runner = runner().build();
    Plan plan = runner.plan(cluster.switchoverRunbook());

    RunbookResult r = runner.execute(cluster.switchoverRunbook(), journal("h"),
        ExecuteOptions.defaults().plan(plan).requireApproval());

    assertThat(r).isInstanceOf(RunbookResult.Refused.class);
    assertThat(((RunbookResult.Refused) r).reason()).contains("is not approved");
    assertThat(cluster.switchoverRequests).isZero();
  }

  @Test
  void destructiveStepNeedsATokenBoundToClusterSystemIdentifierAndLeader() {
    AtomicInteger wiped = new AtomicInteger();
    Runbook rb = Runbook.named("wipe")
        .step(Steps.named("note").impact(Impact.CHANGE).decide(ctx -> Decision.needsAction("note"))
            .act((ctx, i) -> wiped.addAndGet(100)).build())
        .step(Steps.named("wipe").impact(Impact.DESTRUCTIVE).decide(ctx -> Decision.needsAction("wipe"))
            .act((ctx, i) -> wiped.incrementAndGet()).build())
        .build();
    RunbookRunner runner = runner().build();

    RunbookResult none = runner.execute(rb, journal("i1"));
    RunbookResult otherLeader = runner.execute(rb, journal("i2"),
        ExecuteOptions.defaults().confirmation(Confirmation.of("demo:7710832286115904311:pg3")));
    RunbookResult otherSystem = runner.execute(rb, journal("i3"),
        ExecuteOptions.defaults().confirmation(Confirmation.of("demo:1:pg1")));

    assertThat(List.of(none, otherLeader, otherSystem)).allSatisfy(r -> assertThat(r).isInstanceOf(RunbookResult.Refused.class));
    assertThat(((RunbookResult.Refused) none).reason()).contains("demo:7710832286115904311:pg1 would confirm");
    assertThat(((RunbookResult.Refused) otherLeader).reason()).contains("leader pg1");
    assertThat(wiped).hasValue(0);

    RunbookResult ok = runner.execute(rb, journal("i4"),
        ExecuteOptions.defaults().confirmation(Confirmation.of(cluster.identity())));
    assertThat(ok.succeeded()).isTrue();
    assertThat(wiped).hasValue(101);
  }

  @Test
  void aRunbookConfirmedByItsOwnTargetRefusesTheClusterTokenAndAnotherTargetsAndChecksAgainOnResume() {
    AtomicInteger wiped = new AtomicInteger();
    Fact<String> dir = Fact.text("dir");
    record Wipe(String dir) implements dev.patroni4j.client.Confirmable {
      @Override public String confirmationToken() { return "wipe:" + dir; }
      @Override public String confirmationSubject() { return "the wipe of " + dir; }
    }
    java.util.function.Function<String, Runbook> wipeOf = d -> Runbook.named("wipe")
        .bind(dir, ctx -> d)
        .confirmedBy(facts -> new Wipe(facts.get(dir)))
        .step(Steps.named("wipe").impact(Impact.DESTRUCTIVE).decide(ctx -> Decision.needsAction("wipe"))
            .act((ctx, i) -> {
              if (wiped.incrementAndGet() == 1) {
                throw new SimulatedCrash();
              }
            }).build())
        .build();
    RunbookRunner runner = runner().build();

    RunbookResult none = runner.execute(wipeOf.apply("/a"), journal("c1"));
    RunbookResult clusterToken = runner.execute(wipeOf.apply("/a"), journal("c2"),
        ExecuteOptions.defaults().confirmation(Confirmation.of(cluster.identity())));
    RunbookResult otherDir = runner.execute(wipeOf.apply("/a"), journal("c3"),
        ExecuteOptions.defaults().confirmation(Confirmation.of("wipe:/b")));

    assertThat(List.of(none, clusterToken, otherDir)).allSatisfy(r -> assertThat(r).isInstanceOf(RunbookResult.Refused.class));
    assertThat(((RunbookResult.Refused) none).reason()).contains("the confirmation token of the wipe of /a (wipe:/a)");
    assertThat(((RunbookResult.Refused) clusterToken).reason()).contains("does not confirm the wipe of /a");
    assertThat(wiped).hasValue(0);

    Journal crashed = journal("c4");
    assertThatThrownBy(() -> runner.execute(wipeOf.apply("/a"), crashed,
        ExecuteOptions.defaults().confirmation(Confirmation.of("wipe:/a")))).isInstanceOf(SimulatedCrash.class);
    RunbookResult resumedWithout = runner.execute(wipeOf.apply("/a"), crashed);
    assertThat(resumedWithout).isInstanceOf(RunbookResult.Refused.class);
    RunbookResult resumed = runner.execute(wipeOf.apply("/a"), crashed,
        ExecuteOptions.defaults().confirmation(Confirmation.of("wipe:/a")));
    assertThat(resumed.succeeded()).as(resumed.toString()).isTrue();
    assertThat(wiped).hasValue(2);
  }

  @Test
  void secondMutatingRunOnTheSameClusterIsRefusedWhileTheFirstHoldsTheLease() {
    ClusterLease lease = ClusterLease.inMemory(time);
    RunbookRunner runner = runner().lease(lease).build();
    List<RunbookResult> inner = new ArrayList<>();
    Runbook outer = Runbook.named("outer")
        .step(Steps.named("nested").impact(Impact.CHANGE).decide(ctx -> Decision.needsAction("x"))
            .act((ctx, i) -> inner.add(runner.execute(cluster.switchoverRunbook(), journal("j2")))).build())
        .build();

    RunbookResult r = runner.execute(outer, journal("j1"));

    assertThat(r.succeeded()).isTrue();
    assertThat(inner).singleElement().isInstanceOfSatisfying(RunbookResult.Refused.class, refused -> {
      assertThat(refused.reason()).contains("locked by another runbook run: " + r.runId());
      assertThat(refused.evidence().get(ClusterLease.HOLDER)).isEqualTo(r.runId());
    });
    assertThat(cluster.switchoverRequests).isZero();
    assertThat(runner.execute(cluster.switchoverRunbook(), journal("j3")).succeeded()).isTrue();
  }

  @Test
  void observationsAreRetriedButActionsAreNot() {
    AtomicInteger reads = new AtomicInteger();
    AtomicInteger acts = new AtomicInteger();
    Runbook rb = Runbook.named("rb")
        .step(Steps.named("flaky").impact(Impact.CHANGE)
            .decide(ctx -> {
              if (reads.incrementAndGet() < 3) {
                throw new IOException("connection reset");
              }
              return Decision.needsAction("go");
            })
            .act((ctx, i) -> {
              acts.incrementAndGet();
              throw new IOException("read timed out after the request was sent");
            })
            .build())
        .build();

    RunbookResult r = runner().build().execute(rb, journal("k"));

    assertThat(reads).as("two failures and a success while planning, one read while executing").hasValue(4);
    assertThat(acts).hasValue(1);
    assertThat(r).isInstanceOfSatisfying(RunbookResult.Failed.class, f -> {
      assertThat(f.reason()).isEqualTo("action failed: IOException: read timed out after the request was sent");
      assertThat(f.cause()).isInstanceOf(IOException.class);
    });
  }

  @Test
  void stepRefusedByTheClusterEndsRefusedWithEvidence() {
    Runbook rb = Runbook.named("rb")
        .step(Steps.named("ask").impact(Impact.DISRUPTIVE).decide(ctx -> Decision.needsAction("go", Facts.of(A, "1")))
            .act((ctx, i) -> {
              throw new StepRefusedException("Patroni: no good candidates have been found", Facts.of(HTTP, 412L));
            }).build())
        .build();

    RunbookResult r = runner().build().execute(rb, journal("l"));

    assertThat(r).isInstanceOfSatisfying(RunbookResult.Refused.class, refused ->
        assertThat(refused.evidence()).isEqualTo(Facts.of(HTTP, 412L, A, "1")));
  }

  @Test
  void journalOfAnotherRunbookIsRejected() {
    Journal journal = journal("m");
    runner().build().execute(cluster.switchoverRunbook(), journal);

    assertThatThrownBy(() -> runner().build().execute(Runbook.named("other").build(), journal))
        .isInstanceOf(JournalException.class)
        .hasMessageContaining("journal holds a run of runbook 'switchover', not 'other'");
  }

  @Test
  void subRunbooksAreFlattenedWithPrefixedIds() {
    Runbook inner = Runbook.named("inner").step(Steps.await("a", ctx -> Verification.done("ok"))).build();
    Runbook outer = Runbook.named("outer").include(inner).step(Steps.await("a", ctx -> Verification.done("ok"))).build();

    Plan plan = runner().build().plan(outer);

    assertThat(plan.steps()).extracting(PlannedStep::stepId).containsExactly("inner/a", "a");
  }

  @Test
  void duplicateStepIdsAreRejected() {
    Runbook rb = Runbook.named("dup").step(Steps.await("a", ctx -> Verification.done("ok")))
        .step(Steps.await("a", ctx -> Verification.done("ok"))).build();

    assertThatThrownBy(() -> runner().build().plan(rb)).hasMessageContaining("two steps with id 'a'");
  }

}
