package dev.patroni4j.runbooks.diagnosis;

import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsInitialize;
import dev.patroni4j.client.dcs.DcsKey;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.client.model.HistoryEntry;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberState;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.client.model.PatroniVersion;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.client.model.Timeline;
import dev.patroni4j.config.SystemdUnit;
import dev.patroni4j.runbooks.diagnosis.Evidence.Source;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** The checks: pure functions from what was observed to findings. Stateless. */
final class Checks {
  /** Patroni's default {@code maximum_lag_on_failover} (1 MiB). */
  static final long DEFAULT_MAXIMUM_LAG_ON_FAILOVER = 1_048_576L;

  private final long slotRetentionLimitBytes;

  Checks(long slotRetentionLimitBytes) {
    this.slotRetentionLimitBytes = slotRetentionLimitBytes;
  }

  List<Finding> run(Observed o) {
    List<Finding> out = new ArrayList<>();
    boolean stale = staleDcsState(o, out);
    notAnswering(o, out);
    notStarting(o, out);
    if (!stale) {
      noLeader(o, out);
    }
    timelineDiverged(o, out);
    pendingRestart(o, out);
    paused(o, out);
    noFailoverCandidate(o, out);
    noSyncStandby(o, out);
    mixedVersions(o, out);
    slots(o, out);
    archiving(o, out);
    servicesWithoutMember(o, out);
    unitsStoppingPostgres(o, out);
    out.sort(Comparator.comparing(Finding::severity)
        .thenComparing(Finding::problem)
        .thenComparing(f -> f.findMember().orElse("")));
    return out;
  }

  // ------------------------------------------------------------------ the DCS remembers another installation

  private static boolean staleDcsState(Observed o, List<Finding> out) {
    ClusterSnapshot s = o.snapshot();
    if (s == null || s.initialize() == null || s.leader() != null || o.view().members().isEmpty()) {
      return false;
    }
    DcsInitialize init = s.initialize();
    List<Evidence> evidence = new ArrayList<>();
    evidence.add(Evidence.of(Source.DCS, s.cluster().key(DcsKey.INITIALIZE),
        "system identifier", init.systemIdentifier()));
    evidence.add(Evidence.of(Source.DCS, s.cluster().key(DcsKey.LEADER), "leader", null));
    for (Member m : o.view().members()) {
      if (m.state().isRunning()) {
        return false;
      }
      MemberStatus st = o.statuses().get(m.name());
      String sysid = st == null ? null : st.systemIdentifier();
      if (init.systemIdentifier().equals(sysid)) {
        return false;
      }
      evidence.add(Evidence.of(o.viewSource(), where(o.viewSource(), "member " + m.name()), "state", m.state().raw()));
      if (st != null) {
        evidence.add(Evidence.of(Source.REST, "GET /patroni on " + m.name(), "database_system_identifier", sysid));
      }
    }
    if (o.statuses().isEmpty()) {
      // Without a member's own report the data directories' identifiers are unknown: do not guess.
      return false;
    }
    out.add(new Finding(Problem.STALE_DCS_STATE, Severity.CRITICAL, null,
        "the DCS holds a previous installation (system identifier " + init.systemIdentifier()
            + " matches no member's data); every member waits for a leader to bootstrap",
        evidence, new Remedy.RemoveCluster()));
    return true;
  }

  // ------------------------------------------------------------------ Patroni not answering

