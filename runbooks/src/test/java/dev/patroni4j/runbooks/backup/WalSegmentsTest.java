package dev.patroni4j.runbooks.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class WalSegmentsTest {
  @Test
  void aContinuousArchiveAcrossALogIdBoundaryHasNoGap() {
    ArchiveCheck c = WalSegments.check(List.of("0000000100000000000000FE", "0000000100000000000000FF",
        "000000010000000100000000"), "0000000100000000000000FE", true, "");
    assertThat(c.gaps()).isEmpty();
    assertThat(c.continuous()).isTrue();
    assertThat(c.segments()).isEqualTo(3);
  }

  @Test
  void missingSegmentsAreNamedFirstToLast() {
    ArchiveCheck c = WalSegments.check(List.of("000000010000000000000003", "000000010000000000000004",
        "000000010000000000000008", "000000010000000000000009"), "000000010000000000000001", true, "");
    assertThat(c.gaps()).containsExactly(
        new ArchiveCheck.Gap("000000010000000000000001", "000000010000000000000002"),
        new ArchiveCheck.Gap("000000010000000000000005", "000000010000000000000007"));
    assertThat(c.continuous()).isFalse();
  }

  @Test
  void segmentsBeforeTheOldestBackupDoNotCountAndATimelineSwitchIsNoGap() {
    ArchiveCheck c = WalSegments.check(List.of("000000010000000000000001", "000000010000000000000005",
        "000000010000000000000006", "000000020000000000000006", "000000020000000000000007"),
        "000000010000000000000005", true, "");
    assertThat(c.gaps()).isEmpty();
    assertThat(c.findFirst()).contains("000000010000000000000005");
    assertThat(c.findLast()).contains("000000020000000000000007");
  }

  @Test
  void aFailedLiveCheckOrAnEmptyArchiveIsNotContinuous() {
    assertThat(WalSegments.check(List.of("000000010000000000000005"), null, false, "archive_command failed")
        .continuous()).isFalse();
    ArchiveCheck empty = WalSegments.check(List.of(), "000000010000000000000005", true, "");
    assertThat(empty.continuous()).isFalse();
    assertThat(empty.gaps()).hasSize(1);
  }
}
