package dev.patroni4j.runbooks.backup;

import dev.patroni4j.client.Confirmable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * What a retention policy would delete, computed without deleting anything: the backups kept and the backups (with
 * the WAL only they need) that go. Apply it with {@link BackupTool#applyRetention} and the operator's confirmation of
 * {@link #confirmationToken()}, a hash of the repository, the policy and every backup that goes, so a confirmation of
 * one plan confirms no other (and none once a new backup changed what the policy would delete).
 *
 * <pre>{@code
 * import dev.patroni4j.client.Confirmation;
 * // given: BackupTool tool; String typed;
 * RetentionPlan plan = tool.planRetention("pg1", RetentionPolicy.keepFull(2));
 * System.out.println(plan.describe() + "; to apply, type " + plan.confirmationToken());
 * tool.applyRetention("pg1", plan, Confirmation.of(typed));
 * }</pre>
 *
 * <p>Immutable.
 *
 * @param repository the tool's name of the repository (e.g. {@code pgbackrest:demo})
 * @param policy the policy planned
 * @param kept the backups the policy keeps, oldest first
 * @param deleted the backups it deletes, oldest first
 */
public record RetentionPlan(String repository, RetentionPolicy policy, List<BackupInfo> kept,
    List<BackupInfo> deleted) implements Confirmable {
  public RetentionPlan {
    Objects.requireNonNull(repository, "repository == null");
    Objects.requireNonNull(policy, "policy == null");
    kept = List.copyOf(kept);
    deleted = List.copyOf(deleted);
  }

  public boolean isEmpty() {
    return deleted.isEmpty();
  }

  /** The labels of the backups that go, oldest first. */
  public List<String> deletedLabels() {
    return deleted.stream().map(BackupInfo::label).toList();
  }

  /** One line for a human: what goes and what stays. */
  public String describe() {
    return "retention keep " + policy.keepFull() + " full in " + repository + ": delete " + deletedLabels()
        + ", keep " + kept.stream().map(BackupInfo::label).toList();
  }

  @Override
  public String confirmationToken() {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update((repository + "\n" + policy.keepFull()).getBytes(StandardCharsets.UTF_8));
      for (String label : deletedLabels()) {
        d.update((byte) '\n');
        d.update(label.getBytes(StandardCharsets.UTF_8));
      }
      return "expire-" + deleted.size() + "-" + HexFormat.of().formatHex(d.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String confirmationSubject() {
    return "deletion of " + deleted.size() + " backups " + deletedLabels() + " from " + repository;
  }
}
