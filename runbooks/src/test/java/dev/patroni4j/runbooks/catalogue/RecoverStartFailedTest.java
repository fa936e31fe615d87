package dev.patroni4j.runbooks.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.model.MemberState;
import dev.patroni4j.runbooks.ExecuteOptions;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.RunbookRunner;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class RecoverStartFailedTest {
  private static final String PANIC = "could not locate a valid checkpoint record";
  private static final int WAL_SEGMENT = 16 * 1024 * 1024;
  private static final int WAL_PAGE = 8192;

  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = LocalPatroniClusterExtension.of(LocalPatroniCluster.builder()
      .members(2));

  @TempDir Path dir;

  @Test
  void aReplicaThatPanicsOnItsCheckpointRecordIsRebuiltOnlyWithItsTokenAndASecondRunDoesNothing() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode pg2 = cluster.node("pg2");
    PatroniRunbooks catalogue = RealCluster.catalogue(cluster);
    RunbookRunner runner = catalogue.runner().build();
    try (Connection c = cluster.connect(cluster.node("pg1")); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS before_failure AS SELECT 42 AS answer");
    }
    cluster.stopPatroni(pg2); // unpaused: Patroni stops PostgreSQL cleanly, with a restartpoint
    breakCheckpointRecord(pg2);
    cluster.startPatroni(pg2);
    catalogue.client().waitUntil(Conditions.memberState("pg2", MemberState.Kind.START_FAILED), Duration.ofSeconds(60));
    assertThat(postgresLog(pg2)).as("the seed's failure, for real").contains("PANIC:  " + PANIC);

    RunbookResult withoutToken = runner.execute(catalogue.recoverStartFailed("pg2", Duration.ofSeconds(60)),
        RealCluster.journal(dir));
    assertThat(withoutToken).isInstanceOfSatisfying(RunbookResult.Refused.class,
        refused -> assertThat(refused.reason()).contains("destructive steps need a confirmation token"));
    assertThat(catalogue.client().cluster().findMember("pg2").orElseThrow().state().raw())
        .as("nothing was done without the token").isIn("start failed", "starting");

    Confirmation token = Confirmation.of(catalogue.identitySource().observe());
    RunbookResult recovered = runner.execute(catalogue.recoverStartFailed("pg2", Duration.ofSeconds(60)),
        RealCluster.journal(dir), ExecuteOptions.defaults().confirmation(token));

    assertThat(recovered).as(recovered.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    // The streaming wait acts only when pg2 did not stream yet the moment its rebuild was verified.
    assertThat(recovered.actedSteps()).as("only the rebuild changed anything").first().isEqualTo("reinitialize[pg2]");
    assertThat(Conditions.memberStreaming("pg2").test(catalogue.client().observe(true))).isTrue();
    try (Connection c = cluster.connect(pg2); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT answer, pg_is_in_recovery() FROM before_failure")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(42);
      assertThat(rs.getBoolean(2)).as("rebuilt as a replica").isTrue();
    }

    RunbookResult again = runner.execute(catalogue.recoverStartFailed("pg2", Duration.ofSeconds(60)),
        RealCluster.journal(dir), ExecuteOptions.defaults().confirmation(token));
    assertThat(again.succeeded()).isTrue();
    assertThat(again.actedSteps()).as("a healthy member is left alone").isEmpty();
  }

  /**
   * Makes the stopped replica's latest checkpoint record a valid record of another resource manager (CRC recomputed),
   * as a torn or misplaced WAL page leaves it: PostgreSQL reads it, finds no checkpoint there, and PANICs instead of
   * streaming the record from the primary.
   */
  private static void breakCheckpointRecord(PatroniNode node) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("/usr/lib/postgresql/15/bin/pg_controldata", "-D", node.dataDir().toString())
        .redirectErrorStream(true).start();
    String control = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(control).isZero();
    long lsn = lsn(field(control, "Latest checkpoint location"));
    long timeline = Long.parseLong(field(control, "Latest checkpoint's TimeLineID"));
    long segment = lsn / WAL_SEGMENT;
    Path file = node.dataDir().resolve("pg_wal").resolve(String.format("%08X%08X%08X", timeline,
        segment / 0x100L, segment % 0x100L));
    int offset = (int) (lsn % WAL_SEGMENT);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(header, offset);
      int length = header.getInt(0);
      assertThat(offset % WAL_PAGE + length).as("the checkpoint record lies within one WAL page").isLessThanOrEqualTo(
          WAL_PAGE);
      ByteBuffer record = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(record, offset);
      assertThat(record.get(17)).as("xl_rmid of a checkpoint record is RM_XLOG_ID").isZero();
      record.put(17, (byte) 10); // RM_HEAP_ID
      CRC32C crc = new CRC32C();
      crc.update(record.array(), 24, length - 24);
      crc.update(record.array(), 0, 20);
      record.putInt(20, (int) crc.getValue());
      ch.write(ByteBuffer.wrap(record.array()), offset);
      ch.force(true);
    }
  }

  private static String field(String controlData, String name) {
    Matcher m = Pattern.compile("^" + Pattern.quote(name) + ":\\s+(\\S+)$", Pattern.MULTILINE).matcher(controlData);
    assertThat(m.find()).as(name + " in " + controlData).isTrue();
    return m.group(1);
  }

  private static long lsn(String text) {
    String[] parts = text.split("/", 2);
    return (Long.parseLong(parts[0], 16) << 32) | Long.parseLong(parts[1], 16);
  }

  private static String postgresLog(PatroniNode node) throws IOException {
    StringBuilder out = new StringBuilder();
    try (Stream<Path> logs = Files.list(node.directory().resolve("pglog"))) {
      for (Path log : logs.sorted().toList()) {
        out.append(Files.readString(log, StandardCharsets.UTF_8));
      }
    }
    return out.toString();
  }

}