  private static void notAnswering(Observed o, List<Finding> out) {
    o.unreachable().forEach((name, why) -> {
      boolean leader = o.view().findMember(name).map(Member::isLeader).orElse(false);
      out.add(new Finding(Problem.MEMBER_NOT_ANSWERING, leader ? Severity.CRITICAL : Severity.WARNING, name,
          name + " is registered but its Patroni REST API does not answer",
          List.of(Evidence.of(o.viewSource(), where(o.viewSource(), "member " + name), "registered", "yes"),
              Evidence.of(Source.REST, "GET /patroni on " + name, "error", why)),
          new Remedy.Manual("check that Patroni runs on " + name + " and read its log (it may be stopped, frozen, "
              + "or unable to bind its REST or PostgreSQL port)")));
    });
    Set<String> registered = new TreeSet<>();
    for (Member m : o.view().members()) {
      endpointKey(m.apiUrl()).ifPresent(registered::add);
    }
    for (URI endpoint : o.endpoints()) {
      String key = endpointKey(endpoint.toString()).orElse(null);
      if (key != null && !registered.contains(key)) {
        out.add(new Finding(Problem.MEMBER_NOT_ANSWERING, Severity.WARNING, null,
            "the REST endpoint " + key + " belongs to no member of the cluster (its Patroni is not running, or has "
                + "not joined)",
            List.of(Evidence.of(Source.REST, "client endpoints", "endpoint", key),
                Evidence.of(o.viewSource(), where(o.viewSource(), "members"), "registered api_urls", registered)),
            new Remedy.Manual("start Patroni behind " + key + " and read its log (port in use, configuration "
                + "error), or remove the endpoint from the client")));
      }
    }
  }

  // ------------------------------------------------------------------ PostgreSQL does not start

  private static void notStarting(Observed o, List<Finding> out) {
    Optional<Member> leader = o.view().findLeader();
    for (Member m : o.view().members()) {
      if (!m.state().is(MemberState.Kind.START_FAILED) && !m.state().is(MemberState.Kind.RESTART_FAILED)) {
        continue;
      }
      List<Evidence> evidence = new ArrayList<>();
      evidence.add(Evidence.of(o.viewSource(), where(o.viewSource(), "member " + m.name()), "state", m.state().raw()));
      evidence.add(Evidence.of(o.viewSource(), where(o.viewSource(), "member " + m.name()), "role", m.role().raw()));
      leader.ifPresent(l -> evidence.add(Evidence.of(o.viewSource(), where(o.viewSource(), "leader"), "leader",
          l.name() + " (" + l.state().raw() + ")")));
      boolean replicaWithLeader = !m.isLeader() && leader.isPresent() && leader.get().state().isRunning();
      out.add(new Finding(Problem.POSTGRES_NOT_STARTING, m.isLeader() ? Severity.CRITICAL : Severity.WARNING,
          m.name(), m.name() + "'s PostgreSQL does not start (" + m.state().raw() + ")", evidence,
          replicaWithLeader ? new Remedy.RecoverStartFailed(m.name())
              : new Remedy.Manual("read " + m.name() + "'s PostgreSQL log; with no running leader to clone from, "
                  + "repair its data directory or promote another member")));
    }
  }

  // ------------------------------------------------------------------ no leader

  private static void noLeader(Observed o, List<Finding> out) {
    ClusterView view = o.view();
    if (view.members().isEmpty() || view.findLeader().isPresent()) {
      return;
    }
    List<Evidence> evidence = new ArrayList<>();
    evidence.add(Evidence.of(o.viewSource(), where(o.viewSource(), "leader"), "leader", null));
    evidence.add(Evidence.of(o.viewSource(), where(o.viewSource(), "pause"), "paused", view.paused()));
    Optional<Member> running = view.members().stream()
        .filter(m -> m.state().isRunning() && !m.tags().noFailover()).findFirst();
    for (Member m : view.members()) {
      evidence.add(Evidence.of(o.viewSource(), where(o.viewSource(), "member " + m.name()), "state", m.state().raw()));
    }
    Remedy remedy = view.paused() && running.isPresent() ? new Remedy.Failover(null)
        : new Remedy.Manual(view.paused() ? "start PostgreSQL on a member (no member runs), then fail over to it"
            : "Patroni elects a leader within ttl; if none appears, read the members' Patroni logs");
    out.add(new Finding(Problem.NO_LEADER, Severity.CRITICAL, null,
        view.paused() ? "the cluster has no leader and is paused, so Patroni will not elect one"
            : "the cluster has no leader", evidence, remedy));
  }

  // ------------------------------------------------------------------ replica on a dead timeline

