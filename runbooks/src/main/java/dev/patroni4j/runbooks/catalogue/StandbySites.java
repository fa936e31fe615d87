package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.ClusterObservation;
import dev.patroni4j.client.ConfigPatch;
import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.PatroniException;
import dev.patroni4j.client.ReinitializeRequest;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.client.model.StandbyClusterConfig;
import dev.patroni4j.client.model.Timeline;
import dev.patroni4j.runbooks.ClusterIdentity;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Fact;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.Impact;
import dev.patroni4j.runbooks.Runbook;
import dev.patroni4j.runbooks.RunbookException;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.Step;
import dev.patroni4j.runbooks.StepPolicy;
import dev.patroni4j.runbooks.Steps;
import dev.patroni4j.runbooks.Verification;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runbooks between two sites, each its own Patroni cluster with its own DCS, one of them a standby cluster of the
 * other (Patroni's {@code standby_cluster}): {@link #promote} a standby cluster to a primary cluster, {@link
 * #demoteToStandbyOf} a cluster to a standby of another site. A planned site switchover is a demotion of the primary
 * site followed by the promotion of the standby site, which then finds the old primary site fenced (its leader a
 * {@code standby_leader}); an unplanned one promotes the standby site with the primary site lost or confirmed.
 *
 * <pre>{@code
 * import dev.patroni4j.client.model.StandbyClusterConfig;
 * import dev.patroni4j.runbooks.Journal;
 * import dev.patroni4j.runbooks.RunbookResult;
 * // given: PatroniRunbooks siteA; PatroniRunbooks siteB; Journal j1; Journal j2;
 * // Site B is a standby cluster of site A. Site switchover: A follows B, then B is promoted.
 * StandbyClusterConfig followB = new StandbyClusterConfig(List.of("10.1.0.1"), 5432, null, null, null, List.of());
 * RunbookResult demoted = siteA.runner().build().execute(StandbySites.of(siteA).demoteToStandbyOf(followB), j1);
 * RunbookResult promoted = siteB.runner().build().execute(
 *     StandbySites.of(siteB).promote(PromoteOptions.builder().primarySite(siteA).build()), j2);
 * }</pre>
 *
 * <p>Each runbook is idempotent per target: a standby cluster already following the given site is not demoted again,
 * a cluster without a {@code standby_cluster} section is not promoted again (a resumed run waits for the promotion it
 * requested instead of requesting another). Both work on every Patroni version this library supports: they change
 * {@code standby_cluster} in the dynamic configuration, as Patroni 4.1's {@code patronictl demote-cluster} and {@code
 * promote-cluster} do, but wait with a deadline.
 *
 * <p>Immutable and thread-safe.
 */
public final class StandbySites {
  private static final Fact<String> PRIMARY_SITE = Fact.text("primarySite");
  private static final Fact<String> FENCING = Fact.text("fencing");
  private static final Fact<String> FOLLOWED = Fact.text("followed");
  private static final Fact<Map<String, String>> STANDBY_SITE_MEMBERS = Fact.textMap("standbySiteMembers");
  private static final Fact<Lsn> PRIMARY_SITE_END = Fact.lsn("primarySiteEnd");
  private static final Fact<Lsn> STANDBY_SITE_REPLAYED = Fact.lsn("standbySiteReplayed");
  /** The WAL the old primary site loses in a fail-back, journaled as {@link LostWal#TYPE}. */
  static final Fact<LostWal> LOST_WAL = Fact.of("lostWal", LostWal.TYPE);
  static final Fact<List<String>> REINITIALIZE = Fact.texts("reinitialize");

  private final PatroniRunbooks site;
  private final Env env;

  private StandbySites(PatroniRunbooks site) {
    this.site = site;
    this.env = site.env();
  }

  /** The site runbooks acting on {@code site}'s cluster. */
  public static StandbySites of(PatroniRunbooks site) {
    return new StandbySites(Objects.requireNonNull(site, "site == null"));
  }

  /**
   * Promotes this standby cluster: first makes sure the primary site is fenced ({@link PromoteOptions}: its leader is
   * a standby leader, it has no running primary, or no member of it answers; otherwise refused, unless confirmed with
   * the primary site's token), then, checking that once more right before the request, removes {@code
   * standby_cluster} from the dynamic configuration, and is done when
   * the leader is a running primary, every member the plan named streams from it on its new timeline, and (with SQL
   * access) the leader accepts writes, all within {@link PromoteOptions#timeout}.
   */
  public Runbook promote(PromoteOptions options) {
    Objects.requireNonNull(options, "options == null");
    StepPolicy within = StepPolicy.custom().verifyTimeout(options.timeout()).build();
    return Runbook.named("promote-standby-cluster")
        .bind(Keys.MEMBERS, ctx -> Env.addresses(env.client.cluster()))
        .step(primarySiteFenced(options))
        .step(promoteStep(site, options), within)
        .step(Awaits.allStreaming(env, "all-streaming"), within)
        .step(leaderAcceptsWrites(), within)
        .build();
  }

