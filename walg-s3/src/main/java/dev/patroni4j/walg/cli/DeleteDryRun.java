package dev.patroni4j.walg.cli;

import dev.patroni4j.client.Confirmable;
import dev.patroni4j.client.Confirmation;
import dev.patroni4j.walg.RetentionPolicy;
import dev.patroni4j.walg.internal.ConfirmationDigests;
import java.util.List;
import java.util.Objects;

/**
 * What {@code wal-g delete <policy>} without {@code --confirm} said it would delete ({@link
 * WalgCli#deleteDryRun}): the target that {@link WalgCli#delete(DeleteDryRun, Confirmation)}
 * deletes with the operator's confirmation of {@link #confirmationToken()}. The token is a hash of
 * the policy, the order and every key, so a confirmation of one dry run confirms no other, and none
 * once a backup pushed or deleted since changed what wal-g would delete.
 *
 * <pre>{@code
 * import dev.patroni4j.client.Confirmation;
 * import dev.patroni4j.walg.RetentionPolicy;
 * // given: WalgCli walg; String typed;
 * DeleteDryRun dryRun = walg.deleteDryRun(RetentionPolicy.retain(RetentionPolicy.Modifier.FULL, 7),
 *     RetentionPolicy.Order.NAME);
 * System.out.println(dryRun.confirmationSubject() + "; to delete, type " + dryRun.confirmationToken());
 * DeleteOutput deleted = walg.delete(dryRun, Confirmation.of(typed));
 * }</pre>
 *
 * <p>Immutable.
 *
 * @param policy the policy wal-g was asked about
 * @param order how wal-g ordered the backups ({@code --use-sentinel-time} for start time)
 * @param keys the keys wal-g logged it would delete, relative to the WAL-G root, as logged
 */
public record DeleteDryRun(RetentionPolicy policy, RetentionPolicy.Order order, List<String> keys)
    implements Confirmable {

  public DeleteDryRun {
    Objects.requireNonNull(policy, "policy == null");
    Objects.requireNonNull(order, "order == null");
    keys = List.copyOf(keys);
  }

  /** wal-g would delete nothing. */
  public boolean isEmpty() {
    return keys.isEmpty();
  }

  /** A token binding a confirmation to exactly this dry run: the hash of the policy, the order and every key. */
  @Override
  public String confirmationToken() {
    return ConfirmationDigests.token("wal-g-delete", policy.toWalgArguments() + "\n" + order, keys);
  }

  @Override
  public String confirmationSubject() {
    return "wal-g delete " + policy.toWalgArguments() + " (" + keys.size() + " objects, order " + order + ")";
  }

  @Override
  public String toString() {
    return "DeleteDryRun{" + policy.toWalgArguments() + ", order=" + order + ", keys=" + keys.size() + "}";
  }
}
