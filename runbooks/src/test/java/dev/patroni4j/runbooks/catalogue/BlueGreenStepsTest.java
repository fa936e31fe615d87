package dev.patroni4j.runbooks.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.config.ConfigDocument;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The managed freeze's edit of a replica's {@code patroni.yml}: its tag written as a drain writes it. */
class BlueGreenStepsTest {
  private static final String REPLICA = "# pg2, managed by hand\n"
      + "scope: demo\n"
      + "name: pg2\n"
      + "postgresql:\n"
      + "  data_dir: /var/lib/postgresql/15/main   # the data\n";

  @Test
  void theFreezeWritesNofailoverAsADrainDoesAndTheApplyDelayAndTheUnfreezeGivesTheFileBackExactly() {
    ConfigDocument frozen = BlueGreenSteps.edit(ConfigDocument.parse(REPLICA), Duration.ofHours(4));
    assertThat(frozen.text()).startsWith("# pg2, managed by hand\n");
    assertThat(frozen.config().tags().nofailover()).contains(true);
    assertThat(frozen.config().get("postgresql.recovery_conf.recovery_min_apply_delay")).contains("14400s");
    assertThat(DrainSteps.mismatches(DrainSteps.localTags(frozen.config()),
        java.util.EnumSet.of(DrainOptions.Tag.NOFAILOVER), true)).as("a drain would find it drained").isEmpty();

    assertThat(BlueGreenSteps.edit(frozen, null).text()).isEqualTo(REPLICA);
  }

  @Test
  void theUnfreezeKeepsTheReplicasOtherTags() {
    String tagged = REPLICA + "tags:\n  clonefrom: true\n";
    ConfigDocument unfrozen = BlueGreenSteps.edit(BlueGreenSteps.edit(ConfigDocument.parse(tagged),
        Duration.ofMinutes(30)), null);
    assertThat(unfrozen.text()).isEqualTo(tagged);
    assertThat(unfrozen.config().tags().clonefrom()).contains(true);
  }
}
