package dev.patroni4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The annotation form: the cluster is injected, and shared with classes asking for the same. */
@PatroniClusterTest(members = 3)
class AnnotationDeclaredClusterTest {
  /** The field form, with the settings the annotation implies (as in ThreeNodeClusterTest). */
  @RegisterExtension
  static final LocalPatroniClusterExtension SAME_SETTINGS_BY_FIELD =
      LocalPatroniClusterExtension.of(LocalPatroniCluster.builder().members(3)).withoutResetBeforeEach();

  private static LocalPatroniCluster fromBeforeAll;

  @BeforeAll
  static void rememberCluster(LocalPatroniCluster cluster) {
    fromBeforeAll = cluster;
  }

  @Test
  void clusterIsInjectedIntoLifecycleAndTestMethods(LocalPatroniCluster cluster) {
    assertThat(cluster).isSameAs(fromBeforeAll);
    assertThat(cluster.nodes()).extracting(PatroniNode::name).startsWith("pg1", "pg2", "pg3");
  }

  @Test
  void eachTestStartsFromTheKnownState(LocalPatroniCluster cluster) {
    assertThat(cluster.leader().name()).isEqualTo("pg1");
    cluster.awaitHealthy(java.time.Duration.ofSeconds(5));
  }

  @Test
  void declarationsWithTheSameSettingsShareOneCluster(LocalPatroniCluster cluster) {
    assertThat(SAME_SETTINGS_BY_FIELD.cluster()).isSameAs(cluster);
  }
}
