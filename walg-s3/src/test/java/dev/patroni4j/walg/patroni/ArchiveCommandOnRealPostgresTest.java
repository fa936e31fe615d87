package dev.patroni4j.walg.patroni;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.testkit.LocalPatroniCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The generated {@code archive_command} run by a real PostgreSQL 15 under the newest Patroni
 * (testkit): PostgreSQL substitutes {@code %p} and runs the command, which reaches wal-g with the
 * {@code --config} file and {@code wal-push <path>}. The wal-g here is a stand-in that records its
 * arguments and copies the segment; no WAL-G behaviour is simulated beyond that.
 */
class ArchiveCommandOnRealPostgresTest {

  @Test
  void postgresArchivesThroughTheGeneratedCommand() throws Exception {
    // PostgreSQL runs as the postgres OS user: the stand-in and its files must be reachable by it
    Path dir = Files.createTempDirectory("walg-standin");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path archive = Files.createDirectory(dir.resolve("archive"));
    Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path config = Files.writeString(dir.resolve("walg.json"), "{}");
    Path exe = dir.resolve("wal-g");
    Files.writeString(exe, String.join("\n",
        "#!/bin/sh",
        "echo \"$*\" >> " + dir + "/calls",
        "[ \"$1\" = \"--config\" ] && shift 2",
        "[ \"$1\" = \"wal-push\" ] && exec cp \"$2\" " + archive + "/",
        "exit 1", ""));
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));

    WalgPatroniConfig walg = WalgPatroniConfig.builder(Path.of("/unused")).walgExecutable(exe.toString()).configFile(config).build();
    try (LocalPatroniCluster cluster = LocalPatroniCluster.builder().members(1)
        .postgresParameter("archive_mode", "on")
        .postgresParameter("archive_command", walg.archiveCommand())
        .start();
        Connection c = cluster.connect(cluster.leader());
        Statement st = c.createStatement()) {
      String segment;
      try (ResultSet rs = st.executeQuery("SELECT pg_walfile_name(pg_current_wal_lsn())")) {
        rs.next();
        segment = rs.getString(1);
      }
      st.execute("SELECT pg_switch_wal()");
      Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
      while (!Files.exists(archive.resolve(segment)) && Instant.now().isBefore(deadline)) {
        Thread.sleep(100);
      }
      assertThat(archive.resolve(segment)).exists();
      List<String> calls = Files.readAllLines(dir.resolve("calls"));
      assertThat(calls).contains("--config " + config + " wal-push pg_wal/" + segment);
    } finally {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
