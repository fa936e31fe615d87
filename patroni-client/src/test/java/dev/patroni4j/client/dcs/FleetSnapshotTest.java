package dev.patroni4j.client.dcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.dcs.internal.LazyClusters;
import dev.patroni4j.client.model.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    List<DcsEntry> all = new ArrayList<>(alpha);
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
  void aClusterIsDecodedOnceWhenFirstLookedAtAndReportsItsBadValuesThen() {
    List<DcsEntry> alpha = List.of(entry("/service/alpha/leader", "a1"),
        entry("/service/alpha/members/a1", "{not json"));
    List<DcsEntry> beta = List.of(entry("/service/beta/leader", "b1"));
    List<DcsEntry> all = new ArrayList<>(alpha);
    all.addAll(beta);

    FleetSnapshot fleet = FleetSnapshot.fromEntries("/service", 4, all);

    ClusterSnapshot first = fleet.find("alpha").orElseThrow();
    assertThat(fleet.clusters().get("alpha")).isSameAs(first);
    assertThat(first.problems()).singleElement().satisfies(p -> {
      assertThat(p.entry().key()).isEqualTo("/service/alpha/members/a1");
      assertThat(p.kind()).isEqualTo(DcsProblem.Kind.UNPARSABLE);
    });
    assertThat(fleet.clusters()).isEqualTo(Map.of(
        "alpha", ClusterSnapshot.fromEntries(ClusterRef.of("alpha"), 4, alpha),
        "beta", ClusterSnapshot.fromEntries(ClusterRef.of("beta"), 4, beta)));
    assertThat(fleet.clusters().keySet()).containsExactly("alpha", "beta");
    assertThat(fleet).isEqualTo(FleetSnapshot.fromEntries("/service", 4, all))
        .isEqualTo(new FleetSnapshot("/service", 4, new HashMap<>(fleet.clusters())))
        .hasSameHashCodeAs(new FleetSnapshot("/service", 4, new HashMap<>(fleet.clusters())));
    assertThat(fleet.clusters().containsKey(null)).isFalse();
    assertThatThrownBy(() -> fleet.clusters().put("gamma", first)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> fleet.clusters().keySet().remove("beta"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> fleet.clusters().values().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThat(fleet.clusters()).containsOnlyKeys("alpha", "beta");
  }

  @Test
  void readingAFleetOf500ClustersDecodesOnlyTheClustersLookedAt() {
    List<DcsEntry> all = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      String prefix = "/service/c" + i + "/";
      all.add(entry(prefix + "leader", "m" + i));
      all.add(entry(prefix + "initialize", Long.toString(7000000000000000000L + i)));
      all.add(entry(prefix + "members/m" + i, "{\"role\":\"master\",\"state\":\"running\","
          + "\"api_url\":\"http://127.0.0.1:8008/patroni\",\"version\":\"4.1.5\"}"));
    }

    FleetSnapshot fleet = FleetSnapshot.fromEntries("/service", 9, all);
    LazyClusters clusters = (LazyClusters) fleet.clusters();

    assertThat(clusters.decodedClusters()).isZero();
    assertThat(fleet.clusters()).hasSize(500).containsKey("c499");
    assertThat(fleet.find("c123").orElseThrow().leaderMember().orElseThrow().member().role().kind())
        .isEqualTo(Role.Kind.PRIMARY);
    assertThat(fleet.find("c123").orElseThrow().systemIdentifier()).hasValue("7000000000000000123");
    assertThat(fleet.find("c7").orElseThrow().revision()).isEqualTo(9);
    assertThat(clusters.decodedClusters()).isEqualTo(2);
    assertThat(fleet.clusters().values()).allSatisfy(c -> assertThat(c.problems()).isEmpty());
    assertThat(clusters.decodedClusters()).isEqualTo(500);
  }

  @Test
  void namespacesAreNormalisedAsPatroniJoinsThemWhetherAlreadyNormalOrNot() {
    assertThat(List.of("/service", "service", "/service/", "//service//", "/a/b", "a//b/", "/a/b//c", "", "/", "//"))
        .extracting(ClusterRef::normaliseNamespace)
        .containsExactly("/service", "/service", "/service", "/service", "/a/b", "/a/b", "/a/b/c", "", "", "");
  }

  @Test
  void anEmptyNamespaceIsAnEmptyFleet() {
    assertThat(FleetSnapshot.fromEntries("/service", 3, List.of()).clusters()).isEmpty();
  }
}
