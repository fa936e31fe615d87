package dev.patroni4j.runbooks.backup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Keep-N-full retention over a backup list: a backup goes when the full backup its chain starts from goes. */
final class Retention {
  private Retention() {}

  static RetentionPlan plan(String repository, RetentionPolicy policy, List<BackupInfo> backups) {
    List<BackupInfo> fulls = backups.stream().filter(b -> b.type() == BackupType.FULL && b.complete()).toList();
    Set<String> expiredFulls = new HashSet<>();
    for (int i = 0; i < fulls.size() - policy.keepFull(); i++) {
      expiredFulls.add(fulls.get(i).label());
    }
    Map<String, BackupInfo> byLabel = new HashMap<>();
    backups.forEach(b -> byLabel.put(b.label(), b));
    List<BackupInfo> kept = new ArrayList<>();
    List<BackupInfo> deleted = new ArrayList<>();
    for (BackupInfo b : backups) {
      if (expiredFulls.contains(root(b, byLabel))) {
        deleted.add(b);
      } else {
        kept.add(b);
      }
    }
    return new RetentionPlan(repository, policy, kept, deleted);
  }

  /** The label of the full backup {@code b}'s chain starts from (itself for a full one). */
  private static String root(BackupInfo b, Map<String, BackupInfo> byLabel) {
    BackupInfo at = b;
    for (int hops = 0; hops <= byLabel.size() && at.prior() != null; hops++) {
      BackupInfo prior = byLabel.get(at.prior());
      if (prior == null) {
        return at.prior(); // a dependency not listed: judged by its own label
      }
      at = prior;
    }
    return at.label();
  }
}
