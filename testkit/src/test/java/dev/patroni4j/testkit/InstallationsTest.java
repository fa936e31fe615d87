package dev.patroni4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Members on different Patroni releases in one cluster on etcd 3.5, each with its own patronictl;
 * a member moved to another release and back; missing releases refused before anything starts.
 */
class InstallationsTest {
  @RegisterExtension
  static final LocalPatroniClusterExtension MIXED = LocalPatroniClusterExtension.of(LocalPatroniCluster.builder()
      .members(3)
      .patroniVersion("4.0.7")
      .patroniVersion(2, "4.1.5")
      .patroniVersion(3, "3.0.2")
      .etcdVersion("3.5"));

  @Test
  void eachMemberRunsTheReleaseItWasGivenAndReportsItOverRest() {
    LocalPatroniCluster cluster = MIXED.cluster();
    assertThat(cluster.nodes()).extracting(PatroniNode::patroniVersion).containsExactly("4.0.7", "4.1.5", "3.0.2");
    for (PatroniNode node : cluster.nodes()) {
      assertThat(cluster.reportedPatroniVersion(node)).as(node.name()).isEqualTo(node.patroniVersion());
    }
    assertThat(cluster.node("pg2").installation().cacheDirectory()).isPresent();
    assertThat(cluster.node("pg3").installation().cacheDirectory()).isEmpty();
  }

  @Test
  void patronictlOfEachMemberIsItsOwnRelease() {
    LocalPatroniCluster cluster = MIXED.cluster();
    for (PatroniNode node : cluster.nodes()) {
      CommandResult version = cluster.patronictl(node, "version");
      assertThat(version.succeeded()).as(version.stderr()).isTrue();
      assertThat(version.stdout()).as(node.name()).startsWith("patronictl version " + node.patroniVersion());
    }
    CommandResult list = cluster.patronictl(cluster.node("pg2"), "list");
    assertThat(list.stdout()).contains("pg1", "pg2", "pg3");
  }

  @Test
  void etcdRunsTheCachedThreeFiveRelease() {
    LocalPatroniCluster cluster = MIXED.cluster();
    assertThat(cluster.etcdVersion()).isEqualTo(EtcdInstallation.CACHED_3_5);
    assertThat(cluster.etcdInstallation()).map(EtcdInstallation::version).contains(EtcdInstallation.CACHED_3_5);
  }

  @Test
  void aMemberMovedToAnotherReleaseKeepsItsDataAndTheResetMovesItBack() throws Exception {
    LocalPatroniCluster cluster = MIXED.cluster();
    PatroniNode pg3 = cluster.node("pg3");
    try (var c = cluster.connect(cluster.leader()); var s = c.createStatement()) {
      s.execute("create table if not exists switched (id int primary key)");
      s.execute("insert into switched values (1) on conflict do nothing");
    }
    cluster.switchPatroniVersion(pg3, "4.1.5");
    assertThat(pg3.patroniVersion()).isEqualTo("4.1.5");
    assertThat(cluster.reportedPatroniVersion(pg3)).isEqualTo("4.1.5");
    try (var c = cluster.connect(pg3); var s = c.createStatement(); var rs = s.executeQuery("select count(*) from switched")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }

    cluster.resetToKnownState();
    assertThat(pg3.patroniVersion()).isEqualTo("3.0.2");
    assertThat(cluster.reportedPatroniVersion(pg3)).isEqualTo("3.0.2");
  }

  @Test
  void aMissingPatroniReleaseFailsAtOnceNamingBinPrereqs() {
    long started = System.nanoTime();
    assertThatThrownBy(() -> LocalPatroniCluster.builder().members(1).patroniVersion("4.0.1").start())
        .isInstanceOfSatisfying(InstallationMissingException.class, e -> {
          assertThat(e.component()).isEqualTo("Patroni");
          assertThat(e.version()).isEqualTo("4.0.1");
          assertThat(e.expectedAt()).endsWith("patroni-4.0.1");
          assertThat(e.remedy()).startsWith("bin/prereqs");
        })
        .hasMessageContaining("Patroni 4.0.1 is not installed at ")
        .hasMessageContaining("install it with: bin/prereqs");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aMissingEtcdReleaseFailsAtOnceNamingBinPrereqs() {
    assertThatThrownBy(() -> LocalPatroniCluster.builder().members(1).etcdVersion("3.5.99").start())
        .isInstanceOf(InstallationMissingException.class)
        .hasMessageContaining("etcd 3.5.99 is not installed at ")
        .hasMessageContaining("etcd-3.5.99")
        .hasMessageContaining("bin/prereqs");
  }

  @Test
  void aMissingReleaseOfOneMemberIsRefusedBeforeOthersStart() {
    assertThatThrownBy(() -> LocalPatroniCluster.builder().members(2).patroniVersion(2, "4.0.1").start())
        .isInstanceOf(InstallationMissingException.class)
        .hasMessageContaining("Patroni 4.0.1");
  }

  @Test
  void switchingToAMissingReleaseLeavesTheMemberRunning() {
    LocalPatroniCluster cluster = MIXED.cluster();
    PatroniNode pg2 = cluster.node("pg2");
    assertThatThrownBy(() -> cluster.switchPatroniVersion(pg2, "4.0.1"))
        .isInstanceOf(InstallationMissingException.class);
    assertThat(pg2.isPatroniRunning()).isTrue();
    assertThat(pg2.patroniVersion()).isEqualTo("4.1.5");
  }

  @Test
  void versionsThatAreNotVersionsAreRefusedByTheBuilder() {
    assertThatThrownBy(() -> LocalPatroniCluster.builder().patroniVersion("latest"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Patroni version must look like 4.1.5, was \"latest\"");
    assertThatThrownBy(() -> LocalPatroniCluster.builder().etcdVersion("v3.5"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("etcd version must look like 4.1.5, was \"v3.5\"");
  }

  @Test
  void aVersionForAMemberBeyondTheClusterIsRefused() {
    assertThatThrownBy(() -> LocalPatroniCluster.builder().members(2).patroniVersion(3, "4.1.5").start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("patroniVersion given for member 3 but the cluster has only 2 members");
  }

  @Test
  void aVersionAndABinaryExcludeEachOther() {
    assertThatThrownBy(() -> LocalPatroniCluster.builder().patroniVersion("4.1.5")
        .patroniBinary(Path.of("/usr/bin/patroni")).start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("patroniVersion and patroniBinary exclude each other; give one");
    assertThatThrownBy(() -> LocalPatroniCluster.builder().consul().etcdVersion("3.5").start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("consul() exclude each other");
  }

  @Test
  void installationsCompareByVersion() {
    PatroniInstallation newest = PatroniInstallation.of(PatroniInstallation.NEWEST);
    assertThat(newest.isAtLeast("4.1")).isTrue();
    assertThat(newest.isAtLeast("4.1.5")).isTrue();
    assertThat(PatroniInstallation.of("4.0.7").isAtLeast("4.1")).isFalse();
    assertThat(PatroniInstallation.of("3.0.2").isAtLeast("4")).isFalse();
    assertThat(PatroniInstallation.all()).extracting(PatroniInstallation::version)
        .containsExactlyElementsOf(PatroniInstallation.VERSIONS);
  }
}