  /**
   * Makes this cluster a standby cluster of the site {@code source} names (its hosts and port, optionally a slot
   * there, a restore command, an apply delay): sets {@code standby_cluster} in the dynamic configuration, and is done
   * when the leader is a running standby leader, every member the plan named streams from it, and (with SQL access)
   * no member accepts writes. Patroni restarts the old primary as a standby; if it wrote transactions the other site
   * never received, it cannot follow (use {@code pg_rewind} or reinitialize the site).
   *
   * @throws IllegalArgumentException if {@code source} names neither a host nor a restore command
   */
  public Runbook demoteToStandbyOf(StandbyClusterConfig source) {
    Objects.requireNonNull(source, "source == null");
    if (source.hosts().isEmpty() && source.restoreCommand().isEmpty()) {
      throw new IllegalArgumentException("a standby cluster follows a host or restores with a command: " + source);
    }
    StepPolicy within = StepPolicy.custom().verifyTimeout(java.time.Duration.ofMinutes(3)).build();
    return Runbook.named("demote-to-standby-cluster")
        .bind(Keys.MEMBERS, ctx -> Env.addresses(env.client.cluster()))
        .step(setStandbySection(source), within)
        .step(Awaits.allStreaming(env, "all-streaming"), within)
        .step(noMemberAcceptsWrites(), within)
        .build();
  }

