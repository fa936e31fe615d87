package dev.patroni4j.walg.cli;

import dev.patroni4j.walg.JsonValue;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Flags of {@code wal-g backup-push}. Immutable.
 *
 * <pre>{@code BackupPushOptions.defaults().withFull().withPermanent()}</pre>
 *
 * @param userData {@code --add-user-data}: any JSON, stored in the sentinel and metadata.json
 * @param deltaFromName {@code --delta-from-name}
 */
public record BackupPushOptions(boolean full, boolean permanent, boolean verifyPageChecksums, @Nullable JsonValue userData,
    @Nullable String deltaFromName, boolean withoutFilesMetadata) {

  public static BackupPushOptions defaults() {
    return new BackupPushOptions(false, false, false, null, null, false);
  }

  /** {@code --full}: no delta even when WALG_DELTA_MAX_STEPS allows one. */
  public BackupPushOptions withFull() {
    return new BackupPushOptions(true, permanent, verifyPageChecksums, userData, deltaFromName, withoutFilesMetadata);
  }

  /** {@code --permanent}. */
  public BackupPushOptions withPermanent() {
    return new BackupPushOptions(full, true, verifyPageChecksums, userData, deltaFromName, withoutFilesMetadata);
  }

  /** {@code --verify}. */
  public BackupPushOptions withPageChecksumVerification() {
    return new BackupPushOptions(full, permanent, true, userData, deltaFromName, withoutFilesMetadata);
  }

  /** {@code --add-user-data}: stored in the sentinel and metadata.json, read back as {@link dev.patroni4j.walg.BackupSentinel#userData()}. */
  public BackupPushOptions withUserData(JsonValue json) {
    return new BackupPushOptions(full, permanent, verifyPageChecksums, json, deltaFromName, withoutFilesMetadata);
  }

  public BackupPushOptions withDeltaFrom(String backupName) {
    return new BackupPushOptions(full, permanent, verifyPageChecksums, userData, backupName, withoutFilesMetadata);
  }

  public BackupPushOptions withFilesMetadataDisabled() {
    return new BackupPushOptions(full, permanent, verifyPageChecksums, userData, deltaFromName, true);
  }

  List<String> arguments() {
    List<String> a = new ArrayList<>();
    if (full) {
      a.add("--full");
    }
    if (permanent) {
      a.add("--permanent");
    }
    if (verifyPageChecksums) {
      a.add("--verify");
    }
    if (userData != null) {
      a.add("--add-user-data");
      a.add(userData.toJson());
    }
    if (deltaFromName != null) {
      a.add("--delta-from-name");
      a.add(deltaFromName);
    }
    if (withoutFilesMetadata) {
      a.add("--without-files-metadata");
    }
    return a;
  }
}
