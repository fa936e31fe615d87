package dev.patroni4j.runbooks.backup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Timeline;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What {@code pgbackrest info --output=json} says about one stanza, read defensively: anything that is not the
 * expected shape is a {@link BadOutput} naming the field, never a {@code NullPointerException} or a guess.
 */
record PgBackRestInfo(String stanza, int statusCode, String statusMessage, List<BackupInfo> backups,
    @Nullable String archiveId, @Nullable String archiveMin, @Nullable String archiveMax) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern WAL = Pattern.compile("[0-9A-F]{24}");
  private static final Pattern ARCHIVED = Pattern.compile("(?:.*/)?([0-9A-F]{24})-[0-9a-f]{40}(?:\\.[a-z0-9]+)?");

  PgBackRestInfo {
    backups = List.copyOf(backups);
  }

  /** Output that is not what pgBackRest prints; the message names what is wrong, never the whole output. */
  static final class BadOutput extends Exception {
    private static final long serialVersionUID = 1L;

    BadOutput(String message) {
      super(message);
    }
  }

  static PgBackRestInfo parse(String json, String stanza) throws BadOutput {
    JsonNode root = tree(json, "info");
    if (!root.isArray()) {
      throw new BadOutput("info output is not a JSON array of stanzas");
    }
    for (JsonNode s : root) {
      if (!s.isObject() || !stanza.equals(text(s, "name", "stanza"))) {
        continue;
      }
      JsonNode status = object(s, "status", "stanza " + stanza);
      int code = (int) number(status, "code", "status");
      String message = status.path("message").asText("");
      List<BackupInfo> backups = new ArrayList<>();
      JsonNode list = s.path("backup");
      if (!list.isMissingNode() && !list.isNull()) {
        if (!list.isArray()) {
          throw new BadOutput("stanza " + stanza + ": 'backup' is not an array");
        }
        for (JsonNode b : list) {
          backups.add(backup(b));
        }
      }
      backups.sort(java.util.Comparator.comparing(BackupInfo::started).thenComparing(BackupInfo::label));
      String id = null;
      String min = null;
      String max = null;
      JsonNode archives = s.path("archive");
      if (archives.isArray()) {
        for (JsonNode a : archives) { // the last entry is the current database
          id = text(a, "id", "archive");
          min = optionalWal(a, "min");
          max = optionalWal(a, "max");
        }
      } else if (!archives.isMissingNode() && !archives.isNull()) {
        throw new BadOutput("stanza " + stanza + ": 'archive' is not an array");
      }
      return new PgBackRestInfo(stanza, code, message, backups, id, min, max);
    }
    throw new BadOutput("info output has no stanza '" + stanza + "'");
  }

  private static BackupInfo backup(JsonNode b) throws BadOutput {
    if (!b.isObject()) {
      throw new BadOutput("a backup entry is not an object");
    }
    String label = text(b, "label", "backup");
    if (!PgBackRest.isLabel(label)) {
      throw new BadOutput("backup label '" + clip(label) + "' is not pgBackRest's format");
    }
    String what = "backup " + label;
    String type = text(b, "type", what);
    BackupType t = switch (type) {
      case "full" -> BackupType.FULL;
      case "diff" -> BackupType.DIFFERENTIAL;
      case "incr" -> BackupType.INCREMENTAL;
      default -> throw new BadOutput(what + ": unknown type '" + clip(type) + "'");
    };
    JsonNode ts = object(b, "timestamp", what);
    Instant start = instant(ts, "start", what);
    Instant stop = instant(ts, "stop", what);
    JsonNode lsn = object(b, "lsn", what);
    JsonNode archive = object(b, "archive", what);
    String startWal = wal(archive, "start", what);
    String stopWal = wal(archive, "stop", what);
    JsonNode info = object(b, "info", what);
    long size = number(info, "size", what);
    long stored = number(object(info, "repository", what), "size", what);
    JsonNode prior = b.path("prior");
    String priorLabel = prior.isNull() || prior.isMissingNode() ? null : prior.asText();
    if (t != BackupType.FULL && priorLabel == null) {
      throw new BadOutput(what + ": a " + type + " backup without 'prior'");
    }
    boolean error = b.path("error").asBoolean(false);
    long timeline = Long.parseLong(startWal.substring(0, 8), 16);
    if (timeline < 1) {
      throw new BadOutput(what + ": WAL segment " + startWal + " is on timeline 0");
    }
    if (stop.isBefore(start)) {
      throw new BadOutput(what + ": stopped before it started");
    }
    return new BackupInfo(label, t, start, stop, lsnOf(lsn, "start", what), lsnOf(lsn, "stop", what), startWal,
        stopWal, Timeline.of(timeline), size, stored, priorLabel, true, error);
  }

  /**
   * The archived WAL segments of archive {@code archiveId} in a {@code repo-ls archive/<stanza> --recurse
   * --output=json} listing, sorted.
   */
  static List<String> archivedSegments(String json, @Nullable String archiveId) throws BadOutput {
    JsonNode root = tree(json, "repo-ls");
    if (!root.isObject()) {
      throw new BadOutput("repo-ls output is not a JSON object");
    }
    TreeSet<String> out = new TreeSet<>();
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      if (archiveId != null && !e.getKey().startsWith(archiveId + "/")) {
        continue;
      }
      if (!"file".equals(e.getValue().path("type").asText())) {
        continue;
      }
      Matcher m = ARCHIVED.matcher(e.getKey());
      if (m.matches()) {
        out.add(m.group(1));
      }
    }
    return List.copyOf(out);
  }

  private static JsonNode tree(String json, String what) throws BadOutput {
    try {
      JsonNode n = JSON.readTree(json);
      if (n == null || n.isMissingNode()) {
        throw new BadOutput(what + " output is empty");
      }
      return n;
    } catch (JsonProcessingException e) {
      String why = String.valueOf(e.getOriginalMessage());
      throw new BadOutput(what + " output is not JSON (" + (why.length() > 80 ? why.substring(0, 80) + "..." : why)
          + ")");
    }
  }

  private static JsonNode object(JsonNode n, String field, String what) throws BadOutput {
    JsonNode v = n.path(field);
    if (!v.isObject()) {
      throw new BadOutput(what + ": '" + field + "' is missing or not an object");
    }
    return v;
  }

  private static String text(JsonNode n, String field, String what) throws BadOutput {
    JsonNode v = n.path(field);
    if (!v.isTextual() || v.asText().isEmpty()) {
      throw new BadOutput(what + ": '" + field + "' is missing or not a string");
    }
    return v.asText();
  }

  private static long number(JsonNode n, String field, String what) throws BadOutput {
    JsonNode v = n.path(field);
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
      throw new BadOutput(what + ": '" + field + "' is missing or not a whole number >= 0");
    }
    return v.asLong();
  }

  private static Instant instant(JsonNode n, String field, String what) throws BadOutput {
    long seconds = number(n, field, what);
    if (seconds > 253_402_300_799L) {
      throw new BadOutput(what + ": '" + field + "' is not a plausible epoch second");
    }
    return Instant.ofEpochSecond(seconds);
  }

  private static Lsn lsnOf(JsonNode n, String field, String what) throws BadOutput {
    Optional<Lsn> lsn = Lsn.tryParse(text(n, field, what));
    if (lsn.isEmpty()) {
      throw new BadOutput(what + ": lsn '" + field + "' is not an LSN");
    }
    return lsn.get();
  }

  private static String wal(JsonNode n, String field, String what) throws BadOutput {
    String w = text(n, field, what);
    if (!WAL.matcher(w).matches()) {
      throw new BadOutput(what + ": '" + clip(w) + "' is not a WAL segment name");
    }
    return w;
  }

  private static @Nullable String optionalWal(JsonNode n, String field) throws BadOutput {
    JsonNode v = n.path(field);
    if (v.isNull() || v.isMissingNode()) {
      return null;
    }
    return wal(n, field, "archive");
  }

  private static String clip(String s) {
    String printable = s.replaceAll("\\p{Cntrl}", "?");
    return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
  }
}
