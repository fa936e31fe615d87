package dev.patroni4j.runbooks.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.model.HistoryEntry;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Timeline;
import dev.patroni4j.runbooks.catalogue.DataDirectoryCheck.Kind;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DataDirectoryCheckTest {
  private static final String CLUSTER = "7310852917352427550";
  /** The leader went from timeline 1 to 2 at 0/5000000, and from 2 to 3 at 0/7000000. */
  private static final List<HistoryEntry> HISTORY = List.of(
      new HistoryEntry(Timeline.of(1), Lsn.parse("0/5000000"), "no recovery target specified", null, "pg2"),
      new HistoryEntry(Timeline.of(2), Lsn.parse("0/7000000"), "no recovery target specified", null, "pg1"));

  /** The lines of {@code pg_controldata} the check reads, among others it ignores. */
  private static Optional<String> control(String systemId, String state, long timeline, String checkpoint) {
    return Optional.of("pg_control version number:            1300\n"
        + "Catalog version number:               202209061\n"
        + "Database system identifier:           " + systemId + "\n"
        + "Database cluster state:               " + state + "\n"
        + "pg_control last modified:             Thu Dec  3 06:40:00 2026\n"
        + "Latest checkpoint location:           " + checkpoint + "\n"
        + "Latest checkpoint's REDO location:    " + checkpoint + "\n"
        + "Latest checkpoint's TimeLineID:       " + timeline + "\n"
        + "Latest checkpoint's PrevTimeLineID:   " + timeline + "\n");
  }

  private static DataDirectoryCheck.Verdict judge(Optional<String> control, long leaderTimeline) {
    return DataDirectoryCheck.judge(control, CLUSTER, Timeline.of(leaderTimeline), HISTORY);
  }

  @Test
  void aDirectoryOfAnotherSystemIdentifierMustBeWipedAndTheReasonNamesBothIdentifiers() {
    DataDirectoryCheck.Verdict v = judge(control("7400000000000000001", "shut down", 3, "0/8000000"), 3);
    assertThat(v.kind()).isEqualTo(Kind.OTHER_SYSTEM);
    assertThat(v.kind().needsWipe()).isTrue();
    assertThat(v.reason()).contains("7400000000000000001").contains(CLUSTER);
  }

  @Test
  void thisClustersDirectoryOnTheLeadersTimelineIsKeptWhateverItsState() {
    for (String state : List.of("shut down", "shut down in recovery", "in production", "in archive recovery")) {
      assertThat(judge(control(CLUSTER, state, 3, "0/9000000"), 3).kind()).as(state).isEqualTo(Kind.THIS_CLUSTER);
    }
  }

  @Test
  void onTheLeadersTimelineACheckpointPastTheLeadersPositionHasDiverged() {
    Optional<String> ahead = control(CLUSTER, "shut down", 3, "0/9000028");
    assertThat(DataDirectoryCheck.judge(ahead, CLUSTER, Timeline.of(3), Optional.of(Lsn.parse("0/9000000")), HISTORY)
        .kind()).isEqualTo(Kind.DIVERGED);
    assertThat(DataDirectoryCheck.judge(ahead, CLUSTER, Timeline.of(3), Optional.of(Lsn.parse("0/9000028")), HISTORY)
        .kind()).isEqualTo(Kind.THIS_CLUSTER);
  }

  @Test
  void aTimelineAheadOfTheLeadersHasDiverged() {
    DataDirectoryCheck.Verdict v = judge(control(CLUSTER, "shut down", 4, "0/9000000"), 3);
    assertThat(v.kind()).isEqualTo(Kind.DIVERGED);
    assertThat(v.reason()).contains("ahead of the leader's 3");
  }

  @Test
  void anOlderTimelineIsKeptOnlyForACleanShutdownAtOrBeforeTheSwitchPoint() {
    assertThat(judge(control(CLUSTER, "shut down", 2, "0/6000000"), 3).kind()).isEqualTo(Kind.THIS_CLUSTER);
    assertThat(judge(control(CLUSTER, "shut down", 2, "0/7000000"), 3).kind()).as("exactly at the switch point")
        .isEqualTo(Kind.THIS_CLUSTER);
    assertThat(judge(control(CLUSTER, "shut down", 1, "0/4FFFFF8"), 3).kind()).as("two switches back")
        .isEqualTo(Kind.THIS_CLUSTER);
  }

  @Test
  void anOlderTimelinePastTheSwitchPointHasDiverged() {
    DataDirectoryCheck.Verdict v = judge(control(CLUSTER, "shut down", 2, "0/7000028"), 3);
    assertThat(v.kind()).isEqualTo(Kind.DIVERGED);
    assertThat(v.reason()).contains("0/7000028").contains("0/7000000");
  }

  @Test
  void aReplicaOrCrashedServerOnAnOlderTimelineMayHoldWalPastItsCheckpointSoCountsAsDiverged() {
    assertThat(judge(control(CLUSTER, "shut down in recovery", 2, "0/6000000"), 3).kind()).isEqualTo(Kind.DIVERGED);
    assertThat(judge(control(CLUSTER, "in production", 2, "0/6000000"), 3).kind()).isEqualTo(Kind.DIVERGED);
  }

  @Test
  void anOlderTimelineTheHistoryDoesNotRecordHasDiverged() {
    DataDirectoryCheck.Verdict v = DataDirectoryCheck.judge(control(CLUSTER, "shut down", 2, "0/6000000"), CLUSTER,
        Timeline.of(3), List.of());
    assertThat(v.kind()).isEqualTo(Kind.DIVERGED);
  }

  @Test
  void unreadableOrGarbledControlDataIsNotADataDirectory() {
    assertThat(judge(Optional.empty(), 3).kind()).isEqualTo(Kind.NOT_A_DATA_DIRECTORY);
    assertThat(judge(Optional.of("pg_controldata: fatal: could not open file"), 3).kind())
        .isEqualTo(Kind.NOT_A_DATA_DIRECTORY);
    assertThat(judge(control(CLUSTER, "shut down", 3, "not-an-lsn"), 3).kind()).isEqualTo(Kind.NOT_A_DATA_DIRECTORY);
    assertThat(judge(Optional.of(control(CLUSTER, "shut down", 3, "0/1").orElseThrow()
        .replace("Latest checkpoint's TimeLineID:       3", "Latest checkpoint's TimeLineID:       x")), 3).kind())
        .isEqualTo(Kind.NOT_A_DATA_DIRECTORY);
    assertThat(Kind.EMPTY.needsWipe()).isFalse();
    assertThat(Kind.THIS_CLUSTER.needsWipe()).isFalse();
  }
}