  private static void timelineDiverged(Observed o, List<Finding> out) {
    Optional<Member> leader = o.view().findLeader();
    if (leader.isEmpty() || leader.get().timeline() == null) {
      return;
    }
    Timeline leaderTl = leader.get().timeline();
    Set<Long> ended = new TreeSet<>();
    List<HistoryEntry> history = o.history();
    if (history != null) {
      history.forEach(h -> ended.add(h.timeline().id()));
    }
    for (Member m : o.view().members()) {
      Timeline tl = m.timeline();
      if (m.isLeader() || tl == null || tl.equals(leaderTl)) {
        continue;
      }
      boolean ahead = tl.isAfter(leaderTl);
      boolean notInHistory = !ahead && history != null && !ended.contains(tl.id());
      if (!ahead && !notInHistory) {
        continue;
      }
      List<Evidence> evidence = new ArrayList<>();
      evidence.add(Evidence.of(o.viewSource(), where(o.viewSource(), "member " + m.name()), "timeline", tl.id()));
      evidence.add(Evidence.of(o.viewSource(), where(o.viewSource(), "member " + m.name()), "state", m.state().raw()));
      evidence.add(Evidence.of(o.viewSource(), where(o.viewSource(), "leader"), "leader timeline",
          leader.get().name() + " on " + leaderTl.id()));
      if (history != null) {
        evidence.add(Evidence.of(Source.REST, "GET /history", "timelines in the leader's history", ended));
      }
      out.add(new Finding(Problem.TIMELINE_DIVERGED, Severity.WARNING, m.name(),
          m.name() + " is on timeline " + tl.id() + ", which the leader's history (timeline " + leaderTl.id()
              + ") does not contain; it cannot follow the leader",
          evidence, new Remedy.Reinitialize(m.name())));
    }
  }

  // ------------------------------------------------------------------ pending restart

  private static void pendingRestart(Observed o, List<Finding> out) {
    List<Evidence> evidence = new ArrayList<>();
    for (Member m : o.view().members()) {
      MemberStatus st = o.statuses().get(m.name());
      boolean pending = m.pendingRestart() || (st != null && st.pendingRestart());
      if (!pending) {
        continue;
      }
      Map<String, ?> reasons = st != null && !st.pendingRestartReason().isEmpty() ? st.pendingRestartReason()
          : m.pendingRestartReason();
      evidence.add(Evidence.of(st != null ? Source.REST : o.viewSource(),
          st != null ? "GET /patroni on " + m.name() : where(o.viewSource(), "member " + m.name()),
          "pending_restart", reasons.isEmpty() ? "true" : "true, for " + new TreeMap<>(reasons).keySet()));
    }
    if (!evidence.isEmpty()) {
      out.add(new Finding(Problem.PENDING_RESTART, Severity.NOTICE, null,
          evidence.size() + " member(s) run with settings that take effect only after a restart", evidence,
          new Remedy.RollingRestart()));
    }
  }

  // ------------------------------------------------------------------ maintenance mode

  private static void paused(Observed o, List<Finding> out) {
    ClusterSnapshot s = o.snapshot();
    DynamicConfig config = o.config();
    boolean configPaused = config != null && config.paused();
    List<String> pausedMembers = new ArrayList<>();
    o.statuses().forEach((name, st) -> {
      if (st.paused()) {
        pausedMembers.add(name);
      }
    });
    Collections.sort(pausedMembers);
    if (configPaused) {
      out.add(new Finding(Problem.CLUSTER_PAUSED, Severity.NOTICE, null,
          "the cluster is in maintenance mode: Patroni does not fail over",
          List.of(configEvidence(o, "pause", true)),
          new Remedy.Resume()));
      return;
    }
    boolean configKnownUnpaused = config != null || o.configReadFailed() || (s != null && s.config() == null);
    if (pausedMembers.isEmpty() || !configKnownUnpaused) {
      return;
    }
    for (String name : pausedMembers) {
      List<Evidence> evidence = new ArrayList<>();
      evidence.add(Evidence.of(Source.REST, "GET /patroni on " + name, "pause", true));
      if (s != null) {
        evidence.add(Evidence.of(Source.DCS, s.cluster().key(DcsKey.CONFIG), "pause",
            s.config() == null ? "no config key" : "absent or false"));
      } else {
        evidence.add(Evidence.of(Source.REST, "GET /config", "pause", o.configReadFailed() ? "no configuration"
            : "absent or false"));
      }
      out.add(new Finding(Problem.STALE_PAUSE, Severity.WARNING, name,
          name + " stays in maintenance mode the cluster's configuration does not have (a stale \"pause\": true in "
              + "its patroni.dynamic.json)", evidence,
          new Remedy.Manual("stop Patroni on " + name + ", remove \"pause\" from patroni.dynamic.json in its data "
              + "directory, start Patroni (resume answers \"Cluster is not paused\" here)")));
    }
  }

