package dev.patroni4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemdUnitTest {
  @TempDir Path dir;

  @Test
  void theGeneratedUnitPassesSystemdAnalyzeVerify() throws Exception {
    Path analyze = Path.of("/usr/bin/systemd-analyze");
    String unit = SystemdUnit.newBuilder().patroniExecutable(Path.of("/usr/bin/patroni"))
        .configFile(Path.of("/etc/patroni/15-main.yml")).build().render();
    assertThat(unit).contains("User=postgres", "Group=postgres",
        "Environment=PATRONI_CONFIG_LOCATION=/etc/patroni/15-main.yml",
        "ExecStart=/usr/bin/patroni ${PATRONI_CONFIG_LOCATION}", "ExecReload=/bin/kill -HUP $MAINPID",
        "KillMode=process", "KillSignal=SIGINT", "TimeoutStopSec=120", "OOMScoreAdjust=-1000");
    assertThat(SystemdUnit.check(unit, Path.of("/etc/patroni/15-main.yml"))).isEmpty();
    if (!Files.isExecutable(analyze)) {
      assertThat(System.getenv("CI")).as("systemd-analyze must exist in CI").isNotEqualTo("true");
      return;
    }
    Path file = Files.writeString(dir.resolve("patroni.service"), unit);
    Process p = new ProcessBuilder(analyze.toString(), "verify", file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out).as(out).doesNotContain("patroni.service:");
    assertThat(p.exitValue()).as(out).isZero();
  }

  @Test
  void theSeedsUnitHasNoTrapWhenRunningWithTheirConfig() throws Exception {
    // The unit of the field document shared/seeds/000 (Patroni in its own virtualenv), verbatim.
    String first = Files.readString(Path.of("src/test/resources/units/seed-000-patroni.service"));
    assertThat(SystemdUnit.check(first, Path.of("/opt/app/patroni/etc/postgresql.yml"))).isEmpty();
    assertThat(SystemdUnit.check(first, Path.of("/etc/patroni/patroni.yml"))).extracting(SystemdUnit.Trap::kind)
        .containsExactly(SystemdUnit.TrapKind.CONFIG_PATH_DIFFERS);
  }

  @Test
  void aUnitWhoseStopKillsPostgresqlIsNamed() {
    String unit = """
        [Service]
        User=postgres
        ExecStart=/usr/local/bin/patroni /etc/patroni.yml
        KillSignal=SIGKILL
        """;
    List<SystemdUnit.Trap> traps = SystemdUnit.check(unit, Path.of("/etc/patroni.yml"));
    assertThat(traps).extracting(SystemdUnit.Trap::kind).containsExactly(SystemdUnit.TrapKind.STOP_KILLS_POSTGRESQL,
        SystemdUnit.TrapKind.HARSH_KILL_SIGNAL);
    assertThat(traps.get(0).found()).isEqualTo("KillMode=control-group");
    assertThat(SystemdUnit.check("[Service]\nKillMode=mixed\nExecStart=/usr/bin/patroni /a.yml\n", Path.of("/a.yml")))
        .extracting(SystemdUnit.Trap::kind).containsExactly(SystemdUnit.TrapKind.STOP_KILLS_POSTGRESQL);
  }

  @Test
  void stopTrapsJudgeOnlyWhatAStopDoes() {
    assertThat(SystemdUnit.stopTraps("[Service]\nKillMode=process\nKillSignal=SIGINT\n"))
        .as("no ExecStart and no configuration: not a stop trap").isEmpty();
    assertThat(SystemdUnit.stopTraps("[Unit]\nKillMode=process\n[Service]\nExecStart=/usr/bin/patroni /a.yml\n"))
        .as("KillMode outside [Service] does not count").extracting(SystemdUnit.Trap::kind)
        .containsExactly(SystemdUnit.TrapKind.STOP_KILLS_POSTGRESQL);
  }

  @Test
  void badBuilderInputIsRefusedWithWhatWasWrong() {
    assertThatThrownBy(() -> SystemdUnit.newBuilder().configFile(Path.of("relative.yml")))
        .isInstanceOf(PatroniConfigException.class).hasMessageContaining("configFile");
    assertThatThrownBy(() -> SystemdUnit.newBuilder().user("post gres", "x"))
        .isInstanceOf(PatroniConfigException.class).hasMessageContaining("user");
  }
}
