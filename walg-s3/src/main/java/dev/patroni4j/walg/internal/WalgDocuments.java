package dev.patroni4j.walg.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.walg.BackupMetadata;
import dev.patroni4j.walg.BackupSentinel;
import dev.patroni4j.walg.JsonValue;
import dev.patroni4j.walg.RepositoryProblem.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Parses WAL-G's sentinel and metadata.json defensively; thread-safe. */
public final class WalgDocuments {
  /** Floats as BigDecimal: a field this library does not model (kept in {@code raw}) never overflows to infinity. */
  private static final ObjectMapper MAPPER = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
      .build();
  /** v1.x sentinels carried the whole file list inline; skipped, never materialised. */
  private static final Set<String> SKIPPED_FIELDS = Set.of("Files", "TarFileSets");
  private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
  private static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

  private WalgDocuments() {}

  /** Reads one JSON object, skipping {@code Files}/{@code TarFileSets} without building them. */
  public static ObjectNode readObject(InputStream in) throws InvalidDocumentException {
    try (JsonParser p = FACTORY.createParser(in)) {
      p.setCodec(MAPPER);
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new InvalidDocumentException(Kind.MALFORMED_JSON, "not a JSON object");
      }
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if (SKIPPED_FIELDS.contains(name)) {
          p.skipChildren();
          out.putNull(name);
        } else {
          out.set(name, p.readValueAsTree());
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT) {
        throw new InvalidDocumentException(Kind.MALFORMED_JSON, "JSON object is not closed");
      }
      if (p.nextToken() != null) {
        throw new InvalidDocumentException(Kind.MALFORMED_JSON, "trailing data after the JSON object");
      }
      return out;
    } catch (IOException | IllegalArgumentException e) {
      // IllegalArgumentException: Jackson's NumberFormatException for a number it cannot represent (1e2147483648)
      throw new InvalidDocumentException(Kind.MALFORMED_JSON, "malformed or truncated JSON: " + firstLine(e.getMessage()), e);
    }
  }

  public static BackupSentinel sentinel(InputStream in) throws InvalidDocumentException {
    return sentinel(readObject(in));
  }

  public static BackupSentinel sentinel(ObjectNode o) throws InvalidDocumentException {
    int version = (int) optLong(o, "Version", 0L, Kind.INVALID_SENTINEL);
    if (version > BackupSentinel.NEWEST_KNOWN_VERSION) {
      throw new InvalidDocumentException(Kind.UNSUPPORTED_SENTINEL_VERSION,
          "sentinel Version " + version + " is newer than the newest known (" + BackupSentinel.NEWEST_KNOWN_VERSION + ")");
    }
    if (version < 0) {
      throw new InvalidDocumentException(Kind.INVALID_SENTINEL, "sentinel Version " + version + " is negative");
    }
    Long startLsn = unsigned(o, "LSN", Kind.INVALID_SENTINEL);
    if (startLsn == null) {
      throw new InvalidDocumentException(Kind.INVALID_SENTINEL, "sentinel has no LSN");
    }
    String deltaFrom = text(o, "DeltaFrom", Kind.INVALID_SENTINEL);
    Long deltaLsn = unsigned(o, "DeltaLSN", Kind.INVALID_SENTINEL);
    if (deltaLsn == null) {
      deltaLsn = unsigned(o, "DeltaFromLSN", Kind.INVALID_SENTINEL);
    }
    String deltaFullName = text(o, "DeltaFullName", Kind.INVALID_SENTINEL);
    Long deltaCount = unsigned(o, "DeltaCount", Kind.INVALID_SENTINEL);
    if (deltaFrom != null && !deltaFrom.isEmpty() && (deltaFullName == null || deltaFullName.isEmpty())) {
      throw new InvalidDocumentException(Kind.INVALID_SENTINEL, "delta sentinel (DeltaFrom=" + deltaFrom + ") has no DeltaFullName");
    }
    JsonNode spec = o.has("Spec") ? o.get("Spec") : o.get("spec");
    return new BackupSentinel(
        Lsn.of(startLsn),
        deltaLsn == null ? null : Lsn.of(deltaLsn),
        deltaFrom,
        deltaFullName,
        deltaCount == null ? null : Math.toIntExact(deltaCount),
        (int) optLong(o, "PgVersion", 0L, Kind.INVALID_SENTINEL),
        lsn(o, "FinishLSN", Kind.INVALID_SENTINEL),
        unsigned(o, "SystemIdentifier", Kind.INVALID_SENTINEL),
        optLong(o, "UncompressedSize", 0L, Kind.INVALID_SENTINEL),
        optLong(o, "CompressedSize", 0L, Kind.INVALID_SENTINEL),
        unsigned(o, "DataCatalogSize", Kind.INVALID_SENTINEL),
        spec(spec),
        json(o.get("UserData"), "UserData", Kind.INVALID_SENTINEL),
        bool(o, "FilesMetadataDisabled", Kind.INVALID_SENTINEL),
        unsigned(o, "ChkpNum", Kind.INVALID_SENTINEL),
        unsigned(o, "DeltaChkpNum", Kind.INVALID_SENTINEL),
        version,
        time(o, "StartTime", Kind.INVALID_SENTINEL),
        time(o, "FinishTime", Kind.INVALID_SENTINEL),
        text(o, "DateFmt", Kind.INVALID_SENTINEL),
        text(o, "Hostname", Kind.INVALID_SENTINEL),
        text(o, "DataDir", Kind.INVALID_SENTINEL),
        bool(o, "IsPermanent", Kind.INVALID_SENTINEL),
        (JsonValue.JsonObject) requireNonNull(json(o, "the sentinel", Kind.INVALID_SENTINEL)));
  }

  public static BackupMetadata metadata(InputStream in) throws InvalidDocumentException {
    ObjectNode o = readObject(in);
    try {
      return metadata(o);
    } catch (InvalidDocumentException e) {
      throw new InvalidDocumentException(Kind.INVALID_METADATA, Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
    }
  }

  /** A metadata object: metadata.json, or a {@code backup-list --detail --json} element. */
  public static BackupMetadata metadata(JsonNode o) throws InvalidDocumentException {
    Long pg = unsigned(o, "pg_version", Kind.INVALID_METADATA);
    Long start = unsigned(o, "start_lsn", Kind.INVALID_METADATA);
    Long finish = unsigned(o, "finish_lsn", Kind.INVALID_METADATA);
    Long uncompressed = unsigned(o, "uncompressed_size", Kind.INVALID_METADATA);
    Long compressed = unsigned(o, "compressed_size", Kind.INVALID_METADATA);
    return new BackupMetadata(
        time(o, "start_time", Kind.INVALID_METADATA),
        time(o, "finish_time", Kind.INVALID_METADATA),
        text(o, "date_fmt", Kind.INVALID_METADATA),
        text(o, "hostname", Kind.INVALID_METADATA),
        text(o, "data_dir", Kind.INVALID_METADATA),
        pg == null ? 0 : Math.toIntExact(pg),
        Lsn.of(start == null ? 0 : start),
        Lsn.of(finish == null ? 0 : finish),
        bool(o, "is_permanent", Kind.INVALID_METADATA),
        unsigned(o, "system_identifier", Kind.INVALID_METADATA),
        uncompressed == null ? 0 : uncompressed,
        compressed == null ? 0 : compressed,
        json(o.get("user_data"), "user_data", Kind.INVALID_METADATA));
  }

  /** An unsigned 64-bit JSON integer as a long holding the same bits; null if absent or null. */
  public static @Nullable Long unsigned(JsonNode o, String field, Kind kind) throws InvalidDocumentException {
    JsonNode n = o.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isIntegralNumber()) {
      throw new InvalidDocumentException(kind, field + " must be an unsigned integer, got " + abbreviate(n));
    }
    BigInteger v = n.bigIntegerValue();
    if (v.signum() < 0 || v.compareTo(TWO_64) >= 0) {
      throw new InvalidDocumentException(kind, field + " out of the unsigned 64-bit range: " + v);
    }
    return v.longValue();
  }

  private static @Nullable Lsn lsn(JsonNode o, String field, Kind kind) throws InvalidDocumentException {
    Long v = unsigned(o, field, kind);
    return v == null ? null : Lsn.of(v);
  }

  public static @Nullable String text(JsonNode o, String field, Kind kind) throws InvalidDocumentException {
    JsonNode n = o.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw new InvalidDocumentException(kind, field + " must be a string, got " + abbreviate(n));
    }
    return n.asText();
  }

  public static boolean bool(JsonNode o, String field, Kind kind) throws InvalidDocumentException {
    JsonNode n = o.get(field);
    if (n == null || n.isNull()) {
      return false;
    }
    if (!n.isBoolean()) {
      throw new InvalidDocumentException(kind, field + " must be a boolean, got " + abbreviate(n));
    }
    return n.booleanValue();
  }

  /** RFC 3339 with up to 9 fraction digits and {@code Z} or an offset; Go's zero time is null. */
  public static @Nullable Instant time(JsonNode o, String field, Kind kind) throws InvalidDocumentException {
    String s = text(o, field, kind);
    if (s == null || s.isEmpty()) {
      return null;
    }
    try {
      Instant t = OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      return t.equals(GO_ZERO_TIME) ? null : t;
    } catch (DateTimeParseException e) {
      throw new InvalidDocumentException(kind, field + " is not an RFC 3339 time: " + abbreviate(o.get(field)), e);
    }
  }

  private static long optLong(JsonNode o, String field, long dflt, Kind kind) throws InvalidDocumentException {
    JsonNode n = o.get(field);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.canConvertToLong() || !n.isIntegralNumber()) {
      throw new InvalidDocumentException(kind, field + " must be an integer, got " + abbreviate(n));
    }
    return n.longValue();
  }

  private static @Nullable JsonValue json(@Nullable JsonNode n, String what, Kind kind) throws InvalidDocumentException {
    if (n == null || n.isNull()) {
      return null;
    }
    try {
      return JsonValues.of(n);
    } catch (IllegalArgumentException e) {
      throw new InvalidDocumentException(kind, what + ": " + e.getMessage(), e);
    }
  }

  private static BackupSentinel.@Nullable TablespaceSpec spec(@Nullable JsonNode spec) throws InvalidDocumentException {
    if (spec == null || spec.isNull()) {
      return null;
    }
    if (!spec.isObject()) {
      throw new InvalidDocumentException(Kind.INVALID_SENTINEL, "Spec must be an object, got " + abbreviate(spec));
    }
    Map<String, BackupSentinel.Tablespace> tablespaces = new LinkedHashMap<>();
    JsonNode names = spec.get("tablespaces");
    if (names != null && names.isArray()) {
      for (JsonNode name : names) {
        JsonNode ts = spec.get(name.asText());
        if (ts == null || !ts.isObject()) {
          throw new InvalidDocumentException(Kind.INVALID_SENTINEL, "Spec lists tablespace " + name.asText() + " without its location");
        }
        tablespaces.put(name.asText(), new BackupSentinel.Tablespace(ts.path("loc").asText(), ts.path("link").asText()));
      }
    }
    return new BackupSentinel.TablespaceSpec(text(spec, "base_prefix", Kind.INVALID_SENTINEL), tablespaces);
  }

  private static String abbreviate(JsonNode n) {
    String s = n.toString();
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }

  private static String firstLine(@Nullable String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
