package dev.patroni4j.walg.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.walg.BackupMetadata;
import dev.patroni4j.walg.RepositoryProblem;
import dev.patroni4j.walg.SegmentSequence;
import dev.patroni4j.walg.WalIntegrityReport;
import dev.patroni4j.walg.internal.InvalidDocumentException;
import dev.patroni4j.walg.internal.WalgDocuments;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Parsers for what {@code wal-g} prints, for WAL-G v2 and v3 (stdout carries results, stderr the
 * log). Use them on output captured elsewhere too. Every method throws {@link
 * WalgOutputException} (never anything else) on output it cannot read, naming where.
 *
 * <pre>{@code
 * // given: String stdoutOfBackupListDetailJson; String stdoutOfWalVerifyJson;
 * List<BackupListEntry> backups = WalgOutput.backupList(stdoutOfBackupListDetailJson);
 * WalVerifyResult verify = WalgOutput.walVerify(stdoutOfWalVerifyJson);
 * if (verify.integrity().status() == WalIntegrityReport.Status.FAILURE) {
 *   // a gap in the WAL archive, though wal-g's exit code was 0
 * }
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class WalgOutput {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern WROTE_BACKUP = Pattern.compile("Wrote backup with name (\\S+)");
  private static final Pattern DELETE_V3_0 = Pattern.compile("will be deleted: (\\S+?)(?:,? from storage: \\S+)?\\s*$");
  private static final Pattern DELETE_V3_9 = Pattern.compile("Object marked for deletion: (\\S+)");
  private static final Pattern VERSION = Pattern.compile("wal-g version (\\S+)");
  private static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

  private WalgOutput() {}

  /** {@code backup-list --json} or {@code backup-list --detail --json} (also {@code --pretty --json}). */
  public static List<BackupListEntry> backupList(String json) {
    JsonNode root = readJson("backup-list", json);
    if (!root.isArray()) {
      throw fail("backup-list", "$", "expected a JSON array", json);
    }
    List<BackupListEntry> out = new ArrayList<>(root.size());
    for (int i = 0; i < root.size(); i++) {
      out.add(backupEntry("backup-list", "$[" + i + "]", root.get(i), json));
    }
    return out;
  }

  /**
   * The plain {@code backup-list [--detail]} table, by header names: v3 ({@code backup_name
   * modified wal_file_name storage_name}), v2 ({@code name modified wal_segment_backup_start}) and
   * v1 ({@code name last_modified wal_segment_backup_start}). Columns are split on runs of spaces,
   * so a {@code data_dir} with spaces is refused: prefer {@code --json}.
   */
  public static List<BackupListEntry> backupListTable(String text) {
    List<BackupListEntry> out = new ArrayList<>();
    List<String> header = null;
    int lineNo = 0;
    for (String line : text.split("\n", -1)) {
      lineNo++;
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("INFO:") || l.startsWith("WARNING:")) {
        continue;
      }
      String[] cells = l.split("\\s+");
      if (header == null) {
        header = List.of(cells);
        if (!header.contains("backup_name") && !header.contains("name")) {
          throw fail("backup-list", "line " + lineNo, "no backup_name/name column in the header", l);
        }
        continue;
      }
      if (cells.length != header.size()) {
        throw fail("backup-list", "line " + lineNo, header.size() + " columns expected, " + cells.length + " found", l);
      }
      Map<String, String> row = new HashMap<>();
      for (int i = 0; i < cells.length; i++) {
        row.put(header.get(i), cells[i]);
      }
      String where = "line " + lineNo;
      String name = first(row, "backup_name", "name");
      String modified = first(row, "modified", "last_modified");
      String wal = first(row, "wal_file_name", "wal_segment_backup_start");
      BackupMetadata detail = null;
      if (row.containsKey("start_lsn")) {
        try {
          detail = new BackupMetadata(tableTime(row.get("start_time"), where, l), tableTime(row.get("finish_time"), where, l),
              null, row.get("hostname"), row.get("data_dir"), Integer.parseInt(row.getOrDefault("pg_version", "0")),
              Lsn.parse(row.get("start_lsn")), Lsn.parse(row.getOrDefault("finish_lsn", "0/0")),
              Boolean.parseBoolean(row.get("is_permanent")), null, 0, 0, null);
        } catch (IllegalArgumentException e) {
          throw new WalgOutputException("backup-list", where, Objects.requireNonNullElse(e.getMessage(), e.toString()), excerpt(l), e);
        }
      }
      out.add(new BackupListEntry(requireText(name, "backup-list", where, l), tableTime(modified, where, l),
          wal == null ? "" : wal, row.get("storage_name"), detail));
    }
    return out;
  }

  /** {@code wal-show --detailed-json}. */
  public static List<WalShowTimeline> walShow(String json) {
    JsonNode root = readJson("wal-show", json);
    if (!root.isArray()) {
      throw fail("wal-show", "$", "expected a JSON array", json);
    }
    List<WalShowTimeline> out = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) {
      JsonNode t = root.get(i);
      String at = "$[" + i + "]";
      List<String> missing = new ArrayList<>();
      for (JsonNode m : t.path("missing_segments")) {
        missing.add(m.asText());
      }
      List<BackupListEntry> backups = new ArrayList<>();
      JsonNode bs = t.path("backups");
      for (int j = 0; j < bs.size(); j++) {
        backups.add(backupEntry("wal-show", at + ".backups[" + j + "]", bs.get(j), json));
      }
      out.add(new WalShowTimeline(number("wal-show", t, "id", at, json), number("wal-show", t, "parent_id", at, json),
          Lsn.of(number("wal-show", t, "switch_point_lsn", at, json)), string("wal-show", t, "start_segment", at, json),
          string("wal-show", t, "end_segment", at, json), number("wal-show", t, "segments_count", at, json), missing, backups,
          number("wal-show", t, "segment_range_size", at, json), string("wal-show", t, "status", at, json)));
    }
    return out;
  }

  /** {@code wal-verify [integrity] [timeline] --json}: one JSON object, no trailing newline. */
  public static WalVerifyResult walVerify(String json) {
    JsonNode root = readJson("wal-verify", json);
    if (!root.isObject()) {
      throw fail("wal-verify", "$", "expected a JSON object", json);
    }
    WalVerifyResult.Integrity integrity = null;
    JsonNode i = root.get("integrity");
    if (i != null && !i.isNull()) {
      List<SegmentSequence> details = new ArrayList<>();
      JsonNode ds = i.path("details");
      for (int k = 0; k < ds.size(); k++) {
        JsonNode d = ds.get(k);
        String at = "$.integrity.details[" + k + "]";
        details.add(new SegmentSequence(number("wal-verify", d, "timeline_id", at, json), string("wal-verify", d, "start_segment", at, json),
            string("wal-verify", d, "end_segment", at, json), number("wal-verify", d, "segments_count", at, json),
            enumValue(SegmentSequence.Status.class, string("wal-verify", d, "status", at, json), at + ".status", json)));
      }
      integrity = new WalVerifyResult.Integrity(
          enumValue(WalIntegrityReport.Status.class, string("wal-verify", i, "status", "$.integrity", json), "$.integrity.status", json), details);
    }
    WalVerifyResult.Timeline timeline = null;
    JsonNode t = root.get("timeline");
    if (t != null && !t.isNull()) {
      JsonNode d = t.path("details");
      timeline = new WalVerifyResult.Timeline(
          enumValue(WalIntegrityReport.Status.class, string("wal-verify", t, "status", "$.timeline", json), "$.timeline.status", json),
          number("wal-verify", d, "current_timeline_id", "$.timeline.details", json),
          number("wal-verify", d, "highest_storage_timeline_id", "$.timeline.details", json));
    }
    if (integrity == null && timeline == null) {
      throw fail("wal-verify", "$", "neither an integrity nor a timeline result", json);
    }
    return new WalVerifyResult(integrity, timeline);
  }

  /** The log (stderr) of {@code delete}: v3.0.0-v3.0.8 and v3.0.9+ formats. */
  public static DeleteOutput deleteLog(String stderr) {
    List<String> keys = new ArrayList<>();
    boolean dryRun = false;
    boolean nothing = false;
    for (String line : stderr.split("\n", -1)) {
      Matcher m = DELETE_V3_9.matcher(line);
      if (m.find()) {
        keys.add(m.group(1));
        continue;
      }
      m = DELETE_V3_0.matcher(line);
      if (m.find()) {
        keys.add(m.group(1));
        continue;
      }
      if (line.contains("Dry run")) {
        dryRun = true;
      }
      if (line.contains("No backup found for deletion") || line.contains("No objects matched the deletion criteria")) {
        nothing = true;
      }
    }
    return new DeleteOutput(keys, dryRun, nothing && keys.isEmpty());
  }

  /** The backup name from {@code backup-push}'s log ({@code Wrote backup with name ...}). */
  public static Optional<String> pushedBackupName(String stderr) {
    Matcher m = WROTE_BACKUP.matcher(stderr);
    String name = null;
    while (m.find()) {
      name = m.group(1);
    }
    return Optional.ofNullable(name);
  }

  /** {@code wal-g --version}: {@code wal-g version v3.0.5\t<rev>\t<date>\tPostgreSQL}. */
  public static String version(String stdout) {
    Matcher m = VERSION.matcher(stdout);
    if (!m.find()) {
      throw fail("--version", "line 1", "no 'wal-g version' found", stdout);
    }
    return m.group(1);
  }

  // ---------------------------------------------------------------- helpers

  private static BackupListEntry backupEntry(String command, String at, JsonNode o, String whole) {
    if (!o.isObject()) {
      throw fail(command, at, "expected an object", whole);
    }
    BackupMetadata detail = null;
    if (o.has("start_time") || o.has("pg_version") || o.has("start_lsn")) {
      try {
        detail = WalgDocuments.metadata(o);
      } catch (InvalidDocumentException e) {
        throw new WalgOutputException(command, at, Objects.requireNonNullElse(e.getMessage(), e.toString()), excerpt(o.toString()), e);
      }
    }
    Instant time;
    try {
      time = WalgDocuments.time(o, "time", RepositoryProblem.Kind.INVALID_METADATA);
    } catch (InvalidDocumentException e) {
      throw new WalgOutputException(command, at + ".time", Objects.requireNonNullElse(e.getMessage(), e.toString()), excerpt(o.toString()), e);
    }
    JsonNode storage = o.get("storage_name");
    return new BackupListEntry(string(command, o, "backup_name", at, whole), time,
        o.path("wal_file_name").asText(""), storage == null || storage.isNull() ? null : storage.asText(), detail);
  }

  private static JsonNode readJson(String command, String json) {
    try {
      JsonNode n = MAPPER.readTree(json);
      if (n == null || n.isMissingNode()) {
        throw fail(command, "$", "empty output", json);
      }
      return n;
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "$" : "line " + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr();
      throw new WalgOutputException(command, where, "malformed JSON: " + e.getOriginalMessage(), excerpt(json), e);
    }
  }

  private static long number(String command, JsonNode o, String field, String at, String whole) {
    JsonNode n = o.get(field);
    if (n == null || !n.isIntegralNumber()) {
      throw fail(command, at + "." + field, "expected an integer", whole);
    }
    return n.bigIntegerValue().longValue();
  }

  private static String string(String command, JsonNode o, String field, String at, String whole) {
    JsonNode n = o.get(field);
    if (n == null || !n.isTextual()) {
      throw fail(command, at + "." + field, "expected a string", whole);
    }
    return n.asText();
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String at, String whole) {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new WalgOutputException("wal-verify", at, "unknown status '" + value + "'", excerpt(whole), e);
    }
  }

  private static @Nullable Instant tableTime(@Nullable String s, String where, String line) {
    if (s == null || s.equals("-")) {
      return null;
    }
    try {
      Instant t = OffsetDateTime.parse(s).toInstant();
      return t.equals(GO_ZERO_TIME) ? null : t;
    } catch (DateTimeParseException e) {
      throw new WalgOutputException("backup-list", where, "not an RFC 3339 time: '" + s + "'", excerpt(line), e);
    }
  }

  private static @Nullable String first(Map<String, String> row, String a, String b) {
    return row.containsKey(a) ? row.get(a) : row.get(b);
  }

  private static String requireText(@Nullable String s, String command, String where, String line) {
    if (s == null) {
      throw fail(command, where, "missing backup name", line);
    }
    return s;
  }

  private static WalgOutputException fail(String command, String where, String problem, String text) {
    return new WalgOutputException(command, where, problem, excerpt(text));
  }

  static String excerpt(String s) {
    String oneLine = s.replace('\n', ' ');
    return oneLine.length() > 160 ? oneLine.substring(0, 157) + "..." : oneLine;
  }
}
