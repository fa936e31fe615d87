package dev.patroni4j.runbooks.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.model.Lsn;
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
    assertThat(LostWal.fromMap(lost.toMap())).isEqualTo(lost);
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
}