  // ------------------------------------------------------------------ no failover candidate

  private static void noFailoverCandidate(Observed o, List<Finding> out) {
    Optional<Member> leader = o.view().findLeader();
    List<Member> replicas = o.view().members().stream().filter(m -> !m.isLeader()).toList();
    if (leader.isEmpty() || replicas.isEmpty() || o.view().paused()) {
      return;
    }
    DynamicConfig config = o.config();
    long maxLag = config == null ? DEFAULT_MAXIMUM_LAG_ON_FAILOVER
        : config.maximumLagOnFailover().orElse(DEFAULT_MAXIMUM_LAG_ON_FAILOVER);
    List<Evidence> evidence = new ArrayList<>();
    for (Member m : replicas) {
      String why = ineligibility(m, maxLag);
      if (why == null) {
        return;
      }
      evidence.add(Evidence.of(o.viewSource(), where(o.viewSource(), "member " + m.name()), "not a candidate", why));
    }
    boolean set = config != null && config.maximumLagOnFailover().isPresent();
    evidence.add(configEvidence(o, "maximum_lag_on_failover", set ? maxLag : maxLag + " (Patroni's default: not set)"));
    out.add(new Finding(Problem.NO_FAILOVER_CANDIDATE, Severity.CRITICAL, null,
        "no replica may be promoted: if " + leader.get().name() + " fails, the cluster has no leader", evidence,
        new Remedy.Manual("bring a replica back to streaming within maximum_lag_on_failover, or remove nofailover "
            + "from its tags")));
  }

  private static @Nullable String ineligibility(Member m, long maxLag) {
    if (!m.state().isRunning()) {
      return "state " + m.state().raw();
    }
    if (m.tags().noFailover()) {
      return "tagged nofailover";
    }
    if (m.tags().failoverPriority().orElse(1) <= 0) {
      return "failover_priority " + m.tags().failoverPriority().getAsLong();
    }
    if (!m.lag().isAtMost(maxLag)) {
      return "lag " + m.lag() + " beyond " + maxLag + " B";
    }
    return null;
  }

  // ------------------------------------------------------------------ synchronous mode without a standby

  private static void noSyncStandby(Observed o, List<Finding> out) {
    DynamicConfig config = o.config();
    if (config == null || o.view().findLeader().isEmpty()) {
      return;
    }
    String mode = config.synchronousMode().orElse("off");
    if (!Set.of("true", "on", "quorum").contains(mode)) {
      return;
    }
    boolean hasStandby = o.view().members().stream()
        .anyMatch(m -> m.role().is(Role.Kind.SYNC_STANDBY) || m.role().is(Role.Kind.QUORUM_STANDBY));
    if (hasStandby) {
      return;
    }
    boolean strict = config.get("synchronous_mode_strict").map(v -> String.valueOf(v).toLowerCase(Locale.ROOT))
        .map(v -> v.equals("true") || v.equals("on")).orElse(false);
    List<Evidence> evidence = new ArrayList<>();
    evidence.add(configEvidence(o, "synchronous_mode", mode));
    evidence.add(configEvidence(o, "synchronous_mode_strict", strict));
    for (Member m : o.view().members()) {
      evidence.add(Evidence.of(o.viewSource(), where(o.viewSource(), "member " + m.name()), "role",
          m.role().raw() + " (" + m.state().raw() + ")"));
    }
    out.add(new Finding(Problem.NO_SYNC_STANDBY, strict ? Severity.CRITICAL : Severity.WARNING, null,
        strict ? "synchronous_mode_strict is on and no replica is a synchronous standby: commits wait"
            : "synchronous_mode is on and no replica is a synchronous standby: commits are not replicated "
                + "synchronously",
        evidence, new Remedy.Manual("bring a replica back to streaming (Patroni then makes it the synchronous "
            + "standby), or turn synchronous_mode off")));
  }

  // ------------------------------------------------------------------ a registration whose member is gone

