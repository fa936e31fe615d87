package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.model.HistoryEntry;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Timeline;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a non-empty data directory may become a replica of a cluster as it is, judged from its {@code pg_control}
 * (as {@code pg_controldata} prints it) against the cluster's system identifier, the leader's timeline and the
 * leader's timeline history. Pure: no I/O.
 */
final class DataDirectoryCheck {
  /** What a directory is to the cluster. */
  enum Kind {
    /** Missing or empty: Patroni clones into it. */
    EMPTY,
    /** Of this cluster, on a timeline it can follow: Patroni starts it as a replica. */
    THIS_CLUSTER,
    /** Of another database system (another system identifier): a leftover of another cluster. */
    OTHER_SYSTEM,
    /** Of this cluster, but on a timeline that forked from the leader's history (or may have). */
    DIVERGED,
    /** Not empty, and {@code pg_controldata} cannot read it. */
    NOT_A_DATA_DIRECTORY;

    /** Whether the directory must be wiped before the member can start on it. */
    boolean needsWipe() {
      return this == OTHER_SYSTEM || this == DIVERGED || this == NOT_A_DATA_DIRECTORY;
    }
  }

  /** The verdict and why. */
  record Verdict(Kind kind, String reason, Optional<ControlData> control) {}

  /** The fields of {@code pg_controldata}'s output the check needs. */
  record ControlData(String systemIdentifier, String state, Timeline timeline, Lsn checkpoint) {
    /** Parses {@code pg_controldata} output printed in the C locale; empty if a field is missing. */
    static Optional<ControlData> parse(String output) {
      Optional<String> id = field(output, "Database system identifier");
      Optional<String> state = field(output, "Database cluster state");
      Optional<String> tl = field(output, "Latest checkpoint's TimeLineID");
      Optional<String> lsn = field(output, "Latest checkpoint location");
      if (id.isEmpty() || state.isEmpty() || tl.isEmpty() || lsn.isEmpty() || !tl.get().matches("\\d{1,10}")) {
        return Optional.empty();
      }
      Optional<Lsn> checkpoint = Lsn.tryParse(lsn.get());
      long timeline = Long.parseLong(tl.get());
      if (checkpoint.isEmpty() || timeline < 1 || timeline > Timeline.MAX_ID) {
        return Optional.empty();
      }
      return Optional.of(new ControlData(id.get(), state.get(), Timeline.of(timeline), checkpoint.get()));
    }

    private static Optional<String> field(String output, String name) {
      Matcher m = Pattern.compile("^" + Pattern.quote(name) + ":[ \\t]*(.*?)[ \\t]*$", Pattern.MULTILINE)
          .matcher(output);
      return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
  }

  private DataDirectoryCheck() {}

  /**
   * Judges a non-empty directory. On the leader's timeline it is kept. On an older timeline it is kept only when it is
   * provably a prefix of the leader's history: a clean primary shutdown ({@code shut down}, whose checkpoint record
   * is its last WAL) at or before the point where the leader's history left that timeline; a replica or a crashed
   * server may hold WAL past its checkpoint, so it counts as diverged (Patroni would need {@code pg_rewind}, which a
   * new member does not get). A timeline ahead of the leader's, or one the history does not know, is diverged.
   *
   * @param controlDataOutput {@code pg_controldata}'s output, or empty when it failed on the directory
   */
  static Verdict judge(Optional<String> controlDataOutput, String clusterSystemIdentifier, Timeline leaderTimeline,
      List<HistoryEntry> history) {
    return judge(controlDataOutput, clusterSystemIdentifier, leaderTimeline, Optional.empty(), history);
  }

  /**
   * As {@link #judge(Optional, String, Timeline, List)}, and on the leader's timeline a checkpoint past the leader's
   * current WAL position counts as diverged too (a server that went on writing on its own, e.g. a restored backup
   * started as a primary); a fork earlier than that on the same timeline cannot be seen from {@code pg_control}.
   */
  static Verdict judge(Optional<String> controlDataOutput, String clusterSystemIdentifier, Timeline leaderTimeline,
      Optional<Lsn> leaderPosition, List<HistoryEntry> history) {
    Optional<ControlData> parsed = controlDataOutput.flatMap(ControlData::parse);
    if (parsed.isEmpty()) {
      return new Verdict(Kind.NOT_A_DATA_DIRECTORY, "it is not empty and pg_controldata cannot read it",
          Optional.empty());
    }
    ControlData c = parsed.get();
    if (!c.systemIdentifier().equals(clusterSystemIdentifier)) {
      return new Verdict(Kind.OTHER_SYSTEM, "it belongs to database system " + c.systemIdentifier()
          + ", not to this cluster's " + clusterSystemIdentifier, parsed);
    }
    if (c.timeline().equals(leaderTimeline)) {
      if (leaderPosition.isPresent() && c.checkpoint().compareTo(leaderPosition.get()) > 0) {
        return new Verdict(Kind.DIVERGED, "its checkpoint " + c.checkpoint() + " on timeline " + c.timeline()
            + " lies past the leader's WAL position " + leaderPosition.get() + ": it went on writing on its own",
            parsed);
      }
      return new Verdict(Kind.THIS_CLUSTER, "it is this cluster's, on the leader's timeline " + leaderTimeline,
          parsed);
    }
    if (c.timeline().isAfter(leaderTimeline)) {
      return new Verdict(Kind.DIVERGED, "it is on timeline " + c.timeline() + ", ahead of the leader's "
          + leaderTimeline + ": it was promoted on its own", parsed);
    }
    Optional<HistoryEntry> fork = history.stream().filter(e -> e.timeline().equals(c.timeline())).findFirst();
    if (fork.isEmpty()) {
      return new Verdict(Kind.DIVERGED, "it is on timeline " + c.timeline() + ", which the leader's history (up to "
          + leaderTimeline + ") does not record leaving", parsed);
    }
    Lsn switchPoint = fork.get().lsn();
    if (c.checkpoint().compareTo(switchPoint) > 0) {
      return new Verdict(Kind.DIVERGED, "its checkpoint " + c.checkpoint() + " on timeline " + c.timeline()
          + " lies past " + switchPoint + ", where the leader's history left that timeline", parsed);
    }
    if (!"shut down".equals(c.state())) {
      return new Verdict(Kind.DIVERGED, "it is on timeline " + c.timeline() + " (left at " + switchPoint
          + ") and was '" + c.state() + "', so it may hold WAL past its checkpoint " + c.checkpoint(), parsed);
    }
    return new Verdict(Kind.THIS_CLUSTER, "it is this cluster's, shut down cleanly on timeline " + c.timeline()
        + " at " + c.checkpoint() + ", before the leader's history left it at " + switchPoint, parsed);
  }
}
