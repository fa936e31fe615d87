package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.client.model.Timeline;
import dev.patroni4j.runbooks.Fact;
import dev.patroni4j.runbooks.Facts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The switchover candidate rules: streaming on the leader's timeline, not {@code nofailover}, failover priority not
 * 0, lag known and within {@code maximum_lag_on_failover}, the sync standby when synchronous mode is on, a member of
 * the quorum set under {@code synchronous_mode: quorum}; the highest {@code failover_priority} wins (default 1), then
 * the highest {@code sync_priority}, then the least lag, then the name. Every rejected member gets a reason, so a
 * refusal says exactly why.
 */
final class Candidates {
  private Candidates() {}

  /** The members rejected as candidates, each with the reason. */
  static final Fact<Map<String, String>> REJECTED = Fact.textMap("rejected");

  record Selection(@Nullable String candidate, String reason, Map<String, String> rejected) {
    Optional<String> find() {
      return Optional.ofNullable(candidate);
    }

    /** The rejections as typed evidence. */
    Facts evidence() {
      return rejected.isEmpty() ? Facts.of() : Facts.of(REJECTED, rejected);
    }
  }

  static Selection choose(ClusterView view, DynamicConfig config, String from, @Nullable String wanted,
      @Nullable Set<String> streaming) {
    long tl = Views.timeline(view).map(Timeline::id).orElse(0L);
    long maxLag = config.maximumLagOnFailover().orElse(1_048_576);
    boolean sync = config.synchronousMode().map(m -> !m.equals("false") && !m.equals("off")).orElse(false);
    boolean quorum = config.synchronousMode().filter("quorum"::equals).isPresent();
    Map<String, String> rejected = new LinkedHashMap<>();
    List<Member> ok = new ArrayList<>();
    for (Member m : view.members()) {
      if (m.name().equals(from) || m.isLeader()) {
        continue;
      }
      String why = rejection(m, tl, maxLag, sync, quorum, streaming);
      if (why == null) {
        ok.add(m);
      } else {
        rejected.put(m.name(), why);
      }
    }
    if (wanted != null) {
      if (ok.stream().anyMatch(m -> m.name().equals(wanted))) {
        return new Selection(wanted, wanted + " qualifies (" + lagText(find(view, wanted)) + ")", rejected);
      }
      String why = rejected.getOrDefault(wanted, wanted.equals(from) ? "it is the current leader"
          : "it is not a member of the cluster");
      return new Selection(null, "candidate " + wanted + " does not qualify: " + why, rejected);
    }
    Optional<Member> best = ok.stream()
        .min(Comparator.comparingLong((Member m) -> -failoverPriority(m))
            .thenComparingLong(m -> -m.tags().syncPriority().orElse(0))
            .thenComparingLong(m -> m.lag().knownBytes().orElse(Long.MAX_VALUE))
            .thenComparing(Member::name));
    if (best.isEmpty()) {
      return new Selection(null, rejected.isEmpty() ? "no candidate: the cluster has no members except the leader"
          : "no candidate qualifies: " + describe(rejected), rejected);
    }
    boolean byPriority = ok.stream().anyMatch(m -> failoverPriority(m) != failoverPriority(best.get())
        || m.tags().syncPriority().orElse(0) != best.get().tags().syncPriority().orElse(0));
    return new Selection(best.get().name(), best.get().name() + (byPriority
        ? " has the highest failover_priority " + failoverPriority(best.get()) + " and sync_priority "
            + best.get().tags().syncPriority().orElse(0) + " (" + lagText(best) + ") of " + ok.size() + " qualifying"
        : " has the least lag (" + lagText(best) + ") of " + ok.size() + " qualifying"), rejected);
  }

  // Patroni's default failover_priority is 1.
  private static long failoverPriority(Member m) {
    return m.tags().failoverPriority().orElse(1);
  }

  private static Optional<Member> find(ClusterView view, String name) {
    return view.members().stream().filter(m -> m.name().equals(name)).findFirst();
  }

  private static String lagText(Optional<Member> m) {
    return m.map(x -> "lag " + x.lag()).orElse("?");
  }

  static String describe(Map<String, String> rejected) {
    List<String> parts = new ArrayList<>();
    rejected.forEach((k, v) -> parts.add(k + " " + v));
    return String.join("; ", parts);
  }

  private static @Nullable String rejection(Member m, long tl, long maxLag, boolean sync, boolean quorum,
      @Nullable Set<String> streaming) {
    if (m.tags().noFailover()) {
      return "is tagged nofailover";
    }
    if (m.tags().failoverPriority().isPresent() && m.tags().failoverPriority().getAsLong() <= 0) {
      return "has failover_priority 0";
    }
    if (!m.state().isRunning()) {
      return "is " + m.state().raw();
    }
    long mtl = m.findTimeline().map(Timeline::id).orElse(-1L);
    if (mtl != tl) {
      return "is on timeline " + (mtl < 0 ? "?" : mtl) + ", the leader on " + tl;
    }
    if (streaming != null && !streaming.contains(m.name())) {
      return "does not stream from the leader";
    }
    if (m.lag().knownBytes().isEmpty()) {
      return "has unknown lag";
    }
    if (!m.lag().isAtMost(maxLag)) {
      return "lags " + m.lag().knownBytes().getAsLong() + " bytes, more than maximum_lag_on_failover " + maxLag;
    }
    if (quorum && !m.role().is(Role.Kind.QUORUM_STANDBY)) {
      return "is not in the quorum set (synchronous_mode is quorum" + (m.tags().noSync() ? "; it is tagged nosync" : "") + ")";
    }
    if (sync && !(m.role().is(Role.Kind.SYNC_STANDBY) || m.role().is(Role.Kind.QUORUM_STANDBY))) {
      return "is not the synchronous standby (synchronous mode is on)";
    }
    return null;
  }
}
