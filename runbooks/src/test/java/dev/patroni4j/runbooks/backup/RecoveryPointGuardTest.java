package dev.patroni4j.runbooks.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.runbooks.Decision;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The recovery-point guard on pgBackRest's real info output and a repository listing. */
class RecoveryPointGuardTest {
  /** The newest backup of {@link PgBackRestInfoTest#REAL} finished then. */
  private static final Instant LAST = Instant.ofEpochSecond(1796290524);

  private static String listing(String... segments) {
    StringBuilder sb = new StringBuilder("{\"15-1\":{\"type\":\"path\"}");
    for (String s : segments) {
      sb.append(",\"15-1/0000000100000000/").append(s).append("-906aeace46c6440849b465de5aef954429d74489.lz4\":")
          .append("{\"type\":\"file\",\"size\":1}");
    }
    return sb.append('}').toString();
  }

  private static PgBackRest tool(PgBackRestCommandsTest.RecordingHost host) {
    return PgBackRest.builder(host, "demo").build();
  }

  @Test
  void aFreshBackupAndAContinuousArchivePassWithTheFigures() {
    PgBackRestCommandsTest.RecordingHost host = new PgBackRestCommandsTest.RecordingHost();
    host.repoLs = listing("000000010000000000000004", "000000010000000000000005", "000000010000000000000006");
    Decision d = RecoveryPointGuard.of(tool(host), () -> "pg1", Duration.ofHours(1)).judge(LAST.plusSeconds(600));
    assertThat(d).isInstanceOfSatisfying(Decision.Satisfied.class, s -> {
      assertThat(s.facts().get(RecoveryPointGuard.LAST_BACKUP)).isEqualTo("20261203-093220F_20261203-093522I");
      assertThat(s.facts().get(RecoveryPointGuard.AGE_SECONDS)).isEqualTo(600L);
      assertThat(s.facts().get(RecoveryPointGuard.LAST_ARCHIVED)).isEqualTo("000000010000000000000006");
    });
  }

  @Test
  void anOldBackupIsRefusedWithItsAgeAndTheBound() {
    PgBackRestCommandsTest.RecordingHost host = new PgBackRestCommandsTest.RecordingHost();
    Decision d = RecoveryPointGuard.of(tool(host), () -> "pg1", Duration.ofHours(26))
        .judge(LAST.plus(Duration.ofHours(30)));
    assertThat(d).isInstanceOfSatisfying(Decision.Blocked.class, b -> {
      assertThat(b.reason()).contains("20261203-093220F_20261203-093522I", "1800 min ago", "bound of 1560 min");
      assertThat(b.facts().get(RecoveryPointGuard.AGE_SECONDS)).isEqualTo(30L * 3600);
    });
    assertThat(host.commands).as("the archive is not even looked at").noneMatch(c -> c.contains("repo-ls"));
  }

  @Test
  void aGapInTheArchiveIsRefusedNamingIt() {
    PgBackRestCommandsTest.RecordingHost host = new PgBackRestCommandsTest.RecordingHost();
    host.repoLs = listing("000000010000000000000004", "000000010000000000000005", "000000010000000000000008");
    Decision d = RecoveryPointGuard.of(tool(host), () -> "pg1", Duration.ofHours(1)).judge(LAST.plusSeconds(60));
    assertThat(d).isInstanceOfSatisfying(Decision.Blocked.class, b -> {
      assertThat(b.reason()).contains("000000010000000000000006 to 000000010000000000000007");
      assertThat(b.facts().get(RecoveryPointGuard.GAPS)).containsExactly("000000010000000000000006");
    });
  }

  @Test
  void noBackupOrAFailingArchiveCommandIsRefused() {
    PgBackRestCommandsTest.RecordingHost host = new PgBackRestCommandsTest.RecordingHost();
    host.info = "[{\"name\":\"demo\",\"status\":{\"code\":2,\"message\":\"no valid backups\"},\"backup\":[]}]";
    assertThat(RecoveryPointGuard.of(tool(host), () -> "pg1", Duration.ofHours(1)).judge(LAST))
        .isInstanceOfSatisfying(Decision.Blocked.class, b -> assertThat(b.reason()).contains("no complete backup"));
    PgBackRestCommandsTest.RecordingHost failing = new PgBackRestCommandsTest.RecordingHost();
    failing.repoLs = listing("000000010000000000000004");
    failing.exit = 82;
    failing.stderr = "ERROR: [082]: WAL segment was not archived before the 60000ms timeout";
    assertThat(RecoveryPointGuard.of(tool(failing), () -> "pg1", Duration.ofHours(1)).judge(LAST))
        .isInstanceOfSatisfying(Decision.Blocked.class, b -> assertThat(b.reason()).contains("not archived"));
  }
}
