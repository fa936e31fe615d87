package dev.patroni4j.runbooks.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.runbooks.ClusterIdentity;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.Plan;
import dev.patroni4j.runbooks.PlanFormatException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LostWalTest {
  private static LostWal.Position at(long timeline, String current, String history) {
    return new LostWal.Position(timeline, Lsn.parse(current), LostWal.parseHistory(history));
  }

  @Test
  void theOldSiteLosesFromWhereTheNewTimelineForkedToItsLastPosition() {
    LostWal.Position old = at(4, "0/5000100", "1\t0/3000000\tno recovery target specified\n2\t0/4000000\tx\n"
        + "3\t0/4800000\tx\n");
    LostWal.Position fresh = at(5, "0/4A00000", "1\t0/3000000\tx\n2\t0/4000000\tx\n3\t0/4800000\tx\n"
        + "4\t0/4900000\tx\n");

    LostWal lost = LostWal.between(old, fresh).orElseThrow();

    assertThat(lost).isEqualTo(new LostWal(Lsn.parse("0/4900000"), Lsn.parse("0/5000100"), 4, 4, 5,
        0x5000100L - 0x4900000L));
  }

  @Test
  void nothingIsLostWhenTheOldSiteWroteNothingPastTheFork() {
    LostWal lost = LostWal.between(at(1, "0/3000060", ""), at(2, "0/3100000", "1\t0/3000060\tx\n")).orElseThrow();

    assertThat(lost.bytes()).isZero();
    assertThat(lost.from()).isEqualTo(lost.to()).isEqualTo(Lsn.parse("0/3000060"));
    assertThat(lost.describe()).startsWith("no WAL lost");
  }

  @Test
  void theSameTimelineIdOnDifferentHistoriesIsAForkNotAMatch() {
    // both sites promoted apart from timeline 3: each reached a timeline 4 of its own
    LostWal lost = LostWal.between(at(4, "0/7000000", "3\t0/6F00000\tx\n"), at(4, "0/6800000", "3\t0/6000000\tx\n"))
        .orElseThrow();

    assertThat(lost.from()).isEqualTo(Lsn.parse("0/6000000"));
    assertThat(lost.forkTimeline()).isEqualTo(3);
    assertThat(lost.oldTimeline()).isEqualTo(lost.newTimeline()).isEqualTo(4);
  }

  @Test
  void aSiteThatDidNotForkFromTheOldHistoryHasNoLostRange() {
    assertThat(LostWal.between(at(3, "0/5000000", "2\t0/4000000\tx\n"), at(3, "0/5000000", "2\t0/4000000\tx\n")))
        .isEmpty();
    assertThat(LostWal.between(at(2, "0/5000000", "1\t0/4000000\tx\n"), at(3, "0/5000000", "1\t0/4000000\tx\n"
        + "2\t0/5000000\tx\n")).orElseThrow().bytes()).isZero();
  }

  @Test
  void aMalformedHistoryLineIsRefused() {
    assertThatThrownBy(() -> LostWal.parseHistory("1\n")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed");
    assertThat(LostWal.parseHistory("# comment\n\n1\t0/10\tr\n")).isEqualTo(Map.of(1L, Lsn.parse("0/10")));
  }

  @Test
  void theLostRangeIsJournaledAsATypedFactAndComesBackFromThePlansJsonAsTheSameRange() {
    LostWal lost = new LostWal(Lsn.parse("0/4900000"), Lsn.parse("1/5000100"), 4, 4, 5,
        0x1_5000100L - 0x4900000L);
    Plan plan = new Plan("p1", "fail-back", Instant.parse("2026-12-04T03:00:00Z"), new ClusterIdentity("site_b",
        "7714615568307022190", "pg1", 4, List.of("pg1", "pg2")), Facts.of(StandbySites.LOST_WAL, lost), List.of(),
        null);

    String json = plan.toJson();
    Plan back = Plan.fromJson(json);

    assertThat(json).contains("\"lostWal\":{").contains("\"from\":\"0/4900000\"").contains("\"forkTimeline\":4")
        .contains("\"bytes\":" + (0x1_5000100L - 0x4900000L));
    assertThat(back.bindings().get(StandbySites.LOST_WAL)).isEqualTo(lost);
  }

  @Test
  void aJournaledRangeWithAMissingOrMistypedFieldIsATypedErrorNamingTheField() {
    Map<String, Object> good = Map.of("from", "0/10", "to", "0/20", "forkTimeline", 1L, "oldTimeline", 1L,
        "newTimeline", 2L, "bytes", 16L);
    Map<String, Object> noTo = new java.util.HashMap<>(good);
    noTo.remove("to");
    Map<String, Object> textNumbers = new java.util.HashMap<>(good);
    textNumbers.put("bytes", "16");  // the text map the range was journaled as before

    assertThat(Facts.fromPlain(Map.of("lostWal", good)).get(StandbySites.LOST_WAL).bytes()).isEqualTo(16);
    assertThatThrownBy(() -> Facts.fromPlain(Map.of("lostWal", noTo)).get(StandbySites.LOST_WAL))
        .isInstanceOf(PlanFormatException.class).hasMessageContaining("lostWal").hasMessageContaining("'to'");
    assertThatThrownBy(() -> Facts.fromPlain(Map.of("lostWal", textNumbers)).get(StandbySites.LOST_WAL))
        .isInstanceOf(PlanFormatException.class).hasMessageContaining("'bytes' is not a number");
    assertThatThrownBy(() -> Facts.fromPlain(Map.of("lostWal", "0/10-0/20")).get(StandbySites.LOST_WAL))
        .isInstanceOf(PlanFormatException.class).hasMessageContaining("lost WAL range");
  }
}
