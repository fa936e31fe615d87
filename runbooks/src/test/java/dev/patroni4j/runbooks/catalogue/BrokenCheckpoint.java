package dev.patroni4j.runbooks.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.testkit.PatroniNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The field's "could not locate a valid checkpoint record" PANIC, made for real on a stopped replica of a test kit
 * cluster (PostgreSQL 15, 16 MiB WAL segments): shared by the runbook's and the diagnosis's tests.
 */
public final class BrokenCheckpoint {
  /** What PostgreSQL logs, after {@code PANIC:  }. */
  public static final String PANIC = "could not locate a valid checkpoint record";
  private static final int WAL_SEGMENT = 16 * 1024 * 1024;
  private static final int WAL_PAGE = 8192;

  private BrokenCheckpoint() {}

  /**
   * Makes the stopped replica's latest checkpoint record a valid record of another resource manager (CRC recomputed),
   * as a torn or misplaced WAL page leaves it: PostgreSQL reads it, finds no checkpoint there, and PANICs instead of
   * streaming the record from the primary.
   */
  public static void breakCheckpointRecord(PatroniNode node) throws IOException, InterruptedException {
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

  /** Every PostgreSQL log file of {@code node}, oldest first. */
  public static String postgresLog(PatroniNode node) throws IOException {
    StringBuilder out = new StringBuilder();
    try (Stream<Path> logs = Files.list(node.directory().resolve("pglog"))) {
      for (Path log : logs.sorted().toList()) {
        out.append(Files.readString(log, StandardCharsets.UTF_8));
      }
    }
    return out.toString();
  }

}