  /**
   * Planned site switchover that loses no transaction: this site, the primary site, hands the primary role to {@code
   * standbySite}, a standby cluster of it. The steps, each verified before the next:
   *
   * <ol>
   *   <li>{@code sites}: refuses, before anything changes, unless both sites have SQL access (the catch-up is checked,
   *       not assumed), {@code standbySite} is a standby cluster whose standby leader streams, and this site is its
   *       primary site (or, on a resumed run, already follows {@code thisSiteFollows});
   *   <li>{@code demote}, {@code no-writes}: this site becomes a standby cluster following {@code thisSiteFollows}
   *       (the standby site's address), so that it takes no more writes;
   *   <li>{@code caught-up}: the standby site's leader has replayed everything this site wrote: its replayed position
   *       equals this site's last position, read on this site's leader once it runs in recovery;
   *   <li>{@code promote}: the standby site is promoted, after checking once more that this site takes no writes;
   *   <li>{@code standby-site-streams}: every member of the standby site the plan named streams from its leader on
   *       the new timeline, and only the leader accepts writes;
   *   <li>{@code follows-new-primary}, {@code all-streaming}: this site's standby leader receives the standby
   *       site's new timeline, and every member of this site the plan named streams from it.
   * </ol>
   *
   * <p>Only what the promotion needs comes before it: this site's other members re-follow afterwards, while the new
   * primary site already takes writes.
   *
   * <p>Writes are refused from the demotion until the promotion: {@link RunbookResult#steps()} times each step, and
   * the time from {@code demote} to the end of {@code promote} bounds that window. Every wait ends within {@code
   * timeout}, or times out with the last observation. Idempotent per target: once the standby site leads and this
   * site follows it, a run acts on nothing, and a resumed run neither demotes nor promotes twice.
   *
   * <pre>{@code
   * import dev.patroni4j.client.model.StandbyClusterConfig;
   * import dev.patroni4j.runbooks.Journal;
   * import dev.patroni4j.runbooks.RunbookResult;
   * import java.time.Duration;
   * // given: PatroniRunbooks siteA; PatroniRunbooks siteB; Journal journal;
   * // Site B, a standby cluster of site A, becomes the primary site; A then follows B's standby leader's address.
   * StandbyClusterConfig followB = new StandbyClusterConfig(List.of("10.2.0.1"), 5432, null, null, null, List.of());
   * RunbookResult r = siteA.runner().build()
   *     .execute(StandbySites.of(siteA).switchoverTo(siteB, followB, Duration.ofMinutes(3)), journal);
   * }</pre>
   *
   * @throws IllegalArgumentException if {@code thisSiteFollows} names no host (the standby site is followed by
   *     streaming), or {@code timeout} is not positive
   */
  public Runbook switchoverTo(PatroniRunbooks standbySite, StandbyClusterConfig thisSiteFollows, Duration timeout) {
    Objects.requireNonNull(standbySite, "standbySite == null");
    Objects.requireNonNull(thisSiteFollows, "thisSiteFollows == null");
    if (thisSiteFollows.hosts().isEmpty()) {
      throw new IllegalArgumentException("the old primary site follows the new one by streaming: name its host: "
          + thisSiteFollows);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    StepPolicy within = StepPolicy.custom().verifyTimeout(timeout).build();
    return Runbook.named("site-switchover")
        .bind(Keys.MEMBERS, ctx -> Env.addresses(env.client.cluster()))
        .bind(STANDBY_SITE_MEMBERS, ctx -> Env.addresses(standbySite.client().cluster()))
        .step(sitesQualify(standbySite, thisSiteFollows))
        .step(setStandbySection(thisSiteFollows), within)
        .step(noMemberAcceptsWrites(), within)
        .step(standbySiteCaughtUp(standbySite), within)
        .step(promoteStep(standbySite, PromoteOptions.builder().primarySite(site).build()), within)
        .step(otherSiteStreams(standbySite), within)
        .step(followsNewPrimary(standbySite), within)
        .step(Awaits.allStreaming(env, "all-streaming"), within)
        .build();
  }

  /**
   * Fail-back after an unplanned promotion: this site, the old primary site, rejoins as a standby cluster of {@code
   * newPrimarySite}, which was promoted while this site was lost (so this site may have written transactions the
   * new primary site never received). The plan measures, before anything changes, the WAL this site loses: from the
   * point where {@code newPrimarySite}'s timeline forked off this site's history (its leader's timeline history file)
   * to this site's leader's last position ({@code pg_current_wal_lsn()}); the bindings {@code lostWal} (from, to,
   * bytes, timelines) and {@code reinitialize} (this site's replicas past the fork) hold it, and the steps report it.
   * The steps, each verified before the next:
   *
   * <ol>
   *   <li>{@code lost-wal}: refuses, before anything changes, unless both sites have SQL access, {@code
   *       newPrimarySite} leads (no {@code standby_cluster}, its leader a writable primary), and this site's leader
   *       either wrote nothing past the fork or can be rewound ({@code postgresql.use_pg_rewind} in the dynamic
   *       configuration, and data checksums or {@code wal_log_hints}): Patroni does not rebuild a standby leader, so
   *       a leader that can only be reinitialized is left to the operator, with the range reported;
   *   <li>{@code demote}: sets {@code standby_cluster} to {@code follow}; Patroni restarts the leader as a standby
   *       leader and runs {@code pg_rewind} against the new primary site where the timelines diverged. The lost
   *       range is measured again right before the request and journaled with it;
   *   <li>{@code follows-new-primary}: this site's standby leader receives the new primary site's timeline;
   *   <li>{@code reinitialize[member]}: each replica the plan found past the fork that does not receive the new
   *       primary site's timeline by then (Patroni rewinds a replica itself where it may, i.e. with {@code
   *       use_pg_rewind} on for that member) is rebuilt from the standby leader. Destructive: the run needs this
   *       site's confirmation token, and without it is refused before anything changes;
   *   <li>{@code all-streaming}, {@code marker-replayed}, {@code no-writes}: every member of this site streams,
   *       replays a marker written on the new primary site after the rejoin ({@code pg_create_restore_point}, a WAL
   *       record, no table: streaming shown for a moment at a reconnect is no proof), and none accepts writes.
   * </ol>
   *
   * <p>Every wait ends within {@code timeout}, or times out with the last observation. Idempotent per target: once
   * this site follows {@code follow} and streams, a run demotes and rebuilds nothing; a resumed run neither demotes
   * nor reinitializes twice.
   *
   * <pre>{@code
   * import dev.patroni4j.client.Confirmation;
   * import dev.patroni4j.client.model.StandbyClusterConfig;
   * import dev.patroni4j.runbooks.ExecuteOptions;
   * import dev.patroni4j.runbooks.Journal;
   * import dev.patroni4j.runbooks.Plan;
   * import dev.patroni4j.runbooks.Runbook;
   * import dev.patroni4j.runbooks.RunbookResult;
   * import dev.patroni4j.runbooks.RunbookRunner;
   * import java.time.Duration;
   * // given: PatroniRunbooks siteA; PatroniRunbooks siteB; Journal journal; String typedToken;
   * // Site B was promoted while site A was lost; A comes back and follows B.
   * StandbyClusterConfig followB = new StandbyClusterConfig(List.of("10.2.0.1"), 5432, null, null, null, List.of());
   * Runbook failBack = StandbySites.of(siteA).failBackTo(siteB, followB, Duration.ofMinutes(5));
   * RunbookRunner runner = siteA.runner().build();
   * Plan plan = runner.plan(failBack); // plan.describe() names the lost WAL range; a rebuild needs the token
   * RunbookResult r = runner.execute(failBack, journal, ExecuteOptions.defaults().confirmation(
   *     Confirmation.of(typedToken)));
   * }</pre>
   *
   * @throws IllegalArgumentException if {@code follow} names no host, or {@code timeout} is not positive
   */
  public Runbook failBackTo(PatroniRunbooks newPrimarySite, StandbyClusterConfig follow, Duration timeout) {
    Objects.requireNonNull(newPrimarySite, "newPrimarySite == null");
    Objects.requireNonNull(follow, "follow == null");
    if (follow.hosts().isEmpty()) {
      throw new IllegalArgumentException("the old primary site follows the new one by streaming: name its host: "
          + follow);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    StepPolicy within = StepPolicy.custom().verifyTimeout(timeout).build();
    return Runbook.named("fail-back")
        .bind(Keys.MEMBERS, ctx -> Env.addresses(env.client.cluster()))
        .bindOptional(LOST_WAL, ctx -> lostWal(newPrimarySite))
        .bind(REINITIALIZE, ctx -> pastTheFork(ctx.findBinding(LOST_WAL)))
        .step(lostWalReported(newPrimarySite, follow))
        .step(demoteReportingLoss(newPrimarySite, follow), within)
        .step(followsNewPrimary(newPrimarySite), within)
        .forEach(REINITIALIZE, member -> rebuild(newPrimarySite, member), within)
        .step(Awaits.allStreaming(env, "all-streaming"), within)
        .step(markerReplayed(newPrimarySite), within)
        .step(noMemberAcceptsWrites(), within)
        .build();
  }

  // ------------------------------------------------------------------ fail-back

  private Optional<LostWal> lostWal(PatroniRunbooks newPrimarySite) throws SQLException {
    if (env.pg == null || newPrimarySite.env().pg == null) {
      return Optional.empty();
    }
    Optional<LostWal.Position> mine = LostWal.primaryPosition(env, env.client.cluster());
    Optional<LostWal.Position> theirs = LostWal.primaryPosition(newPrimarySite.env(),
        newPrimarySite.client().cluster());
    return mine.isEmpty() || theirs.isEmpty() ? Optional.empty() : LostWal.between(mine.get(), theirs.get());
  }

  /** This site's replicas whose received or replayed position is past the fork (or unknown): they cannot follow. */
  private List<String> pastTheFork(Optional<LostWal> lost) throws SQLException {
    if (lost.isEmpty()) {
      return List.of();
    }
    ClusterView view = env.client.cluster();
    List<String> out = new ArrayList<>();
    for (Member m : view.replicas()) {
      Optional<Lsn> position;
      try {
        position = env.sql(view, m.name(), c -> {
          try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT greatest("
              + "pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::text")) {
            return rs.next() ? Optional.ofNullable(rs.getString(1)).flatMap(Lsn::tryParse) : Optional.<Lsn>empty();
          }
        });
      } catch (SQLException | RunbookException unreachable) {
        position = Optional.empty();
      }
      if (position.isEmpty() || position.get().compareTo(lost.get().from()) > 0) {
        out.add(m.name());
      }
    }
    return out;
  }

  private Step lostWalReported(PatroniRunbooks newPrimarySite, StandbyClusterConfig follow) {
    return Steps.named("lost-wal")
        .decide(ctx -> {
          Optional<LostWal> lost = ctx.findBinding(LOST_WAL);
          Optional<StandbyClusterConfig> mine = env.client.config().standbyCluster();
          if (mine.filter(c -> sameSource(c, follow)).isPresent()) {
            return Decision.satisfied(site.scope() + " follows " + follows(follow) + " already; "
                + lost.map(LostWal::describe).orElse("the WAL it lost was measured by the run that demoted it"),
                lostFacts(lost));
          }
          if (env.pg == null || newPrimarySite.env().pg == null) {
            return Decision.blocked("a fail-back measures the WAL " + site.scope() + " loses on both sites: both"
                + " catalogues need a PostgresConnector");
          }
          if (newPrimarySite.client().config().standbyCluster().isPresent()) {
            return Decision.blocked(newPrimarySite.scope() + " is a standby cluster: there is no new primary site"
                + " to fail back to");
          }
          List<String> writable = newPrimarySite.env().acceptingWrites(Env.addresses(
              newPrimarySite.client().cluster()));
          if (writable.size() != 1) {
            return Decision.blocked(newPrimarySite.scope() + " does not lead: accepting writes " + writable);
          }
          if (mine.isPresent()) {
            return Decision.blocked(site.scope() + " is a standby cluster of " + follows(mine.get()) + ", not of "
                + follows(follow) + ": re-point it with demoteToStandbyOf");
          }
          if (lost.isEmpty()) {
            return Decision.blocked("the WAL " + site.scope() + " would lose cannot be measured: its leader is not"
                + " a running primary, or " + newPrimarySite.scope() + "'s timeline did not fork from its history");
          }
          if (lost.get().bytes() > 0 && lost.get().oldTimeline() == lost.get().newTimeline()) {
            return Decision.blocked(site.scope() + " and " + newPrimarySite.scope() + " are both on timeline "
                + lost.get().newTimeline() + " through different histories (each promoted after the fork): Patroni"
                + " compares timeline ids and would neither rewind nor follow; " + lost.get().describe()
                + "; rebuild the site from " + newPrimarySite.scope(), lostFacts(lost));
          }
          if (lost.get().bytes() > 0) {
            Optional<String> noRewind = whyNoRewind();
            if (noRewind.isPresent()) {
              return Decision.blocked(site.scope() + "'s leader must be rewound or rebuilt: " + lost.get().describe()
                  + "; it cannot be rewound (" + noRewind.get() + ") and Patroni rebuilds no standby leader: rebuild"
                  + " the site from " + newPrimarySite.scope() + " (these transactions are then lost)",
                  lostFacts(lost));
            }
          }
          List<String> rebuilt = ctx.binding(REINITIALIZE);
          return Decision.satisfied(lost.get().describe() + "; " + site.scope() + "'s leader "
              + (lost.get().bytes() > 0 ? "is rewound with pg_rewind" : "follows without a rewind")
              + (rebuilt.isEmpty() ? "" : "; replicas past the fork are reinitialized: " + rebuilt),
              lostFacts(lost));
        })
        .build();
  }

  private static Facts lostFacts(Optional<LostWal> lost) {
    return lost.map(l -> Facts.of(LOST_WAL, l)).orElse(Facts.of());
  }

  /** Why this site's leader cannot be rewound, if it cannot: Patroni rewinds only with both of these. */
  private Optional<String> whyNoRewind() throws SQLException {
    Object on = env.client.config().get("postgresql", "use_pg_rewind").orElse(false);
    if (!Boolean.TRUE.equals(on) && !"true".equalsIgnoreCase(String.valueOf(on))) {
      return Optional.of("postgresql.use_pg_rewind is not on in the dynamic configuration");
    }
    ClusterView view = env.client.cluster();
    boolean hints = env.sql(view, view.leader().name(), c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT current_setting('data_checksums') = 'on' OR current_setting('wal_log_hints') = 'on'")) {
        return rs.next() && rs.getBoolean(1);
      }
    });
    return hints ? Optional.empty() : Optional.of("neither data checksums nor wal_log_hints are on");
  }

  /** The demotion, which measures the lost WAL once more right before the request and journals it with it. */
  private Step demoteReportingLoss(PatroniRunbooks newPrimarySite, StandbyClusterConfig follow) {
    return Steps.named("demote").impact(Impact.DISRUPTIVE)
        .decide(ctx -> {
          Optional<StandbyClusterConfig> current = env.client.config().standbyCluster();
          if (current.filter(c -> sameSource(c, follow)).isPresent()) {
            return Decision.satisfied("already a standby cluster of " + follows(follow));
          }
          Optional<LostWal> now = lostWal(newPrimarySite);
          Optional<LostWal> planned = ctx.findBinding(LOST_WAL);
          Optional<LostWal> lost = now.isPresent() ? now : planned;
          return Decision.needsAction("demote to a standby cluster of " + follows(follow) + "; "
              + lost.map(LostWal::describe).orElse("lost WAL not measured"),
              lostFacts(lost).with(FOLLOWED, follows(follow)));
        })
        .act((ctx, intent) -> Env.refuseUnlessDone(env.client.patchConfig(ClusterSteps.toPatch(
            Map.of("standby_cluster", section(follow)))), "PATCH /config"))
        .verifyUntil((ctx, intent) -> Conditions.standbyLeader())
        .onReached((ctx, intent, o) -> Verification.done("leader " + o.view().leader().name()
            + " is a standby leader following " + follows(follow) + "; " + intent.facts().find(LOST_WAL)
                .map(LostWal::describe).orElse("lost WAL not measured"),
            Facts.of()))
        .build();
  }

  /** Rebuilds {@code member} from this site's standby leader, unless it streams the new primary's timeline. */
  private Step rebuild(PatroniRunbooks newPrimarySite, String member) {
    return Steps.named("reinitialize[" + member + "]").impact(Impact.DESTRUCTIVE)
        .decide(ctx -> {
          Optional<Long> tli = newPrimarySite.client().cluster().timeline().map(Timeline::id);
          ClusterView view = env.client.cluster();
          Optional<Long> received = receivedTimeline(view, member);
          if (tli.isPresent() && received.equals(tli)) {
            return Decision.satisfied(member + " streams " + newPrimarySite.scope() + "'s timeline " + tli.get());
          }
          Optional<Member> leader = view.findLeader();
          if (leader.isEmpty() || leader.get().name().equals(member)) {
            return Decision.blocked("no standby leader other than " + member + " to rebuild it from");
          }
          return Decision.needsAction("reinitialize " + member + " from standby leader " + leader.get().name()
              + ": it has WAL past the fork (" + received.map(t -> "receives timeline " + t).orElse("not streaming")
              + ")", Facts.of(Keys.LEADER, leader.get().name(), Keys.REQUESTED_AT, ctx.now()));
        })
        .act((ctx, intent) -> Env.refuseUnlessDone(
            env.client.member(member).reinitialize(ReinitializeRequest.standard().force(true)),
            "to reinitialize " + member))
        .verifyUntil((ctx, intent) -> Conditions.allOf(
            Conditions.memberPostmasterStartedAfter(member, intent.facts().get(Keys.REQUESTED_AT)),
            Conditions.memberStreaming(member)))
        .onReached((ctx, intent, o) -> Verification.done(member + " rebuilt from "
            + intent.facts().get(Keys.LEADER) + " and streaming"))
        .build();
  }

  private Optional<Long> receivedTimeline(ClusterView view, String member) {
    try {
      return env.sql(view, member, c -> {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
            "SELECT received_tli FROM pg_stat_wal_receiver WHERE status = 'streaming'")) {
          return rs.next() ? Optional.of(rs.getLong(1)) : Optional.<Long>empty();
        }
      });
    } catch (SQLException | RunbookException unreachable) {
      return Optional.empty();
    }
  }

  /**
   * Writes a marker on the new primary site ({@code pg_create_restore_point}, whose WAL position it returns) and
   * waits until every planned member of this site replayed it on the new primary's timeline. A member that shows
   * streaming for a moment at each reconnect but never replays does not pass. A resumed run writes a new marker.
   */
  private Step markerReplayed(PatroniRunbooks newPrimarySite) {
    Map<String, Lsn> markers = new java.util.concurrent.ConcurrentHashMap<>();
    return Steps.await("marker-replayed", ctx -> {
      ClusterView theirs = newPrimarySite.client().cluster();
      Optional<Long> tli = theirs.timeline().map(Timeline::id);
      Lsn marker = markers.get(ctx.runId());
      if (marker == null) {
        marker = newPrimarySite.env().sql(theirs, theirs.leader().name(), c -> {
          try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
              "SELECT pg_create_restore_point('patroni4j-fail-back')::text")) {
            rs.next();
            return Lsn.parse(rs.getString(1));
          }
        });
        markers.put(ctx.runId(), marker);
      }
      Map<String, String> planned = ctx.binding(Keys.MEMBERS);
      ClusterView mine = env.client.cluster();
      List<String> behind = new ArrayList<>();
      for (String member : planned.keySet()) {
        Optional<Long> received = receivedTimeline(mine, member);
        Optional<Lsn> replayed;
        try {
          replayed = env.sql(mine, member, c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT pg_last_wal_replay_lsn()::text")) {
              return rs.next() ? Optional.ofNullable(rs.getString(1)).flatMap(Lsn::tryParse)
                  : Optional.<Lsn>empty();
            }
          });
        } catch (SQLException | RunbookException unreachable) {
          replayed = Optional.empty();
        }
        Lsn m = marker;
        if (tli.isEmpty() || !received.equals(tli) || replayed.filter(r -> r.compareTo(m) >= 0).isEmpty()) {
          behind.add(member + " (replayed " + replayed.map(Lsn::toString).orElse("-") + ", receives "
              + received.map(t -> "timeline " + t).orElse("nothing") + ")");
        }
      }
      return behind.isEmpty() ? Verification.done("every member of " + site.scope() + " replayed the marker "
          + marker + " written on " + newPrimarySite.scope() + " (timeline " + tli.orElseThrow() + ")")
          : Verification.pending("marker " + marker + " on " + newPrimarySite.scope() + " timeline "
              + tli.map(String::valueOf).orElse("-") + " not replayed by " + behind);
    });
  }

  // ------------------------------------------------------------------ site switchover

  private Step sitesQualify(PatroniRunbooks standbySite, StandbyClusterConfig thisSiteFollows) {
    return Steps.named("sites")
        .decide(ctx -> {
          if (env.pg == null || standbySite.env().pg == null) {
            return Decision.blocked("a site switchover checks that " + standbySite.scope() + " replayed everything "
                + site.scope() + " wrote: both catalogues need a PostgresConnector");
          }
          Optional<StandbyClusterConfig> mine = env.client.config().standbyCluster();
          Optional<StandbyClusterConfig> theirs = standbySite.client().config().standbyCluster();
          if (mine.isPresent() && !sameSource(mine.get(), thisSiteFollows)) {
            return Decision.blocked(site.scope() + " is a standby cluster of " + follows(mine.get()) + ", not of "
                + follows(thisSiteFollows) + ": it is not the primary site");
          }
          if (mine.isPresent()) {
            return Decision.satisfied(site.scope() + " follows " + follows(thisSiteFollows) + " already; "
                + standbySite.scope() + (theirs.isPresent() ? " is still to be promoted" : " leads"));
          }
          if (theirs.isEmpty()) {
            return Decision.blocked(standbySite.scope() + " is not a standby cluster: with " + site.scope()
                + " it would make two primary sites; nothing to switch over to");
          }
          ClusterCondition streams = Conditions.standbyLeader();
          ClusterObservation o = standbySite.client().observe(true);
          if (!streams.test(o)) {
            return Decision.blocked(standbySite.scope() + " cannot take over: " + streams.whyNot(o)
                + "; demoting " + site.scope() + " now would leave no primary site until it recovers");
          }
          return Decision.satisfied(standbySite.scope() + "'s standby leader " + o.view().leader().name()
              + " streams from " + follows(theirs.get()) + ": demote " + site.scope() + ", wait until "
              + standbySite.scope() + " replayed all of it, promote " + standbySite.scope(),
              Facts.of(FOLLOWED, follows(theirs.get())));
        })
        .build();
  }

  private Step standbySiteCaughtUp(PatroniRunbooks standbySite) {
    return Steps.await("caught-up", ctx -> {
      if (standbySite.client().config().standbyCluster().isEmpty()) {
        return Verification.done(standbySite.scope() + " leads already: it had caught up before its promotion");
      }
      ClusterView mine = env.client.cluster();
      ClusterView theirs = standbySite.client().cluster();
      Optional<Lsn> end = replayed(env, mine);
      Optional<Lsn> replayed = replayed(standbySite.env(), theirs);
      if (end.isEmpty() || replayed.isEmpty()) {
        return Verification.pending("no replayed position yet: " + site.scope() + " " + end.map(Lsn::toString)
            .orElse("-") + ", " + standbySite.scope() + " " + replayed.map(Lsn::toString).orElse("-"));
      }
      Facts evidence = Facts.of(PRIMARY_SITE_END, end.get(), STANDBY_SITE_REPLAYED, replayed.get());
      long behind = end.get().bytesAfter(replayed.get());
      return behind <= 0 ? Verification.done(standbySite.scope() + " replayed up to " + replayed.get() + ", "
          + site.scope() + " ended at " + end.get(), evidence)
          : Verification.pending(standbySite.scope() + " replayed up to " + replayed.get() + ", " + behind
              + " bytes behind " + site.scope() + "'s last position " + end.get(), evidence);
    });
  }

  /** The leader's {@code pg_last_wal_replay_lsn()}, once it runs in recovery. */
  private static Optional<Lsn> replayed(Env on, ClusterView view) throws SQLException {
    Optional<Member> leader = view.findLeader();
    if (leader.isEmpty()) {
      return Optional.empty();
    }
    return on.sql(view, leader.get().name(), c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text")) {
        return rs.next() && rs.getBoolean(1) ? Optional.ofNullable(rs.getString(2)).flatMap(Lsn::tryParse)
            : Optional.<Lsn>empty();
      }
    });
  }

  private Step otherSiteStreams(PatroniRunbooks standbySite) {
    Env other = standbySite.env();
    return Steps.await("standby-site-streams", ctx -> {
      Map<String, String> planned = ctx.binding(STANDBY_SITE_MEMBERS);
      ClusterCondition streaming = Conditions.allStreaming(planned.keySet());
      ClusterObservation o = standbySite.client().observe(streaming.needsMemberStatuses());
      List<String> writable = other.acceptingWrites(planned);
      Facts evidence = Facts.of(Keys.WRITABLE, writable);
      Optional<String> leader = o.view().findLeader().map(Member::name);
      if (writable.size() > 1) {
        return Verification.failed(writable.size() + " members of " + standbySite.scope() + " accept writes ("
            + String.join(", ", writable) + ")", evidence);
      }
      if (!streaming.test(o) || leader.isEmpty() || !writable.equals(List.of(leader.get()))) {
        return Verification.pending(standbySite.scope() + ": " + (streaming.test(o) ? "accepting writes: "
            + writable : streaming.whyNot(o)), evidence);
      }
      return Verification.done("all " + planned.size() + " members of " + standbySite.scope() + " stream from "
          + leader.get() + " on timeline " + Views.text(o.view().timeline()), evidence);
    });
  }

  private Step followsNewPrimary(PatroniRunbooks standbySite) {
    return Steps.await("follows-new-primary", ctx -> {
      Optional<Timeline> theirs = standbySite.client().cluster().timeline();
      ClusterView mine = env.client.cluster();
      Optional<Member> leader = mine.findLeader();
      if (theirs.isEmpty() || leader.isEmpty()) {
        return Verification.pending("no timeline on " + standbySite.scope() + " or no leader on " + site.scope());
      }
      Optional<Long> received = env.sql(mine, leader.get().name(), c -> {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
            "SELECT received_tli FROM pg_stat_wal_receiver WHERE status = 'streaming'")) {
          return rs.next() ? Optional.of(rs.getLong(1)) : Optional.<Long>empty();
        }
      });
      if (received.filter(tli -> tli == theirs.get().id()).isPresent()) {
        return Verification.done("standby leader " + leader.get().name() + " of " + site.scope() + " streams "
            + standbySite.scope() + "'s timeline " + theirs.get().id());
      }
      return Verification.pending("standby leader " + leader.get().name() + " of " + site.scope() + " receives "
          + received.map(tli -> "timeline " + tli).orElse("nothing") + ", " + standbySite.scope() + " is on "
          + theirs.get().id());
    });
  }

  /** Observes {@code on}'s cluster once: {@code reached} when the condition holds there, else pending with why not. */
  private static Verification observed(PatroniRunbooks on, ClusterCondition condition,
      java.util.function.Function<ClusterObservation, Verification> reached) {
    ClusterObservation o = on.client().observe(condition.needsMemberStatuses());
    return condition.test(o) ? reached.apply(o) : Verification.pending(on.scope() + ": " + condition.whyNot(o));
  }

  // ------------------------------------------------------------------ promote

  private Step primarySiteFenced(PromoteOptions options) {
    return Steps.named("primary-site-fenced")
        .decide(ctx -> {
          if (env.client.config().standbyCluster().isEmpty()) {
            return Decision.satisfied(site.scope() + " is not a standby cluster (any more): the primary site was"
                + " checked before its promotion was requested");
          }
          return fenced(options);
        })
        .build();
  }

  /** Whether the primary site is fenced as {@code options} say it must be: stated by the caller, or observed. */
  private static Decision fenced(PromoteOptions options) throws Exception {
    Optional<String> stated = options.primarySiteFenced();
    if (stated.isPresent()) {
      return Decision.satisfied("fenced, as the caller states: " + stated.get(), Facts.of(FENCING, stated.get()));
    }
    return fencing(options.primarySite().orElseThrow(), options);
  }

  private static Decision fencing(PatroniRunbooks primary, PromoteOptions options) throws Exception {
    ClusterView view;
    try {
      view = primary.client().cluster();
    } catch (PatroniException unreachable) {
      return Decision.satisfied("primary site " + primary.scope() + " is unreachable (no member answered GET"
          + " /cluster: " + unreachable.getMessage() + ")", Facts.of(PRIMARY_SITE, primary.scope(), FENCING,
          "unreachable"));
    }
    Optional<Member> leader = view.findLeader();
    List<String> writable = new ArrayList<>(primary.env().acceptingWrites(Env.addresses(view)));
    leader.filter(l -> l.role().kind() == Role.Kind.PRIMARY && l.state().isRunning())
        .filter(l -> !writable.contains(l.name())).ifPresent(l -> writable.add(l.name()));
    if (writable.isEmpty()) {
      String why = leader.map(l -> "its leader " + l.name() + " is " + l.role().raw() + "/" + l.state().raw())
          .orElse("it has no leader");
      return Decision.satisfied("primary site " + primary.scope() + " takes no writes: " + why,
          Facts.of(PRIMARY_SITE, primary.scope(), FENCING, why));
    }
    ClusterIdentity identity = primary.identitySource().observe();
    Facts evidence = Facts.of(PRIMARY_SITE, primary.scope(), Keys.WRITABLE, writable);
    if (options.primarySiteConfirmation().filter(c -> c.confirms(identity)).isPresent()) {
      return Decision.satisfied("primary site " + identity.confirmationSubject() + " still accepts writes on "
          + writable + "; promoting anyway as confirmed: its writes from now on are lost to this site", evidence);
    }
    return Decision.blocked("primary site " + primary.scope() + " still accepts writes on " + writable
        + ": promoting now makes two primary sites. Demote or fence it first, or confirm "
        + identity.confirmationSubject() + " with its token " + identity.confirmationToken()
        + options.primarySiteConfirmation().map(c -> " (the token given, '" + c + "', does not confirm it)").orElse(""),
        evidence);
  }

  /**
   * Removes {@code target}'s {@code standby_cluster} section, after checking once more, right before the request,
   * that the primary site is fenced; done when {@code target}'s leader is a running primary.
   */
  private static Step promoteStep(PatroniRunbooks target, PromoteOptions fencing) {
    Env on = target.env();
    return Steps.named("promote").impact(Impact.DISRUPTIVE)
        .decide(ctx -> {
          Optional<StandbyClusterConfig> section = on.client.config().standbyCluster();
          if (section.isEmpty()) {
            return Decision.satisfied("no standby_cluster section on " + target.scope()
                + ": promotion requested already");
          }
          Decision fenced = fenced(fencing);
          if (!(fenced instanceof Decision.Satisfied)) {
            return fenced;
          }
          return Decision.needsAction("remove standby_cluster of " + target.scope() + " (follows "
              + follows(section.get()) + ")", Facts.of(FOLLOWED, follows(section.get())));
        })
        .act((ctx, intent) -> Env.refuseUnlessDone(
            on.client.patchConfig(ConfigPatch.builder().remove("standby_cluster").build()), "PATCH /config"))
        .verify((ctx, intent) -> observed(target, Conditions.primaryLeader(), o -> promoted(target, o)))
        .build();
  }

  /**
   * The promoted leader and the timeline it runs on, as its own {@code GET /patroni} reports it (read from its current
   * WAL file): {@code /cluster} takes the leader's timeline from the DCS history, which a standby cluster never
   * wrote, so right after a promotion it names the site's first timeline, not the new one.
   */
  private static Verification promoted(PatroniRunbooks target, ClusterObservation o) {
    String leader = o.view().leader().name();
    Optional<Timeline> own = o.status(leader).map(MemberStatus::timeline);
    String timeline = own.map(Timeline::toString)
        .orElseGet(() -> Views.text(o.view().timeline()) + " (per /cluster; it reported none itself)");
    Facts evidence = own.map(t -> Facts.of(Keys.NEW_LEADER, leader, Keys.NEW_TIMELINE, t))
        .orElse(Facts.of(Keys.NEW_LEADER, leader));
    return Verification.done("leader " + leader + " of " + target.scope() + " is a primary on timeline " + timeline,
        evidence);
  }

  private Step leaderAcceptsWrites() {
    return Steps.await("leader-accepts-writes", ctx -> {
      if (env.pg == null) {
        return Verification.done("no SQL access configured: writability not checked");
      }
      ClusterView view = env.client.cluster();
      List<String> writable = env.acceptingWrites(Env.addresses(view));
      String leader = view.findLeader().map(Member::name).orElse("(none)");
      return writable.equals(List.of(leader)) ? Verification.done(leader + " accepts writes", Facts.of(Keys.WRITABLE,
          writable)) : Verification.pending("accepting writes: " + writable + ", leader " + leader);
    });
  }

  // ------------------------------------------------------------------ demote

  private Step setStandbySection(StandbyClusterConfig source) {
    return Steps.named("demote").impact(Impact.DISRUPTIVE)
        .decide(ctx -> {
          Optional<StandbyClusterConfig> current = env.client.config().standbyCluster();
          if (current.filter(c -> sameSource(c, source)).isPresent()) {
            return Decision.satisfied("already a standby cluster of " + follows(source));
          }
          return Decision.needsAction(current.map(c -> "re-point from " + follows(c) + " to ").orElse("demote to a "
              + "standby cluster of ") + follows(source), Facts.of(FOLLOWED, follows(source)));
        })
        .act((ctx, intent) -> Env.refuseUnlessDone(env.client.patchConfig(ClusterSteps.toPatch(
            Map.of("standby_cluster", section(source)))), "PATCH /config"))
        .verifyUntil((ctx, intent) -> Conditions.standbyLeader())
        .onReached((ctx, intent, o) -> Verification.done("leader " + o.view().leader().name()
            + " is a standby leader following " + follows(source)))
        .build();
  }

  private Step noMemberAcceptsWrites() {
    return Steps.await("no-writes", ctx -> {
      if (env.pg == null) {
        return Verification.done("no SQL access configured: writability not checked");
      }
      List<String> writable = env.acceptingWrites(Env.addresses(env.client.cluster()));
      return writable.isEmpty() ? Verification.done("no member accepts writes")
          : Verification.pending("still accepting writes: " + writable, Facts.of(Keys.WRITABLE, writable));
    });
  }

  private static boolean sameSource(StandbyClusterConfig a, StandbyClusterConfig b) {
    return a.hosts().equals(b.hosts()) && a.port().equals(b.port()) && a.primarySlotName().equals(b.primarySlotName())
        && a.restoreCommand().equals(b.restoreCommand()) && a.recoveryMinApplyDelay().equals(b.recoveryMinApplyDelay());
  }

  private static Map<String, Object> section(StandbyClusterConfig source) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    if (!source.hosts().isEmpty()) {
      out.put("host", String.join(",", source.hosts()));
    }
    source.port().ifPresent(p -> out.put("port", p));
    source.primarySlotName().ifPresent(s -> out.put("primary_slot_name", s));
    source.restoreCommand().ifPresent(c -> out.put("restore_command", c));
    source.recoveryMinApplyDelay().ifPresent(d -> out.put("recovery_min_apply_delay", d));
    if (!source.createReplicaMethods().isEmpty()) {
      out.put("create_replica_methods", source.createReplicaMethods());
    }
    return out;
  }

  private static String follows(StandbyClusterConfig s) {
    String where = s.hosts().isEmpty() ? "an archive" : String.join(",", s.hosts())
        + s.port().stream().mapToObj(p -> ":" + p).findFirst().orElse("");
    return where + s.primarySlotName().map(slot -> " (slot " + slot + ")").orElse("");
  }
}
