package dev.patroni4j.runbooks.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.config.ConfigDocument;
import dev.patroni4j.runbooks.Journal;
import dev.patroni4j.runbooks.RunbookEvent;
import dev.patroni4j.runbooks.RunbookListener;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.RunbookRunner;
import dev.patroni4j.runbooks.StepReport;
import dev.patroni4j.runbooks.Verification;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class PlannedSwitchoverTest {
  /**
   * The tests the version matrix runs on every Patroni release (runbooks/pom.xml): those whose outcome
   * depends on how Patroni behaves.
   */
  static final String EVERY_PATRONI_VERSION = "every-patroni-version";

  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = LocalPatroniClusterExtension.of(LocalPatroniCluster.builder());

  @TempDir Path dir;

  private LocalPatroniCluster cluster() {
    return CLUSTER.cluster();
  }

  @Test
  @Tag(EVERY_PATRONI_VERSION)
  void switchoverEndsWithEveryMemberStreamingOnTheNewTimelineAndASecondRunActsOnNothing() throws Exception {
    PatroniRunbooks catalogue = RealCluster.catalogue(cluster());
    long before = RealCluster.timeline(cluster());
    List<RunbookEvent> events = new CopyOnWriteArrayList<>();
    RunbookRunner runner = catalogue.runner().listener(recording(events)).build();
    Journal journal = RealCluster.journal(dir);

    RunbookResult first = runner.execute(catalogue.plannedSwitchover(SwitchoverOptions.defaults().from("pg1")), journal);

    assertThat(first).as(first.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(first.actedSteps()).containsExactly("checkpoint", "switchover", "all-streaming");
    assertThat(cluster().leader().name()).isNotEqualTo("pg1");
    assertThat(RealCluster.timeline(cluster())).isEqualTo(before + 1);
    assertThat(RealCluster.writablePrimaries(cluster())).containsExactly(cluster().leader().name());
    assertThat(events).filteredOn(RunbookEvent.SwitchoverInitiated.class::isInstance).hasSize(1);
    assertThat(events).filteredOn(RunbookEvent.SwitchoverFinalized.class::isInstance).singleElement()
        .satisfies(e -> assertThat(((RunbookEvent.SwitchoverFinalized) e).timeline().id()).isEqualTo(before + 1));

    RunbookResult sameJournal =
        runner.execute(catalogue.plannedSwitchover(SwitchoverOptions.defaults().from("pg1")), journal);
    RunbookResult freshJournal =
        runner.execute(catalogue.plannedSwitchover(SwitchoverOptions.defaults().from("pg1")), RealCluster.journal(dir));

    String journalText = Files.readString(((dev.patroni4j.runbooks.FileJournal) journal).path());
    assertThat(journalText).contains("\"kind\":\"INTENT\"").doesNotContain(cluster().superuserPassword());
    assertThat(sameJournal.actedSteps()).isEmpty();
    assertThat(sameJournal.steps()).extracting(StepReport::outcome).containsOnly(StepReport.Outcome.ALREADY_DONE);
    assertThat(freshJournal.actedSteps()).isEmpty();
    assertThat(freshJournal.succeeded()).isTrue();
    assertThat(RealCluster.timeline(cluster())).isEqualTo(before + 1);
  }

  @Test
  @Tag(EVERY_PATRONI_VERSION)
  void candidateTaggedNofailoverIsRefusedWithTheReasonAndTheBestOtherOneIsChosen() throws Exception {
    PatroniRunbooks catalogue = RealCluster.catalogue(cluster());
    PatroniNode pg3 = cluster().node("pg3");
    // patroni-config's editor changes the one value and keeps the rest of the file
    Files.writeString(pg3.configFile(),
        ConfigDocument.parse(Files.readString(pg3.configFile())).set("tags.nofailover", true).text());
    RunbookResult reload = catalogue.runner().build().execute(catalogue.reload("pg3", ctx -> tagged(catalogue, "pg3")),
        RealCluster.journal(dir));
    assertThat(reload.actedSteps()).containsExactly("reload[pg3]");

    RunbookResult toPg3 = catalogue.runner().build()
        .execute(catalogue.plannedSwitchover(SwitchoverOptions.defaults().to("pg3")), RealCluster.journal(dir));

    assertThat(toPg3).isInstanceOfSatisfying(RunbookResult.Refused.class, r -> {
      assertThat(r.reason()).isEqualTo("candidate pg3 does not qualify: is tagged nofailover");
      assertThat(r.stepId()).isEqualTo("candidate");
    });
    assertThat(cluster().leader().name()).isEqualTo("pg1");
    assertThat(catalogue.runner().build().plan(catalogue.plannedSwitchover(SwitchoverOptions.defaults()))
        .bindings().get(Keys.TO)).isEqualTo("pg2");
  }

  private static Verification tagged(PatroniRunbooks catalogue, String member) {
    boolean tagged = catalogue.client().cluster().members().stream()
        .anyMatch(m -> m.name().equals(member) && m.tags().noFailover());
    return tagged ? Verification.done(member + " is tagged nofailover") : Verification.pending("not tagged yet");
  }

  @Test
  @Tag(EVERY_PATRONI_VERSION)
  void scheduledSwitchoverIsVisibleAndItsCancellationRemovesIt() {
    PatroniRunbooks catalogue = RealCluster.catalogue(cluster());
    RunbookRunner runner = catalogue.runner().build();
    OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC).plusHours(1).withNano(0);

    RunbookResult schedule = runner.execute(catalogue.scheduledSwitchover(at, SwitchoverOptions.defaults().to("pg2")),
        RealCluster.journal(dir));
    RunbookResult again = runner.execute(catalogue.scheduledSwitchover(at, SwitchoverOptions.defaults().to("pg2")),
        RealCluster.journal(dir));

    assertThat(schedule.actedSteps()).containsExactly("schedule-switchover");
    assertThat(again.actedSteps()).isEmpty();
    assertThat(catalogue.client().cluster().scheduledSwitchover()).isNotNull()
        .satisfies(s -> assertThat(s.at().toInstant()).isEqualTo(at.toInstant()));

    RunbookResult cancel = runner.execute(catalogue.cancelScheduledSwitchover(), RealCluster.journal(dir));
    RunbookResult cancelAgain = runner.execute(catalogue.cancelScheduledSwitchover(), RealCluster.journal(dir));

    assertThat(cancel.actedSteps()).containsExactly("cancel-switchover");
    assertThat(cancelAgain.actedSteps()).isEmpty();
    assertThat(catalogue.client().cluster().scheduledSwitchover()).isNull();
    assertThat(cluster().leader().name()).isEqualTo("pg1");
  }

  @Test
  void underAContinuousWriterNoAcknowledgedRowIsLost() throws Exception {
    PatroniRunbooks catalogue = RealCluster.catalogue(cluster());
    try (Writer writer = Writer.start(cluster(), "switchover_writer")) {
      writer.awaitRows(50);
      RunbookResult r = catalogue.runner().build().execute(catalogue.plannedSwitchover(
          SwitchoverOptions.defaults().waitForLagBelow(16L << 20, Duration.ofSeconds(60))), RealCluster.journal(dir));
      writer.awaitRows(writer.acknowledged() + 50);
      assertThat(r.steps()).extracting(StepReport::stepId)
          .containsExactly("guardrails", "candidate", "lag-below", "checkpoint", "switchover", "all-streaming");
      Writer.Report report = writer.stop();

      assertThat(r.succeeded()).as(r.toString()).isTrue();
      assertThat(report.missing()).as("acknowledged rows missing after the switchover").isEmpty();
      assertThat(report.acknowledged()).isGreaterThan(100);
      System.out.printf("planned switchover under a writer: %d rows acknowledged, %d failed attempts,"
          + " longest write unavailability %d ms%n", report.acknowledged(), report.failures(),
          report.longestGap().toMillis());
    }
  }

  @Test
  @Tag(EVERY_PATRONI_VERSION)
  void killingTheLeadersPatroniMidSwitchoverEndsTypedWithOneWritablePrimary() throws Exception {
    PatroniRunbooks catalogue = RealCluster.catalogue(cluster());
    PatroniNode pg1 = cluster().node("pg1");
    CompletableFuture<Void> killed = new CompletableFuture<>();
    RunbookRunner runner = catalogue.runner().listener(new RunbookListener() {
      @Override
      public void switchoverInitiated(RunbookEvent.SwitchoverInitiated e) {
        cluster().killPatroni(pg1);
        killed.complete(null);
      }
    }).build();

    RunbookResult r = runner.execute(catalogue.plannedSwitchover(SwitchoverOptions.defaults().from("pg1")),
        RealCluster.journal(dir));
    List<String> writableAtTheEnd = RealCluster.writablePrimaries(cluster());

    assertThat(killed).isDone();
    assertThat(r).as("a typed result: %s", r).isInstanceOfAny(RunbookResult.Succeeded.class,
        RunbookResult.Refused.class, RunbookResult.Failed.class);
    System.out.println("kill-leader mid-switchover ended: " + r + "; writable primaries then: " + writableAtTheEnd);
    // pg1 was planned and left the cluster (its Patroni is dead): the run may not claim that all members stream.
    assertThat(r).as("never Succeeded while a planned member is gone: %s", r).isInstanceOfSatisfying(
        RunbookResult.Failed.class, f -> {
          assertThat(f.stepId()).isEqualTo("all-streaming");
          assertThat(f.evidence().get(Keys.MISSING)).contains("pg1");
          if (writableAtTheEnd.size() > 1) {
            assertThat(f.evidence().get(Keys.WRITABLE)).containsAll(writableAtTheEnd);
          }
        });
    // The operator's recovery: Patroni comes back on pg1 and rejoins under whichever leader holds the lock.
    cluster().startPatroni(pg1);
    cluster().awaitHealthy(Duration.ofSeconds(90));
    assertThat(RealCluster.writablePrimaries(cluster())).hasSize(1).containsExactly(cluster().leader().name());
  }

  @Test
  void twoRunsAtOnceOnOneCatalogueEachHearOnlyOfTheirOwnSwitchoverRequest() throws Exception {
    PatroniRunbooks catalogue = RealCluster.catalogue(cluster());
    CyclicBarrier bothAtTheSwitchover = new CyclicBarrier(2);
    List<RunbookEvent> heardByA = new CopyOnWriteArrayList<>();
    List<RunbookEvent> heardByB = new CopyOnWriteArrayList<>();
    RunbookRunner a = catalogue.runner().listener(meetingAtSwitchover(bothAtTheSwitchover, heardByA)).build();
    RunbookRunner b = catalogue.runner().listener(meetingAtSwitchover(bothAtTheSwitchover, heardByB)).build();

    CompletableFuture<RunbookResult> toPg2 = CompletableFuture.supplyAsync(() -> a.execute(catalogue.plannedSwitchover(
        SwitchoverOptions.defaults().from("pg1").to("pg2").withoutCheckpoint()), RealCluster.journal(dir)));
    CompletableFuture<RunbookResult> toPg3 = CompletableFuture.supplyAsync(() -> b.execute(catalogue.plannedSwitchover(
        SwitchoverOptions.defaults().from("pg1").to("pg3").withoutCheckpoint()), RealCluster.journal(dir)));
    RunbookResult ra = resultOf("to pg2", toPg2, toPg3);
    RunbookResult rb = resultOf("to pg3", toPg3, toPg2);
    System.out.println("two concurrent switchovers: " + ra + " / " + rb);

    assertThat(heardByA).filteredOn(RunbookEvent.SwitchoverInitiated.class::isInstance).singleElement()
        .isInstanceOfSatisfying(RunbookEvent.SwitchoverInitiated.class, e -> {
          assertThat(e.runId()).isEqualTo(ra.runId());
          assertThat(e.candidate()).isEqualTo("pg2");
        });
    assertThat(heardByB).filteredOn(RunbookEvent.SwitchoverInitiated.class::isInstance).singleElement()
        .isInstanceOfSatisfying(RunbookEvent.SwitchoverInitiated.class, e -> {
          assertThat(e.runId()).isEqualTo(rb.runId());
          assertThat(e.candidate()).isEqualTo("pg3");
        });
    assertThat(heardByA).allSatisfy(e -> assertThat(e.runId()).isEqualTo(ra.runId()));
    assertThat(heardByB).allSatisfy(e -> assertThat(e.runId()).isEqualTo(rb.runId()));
    cluster().awaitHealthy(Duration.ofSeconds(90));
    assertThat(RealCluster.writablePrimaries(cluster())).hasSize(1);
  }

  /** The run's result; when it failed, the failure names how the other run ended (e.g. refused before its switchover). */
  private static RunbookResult resultOf(String run, CompletableFuture<RunbookResult> mine,
      CompletableFuture<RunbookResult> other) throws Exception {
    try {
      return mine.get(5, java.util.concurrent.TimeUnit.MINUTES);
    } catch (java.util.concurrent.ExecutionException e) {
      String otherEnded = other.handle((r, t) -> r != null ? r.toString() : String.valueOf(t)).getNow("still running");
      throw new AssertionError("the run " + run + " failed: " + e.getCause() + "; the other run ended: " + otherEnded,
          e);
    }
  }

  /**
   * Records every event of its run; both runs wait for each other when they reach the switchover step. A run that
   * ends without reaching it breaks the barrier, so the other fails at once and the failure names both outcomes
   * (rather than a timeout that a slow, loaded machine can also cause).
   */
  private static RunbookListener meetingAtSwitchover(CyclicBarrier barrier, List<RunbookEvent> events) {
    return new RunbookListener() {
      private volatile boolean reachedSwitchover;

      @Override
      public void stepStarted(RunbookEvent.StepStarted e) {
        events.add(e);
        if (e.stepId().equals("switchover")) {
          reachedSwitchover = true;
          try {
            barrier.await(3, java.util.concurrent.TimeUnit.MINUTES);
          } catch (Exception ex) {
            throw new AssertionError("the other run never reached its switchover; this run heard " + events, ex);
          }
        }
      }

      @Override
      public void runFinished(RunbookEvent.RunFinished e) {
        if (!reachedSwitchover) {
          barrier.reset();
        }
      }

      @Override
      public void stepFailed(RunbookEvent.StepFailed e) {
        events.add(e);
      }

      @Override
      public void stepSkipped(RunbookEvent.StepSkipped e) {
        events.add(e);
      }

      @Override
      public void switchoverInitiated(RunbookEvent.SwitchoverInitiated e) {
        events.add(e);
      }

      @Override
      public void switchoverFinalized(RunbookEvent.SwitchoverFinalized e) {
        events.add(e);
      }
    };
  }

  private static RunbookListener recording(List<RunbookEvent> events) {
    return new RunbookListener() {
      @Override
      public void switchoverInitiated(RunbookEvent.SwitchoverInitiated e) {
        events.add(e);
      }

      @Override
      public void switchoverFinalized(RunbookEvent.SwitchoverFinalized e) {
        events.add(e);
      }
    };
  }

  static List<String> names(List<PatroniNode> nodes) {
    List<String> out = new ArrayList<>();
    nodes.forEach(n -> out.add(n.name()));
    return out;
  }
}
