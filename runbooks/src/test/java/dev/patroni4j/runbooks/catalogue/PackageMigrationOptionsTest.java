package dev.patroni4j.runbooks.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.model.PatroniVersion;
import dev.patroni4j.config.SystemdUnit;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PackageMigrationOptionsTest {
  private static final Path OLD = Path.of("/etc/patroni.yml");
  private static final Path NEW = Path.of("/etc/patroni/patroni.yml");
  private static final Path UNIT = Path.of("/etc/systemd/system/patroni.service");

  @Test
  void aNewUnitThatReadsAnotherFileThanTheMovedConfigurationIsRejected() {
    SystemdUnit readsOld = SystemdUnit.newBuilder().configFile(OLD).build();
    PackageMigrationOptions.Member pg1 = PackageMigrationOptions.Member.of("pg1", OLD, NEW);
    assertThatThrownBy(() -> pg1.withUnit(UNIT, readsOld)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CONFIG_PATH_DIFFERS").hasMessageContaining(NEW.toString());
    assertThat(pg1.withUnit(UNIT, SystemdUnit.newBuilder().configFile(NEW).build()).findNewUnit()).isPresent();
  }

  @Test
  void pathsMustBeAbsoluteMembersUniqueAndAtLeastOneGiven() {
    assertThatThrownBy(() -> PackageMigrationOptions.Member.of("pg1", Path.of("patroni.yml"), NEW))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("configFile must be absolute");
    PackageMigrationOptions.Builder b = PackageMigrationOptions.builder(PatroniVersion.parse("4.1.5"));
    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class);
    b.member(PackageMigrationOptions.Member.of("pg1", OLD, NEW));
    assertThatThrownBy(() -> b.member(PackageMigrationOptions.Member.of("pg1", OLD, OLD)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pg1 given twice");
    PackageMigrationOptions o = b.build();
    assertThat(o.strategy()).isEqualTo(PackageMigrationOptions.Strategy.PAUSE_CLUSTER);
    assertThat(o.members()).hasEntrySatisfying("pg1", m -> assertThat(m.moves()).isTrue());
    assertThat(PackageMigrationOptions.Member.of("pg2", OLD, OLD).moves()).isFalse();
    assertThat(o.acknowledged()).isEmpty();
  }
}
