package dev.patroni4j.client.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StandbyClusterConfigTest {
  private static DynamicConfig config(Object standbySection) {
    return DynamicConfig.of(Map.of("ttl", 30, "standby_cluster", standbySection));
  }

  @Test
  void aPrimaryClustersConfigurationHasNoStandbySection() {
    assertThat(DynamicConfig.of(Map.of("ttl", 30)).standbyCluster()).isEmpty();
    assertThat(config(Map.of()).standbyCluster()).isEmpty();
    assertThat(config(Map.of("host", "", "port", 0, "restore_command", "", "primary_slot_name", "site_b"))
        .standbyCluster()).as("only host, port and restore_command make a standby cluster, as in Patroni").isEmpty();
    assertThat(config("not a section").standbyCluster()).isEmpty();
  }

  @Test
  void aStandbyClusterNamesTheSiteItFollowsAndTheSlotItUses() {
    StandbyClusterConfig s = config(Map.of("host", "10.0.0.9", "port", 5433, "primary_slot_name", "site_b",
        "create_replica_methods", List.of("basebackup"))).standbyCluster().orElseThrow();

    assertThat(s.hosts()).containsExactly("10.0.0.9");
    assertThat(s.port()).hasValue(5433);
    assertThat(s.primarySlotName()).hasValue("site_b");
    assertThat(s.restoreCommand()).isEmpty();
    assertThat(s.createReplicaMethods()).containsExactly("basebackup");
  }

  @Test
  void severalHostsAreReadFromACommaSeparatedStringOrAList() {
    assertThat(config(Map.of("host", "a.example, b.example")).standbyCluster().orElseThrow().hosts())
        .containsExactly("a.example", "b.example");
    assertThat(config(Map.of("host", List.of("a.example", "b.example"), "port", "5432")).standbyCluster()
        .orElseThrow()).satisfies(s -> {
          assertThat(s.hosts()).containsExactly("a.example", "b.example");
          assertThat(s.port()).hasValue(5432);
        });
  }

  @Test
  void anArchiveOnlyStandbyHasARestoreCommandThatToStringDoesNotShow() {
    String command = "wal-g wal-fetch %f %p --config /etc/secret-creds.yaml";
    StandbyClusterConfig s = config(Map.of("restore_command", command, "recovery_min_apply_delay", "5min"))
        .standbyCluster().orElseThrow();

    assertThat(s.hosts()).isEmpty();
    assertThat(s.port()).isEmpty();
    assertThat(s.restoreCommand()).hasValue(command);
    assertThat(s.recoveryMinApplyDelay()).hasValue("5min");
    assertThat(s.toString()).doesNotContain("secret-creds").contains("restoreCommand=set");
  }

  @Test
  void valuesOfTheWrongTypeAreReadAsPatroniReadsThemAndNeverThrow() {
    // Patroni tests truthiness: a port it cannot use still makes the cluster a standby, with no port to read.
    assertThat(config(Map.of("port", "fifty")).standbyCluster().orElseThrow().port()).isEmpty();
    assertThat(config(Map.of("port", 70_000, "host", "h")).standbyCluster().orElseThrow().port()).isEmpty();

    Random random = new Random(7);
    List<Object> samples = List.of("", "h", " ", 0, 1, -1, 65_536, 5432L, 1.5, true, false, List.of(), List.of(1, "x"),
        Map.of(), Map.of("k", "v"), "5432", "a,,b");
    for (int i = 0; i < 2_000; i++) {
      Map<String, Object> section = new LinkedHashMap<>();
      for (String key : List.of("host", "port", "restore_command", "primary_slot_name", "recovery_min_apply_delay",
          "create_replica_methods")) {
        if (random.nextBoolean()) {
          section.put(key, samples.get(random.nextInt(samples.size())));
        }
      }
      List<String> problems = new ArrayList<>();
      try {
        config(section).standbyCluster().ifPresent(s -> {
          if (s.hosts().stream().anyMatch(String::isBlank)) {
            problems.add("blank host from " + section);
          }
        });
      } catch (RuntimeException e) {
        problems.add(section + " -> " + e);
      }
      assertThat(problems).isEmpty();
    }
  }
}
