package dev.patroni4j.client.dcs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Grouping one namespace's entries into per-cluster snapshots, as etcd and Consul spell the keys. */
class FleetSnapshotTest {
  private static DcsEntry entry(String key, String value) {
    return new DcsEntry(key, value, 7, null);
  }

  @Test
  void entriesAreGroupedByScopeAndEachClusterReadsAsItsOwnSnapshotWould() {
    List<DcsEntry> alpha = List.of(entry("/service/alpha/leader", "a1"), entry("/service/alpha/initialize", "1"),
        entry("/service/alpha/members/a1", "{\"role\":\"master\",\"state\":\"running\"}"));
    List<DcsEntry> beta = List.of(entry("/service/beta/leader", "b2"), entry("/service/beta/optime/leader", "42"));
    List<DcsEntry> all = new java.util.ArrayList<>(alpha);
    all.addAll(beta);
    all.add(entry("/service/stray", "no scope"));

    FleetSnapshot fleet = FleetSnapshot.fromEntries("service/", 99, all);

    assertThat(fleet.namespace()).isEqualTo("/service");
    assertThat(fleet.revision()).isEqualTo(99);
    assertThat(fleet.clusters()).containsOnlyKeys("alpha", "beta");
    assertThat(fleet.find("alpha").orElseThrow())
        .isEqualTo(ClusterSnapshot.fromEntries(ClusterRef.of("alpha"), 99, alpha));
    assertThat(fleet.find("beta").orElseThrow())
        .isEqualTo(ClusterSnapshot.fromEntries(ClusterRef.of("beta"), 99, beta));
    assertThat(fleet.find("beta").orElseThrow().leaderName()).hasValue("b2");
    assertThat(fleet.find("gamma")).isEmpty();
  }

  @Test
  void consulKeysWithoutTheLeadingSlashAndAnotherNamespaceSharingThePrefix() {
    FleetSnapshot fleet = FleetSnapshot.fromEntries("/service", 5, List.of(entry("service/alpha/leader", "a1"),
        entry("service-other/alpha/leader", "x9"), entry("/serviceextra/beta/leader", "y")));

    assertThat(fleet.clusters()).containsOnlyKeys("alpha");
    assertThat(fleet.find("alpha").orElseThrow().cluster()).isEqualTo(ClusterRef.of("/service", "alpha"));
    assertThat(fleet.find("alpha").orElseThrow().leaderName()).hasValue("a1");
  }

  @Test
  void theRootNamespaceGroupsByTheFirstPathSegment() {
    FleetSnapshot fleet = FleetSnapshot.fromEntries("/", 1, List.of(entry("/demo/leader", "pg1"), entry("other/leader", "pg2")));

    assertThat(fleet.namespace()).isEmpty();
    assertThat(fleet.clusters()).containsOnlyKeys("demo", "other");
    assertThat(fleet.find("other").orElseThrow().leaderName()).hasValue("pg2");
  }

  @Test
  void anEmptyNamespaceIsAnEmptyFleet() {
    assertThat(FleetSnapshot.fromEntries("/service", 3, List.of()).clusters()).isEmpty();
  }
}
