package dev.patroni4j.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuilderValidationTest {
  @Test
  void zeroMembersIsRefusedWithTheAllowedRange() {
    assertThatThrownBy(() -> LocalPatroniCluster.builder().members(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("members must be between 1 and 9, was 0");
  }

  @Test
  void missingPatroniBinaryNamesThePackageToInstall() {
    assertThatThrownBy(() -> LocalPatroniCluster.builder().patroniBinary(Path.of("/nonexistent/patroni")).start())
        .isInstanceOf(TestkitException.class)
        .hasMessageContaining("/nonexistent/patroni")
        .hasMessageContaining("apt-get install patroni");
  }

  @Test
  void missingPostgresNamesThePackageToInstall() {
    assertThatThrownBy(() -> LocalPatroniCluster.builder().postgresBinDir(Path.of("/nonexistent/bin")).start())
        .isInstanceOf(TestkitException.class)
        .hasMessageContaining("apt-get install postgresql-15");
  }

  @Test
  void postgresParameterOfUnsupportedTypeSaysWhichTypesWork() {
    assertThatThrownBy(() -> LocalPatroniCluster.builder().postgresParameter("shared_buffers", List.of("32MB")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("postgresParameter 'shared_buffers'")
        .hasMessageContaining("use a String, Number or Boolean");
  }

  @Test
  void postgresParameterWithInvalidNameIsRefused() {
    assertThatThrownBy(() -> LocalPatroniCluster.builder().postgresParameter("Shared Buffers", "32MB"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a PostgreSQL parameter name");
  }

  @Test
  void nestedDynamicConfigValueOfUnsupportedTypeNamesItsPath() {
    assertThatThrownBy(() -> LocalPatroniCluster.builder()
        .dynamicConfig("postgresql", Map.of("parameters", Map.of("work_mem", new Object()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dynamicConfig 'postgresql'.parameters.work_mem");
  }

  @Test
  void tagsForAMemberBeyondTheClusterAreRefusedBeforeAnythingStarts() {
    assertThatThrownBy(() -> LocalPatroniCluster.builder().members(2).tags(3, Map.of("nofailover", true)).start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tags given for member 3 but the cluster has only 2 members");
  }

  @Test
  void scopeWithSlashIsRefused() {
    assertThatThrownBy(() -> LocalPatroniCluster.builder().scope("a/b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scope must be");
  }
}
