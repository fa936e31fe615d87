package dev.patroni4j.walg;

import java.util.List;

/**
 * What a confirmed delete did.
 *
 * @param deleted keys S3 confirmed deleted
 * @param failed keys S3 refused, with its error code and message
 */
public record DeletionResult(List<String> deleted, List<Failure> failed) {
  public DeletionResult {
    deleted = List.copyOf(deleted);
    failed = List.copyOf(failed);
  }

  public boolean isComplete() {
    return failed.isEmpty();
  }

  /** One key S3 did not delete. */
  public record Failure(String key, String code, String message) {}
}
