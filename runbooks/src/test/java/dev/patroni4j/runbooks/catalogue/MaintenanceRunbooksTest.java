package dev.patroni4j.runbooks.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.ManualTime;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.PatroniWaitTimeoutException;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.dcs.etcd.EtcdDcsClient;
import dev.patroni4j.runbooks.ClusterLease;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.ExecuteOptions;
import dev.patroni4j.runbooks.Impact;
import dev.patroni4j.runbooks.Journal;
import dev.patroni4j.runbooks.LeaseUnavailableException;
import dev.patroni4j.runbooks.Plan;
import dev.patroni4j.runbooks.PostgresJournal;
import dev.patroni4j.runbooks.Runbook;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.RunbookRunner;
import dev.patroni4j.runbooks.StepPolicy;
import dev.patroni4j.runbooks.StepReport;
import dev.patroni4j.runbooks.Steps;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class MaintenanceRunbooksTest {
  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = LocalPatroniClusterExtension.of(LocalPatroniCluster.builder());

  @TempDir Path dir;

  private LocalPatroniCluster cluster() {
    return CLUSTER.cluster();
  }

  @Test
  void pauseAndResumeAreDoneOnlyWhenEveryMemberReportsThemJournaledInPostgres() throws Exception {
    PatroniRunbooks catalogue = RealCluster.catalogue(cluster());
    RunbookRunner runner = catalogue.runner().build();
    PatroniNode pg1 = cluster().node("pg1");
    Journal journal = PostgresJournal.create(() -> cluster().connect(pg1), "runbook_journal", "pause-" + System.nanoTime());

    RunbookResult pause = runner.execute(catalogue.pause(), journal);
    assertThat(pause.actedSteps()).containsExactly("pause");
    assertThat(RealCluster.statuses(catalogue)).allSatisfy(s -> assertThat(s.paused()).isTrue());
    assertThat(runner.execute(catalogue.pause(), journal).steps()).extracting(StepReport::outcome)
        .containsExactly(StepReport.Outcome.ALREADY_DONE);
    assertThat(runner.execute(catalogue.pause(), RealCluster.journal(dir)).actedSteps()).isEmpty();
    assertThat(journal.read()).extracting(e -> e.kind().name())
        .containsSubsequence("RUN_STARTED", "INTENT", "ACTED", "COMPLETED", "RUN_FINISHED");

    RunbookResult resume = runner.execute(catalogue.resume(), RealCluster.journal(dir));
    assertThat(resume.actedSteps()).containsExactly("resume");
    assertThat(RealCluster.statuses(catalogue)).allSatisfy(s -> assertThat(s.paused()).isFalse());
    assertThat(runner.execute(catalogue.resume(), RealCluster.journal(dir)).actedSteps()).isEmpty();
  }

  @Test
  void configChangeAppliesOnlyToTheVersionItWasPlannedOnAndWritesByCompareAndSetThroughTheDcs() throws Exception {
    PatroniRunbooks catalogue = RealCluster.catalogue(cluster());
    RunbookRunner runner = catalogue.runner().build();
    Map<String, Object> patch = Map.of("maximum_lag_on_failover", 2_097_152);
    Plan plan = runner.plan(catalogue.configChange(patch, false));
    // Someone else changes the configuration after the plan was made.
    assertThat(catalogue.client().patchConfig(ClusterSteps.toPatch(Map.of("retry_timeout", 4))).kind().name()).isEqualTo("DONE");

    RunbookResult stale = runner.execute(catalogue.configChange(patch, false), RealCluster.journal(dir),
        ExecuteOptions.defaults().plan(plan));

    assertThat(stale).isInstanceOfSatisfying(RunbookResult.Refused.class,
        r -> assertThat(r.reason()).contains("plan no longer holds").contains("config-version"));
    assertThat(catalogue.client().config().maximumLagOnFailover()).hasValue(1_048_576);

    try (dev.patroni4j.dcs.etcd.EtcdDcsClient dcs = dev.patroni4j.dcs.etcd.EtcdDcsClient.builder()
        .endpoint(cluster().etcdEndpoint()).build()) {
      PatroniRunbooks withDcs = PatroniRunbooks.builder(RealCluster.client(cluster())).scope(cluster().scope())
          .namespace(cluster().namespace()).dcs(dcs).build();
      RunbookResult cas = withDcs.runner().build().execute(withDcs.configChange(patch, false), RealCluster.journal(dir));
      assertThat(cas.actedSteps()).as(cas.toString()).contains("patch-config");
      assertThat(catalogue.client().config().maximumLagOnFailover()).hasValue(2_097_152);
      assertThat(catalogue.client().config().retryTimeout()).as("the concurrent change is kept").hasValue(4);
      RunbookResult back = withDcs.runner().build().execute(withDcs.configChange(
          Map.of("maximum_lag_on_failover", 1_048_576, "retry_timeout", 3), false), RealCluster.journal(dir));
      assertThat(back.succeeded()).isTrue();
    }
  }

  @Test
  void reinitializeRebuildsABrokenMemberOnlyWithItsConfirmationToken() throws Exception {
    PatroniRunbooks catalogue = RealCluster.catalogue(cluster());
    RunbookRunner runner = catalogue.runner().build();
    PatroniNode pg3 = cluster().node("pg3");
    cluster().stopPatroni(pg3);
    Files.delete(pg3.dataDir().resolve("global/pg_control"));
    cluster().startPatroni(pg3);
    awaitDown(catalogue, "pg3");

    RunbookResult withoutToken = runner.execute(catalogue.reinitialize("pg3", false), RealCluster.journal(dir));
    assertThat(withoutToken).isInstanceOfSatisfying(RunbookResult.Refused.class,
        refused -> assertThat(refused.reason()).contains("destructive steps need a confirmation token"));
    assertThat(Files.exists(pg3.dataDir().resolve("global/pg_control"))).isFalse();

    Confirmation token = Confirmation.of(catalogue.identitySource().observe());
    RunbookResult r = runner.execute(catalogue.reinitialize("pg3", false), RealCluster.journal(dir),
        ExecuteOptions.defaults().confirmation(token));

    assertThat(r).as(r.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(r.actedSteps()).contains("reinitialize[pg3]");
    assertThat(RealCluster.show(cluster(), pg3, "server_version_num")).startsWith("15");
    assertThat(runner.execute(catalogue.reinitialize("pg3", false), RealCluster.journal(dir)).actedSteps()).isEmpty();
  }

  @Test
  void aSecondMutatingRunbookIsRefusedWhileTheFirstHoldsTheDcsLease() throws Exception {
    try (EtcdDcsClient dcs = EtcdDcsClient.builder().endpoint(cluster().etcdEndpoint()).build()) {
      PatroniRunbooks catalogue = PatroniRunbooks.builder(RealCluster.client(cluster())).scope(cluster().scope())
          .namespace(cluster().namespace()).dcsLease(dcs).build();
      ClusterRef ref = ClusterRef.of(cluster().namespace(), cluster().scope());
      ClusterLease lease = catalogue.lease();
      List<RunbookResult> second = new ArrayList<>();
      List<String> holderDuringRun = new ArrayList<>();
      Runbook first = Runbook.named("hold")
          .step(Steps.named("try-second").impact(Impact.CHANGE).decide(ctx -> Decision.needsAction("x"))
              .act((ctx, intent) -> {
                holderDuringRun.add(dcs.leaseHolder(ref, ClusterLease.DCS_LEASE_NAME).orElse("(none)"));
                second.add(catalogue.runner().build().execute(catalogue.pause(), RealCluster.journal(dir)));
              }).build())
          .build();

      RunbookResult r = catalogue.runner().build().execute(first, RealCluster.journal(dir));

      assertThat(r.succeeded()).isTrue();
      assertThat(holderDuringRun).containsExactly(r.runId());
      assertThat(second).singleElement().isInstanceOfSatisfying(RunbookResult.Refused.class,
          refused -> assertThat(refused.evidence().get(ClusterLease.HOLDER)).isEqualTo(r.runId()));
      assertThat(RealCluster.statuses(RealCluster.catalogue(cluster()))).allSatisfy(s -> assertThat(s.paused()).isFalse());
      assertThat(dcs.leaseHolder(ref, ClusterLease.DCS_LEASE_NAME)).as("released after the run").isEmpty();

      // A crashed holder's lease expires after its TTL.
      ClusterLease.Handle crashed = lease.acquire(cluster().scope(), "crashed-run", Duration.ofSeconds(2));
      assertThat(dcs.leaseHolder(ref, ClusterLease.DCS_LEASE_NAME)).contains("crashed-run");
      Thread.sleep(4000);
      try (ClusterLease.Handle next = lease.acquire(cluster().scope(), "next-run", Duration.ofSeconds(10))) {
        assertThat(dcs.leaseHolder(ref, ClusterLease.DCS_LEASE_NAME)).contains("next-run");
        assertThatThrownBy(crashed::renew).isInstanceOf(LeaseUnavailableException.class);
        crashed.close();
        assertThat(dcs.leaseHolder(ref, ClusterLease.DCS_LEASE_NAME)).as("a stale handle releases nothing")
            .contains("next-run");
      }
      assertThat(dcs.leaseHolder(ref, ClusterLease.DCS_LEASE_NAME)).isEmpty();
    }
  }

  /** Waits until Patroni runs on {@code member} and reports its PostgreSQL as failed to start (or stopped). */
  private static void awaitDown(PatroniRunbooks catalogue, String member) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String last = "";
    Thread.sleep(6000); // three loop_waits: Patroni tried to start PostgreSQL
    while (System.nanoTime() < deadline) {
      last = catalogue.client().cluster().members().stream().filter(m -> m.name().equals(member))
          .map(m -> m.state().raw()).findFirst().orElse("(absent)");
      if (List.of("start failed", "stopped", "crashed").contains(last)) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(member + " never reported a failed start, last: " + last);
  }

  @Test
  void theCataloguesRunnerWaitsOnTheClientsClockAndSleeper() throws Exception {
    ManualTime time = ManualTime.startingAt(Instant.parse("2026-12-03T00:00:00Z"));
    PatroniClient onManualTime = RealCluster.client(cluster()).newBuilder().clock(time).sleeper(time).build();
    PatroniRunbooks catalogue = PatroniRunbooks.builder(onManualTime).scope(cluster().scope()).build();
    Duration verifyTimeout = Duration.ofMinutes(20);
    RunbookRunner runner = catalogue.runner()
        .defaultPolicy(StepPolicy.custom().verifyTimeout(verifyTimeout).pollInterval(Duration.ofSeconds(30)).build())
        .build();
    Runbook never = Runbook.named("never").step(Steps.until("no-such-member-running",
        Conditions.memberRunning("no-such-member"))).build();

    // On the system clock this would poll for twenty minutes; on the client's manual time it takes a moment.
    RunbookResult r = assertTimeoutPreemptively(Duration.ofMinutes(1),
        () -> runner.execute(never, RealCluster.journal(dir)));

    assertThat(r).as(r.toString()).isInstanceOfSatisfying(RunbookResult.Failed.class,
        f -> assertThat(f.findCause()).containsInstanceOf(PatroniWaitTimeoutException.class));
    assertThat(time.totalSlept()).isGreaterThanOrEqualTo(verifyTimeout);
    assertThat(time.slept()).contains(Duration.ofSeconds(30));
  }
}
