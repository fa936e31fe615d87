package dev.patroni4j.walg;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Writes objects in WAL-G's exact repository layout (reference/walg.md sections 1.1-1.7): per
 * backup the tar parts, {@code pg_control}, {@code backup_label}, {@code metadata.json} and {@code
 * files_metadata.json} in WAL-G's upload order, the sentinel last; WAL under {@code wal_005/} named
 * {@code basename + "." + ext}. Remembers every key it wrote, per backup and per segment, so tests
 * can state expected key sets by rule.
 */
public final class WalgLayout {
  static final long SEG = WalSegment.DEFAULT_SIZE;
  private final S3Client s3;
  private final String bucket;
  private final String root;
  private final Map<String, List<String>> keysByBackup = new LinkedHashMap<>();
  private final List<String> all = new ArrayList<>();

  WalgLayout(S3Client s3, String bucket, String root) {
    this.s3 = s3;
    this.bucket = bucket;
    this.root = root;
    if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(bucket))) {
      s3.createBucket(b -> b.bucket(bucket));
    }
  }

  String key(String relative) {
    return root.isEmpty() ? relative : root + "/" + relative;
  }

  String put(String relative, byte[] body) {
    String key = key(relative);
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(body));
    all.add(key);
    return key;
  }

  String put(String relative, String body) {
    return put(relative, body.getBytes(StandardCharsets.UTF_8));
  }

  static String seg(long tli, long number) {
    return new WalSegment(tli, number).fileName(SEG);
  }

  /** Segments first..last of a timeline; ext "" = no extension (none, v3.0.9+). */
  List<String> wal(long tli, long first, long last, String ext) {
    List<String> keys = new ArrayList<>();
    for (long n = first; n <= last; n++) {
      keys.add(put("wal_005/" + seg(tli, n) + (ext.isEmpty() ? "" : "." + ext), "wal " + n));
    }
    return keys;
  }

  String history(long tli, byte[] lz4Frame) {
    return put(String.format(Locale.ROOT, "wal_005/%08X.history.lz4", tli), lz4Frame);
  }

  String partial(long tli, long number) {
    return put("wal_005/" + seg(tli, number) + ".partial.lz4", "partial");
  }

  String backupHistoryFile(long tli, long number) {
    return put("wal_005/" + seg(tli, number) + ".00000028.backup.lz4", "backup history");
  }

  /** One backup as WAL-G's backup-push writes it. */
  public record Spec(String name, long startLsn, long finishLsn, @Nullable String deltaFrom, @Nullable String deltaFullName, int deltaCount,
      long deltaLsn, boolean permanent, long systemId, Instant startTime) {

    static Spec full(long tli, long startLsn, long finishLsn, Instant startTime) {
      return new Spec("base_" + seg(tli, startLsn / SEG), startLsn, finishLsn, null, null, 0, 0, false,
          7507672962298572862L, startTime);
    }

    Spec deltaOf(Spec parent, int count, String fullName) {
      String n = name + "_D_" + parent.name().substring(5, 29);
      return new Spec(n, startLsn, finishLsn, parent.name(), fullName, count, parent.startLsn(), permanent, systemId, startTime);
    }

    Spec asPermanent() {
      return new Spec(name, startLsn, finishLsn, deltaFrom, deltaFullName, deltaCount, deltaLsn, true, systemId, startTime);
    }

    Spec systemId(long id) {
      return new Spec(name, startLsn, finishLsn, deltaFrom, deltaFullName, deltaCount, deltaLsn, permanent, id, startTime);
    }

    String sentinelJson() {
      // BackupSentinelDtoV2 field order, compact, as WAL-G v3 writes it (reference/walg.md 1.4)
      StringBuilder b = new StringBuilder("{\"LSN\":").append(startLsn);
      if (deltaFrom != null) {
        b.append(",\"DeltaLSN\":").append(deltaLsn)
            .append(",\"DeltaFrom\":\"").append(deltaFrom).append('"')
            .append(",\"DeltaFullName\":\"").append(deltaFullName).append('"')
            .append(",\"DeltaCount\":").append(deltaCount);
      }
      Instant finish = startTime.plusSeconds(17);
      return b.append(",\"PgVersion\":150015,\"FinishLSN\":").append(finishLsn)
          .append(",\"SystemIdentifier\":").append(Long.toUnsignedString(systemId))
          .append(",\"UncompressedSize\":2604967632,\"CompressedSize\":858502390,\"DataCatalogSize\":2604900000")
          .append(",\"ChkpNum\":null,\"Version\":2")
          .append(",\"StartTime\":\"").append(startTime).append("\",\"FinishTime\":\"").append(finish)
          .append("\",\"DateFmt\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"Hostname\":\"superpg\",\"DataDir\":\"/pgroot/data\"")
          .append(",\"IsPermanent\":").append(permanent).append('}').toString();
    }

    String metadataJson() {
      Instant finish = startTime.plusSeconds(17);
      return "{\"start_time\":\"" + startTime + "\",\"finish_time\":\"" + finish + "\",\"date_fmt\":\"%Y-%m-%dT%H:%M:%S.%fZ\""
          + ",\"hostname\":\"superpg\",\"data_dir\":\"/pgroot/data\",\"pg_version\":150015,\"start_lsn\":" + startLsn
          + ",\"finish_lsn\":" + finishLsn + ",\"is_permanent\":" + permanent + ",\"system_identifier\":"
          + Long.toUnsignedString(systemId) + ",\"uncompressed_size\":2604967632,\"compressed_size\":858502390}";
    }
  }

  /** Tars, metadata, files metadata, then the sentinel: WAL-G's upload order. */
  Spec backup(Spec spec) {
    List<String> keys = keysByBackup.computeIfAbsent(spec.name(), k -> new ArrayList<>());
    String dir = "basebackups_005/" + spec.name() + "/";
    keys.add(put(dir + "tar_partitions/part_001.tar.lz4", "tar 1"));
    keys.add(put(dir + "tar_partitions/part_003.tar.lz4", "tar 3"));
    keys.add(put(dir + "tar_partitions/pg_control.tar.lz4", "pg_control"));
    keys.add(put(dir + "tar_partitions/backup_label.tar.lz4", "label"));
    keys.add(put(dir + "metadata.json", spec.metadataJson()));
    keys.add(put(dir + "files_metadata.json", "{\"Files\":{},\"TarFileSets\":{},\"DatabasesByNames\":{}}"));
    keys.add(put("basebackups_005/" + spec.name() + "_backup_stop_sentinel.json", spec.sentinelJson()));
    return spec;
  }

  /** A backup-push that died after its first tar: a folder, no sentinel. */
  List<String> incomplete(String name) {
    List<String> keys = keysByBackup.computeIfAbsent(name, k -> new ArrayList<>());
    keys.add(put("basebackups_005/" + name + "/tar_partitions/part_001.tar.lz4", "tar 1"));
    return keys;
  }

  List<String> keysOf(String backupName) {
    return List.copyOf(keysByBackup.getOrDefault(backupName, List.of()));
  }

  /** Keys written whose key relative to the root satisfies {@code relative}. */
  List<String> keys(java.util.function.Predicate<String> relative) {
    String prefix = root.isEmpty() ? "" : root + "/";
    return all.stream().filter(k -> relative.test(k.substring(prefix.length()))).toList();
  }

  List<String> allKeys() {
    return List.copyOf(all);
  }
}
