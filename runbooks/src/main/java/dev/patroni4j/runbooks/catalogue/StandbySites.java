package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.ClusterObservation;
import dev.patroni4j.client.ConfigPatch;
import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.PatroniException;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.client.model.StandbyClusterConfig;
import dev.patroni4j.client.model.Timeline;
import dev.patroni4j.runbooks.ClusterIdentity;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Fact;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.Impact;
import dev.patroni4j.runbooks.Runbook;
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
        .verify((ctx, intent) -> observed(target, Conditions.primaryLeader(),
            o -> Verification.done("leader " + o.view().leader().name() + " of " + target.scope()
                + " is a primary on timeline " + Views.text(o.view().timeline()),
                Facts.of(Keys.NEW_LEADER, o.view().leader().name()))))
        .build();
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