  private static void servicesWithoutMember(Observed o, List<Finding> out) {
    List<ServiceRegistry.Registration> registrations = o.registrations();
    if (registrations == null) {
      return;
    }
    Set<String> members = new TreeSet<>(o.view().memberNames());
    for (ServiceRegistry.Registration r : registrations) {
      if (members.contains(r.member())) {
        continue;
      }
      List<Evidence> evidence = List.of(
          Evidence.of(Source.SERVICE_REGISTRY, "service " + r.serviceId(), "registered at", r.address() + ":" + r.port()),
          Evidence.of(o.viewSource(), where(o.viewSource(), "members"), "members", String.join(", ", members)));
      out.add(new Finding(Problem.SERVICE_WITHOUT_MEMBER, Severity.WARNING, r.member(),
          r.member() + " is registered as service " + r.serviceId() + " but is not a member of the cluster: "
              + "discovery may still send clients to " + r.address() + ":" + r.port(), evidence,
          new Remedy.Manual("start Patroni on " + r.member() + " again, or deregister service " + r.serviceId()
              + " (Consul: PUT /v1/agent/service/deregister/" + r.serviceId() + " on the agent that registered it)")));
    }
  }

  // ------------------------------------------------------------------ a unit that stops PostgreSQL with Patroni

  private static void unitsStoppingPostgres(Observed o, List<Finding> out) {
    for (Map.Entry<String, Observed.Unit> e : new TreeMap<>(o.units()).entrySet()) {
      List<SystemdUnit.Trap> traps = SystemdUnit.stopTraps(e.getValue().text());
      if (traps.isEmpty()) {
        continue;
      }
      List<Evidence> evidence = new ArrayList<>();
      for (SystemdUnit.Trap t : traps) {
        int eq = t.found().indexOf('=');
        evidence.add(Evidence.of(Source.HOST, e.getValue().command() + " on " + e.getKey(),
            eq > 0 ? t.found().substring(0, eq) : t.kind().name(), eq > 0 ? t.found().substring(eq + 1) : t.found()));
      }
      boolean kills = traps.stream().anyMatch(t -> t.kind() == SystemdUnit.TrapKind.STOP_KILLS_POSTGRESQL);
      out.add(new Finding(Problem.UNIT_STOPS_POSTGRES, Severity.WARNING, e.getKey(),
          e.getKey() + "'s Patroni unit " + (kills ? "would stop PostgreSQL together with Patroni: "
              : "stops Patroni with a signal it cannot shut down on: ")
              + traps.stream().map(SystemdUnit.Trap::explanation).collect(Collectors.joining("; ")),
          evidence, new Remedy.Manual("on " + e.getKey() + ", add a drop-in (systemctl edit) with [Service] "
              + "KillMode=process and KillSignal=SIGINT, then systemctl daemon-reload; patroni-config's SystemdUnit "
              + "renders a safe unit")));
    }
  }

  // ------------------------------------------------------------------ mixed Patroni versions

  private static void mixedVersions(Observed o, List<Finding> out) {
    Map<String, String> versions = new TreeMap<>();
    o.statuses().forEach((name, st) -> st.findPatroniVersion().ifPresent(v -> versions.put(name, v.raw())));
    ClusterSnapshot s = o.snapshot();
    if (s != null) {
      s.members().forEach(dm -> {
        PatroniVersion v = dm.member().patroniVersion();
        if (v != null) {
          versions.putIfAbsent(dm.name(), v.raw());
        }
      });
    }
    if (new TreeSet<>(versions.values()).size() < 2) {
      return;
    }
    List<Evidence> evidence = new ArrayList<>();
    versions.forEach((name, v) -> evidence.add(Evidence.of(o.statuses().containsKey(name) ? Source.REST : Source.DCS,
        o.statuses().containsKey(name) ? "GET /patroni on " + name : "member key " + name, "patroni.version", v)));
    out.add(new Finding(Problem.MIXED_PATRONI_VERSIONS, Severity.NOTICE, null,
        "members run different Patroni versions " + new TreeSet<>(versions.values()), evidence,
        new Remedy.Manual("finish the package migration: move every member to one Patroni version")));
  }

  // ------------------------------------------------------------------ SQL: slots and archiving

