package dev.patroni4j.walg.patroni;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.walg.Backup;
import dev.patroni4j.walg.BackupCatalog;
import dev.patroni4j.walg.MainRepository;
import dev.patroni4j.walg.patroni.WalgPatroniConfig.PitrTarget;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The generated configuration against Patroni's documented shape (reference/walg.md section 4,
 * Patroni docs/replica_bootstrap.rst) and Patroni 3.0.2's own config loader and validator.
 */
class WalgPatroniConfigTest {
  @TempDir Path dir;

  final WalgPatroniConfig walg = WalgPatroniConfig.builder(Path.of("/var/lib/postgresql/15/main"))
      .walgExecutable("/usr/local/bin/wal-g").configFile(Path.of("/etc/wal-g/walg.json")).build();

  @Test
  void archiveAndRestoreCommandsUseTheConfigFileAndPostgresPlaceholders() {
    assertThat(walg.archiveCommand()).isEqualTo("/usr/local/bin/wal-g --config /etc/wal-g/walg.json wal-push %p");
    assertThat(walg.restoreCommand()).isEqualTo("/usr/local/bin/wal-g --config /etc/wal-g/walg.json wal-fetch %f %p");
    WalgPatroniConfig spaced = WalgPatroniConfig.builder(Path.of("/data/pg main")).configFile(Path.of("/etc/wal g.json")).build();
    assertThat(spaced.backupFetchCommand("LATEST")).isEqualTo("wal-g --config '/etc/wal g.json' backup-fetch '/data/pg main' LATEST");
    assertThatThrownBy(() -> walg.backupFetchCommand("x; rm -rf /")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @SuppressWarnings("unchecked")
  void postgresqlSectionHasArchivingRestoreAndTheReplicaMethodBeforeBasebackup() {
    Map<String, Object> pg = (Map<String, Object>) new Yaml().load(WalgPatroniConfig.toYaml(walg.postgresqlSection()));
    Map<String, Object> parameters = (Map<String, Object>) pg.get("parameters");
    assertThat(requireNonNull(parameters).get("archive_mode")).as("YAML 1.1 must not turn 'on' into true").isEqualTo("on");
    assertThat(parameters.get("archive_timeout")).isEqualTo("60s");
    assertThat(parameters.get("archive_command")).isEqualTo(walg.archiveCommand());
    assertThat(requireNonNull(((Map<String, Object>) pg.get("recovery_conf"))).get("restore_command")).isEqualTo(walg.restoreCommand());
    assertThat(pg.get("create_replica_methods")).isEqualTo(List.of("walg", "basebackup"));
    assertThat((Map<String, Object>) pg.get("walg")).containsEntry("no_params", true).containsEntry("no_leader", true)
        .containsEntry("command", "/usr/local/bin/wal-g --config /etc/wal-g/walg.json backup-fetch /var/lib/postgresql/15/main LATEST");
  }

  @Test
  @SuppressWarnings("unchecked")
  void bootstrapSectionRestoresTheChosenBackupAndRecoversToTheTarget() {
    BackupCatalog catalog = MainRepository.get().repository.catalog();
    // B3 finished at T0+5h+17s, B4 at T0+6h+17s: a target in between restores B3
    Instant target = MainRepository.T0.plusSeconds(6 * 3600);
    Backup chosen = WalgPatroniConfig.backupForRecoveryTo(catalog, target).orElseThrow();
    assertThat(chosen.name()).isEqualTo(MainRepository.B3.name());
    assertThat(WalgPatroniConfig.backupForRecoveryTo(catalog, MainRepository.T0)).isEmpty();

    Map<String, Object> bootstrap = walg.bootstrapSection(PitrTarget.backup(chosen.name()).recoveryTargetTime(target).recoveryTargetTimeline(2));
    Map<String, Object> loaded = (Map<String, Object>) new Yaml().load(WalgPatroniConfig.toYaml(bootstrap));
    assertThat(loaded.get("method")).isEqualTo("walg_pitr");
    Map<String, Object> method = (Map<String, Object>) loaded.get("walg_pitr");
    assertThat(method).containsEntry("no_params", true).containsEntry("keep_existing_recovery_conf", false);
    assertThat((String) requireNonNull(method).get("command")).endsWith("backup-fetch /var/lib/postgresql/15/main " + chosen.name());
    assertThat((Map<String, Object>) method.get("recovery_conf"))
        .containsEntry("restore_command", walg.restoreCommand())
        .containsEntry("recovery_target_time", "2026-01-01 06:00:00.123456+00")
        .containsEntry("recovery_target_action", "promote")
        .containsEntry("recovery_target_timeline", "2");
    assertThat((Map<String, Object>) requireNonNull(((Map<String, Object>) walg.bootstrapSection(PitrTarget.latestBackup()).get("walg_pitr"))).get("recovery_conf"))
        .doesNotContainKey("recovery_target_time").containsEntry("recovery_target_timeline", "latest");
  }

  @Test
  void patroniLoadsTheGeneratedConfigAndFindsNothingWrongWithTheWalgParts() throws Exception {
    Path patroni = Path.of("/usr/bin/patroni");
    Assumptions.assumeTrue(Files.isExecutable(patroni), "Patroni is installed by bin/test");
    Map<String, Object> postgresql = new LinkedHashMap<>();
    postgresql.put("listen", "10.0.0.1:5432");
    postgresql.put("connect_address", "10.0.0.1:5432");
    postgresql.put("data_dir", dir.resolve("data").toString());
    postgresql.put("bin_dir", "/usr/lib/postgresql/15/bin");
    postgresql.put("authentication", Map.of("superuser", Map.of("username", "postgres"),
        "replication", Map.of("username", "replicator"), "rewind", Map.of("username", "rewind")));
    postgresql.putAll(walg.postgresqlSection());
    Map<String, Object> bootstrap = new LinkedHashMap<>(Map.of("dcs", Map.of("ttl", 30)));
    bootstrap.putAll(walg.bootstrapSection(PitrTarget.latestBackup().recoveryTargetTime(Instant.parse("2026-07-19T21:15:00Z"))));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("scope", "walg-test");
    doc.put("name", "pg1");
    doc.put("restapi", Map.of("listen", "10.0.0.1:8008", "connect_address", "10.0.0.1:8008"));
    doc.put("bootstrap", bootstrap);
    doc.put("postgresql", postgresql);
    Path file = dir.resolve("patroni.yml");
    Files.writeString(file, WalgPatroniConfig.toYaml(doc));
    Process p = new ProcessBuilder(patroni.toString(), "--validate-config", file.toString()).redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    // Patroni parsed the file (a YAML or type error would be reported) and reports only things outside this generator
    assertThat(out).doesNotContain("Traceback").doesNotContain("parameters").doesNotContain("create_replica_methods")
        .doesNotContain("walg").doesNotContain("recovery_conf").doesNotContain("bootstrap.method");
    assertThat(out).as("the validator did run").contains("bootstrap.");
  }

}
