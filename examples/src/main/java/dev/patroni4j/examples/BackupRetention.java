package dev.patroni4j.examples;

import dev.patroni4j.walg.Backup;
import dev.patroni4j.walg.BackupCatalog;
import dev.patroni4j.walg.DeletionPlan;
import dev.patroni4j.walg.RetentionPolicy;
import dev.patroni4j.walg.RetentionPolicy.Modifier;
import dev.patroni4j.walg.WalgRepository;
import dev.patroni4j.walg.WalgS3Settings;
import java.nio.file.Path;

/**
 * The README's WAL-G example: list the backups of a repository straight from S3 and show what a
 * retention policy would delete, without deleting. Run with the path of a WAL-G config file
 * ({@code .walg.json}); walg-s3's own tests run the same calls against S3Proxy.
 */
public final class BackupRetention {
  private BackupRetention() {}

  public static void main(String[] args) {
    Path walgConfig = Path.of(args.length > 0 ? args[0] : System.getProperty("user.home") + "/.walg.json");
    // tag::walg[]
    try (WalgRepository repo = WalgRepository.builder(WalgS3Settings.fromWalgConfigFile(walgConfig)).build()) {
      BackupCatalog catalog = repo.catalog();
      for (Backup backup : catalog.inRetentionOrder()) {
        System.out.println(backup.name() + " finished " + backup.lastModified());
      }
      DeletionPlan plan = repo.planRetention(RetentionPolicy.retain(Modifier.FULL, 7));
      System.out.println(plan.keys().size() + " objects would go; permanent backups kept: "
          + plan.keptPermanentBackups());
      // repo.delete(plan, Confirmation.of(typed)) deletes exactly plan.keys(), only if typed is plan.confirmationToken().
    }
    // end::walg[]
  }
}
