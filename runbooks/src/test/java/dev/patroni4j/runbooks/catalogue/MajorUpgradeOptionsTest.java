package dev.patroni4j.runbooks.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MajorUpgradeOptionsTest {
  private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
  private static final Path YML = Path.of("/etc/patroni/patroni.yml");

  @Test
  void defaultsAreCopyModeOneJobPort50432AndTheDefaultGuardrails() {
    MajorUpgradeOptions o = MajorUpgradeOptions.builder("pg1", BIN, Path.of("/usr/lib/postgresql/17/bin"))
        .member("pg1", YML, Path.of("/data/15"), Path.of("/data/17"))
        .member("pg2", YML, Path.of("/data/15"), Path.of("/data/17"))
        .build();
    assertThat(o.mode()).isEqualTo(MajorUpgradeOptions.Mode.COPY);
    assertThat(o.jobs()).isEqualTo(1);
    assertThat(o.port()).isEqualTo(50432);
    assertThat(o.memberTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(o.members()).containsOnlyKeys("pg1", "pg2");
    assertThat(o.layout("pg2").newDataDir()).isEqualTo(Path.of("/data/17"));
    assertThatThrownBy(() -> o.layout("pg9")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pg9");
  }

  @Test
  void badLayoutsAreRefusedNamingThePath() {
    assertThatThrownBy(() -> new MajorUpgradeOptions.Layout(YML, Path.of("/data/15"), Path.of("/data/15/")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must differ");
    assertThatThrownBy(() -> new MajorUpgradeOptions.Layout(YML, Path.of("/data/15"), Path.of("/data/15/new")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inside the old one");
    assertThatThrownBy(() -> new MajorUpgradeOptions.Layout(YML, Path.of("data/15"), Path.of("/data/17")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absolute: data/15");
    assertThatThrownBy(() -> MajorUpgradeOptions.builder("pg1", Path.of("bin"), BIN))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absolute");
  }

  @Test
  void aPrimaryWithoutLayoutADuplicateMemberAndOutOfRangeNumbersAreRefused() {
    assertThatThrownBy(() -> MajorUpgradeOptions.builder("pg1", BIN, BIN)
        .member("pg2", YML, Path.of("/a"), Path.of("/b")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the primary pg1 needs a layout");
    MajorUpgradeOptions.Builder b = MajorUpgradeOptions.builder("pg1", BIN, BIN)
        .member("pg1", YML, Path.of("/a"), Path.of("/b"));
    assertThatThrownBy(() -> b.member("pg1", YML, Path.of("/a"), Path.of("/c")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("given twice");
    assertThatThrownBy(() -> b.port(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.jobs(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.memberTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }
}
