package dev.patroni4j.walg;

import java.time.Instant;

/**
 * A folder {@code basebackups_005/<name>/} without a sibling sentinel: a failed, running or
 * half-deleted {@code backup-push}. Never a backup. One newer than the newest complete backup may
 * be a push in progress.
 *
 * @param prefix the full S3 prefix of the folder, ending in {@code /}
 * @param objectCount objects under the folder
 * @param totalBytes their total size
 * @param lastModified the newest LastModified under the folder
 */
public record IncompleteBackup(
    String name, String prefix, long objectCount, long totalBytes, Instant lastModified) {}
