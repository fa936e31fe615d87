package dev.patroni4j.walg;

import dev.patroni4j.client.Confirmable;
import dev.patroni4j.client.Confirmation;
import dev.patroni4j.walg.internal.ConfirmationDigests;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The exact keys a retention policy would delete, computed without deleting anything. Immutable.
 * Execute it with {@link WalgRepository#delete(DeletionPlan, Confirmation)} passing the
 * operator's confirmation of {@link #confirmationToken()}; nothing else is deleted, and nothing at
 * all without the token. The token is a hash of the policy and every key, so a confirmation of one
 * plan does not confirm another.
 *
 * @param policy the policy planned
 * @param order how it was ordered
 * @param targetBackup the backup everything older than which goes (retain/before), or the named
 *     backup (target); null when no backup qualified and nothing is deleted
 * @param keys full S3 keys, sorted, that would be deleted
 * @param keptPermanentBackups permanent backups whose objects were spared
 */
public record DeletionPlan(
    RetentionPolicy policy,
    RetentionPolicy.Order order,
    @Nullable String targetBackup,
    List<String> keys,
    List<String> keptPermanentBackups) implements Confirmable {

  public DeletionPlan {
    keys = List.copyOf(keys);
    keptPermanentBackups = List.copyOf(keptPermanentBackups);
  }

  public Optional<String> findTargetBackup() {
    return Optional.ofNullable(targetBackup);
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  /**
   * A token binding a confirmation to exactly this plan: the hash of the policy and every key.
   * {@code delete} refuses any other token.
   */
  @Override
  public String confirmationToken() {
    return ConfirmationDigests.token("delete", policy.toWalgArguments(), keys);
  }

  @Override
  public String confirmationSubject() {
    return "deletion of " + keys.size() + " keys (" + policy.toWalgArguments() + ")";
  }

  @Override
  public String toString() {
    return "DeletionPlan{" + policy.toWalgArguments() + ", order=" + order + ", target=" + targetBackup
        + ", keys=" + keys.size() + ", keptPermanent=" + keptPermanentBackups + "}";
  }
}
