package dev.patroni4j.walg.internal;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Names WAL-G writes under {@code wal_005/} and {@code basebackups_005/}. */
public final class WalKeys {
  public static final String BASEBACKUPS = "basebackups_005/";
  public static final String WAL = "wal_005/";
  public static final String SENTINEL_SUFFIX = "_backup_stop_sentinel.json";
  public static final String METADATA = "metadata.json";

  private static final String EXT = "(?:\\.(lz4|lzma|zst|br|gz|lzo|))?";
  private static final Pattern SEGMENT = Pattern.compile("([0-9A-F]{24})" + EXT);
  private static final Pattern HISTORY = Pattern.compile("([0-9A-F]{8})\\.history" + EXT);
  private static final Pattern PARTIAL = Pattern.compile("([0-9A-F]{24})\\.partial" + EXT);
  private static final Pattern BACKUP_HISTORY = Pattern.compile("([0-9A-F]{24})\\.[0-9A-F]{8}\\.backup" + EXT);
  private static final Pattern DELTA = Pattern.compile("([0-9A-F]{24})_delta" + EXT);
  private static final Pattern WAL_METADATA = Pattern.compile("([0-9A-F]{23,24})\\.json");
  private static final Pattern BACKUP_NAME = Pattern.compile("base_[0-9A-F]{24}(?:_D_[0-9A-F]{24})?(?:_[0-9A-F]{8})?");
  private static final Pattern HEX24 = Pattern.compile("[0-9A-F]{24}");

  private WalKeys() {}

  /** What an object directly under {@code wal_005/} is. */
  public enum WalKind { SEGMENT, HISTORY, PARTIAL, BACKUP_HISTORY, DELTA, METADATA, UNKNOWN }

  /**
   * A classified WAL object name.
   *
   * @param base the 24-hex segment (or 8-hex timeline for histories, 23/24 hex for metadata)
   * @param extension compression extension; empty for "none"
   */
  public record WalName(WalKind kind, String base, String extension) {}

  public static WalName classifyWal(String name) {
    Matcher m = SEGMENT.matcher(name);
    if (m.matches()) {
      return new WalName(WalKind.SEGMENT, m.group(1), ext(m));
    }
    m = HISTORY.matcher(name);
    if (m.matches()) {
      return new WalName(WalKind.HISTORY, m.group(1), ext(m));
    }
    m = PARTIAL.matcher(name);
    if (m.matches()) {
      return new WalName(WalKind.PARTIAL, m.group(1), ext(m));
    }
    m = BACKUP_HISTORY.matcher(name);
    if (m.matches()) {
      return new WalName(WalKind.BACKUP_HISTORY, m.group(1), ext(m));
    }
    m = DELTA.matcher(name);
    if (m.matches()) {
      return new WalName(WalKind.DELTA, m.group(1), ext(m));
    }
    m = WAL_METADATA.matcher(name);
    if (m.matches()) {
      return new WalName(WalKind.METADATA, m.group(1), "");
    }
    return new WalName(WalKind.UNKNOWN, name, "");
  }

  public static boolean isBackupName(String name) {
    return BACKUP_NAME.matcher(name).matches();
  }

  /** WAL-G's {@code StripRightmostBackupName}: the text before the first {@code _backup}. */
  public static String backupNameOfSentinel(String fileName) {
    int i = fileName.indexOf("_backup");
    return i < 0 ? fileName : fileName.substring(0, i);
  }

  /** The first 24 uppercase hex digits in a key relative to the root, as WAL-G's delete finds them. */
  public static Optional<String> firstHex24(String relativeKey) {
    Matcher m = HEX24.matcher(relativeKey);
    return m.find() ? Optional.of(m.group()) : Optional.empty();
  }

  /** WAL-G's {@code StripLeftmostBackupName}: first path element under basebackups_005, cut at {@code _backup}. */
  public static String backupNameOfBackupObject(String keyUnderBasebackups) {
    int slash = keyUnderBasebackups.indexOf('/');
    return backupNameOfSentinel(slash < 0 ? keyUnderBasebackups : keyUnderBasebackups.substring(0, slash));
  }

  private static String ext(Matcher m) {
    String e = m.group(2);
    return e == null ? "" : e;
  }
}