  private void slots(Observed o, List<Finding> out) {
    List<Observed.Slot> slots = o.slots();
    if (slots == null) {
      return;
    }
    String leader = o.view().findLeader().map(Member::name).orElse("the leader");
    Map<String, Object> permanent = permanentSlots(o.config());
    for (Observed.Slot slot : slots) {
      if (slot.retainedBytes() < slotRetentionLimitBytes) {
        continue;
      }
      List<Evidence> evidence = List.of(
          Evidence.of(Source.SQL, "pg_replication_slots on " + leader, "slot", slot.name() + " (" + slot.type()
              + ", inactive)"),
          Evidence.of(Source.SQL, "pg_replication_slots on " + leader, "restart_lsn", slot.restartLsn()),
          Evidence.of(Source.SQL, "pg_replication_slots on " + leader, "bytes retained", slot.retainedBytes()));
      Remedy remedy;
      if (permanent.containsKey(slot.name())) {
        Map<String, Object> drop = new LinkedHashMap<>();
        drop.put(slot.name(), null);
        remedy = new Remedy.ConfigChange(Map.of("slots", drop), "remove the permanent slot " + slot.name()
            + " (Patroni then drops it)");
      } else {
        remedy = new Remedy.Manual("if the slot's consumer is gone: SELECT pg_drop_replication_slot('"
            + slot.name() + "') on " + leader);
      }
      out.add(new Finding(Problem.SLOT_RETAINING_WAL, Severity.WARNING, leader,
          "inactive slot " + slot.name() + " holds back " + slot.retainedBytes() + " bytes of WAL on " + leader,
          evidence, remedy));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> permanentSlots(@Nullable DynamicConfig config) {
    if (config == null) {
      return Map.of();
    }
    return config.get("slots").filter(Map.class::isInstance).map(m -> (Map<String, Object>) m).orElse(Map.of());
  }

  private static void archiving(Observed o, List<Finding> out) {
    Observed.Archiver a = o.archiver();
    if (a == null || !a.failing()) {
      return;
    }
    String leader = o.view().findLeader().map(Member::name).orElse("the leader");
    String where = "pg_stat_archiver on " + leader;
    out.add(new Finding(Problem.ARCHIVING_FAILING, Severity.WARNING, leader,
        "WAL archiving fails on " + leader + " (last failure " + a.lastFailedWal() + " at " + a.lastFailedTime()
            + ", newer than the last success)",
        List.of(Evidence.of(Source.SQL, where, "failed_count", a.failedCount()),
            Evidence.of(Source.SQL, where, "last_failed_wal", a.lastFailedWal()),
            Evidence.of(Source.SQL, where, "last_failed_time", a.lastFailedTime()),
            Evidence.of(Source.SQL, where, "last_archived_time", a.lastArchivedTime()),
            Evidence.of(Source.SQL, "current_setting on " + leader, "archive_mode", a.archiveMode())),
        new Remedy.Manual("read " + leader + "'s PostgreSQL log for the archive_command's error and fix the "
            + "command or its storage; WAL accumulates in pg_wal until it succeeds")));
  }

  // ------------------------------------------------------------------ helpers

  /**
   * Evidence of a dynamic-configuration value, labelled with where the configuration was read: the DCS {@code config}
   * key when a snapshot was taken (the diagnosis then reads no {@code GET /config}), else {@code GET /config}.
   */
  private static Evidence configEvidence(Observed o, String fact, Object value) {
    ClusterSnapshot s = o.snapshot();
    return s != null ? Evidence.of(Source.DCS, s.cluster().key(DcsKey.CONFIG), fact, value)
        : Evidence.of(Source.REST, "GET /config", fact, value);
  }

  private static String where(Source source, String what) {
    return (source == Source.DCS ? "DCS " : "GET /cluster ") + what;
  }

  /** host:port of a REST URL, lower-cased; empty if it does not parse. */
  static Optional<String> endpointKey(@Nullable String url) {
    if (url == null) {
      return Optional.empty();
    }
    try {
      URI u = URI.create(url.trim());
      if (u.getHost() == null) {
        return Optional.empty();
      }
      int port = u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
      return Optional.of(u.getHost().toLowerCase(Locale.ROOT) + ":" + port);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
