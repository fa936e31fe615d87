package dev.patroni4j.runbooks.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.RequestListener;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.client.model.StandbyClusterConfig;
import dev.patroni4j.runbooks.Journal;
import dev.patroni4j.runbooks.RunbookEvent;
import dev.patroni4j.runbooks.RunbookListener;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.StepReport;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real sites, each a 2-member Patroni cluster in its own etcd; site B starts as a standby cluster of site A. The
 * tests tagged every-patroni-version also run on Patroni 3.0.2 (the runbooks module's version matrix), where they run
 * on their own: each leaves site A the primary site and B its standby, or ends the class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandbySitesTest {
  @RegisterExtension
  static final LocalPatroniClusterExtension SITE_A =
      LocalPatroniClusterExtension.of(LocalPatroniCluster.builder().members(2)).withoutResetBeforeEach();

  private static LocalPatroniCluster siteB;
  private static PatroniRunbooks a;
  private static PatroniRunbooks b;

  @TempDir Path dir;

  @BeforeAll
  static void startTheStandbySite() throws SQLException {
    siteB = LocalPatroniCluster.builder().members(2).standbyOf(SITE_A.cluster(), "site_b").start();
    a = RealCluster.catalogue(SITE_A.cluster());
    b = RealCluster.catalogue(siteB);
    sql(SITE_A.cluster(), "CREATE TABLE site_rows (site text, n int)");
  }

  @AfterAll
  static void stopTheStandbySite() {
    if (siteB != null) {
      siteB.close();
    }
  }

  @Test
  @Order(1)
  @Tag(PlannedSwitchoverTest.EVERY_PATRONI_VERSION)
  void promotingTheStandbySiteIsRefusedWhileThePrimarySiteAcceptsWritesAndNothingChanges() throws Exception {
    RunbookResult r = run(b, StandbySites.of(b).promote(PromoteOptions.builder().primarySite(a).build()));

    assertThat(r).isInstanceOfSatisfying(RunbookResult.Refused.class, refused -> assertThat(refused.reason())
        .contains("still accepts writes on [pg1]").contains("two primary sites").contains(SITE_A.cluster().scope()));
    assertThat(b.client().cluster().leader().role().kind()).isEqualTo(Role.Kind.STANDBY_LEADER);
    assertThat(b.client().config().standbyCluster()).isPresent();

    RunbookResult wrongToken = run(b, StandbySites.of(b).promote(PromoteOptions.builder().primarySite(a)
        .primarySiteConfirmation(Confirmation.of(siteB.scope() + ":wrong")).build()));
    assertThat(wrongToken).isInstanceOfSatisfying(RunbookResult.Refused.class,
        refused -> assertThat(refused.reason()).contains("does not confirm"));
    assertThat(b.client().config().standbyCluster()).isPresent();
  }

  @Test
  @Order(2)
  @Tag(PlannedSwitchoverTest.EVERY_PATRONI_VERSION)
  void aPlannedSiteSwitchoverAndBackUnderAWriterLosesNoAcknowledgedRowAndASecondRunChangesNothing() throws Exception {
    LocalPatroniCluster siteA = SITE_A.cluster();
    insert(siteA, "a", 100);
    Writer writer = Writer.startAcross(List.of(siteA, siteB), "site_writes");
    writer.awaitRows(200);

    RunbookResult toB = switchSites(a, siteA, b, siteB);
    assertThat(count(siteB, siteB.leader(), "a")).as("site A's rows on site B").isEqualTo(100);
    writer.awaitRows(writer.acknowledged() + 200);
    assertThat(run(a, StandbySites.of(a).switchoverTo(b, follow(siteB), Duration.ofMinutes(3))).actedSteps())
        .as("a second run").isEmpty();

    RunbookResult back = switchSites(b, siteB, a, siteA);
    writer.awaitRows(writer.acknowledged() + 200);
    Writer.Report report = writer.stop();

    assertThat(report.missing()).as("acknowledged rows missing").isEmpty();
    long written = rows(siteA, siteA.leader(), "SELECT count(*) FROM site_writes");
    assertThat(written).isGreaterThanOrEqualTo(report.acknowledged());
    for (LocalPatroniCluster site : List.of(siteA, siteB)) {
      for (PatroniNode n : site.nodes()) {
        awaitRows(site, n, "SELECT count(*) FROM site_writes", written);
      }
    }
    System.out.printf("site switchover A->B: %s, promotion %s; B->A: %s, promotion %s; writer: %d rows"
        + " acknowledged, %d failed writes, longest write unavailability %d ms, %d acknowledged rows lost%n",
        took(toB), took(toB, "promote"), took(back), took(back, "promote"), report.acknowledged(),
        report.failures(), report.longestGap().toMillis(), report.missing().size());
  }

  @Test
  @Order(3)
  void aSiteSwitchoverCrashedAtEveryStepBoundaryResumesWithoutASecondDemotionOrPromotion() throws Exception {
    LocalPatroniCluster siteA = SITE_A.cluster();
    insert(siteA, "before-crashes", 7);
    AtomicInteger configPatchesA = new AtomicInteger();
    AtomicInteger configPatchesB = new AtomicInteger();
    PatroniRunbooks countedA = counting(siteA, configPatchesA);
    PatroniRunbooks countedB = counting(siteB, configPatchesB);
    // A standby site may report an older timeline than the one it follows; the primary site's is exact.
    long followedTimeline = a.client().cluster().timeline().orElseThrow().id();

    int crashes = runCrashingAtEveryBoundary(countedA, StandbySites.of(countedA).switchoverTo(countedB,
        follow(siteB), Duration.ofMinutes(3)), RealCluster.journal(dir));

    assertThat(crashes).as("crashes of the site switchover: one per step at least").isGreaterThanOrEqualTo(8);
    assertThat(configPatchesA).as("demotion requests sent to site A").hasValue(1);
    assertThat(configPatchesB).as("promotion requests sent to site B").hasValue(1);
    assertThat(b.client().cluster().timeline().orElseThrow().id()).as("one promotion: one new timeline")
        .isEqualTo(followedTimeline + 1);
    assertThat(RealCluster.writablePrimaries(siteA)).isEmpty();
    assertThat(RealCluster.writablePrimaries(siteB)).containsExactly(siteB.leader().name());
    for (PatroniNode n : siteB.nodes()) {
      awaitRows(siteB, n, "SELECT count(*) FROM site_rows WHERE site = 'before-crashes'", 7);
    }
  }

  @Test
  @Order(4)
  void aSiteSwitchoverWithoutSqlAccessIsRefusedBecauseTheCatchUpCannotBeChecked() throws Exception {
    LocalPatroniCluster siteA = SITE_A.cluster();
    PatroniRunbooks withoutSql = PatroniRunbooks.builder(RealCluster.client(siteB)).scope(siteB.scope()).build();

    RunbookResult r = run(withoutSql, StandbySites.of(withoutSql).switchoverTo(a, follow(siteA),
        Duration.ofMinutes(1)));

    assertThat(r).isInstanceOfSatisfying(RunbookResult.Refused.class, refused -> assertThat(refused.reason())
        .contains("PostgresConnector"));
    assertThat(RealCluster.writablePrimaries(siteB)).containsExactly(siteB.leader().name());
    assertThat(b.client().config().standbyCluster()).isEmpty();
  }

  /**
   * Site B (the primary site since the switchover tests) is lost with transactions site A never received: A is cut
   * off from B, B writes on, B's leader is killed while writing. A is promoted unplanned (B confirmed lost with its
   * token); B's leader comes back as a second primary site and fails back to follow A, the crash harness killing the
   * runner at every step boundary. B's replica, which received the lost WAL too, cannot be rewound (its own
   * patroni.yml turns {@code use_pg_rewind} off, which overrides the dynamic configuration, and tags it nofailover):
   * the runbook rebuilds it, confirmed with B's token, once across all the resumed attempts.
   */
  @Test
  @Order(5)
  void aFailBackAfterAnUnplannedPromotionReportsTheLostWalRewindsTheLeaderRebuildsTheReplicaOnceWithTheTokenAndResumes()
      throws Exception {
    LocalPatroniCluster siteA = SITE_A.cluster();
    PatroniNode oldLeader = siteB.leader();
    PatroniNode oldReplica = siteB.replicas().get(0);
    insert(siteB, "before-loss", 20);
    for (PatroniNode n : siteA.nodes()) {
      awaitRows(siteA, n, "SELECT count(*) FROM site_rows WHERE site = 'before-loss'", 20);
    }
    // The link between the sites fails: site A's standby leader follows a port nobody listens on.
    int deadPort;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      deadPort = free.getLocalPort();
    }
    assertThat(a.client().patchConfig(dev.patroni4j.client.ConfigPatch.builder()
        .setPath(List.of("standby_cluster", "port"), deadPort).build()).kind())
        .isEqualTo(dev.patroni4j.client.Outcome.Kind.DONE);
    PatroniNode standbyLeader = siteA.leader();
    siteA.awaitMembers(names -> lsnText(siteA, standbyLeader, "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM"
        + " pg_stat_wal_receiver WHERE status = 'streaming') AND coalesce(pg_last_wal_receive_lsn() <="
        + " pg_last_wal_replay_lsn(), true) THEN 'cut' END").equals("cut"), Duration.ofSeconds(60));
    Lsn replayedByA = Lsn.parse(lsnText(siteA, standbyLeader, "SELECT pg_last_wal_replay_lsn()::text"));

    insert(siteB, "lost", 50);
    awaitRows(siteB, oldReplica, "SELECT count(*) FROM site_rows WHERE site = 'lost'", 50);
    Writer writer = Writer.start(siteB, "lost_writes");
    writer.awaitRows(100);
    siteB.stopPatroni(oldReplica);
    writer.awaitRows(writer.acknowledged() + 100);
    // B's leader's PostgreSQL dies while writing; its Patroni, holding the leader key, starts it again as a
    // primary on the same timeline (its replica is down): a second primary site once A is promoted.
    long killedAt = System.nanoTime();
    siteB.killPostmaster(oldLeader);
    writer.close();
    int lostWrites = writer.acknowledged();

    String tokenForB = b.identitySource().observe().confirmationToken();
    RunbookResult promoted = run(a, StandbySites.of(a).promote(PromoteOptions.builder().primarySite(b)
        .primarySiteConfirmation(Confirmation.of(tokenForB)).build()));
    long promotedAfter = Duration.ofNanos(System.nanoTime() - killedAt).toMillis();
    assertThat(promoted).as(promoted.toString()).isInstanceOf(RunbookResult.Succeeded.class);

    Path noRewind = oldReplica.directory().resolve("patroni-no-rewind.yml");
    String config = java.nio.file.Files.readString(oldReplica.configFile());
    assertThat(config).contains("\npostgresql:\n");
    assertThat(config).doesNotContain("\ntags:").endsWith("\n");
    // B's replica can neither be rewound (the local setting overrides the dynamic configuration) nor become B's
    // standby leader while B's leader is rewound: it could follow A only once rebuilt.
    String noRewindConfig = config.replace("\npostgresql:\n", "\npostgresql:\n  use_pg_rewind: false\n")
        + "tags:\n  nofailover: true\n";
    java.nio.file.Files.writeString(noRewind, noRewindConfig);
    siteB.useConfigFile(oldReplica, noRewind);
    try {
      failBackAfterTheLoss(siteA, oldLeader, oldReplica, replayedByA, lostWrites, promotedAfter, promoted);
    } finally {
      siteB.stopPatroni(oldReplica);
      siteB.useConfigFile(oldReplica, oldReplica.directory().resolve("patroni.yml"));
      siteB.startPatroni(oldReplica);
    }
  }

  private void failBackAfterTheLoss(LocalPatroniCluster siteA, PatroniNode oldLeader, PatroniNode oldReplica,
      Lsn replayedByA, int lostWrites, long promotedAfter, RunbookResult promoted) throws Exception {
    siteB.startPatroni(oldReplica);
    siteB.awaitMembers(names -> RealCluster.writablePrimaries(siteB).equals(List.of(oldLeader.name())),
        Duration.ofSeconds(90));
    long onB = rows(siteB, oldLeader, "SELECT count(*) FROM lost_writes");
    assertThat(onB).as("rows B wrote after the cut").isGreaterThanOrEqualTo(lostWrites);
    awaitRows(siteB, oldReplica, "SELECT count(*) FROM lost_writes", onB);
    assertThat(RealCluster.writablePrimaries(siteB)).containsExactly(oldLeader.name());
    assertThat(RealCluster.writablePrimaries(siteA)).containsExactly(siteA.leader().name());
    Lsn endOfB = Lsn.parse(lsnText(siteB, oldLeader, "SELECT pg_current_wal_lsn()::text"));

    AtomicInteger patches = new AtomicInteger();
    AtomicInteger reinits = new AtomicInteger();
    PatroniRunbooks countedB = counting(siteB, patches, reinits);
    dev.patroni4j.runbooks.Runbook failBack = StandbySites.of(countedB).failBackTo(a, follow(siteA),
        Duration.ofMinutes(3));
    dev.patroni4j.runbooks.Plan plan = countedB.runner().build().plan(failBack);
    LostWal lost = plan.bindings().find(StandbySites.LOST_WAL).orElseThrow();
    assertThat(lost.from()).as("fork: where A stopped replaying B").isEqualTo(replayedByA);
    assertThat(lost.to()).as("B's last position").isGreaterThanOrEqualTo(endOfB)
        .isLessThan(Lsn.of(endOfB.value() + 1024 * 1024));
    assertThat(lost.bytes()).isEqualTo(lost.to().bytesAfter(lost.from())).isPositive();
    assertThat(lost.newTimeline()).isEqualTo(lost.forkTimeline() + 1);
    assertThat(plan.bindings().find(StandbySites.REINITIALIZE).orElseThrow()).containsExactly(oldReplica.name());
    assertThat(plan.requiresConfirmation()).isTrue();

    RunbookResult withoutToken = run(countedB, failBack);
    assertThat(withoutToken).as(withoutToken.toString()).isInstanceOf(RunbookResult.Refused.class);
    assertThat(patches).as("nothing sent without the token").hasValue(0);
    assertThat(b.client().config().standbyCluster()).isEmpty();
    assertThat(RealCluster.writablePrimaries(siteB)).containsExactly(oldLeader.name());

    long failBackStarted = System.nanoTime();
    // The token names B's leader; while the leader runs pg_rewind Patroni may hand B's standby leader key to the
    // other member, and a resumed run is then confirmed again for the cluster as it is (the runner checks the token
    // against the current identity before a destructive step that has not finished).
    int crashes = runCrashingAtEveryBoundary(countedB, failBack, RealCluster.journal(dir),
        () -> dev.patroni4j.runbooks.ExecuteOptions.defaults().confirmation(Confirmation.of(tokenOf(countedB))));
    long failBackMillis = Duration.ofNanos(System.nanoTime() - failBackStarted).toMillis();

    assertThat(crashes).as("crashes of the fail-back: one per step at least").isGreaterThanOrEqualTo(7);
    assertThat(patches).as("demotion requests sent to site B").hasValue(1);
    assertThat(reinits).as("rebuilds of B's replica requested, over all resumed attempts").hasValue(1);
    assertThat(java.nio.file.Files.readString(oldLeader.logFile())).contains("running pg_rewind from");
    assertThat(java.nio.file.Files.readString(oldReplica.logFile())).as("B's replica is not rewound")
        .doesNotContain("running pg_rewind from");
    assertThat(b.client().cluster().leader().role().kind()).isEqualTo(Role.Kind.STANDBY_LEADER);
    RunbookResult again = run(countedB, failBack);
    assertThat(again).as(again.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(again.actedSteps()).as("a second run").isEmpty();
    assertThat(patches).hasValue(1);

    insert(siteA, "after-fail-back", 3);
    for (PatroniNode n : siteB.nodes()) {
      awaitRows(siteB, n, "SELECT count(*) FROM site_rows WHERE site = 'after-fail-back'", 3);
      assertThat(rows(siteB, n, "SELECT count(*) FROM site_rows WHERE site = 'lost'")).as("lost rows on " + n.name())
          .isZero();
      assertThat(lsnText(siteB, n, "SELECT coalesce(to_regclass('lost_writes')::text, 'gone')")).isEqualTo("gone");
    }
    assertThat(RealCluster.writablePrimaries(siteB)).isEmpty();
    assertThat(RealCluster.writablePrimaries(siteA)).containsExactly(siteA.leader().name());
    System.out.printf("unplanned promotion: %s after the kill (runbook %s, promote %s); fail-back: %d ms with %d"
        + " crashes, %d rebuilds; lost %s (%d rows acknowledged by B after the cut, %d lost_writes rows)%n",
        promotedAfter + " ms", took(promoted), took(promoted, "promote"), failBackMillis, crashes, reinits.get(),
        lost.describe(), 50 + lostWrites, onB);
  }

  /**
   * The two runbooks a site switchover is made of, run one after the other: site A is demoted to follow B, which then
   * finds A fenced (its leader a standby leader, no member writable) and is promoted, every member of both sites
   * streaming from it. The test, not the runbooks, waits for B to replay A's last position in between (switchoverTo
   * checks that itself). Runs on every Patroni version of the matrix: on 3.0.2, which has no demote-cluster, both
   * runbooks change standby_cluster in the dynamic configuration, as on 4.1.
   */
  @Test
  @Order(6)
  @Tag(PlannedSwitchoverTest.EVERY_PATRONI_VERSION)
  void aPrimarySiteDemotedToFollowTheStandbySiteIsFencedAndTheStandbySiteIsPromotedWithEveryMemberFollowing()
      throws Exception {
    LocalPatroniCluster siteA = SITE_A.cluster();
    insert(siteA, "before-demotion", 5);

    RunbookResult demoted = run(a, StandbySites.of(a).demoteToStandbyOf(follow(siteB)));
    assertThat(demoted).as(demoted.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(demoted.actedSteps()).contains("demote");
    assertThat(a.client().cluster().leader().role().kind()).isEqualTo(Role.Kind.STANDBY_LEADER);
    assertThat(RealCluster.writablePrimaries(siteA)).isEmpty();
    Lsn endOfA = Lsn.parse(lsnText(siteA, siteA.leader(), "SELECT pg_last_wal_replay_lsn()::text"));
    siteB.awaitMembers(names -> Lsn.tryParse(lsnText(siteB, siteB.leader(), "SELECT pg_last_wal_replay_lsn()::text"))
        .filter(replayed -> replayed.compareTo(endOfA) >= 0).isPresent(), Duration.ofSeconds(60));

    RunbookResult promoted = run(b, StandbySites.of(b).promote(PromoteOptions.builder().primarySite(a).build()));

    assertThat(promoted).as(promoted.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(promoted.actedSteps()).contains("promote");
    assertThat(promoted.steps()).filteredOn(s -> s.stepId().equals("primary-site-fenced")).singleElement()
        .extracting(StepReport::reason).asString().contains("takes no writes").contains("standby_leader");
    assertPromotionReportsItsTimeline(promoted, siteB);
    assertThat(RealCluster.writablePrimaries(siteB)).containsExactly(siteB.leader().name());
    assertThat(RealCluster.writablePrimaries(siteA)).isEmpty();
    insert(siteB, "after-promotion", 3);
    for (LocalPatroniCluster site : List.of(siteA, siteB)) {
      for (PatroniNode n : site.nodes()) {
        awaitRows(site, n, "SELECT count(*) FROM site_rows WHERE site = 'before-demotion'", 5);
        awaitRows(site, n, "SELECT count(*) FROM site_rows WHERE site = 'after-promotion'", 3);
      }
    }
    System.out.printf("Patroni %s: demotion of site A %s; promotion of site B %s, promote step %s%n",
        siteB.reportedPatroniVersion(siteB.leader()), took(demoted), took(promoted), took(promoted, "promote"));
  }

  private static String tokenOf(PatroniRunbooks site) {
    try {
      return site.identitySource().observe().confirmationToken();
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the identity of " + site.scope(), e);
    }
  }

  private static String lsnText(LocalPatroniCluster cluster, PatroniNode node, String query) {
    try (Connection c = cluster.connect(node); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
      return rs.next() && rs.getString(1) != null ? rs.getString(1) : "";
    } catch (SQLException notYet) {
      return "";
    }
  }

  /** Stands in for SIGKILL of the runner: an Error thrown at a step boundary, which nothing after it journals. */
  private static final class Killed extends Error {
    private static final long serialVersionUID = 1L;
  }

  /**
   * Runs {@code runbook} on one journal, the n-th attempt killed at its n-th step boundary (a step skipped, acted or
   * verified), until an attempt completes; returns the number of killed attempts.
   */
  private static int runCrashingAtEveryBoundary(PatroniRunbooks site, dev.patroni4j.runbooks.Runbook runbook,
      Journal journal) {
    return runCrashingAtEveryBoundary(site, runbook, journal, dev.patroni4j.runbooks.ExecuteOptions::defaults);
  }

  private static int runCrashingAtEveryBoundary(PatroniRunbooks site, dev.patroni4j.runbooks.Runbook runbook,
      Journal journal, java.util.function.Supplier<dev.patroni4j.runbooks.ExecuteOptions> options) {
    for (int attempt = 1; attempt < 30; attempt++) {
      AtomicInteger boundaries = new AtomicInteger();
      int killAt = attempt;
      RunbookListener killer = new RunbookListener() {
        private void boundary() {
          if (boundaries.incrementAndGet() == killAt) {
            throw new Killed();
          }
        }

        @Override public void stepSkipped(RunbookEvent.StepSkipped e) { boundary(); }
        @Override public void stepActed(RunbookEvent.StepActed e) { boundary(); }
        @Override public void stepVerified(RunbookEvent.StepVerified e) { boundary(); }
      };
      try {
        RunbookResult r = site.runner().listener(killer).build().execute(runbook, journal, options.get());
        assertThat(r).as(r.toString()).isInstanceOf(RunbookResult.Succeeded.class);
        return attempt - 1;
      } catch (Killed expected) {
        // resumed by the next attempt on the same journal
      }
    }
    throw new AssertionError("the runbook never completed");
  }

  private static PatroniRunbooks counting(LocalPatroniCluster cluster, AtomicInteger configPatches) {
    return counting(cluster, configPatches, new AtomicInteger());
  }

  private static PatroniRunbooks counting(LocalPatroniCluster cluster, AtomicInteger configPatches,
      AtomicInteger reinitializations) {
    PatroniClient client = RealCluster.client(cluster).newBuilder().requestListener(new RequestListener() {
      @Override
      public void requestSent(String method, java.net.URI target, String endpointKind) {
        if (method.equals("PATCH") && endpointKind.equals("config")) {
          configPatches.incrementAndGet();
        }
        if (method.equals("POST") && target.getPath().endsWith("/reinitialize")) {
          reinitializations.incrementAndGet();
        }
      }
    }).build();
    return PatroniRunbooks.builder(client).scope(cluster.scope()).postgres(RealCluster.connector(cluster)).build();
  }

  /** Switches the primary role from {@code from} to {@code to} with the site switchover runbook, checked. */
  private RunbookResult switchSites(PatroniRunbooks from, LocalPatroniCluster fromCluster, PatroniRunbooks to,
      LocalPatroniCluster toCluster) {
    RunbookResult r = run(from, StandbySites.of(from).switchoverTo(to, follow(toCluster), Duration.ofMinutes(3)));
    assertThat(r).as(r.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(r.actedSteps()).contains("demote", "promote");
    assertThat(r.steps()).filteredOn(s -> s.stepId().equals("caught-up")).singleElement()
        .extracting(StepReport::reason).asString().contains("replayed up to");
    assertThat(from.client().cluster().leader().role().kind()).isEqualTo(Role.Kind.STANDBY_LEADER);
    assertThat(to.client().cluster().leader().role().kind()).isEqualTo(Role.Kind.PRIMARY);
    assertThat(RealCluster.writablePrimaries(fromCluster)).isEmpty();
    assertThat(RealCluster.writablePrimaries(toCluster)).containsExactly(toCluster.leader().name());
    assertPromotionReportsItsTimeline(r, toCluster);
    return r;
  }

  /**
   * The promote step names the timeline the new primary writes on (its current WAL file's), not the stale one of
   * {@code /cluster}, which names a promoted standby cluster's first timeline.
   */
  private static void assertPromotionReportsItsTimeline(RunbookResult r, LocalPatroniCluster promoted) {
    long timeline = Long.parseLong(lsnText(promoted, promoted.leader(),
        "SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)"), 16);
    assertThat(timeline).isGreaterThan(1);
    assertThat(r.steps()).filteredOn(s -> s.stepId().equals("promote")).singleElement()
        .extracting(StepReport::reason).asString().endsWith(" is a primary on timeline " + timeline);
  }

  private static String took(RunbookResult r) {
    return r.steps().stream().map(StepReport::took).reduce(Duration.ZERO, Duration::plus).toMillis() + " ms ("
        + String.join(", ", r.steps().stream().map(s -> s.stepId() + " " + s.took().toMillis()).toList()) + ")";
  }

  private static String took(RunbookResult r, String step) {
    return r.steps().stream().filter(s -> s.stepId().equals(step)).map(s -> s.took().toMillis() + " ms")
        .findFirst().orElse("-");
  }

  private static StandbyClusterConfig follow(LocalPatroniCluster site) {
    return new StandbyClusterConfig(List.of("127.0.0.1"), site.leader().pgPort(), null, null, null, List.of());
  }

  private RunbookResult run(PatroniRunbooks site, dev.patroni4j.runbooks.Runbook runbook) {
    Journal journal = RealCluster.journal(dir);
    return site.runner().build().execute(runbook, journal);
  }

  private static void insert(LocalPatroniCluster cluster, String site, int rows) throws SQLException {
    sql(cluster, "INSERT INTO site_rows SELECT '" + site + "', g FROM generate_series(1, " + rows + ") g");
  }

  private static void sql(LocalPatroniCluster cluster, String statement) throws SQLException {
    try (Connection c = cluster.connect(cluster.leader()); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private static int count(LocalPatroniCluster cluster, PatroniNode node, String site) throws SQLException {
    try (Connection c = cluster.connect(node); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM site_rows WHERE site = '" + site + "'")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static long rows(LocalPatroniCluster cluster, PatroniNode node, String countQuery) throws SQLException {
    try (Connection c = cluster.connect(node); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(countQuery)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Waits until {@code node} returns exactly {@code rows} for {@code countQuery} (it replays from its leader). */
  private static void awaitRows(LocalPatroniCluster cluster, PatroniNode node, String countQuery, long rows) {
    cluster.awaitMembers(names -> {
      try {
        return rows(cluster, node, countQuery) == rows;
      } catch (SQLException notYet) {
        return false;
      }
    }, Duration.ofSeconds(60));
  }
}
