package dev.patroni4j.walg.internal;

import dev.patroni4j.walg.Backup;
import dev.patroni4j.walg.BackupCatalog;
import dev.patroni4j.walg.BackupMetadata;
import dev.patroni4j.walg.DeletionPlan;
import dev.patroni4j.walg.RetentionException;
import dev.patroni4j.walg.RetentionPolicy;
import dev.patroni4j.walg.RetentionPolicy.Modifier;
import dev.patroni4j.walg.RetentionPolicy.Order;
import dev.patroni4j.walg.WalSegment;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * WAL-G's {@code delete} rules (internal/delete_handler.go, internal/databases/postgres/delete.go,
 * delete_util.go), reimplemented to produce the key list without deleting.
 */
public final class RetentionPlanner {
  private final BackupCatalog catalog;
  private final long segmentSize;
  private final Order order;
  private final Map<String, Instant> startTimes;

  public RetentionPlanner(BackupCatalog catalog, long segmentSize, Order requestedOrder) {
    this.catalog = catalog;
    this.segmentSize = segmentSize;
    Map<String, Instant> times = new HashMap<>();
    boolean allHaveStartTime = true;
    for (Backup b : catalog.backups()) {
      BackupMetadata m = b.metadata();
      if (m == null || m.startTime() == null) {
        allHaveStartTime = false;
      } else {
        times.put(b.name(), m.startTime());
      }
    }
    // WAL-G falls back to name order when any backup lacks metadata.
    this.order = requestedOrder == Order.START_TIME && allHaveStartTime ? Order.START_TIME : Order.NAME;
    this.startTimes = times;
  }

  /** The order actually used (START_TIME falls back to NAME when metadata is missing). */
  public Order order() {
    return order;
  }

  /**
   * Plans {@code policy}. {@code listAll} streams every key under the root, relative to it, to the
   * consumer it is given (with its full key).
   */
  public DeletionPlan plan(RetentionPolicy policy, Consumer<KeyConsumer> listAll) {
    String policyText = policy.toWalgArguments();
    if (order == Order.NAME && catalog.systemIdentifiers().size() > 1) {
      throw new RetentionException(policyText, "backups of " + catalog.systemIdentifiers().size()
          + " different clusters (system identifiers) share this prefix, as after a pg_upgrade; timeline and"
          + " segment order is not time order then. Plan with Order.START_TIME (WAL-G's --use-sentinel-time)");
    }
    List<String> keptPermanent = catalog.permanent().stream().map(Backup::name).toList();
    if (policy instanceof RetentionPolicy.Target t) {
      return planTarget(t, listAll, keptPermanent);
    }
    Optional<Backup> target = policy instanceof RetentionPolicy.Retain r ? retainTarget(r) : beforeTarget((RetentionPolicy.Before) policy);
    if (target.isEmpty()) {
      return new DeletionPlan(policy, order, null, List.of(), keptPermanent);
    }
    Backup t = target.get();
    if (t.isDelta()) {
      throw new RetentionException(policyText, t.name() + " is incremental and its predecessors cannot be deleted;"
          + " use the FIND_FULL modifier");
    }
    Map<Long, List<long[]>> permanentWal = permanentWal();
    Set<String> permanentBackups = new LinkedHashSet<>(keptPermanent);
    String targetKey = WalKeys.BASEBACKUPS + t.name() + WalKeys.SENTINEL_SUFFIX;
    List<String> keys = new ArrayList<>();
    listAll.accept((relative, full) -> {
      if (less(relative, targetKey) && !isPermanent(relative, permanentBackups, permanentWal)) {
        keys.add(full);
      }
    });
    keys.sort(Comparator.naturalOrder());
    return new DeletionPlan(policy, order, t.name(), keys, keptPermanent);
  }

  /** Receives each listed key: relative to the root, and full. */
  @FunctionalInterface
  public interface KeyConsumer {
    void accept(String relative, String full);
  }

  private DeletionPlan planTarget(RetentionPolicy.Target t, Consumer<KeyConsumer> listAll, List<String> keptPermanent) {
    Backup target = catalog.find(t.backupName())
        .orElseThrow(() -> new RetentionException(t.toWalgArguments(), "requested backup was not found"));
    List<Backup> doomed = t.modifier() == Modifier.FIND_FULL ? related(target) : dependants(target);
    Set<String> names = new LinkedHashSet<>();
    for (Backup b : doomed) {
      if (b.isPermanent()) {
        throw new RetentionException(t.toWalgArguments(), "unable to delete permanent backup " + b.name());
      }
      names.add(b.name());
    }
    List<String> keys = new ArrayList<>();
    listAll.accept((relative, full) -> {
      if (relative.startsWith(WalKeys.BASEBACKUPS)
          && names.contains(WalKeys.backupNameOfBackupObject(relative.substring(WalKeys.BASEBACKUPS.length())))) {
        keys.add(full);
      }
    });
    keys.sort(Comparator.naturalOrder());
    return new DeletionPlan(t, order, target.name(), keys, keptPermanent);
  }

  private List<Backup> related(Backup target) {
    String base = target.isDelta() ? target.deltaFullName().orElseThrow() : target.name();
    return catalog.backups().stream()
        .filter(b -> b.name().equals(base) || b.deltaFullName().filter(base::equals).isPresent())
        .toList();
  }

  private List<Backup> dependants(Backup target) {
    List<Backup> out = new ArrayList<>();
    Deque<Backup> queue = new ArrayDeque<>(List.of(target));
    while (!queue.isEmpty()) {
      Backup b = queue.removeFirst();
      out.add(b);
      queue.addAll(catalog.deltasOf(b.name()));
    }
    return out;
  }

  private Optional<Backup> retainTarget(RetentionPolicy.Retain r) {
    Optional<Backup> byCount = first(newestFirst(), countChoice(r.modifier(), r.count()));
    if (r.afterName() == null && r.afterTime() == null) {
      return byCount;
    }
    boolean fullOnly = r.modifier() != Modifier.NONE;
    Predicate<Backup> afterChoice;
    if (r.afterTime() != null) {
      Instant after = r.afterTime();
      afterChoice = b -> !backupTime(b).isBefore(after) && (!fullOnly || !b.isDelta());
    } else {
      String name = r.afterName();
      boolean[] met = {false};
      afterChoice = b -> {
        met[0] = met[0] || b.name().startsWith(name);
        return met[0] && (!fullOnly || !b.isDelta());
      };
    }
    Optional<Backup> byAfter = first(oldestFirst(), afterChoice);
    if (byCount.isEmpty()) {
      return byAfter;
    }
    if (byAfter.isEmpty()) {
      return byCount;
    }
    // the kept set is the union: the older of the two targets wins
    return backupLess(byCount.get(), byAfter.get()) ? byCount : byAfter;
  }

  private Optional<Backup> beforeTarget(RetentionPolicy.Before b) {
    String name = b.backupName();
    if (b.time() != null) {
      Instant t = b.time();
      Optional<Backup> potential = first(oldestFirst(), x -> !backupTime(x).isBefore(t));
      if (potential.isEmpty()) {
        return Optional.empty();
      }
      name = potential.get().name();
    }
    String prefix = name;
    Optional<Backup> found;
    if (b.modifier() == Modifier.FIND_FULL) {
      boolean[] met = {false};
      found = first(newestFirst(), x -> {
        met[0] = met[0] || x.name().startsWith(prefix);
        return met[0] && !x.isDelta();
      });
    } else {
      found = first(newestFirst(), x -> x.name().startsWith(prefix));
    }
    if (found.isEmpty()) {
      throw new RetentionException(b.toWalgArguments(), "no backup matches '" + prefix + "'");
    }
    return found;
  }

  private static Predicate<Backup> countChoice(Modifier modifier, int n) {
    int[] count = {0};
    return switch (modifier) {
      case NONE -> b -> ++count[0] == n;
      case FULL -> b -> {
        if (!b.isDelta()) {
          count[0]++;
        }
        return count[0] == n;
      };
      case FIND_FULL -> b -> ++count[0] >= n && !b.isDelta();
    };
  }

  private static Optional<Backup> first(List<Backup> sorted, Predicate<Backup> choice) {
    for (Backup b : sorted) {
      if (choice.test(b)) {
        return Optional.of(b);
      }
    }
    return Optional.empty();
  }

  private List<Backup> oldestFirst() {
    List<Backup> sorted = new ArrayList<>(catalog.backups());
    sorted.sort((a, b) -> backupLess(a, b) ? -1 : backupLess(b, a) ? 1 : 0);
    return sorted;
  }

  private List<Backup> newestFirst() {
    List<Backup> sorted = oldestFirst();
    java.util.Collections.reverse(sorted);
    return sorted;
  }

  /** GetBackupTime: the sentinel's LastModified, or the metadata start time in START_TIME order. */
  private Instant backupTime(Backup b) {
    if (order == Order.START_TIME) {
      return Objects.requireNonNull(startTimes.get(b.name()), () -> "no start time for " + b.name());
    }
    return b.lastModified();
  }

  private boolean backupLess(Backup a, Backup b) {
    return less(WalKeys.BASEBACKUPS + a.name() + WalKeys.SENTINEL_SUFFIX, WalKeys.BASEBACKUPS + b.name() + WalKeys.SENTINEL_SUFFIX);
  }

  /** WAL-G's less on keys relative to the root. */
  boolean less(String relative1, String relative2) {
    if (order == Order.START_TIME) {
      @Nullable String backup1 = backupNameOf(relative1);
      @Nullable String backup2 = backupNameOf(relative2);
      if (backup1 != null && backup2 != null) {
        Instant t1 = startTimes.get(backup1);
        Instant t2 = startTimes.get(backup2);
        return t1 != null && t2 != null && t1.isBefore(t2);
      }
      Optional<WalSegment> s1 = WalKeys.firstHex24(relative1).flatMap(h -> WalSegment.tryParse(h, segmentSize));
      Optional<WalSegment> s2 = WalKeys.firstHex24(relative2).flatMap(h -> WalSegment.tryParse(h, segmentSize));
      return s1.isPresent() && s2.isPresent() && s1.get().number() < s2.get().number();
    }
    Optional<String> h1 = WalKeys.firstHex24(relative1);
    Optional<String> h2 = WalKeys.firstHex24(relative2);
    // fixed-width uppercase hex: string order is (timeline, segment) order
    return h1.isPresent() && h2.isPresent() && h1.get().compareTo(h2.get()) < 0;
  }

  private static @Nullable String backupNameOf(String relative) {
    if (!relative.startsWith(WalKeys.BASEBACKUPS)) {
      return null;
    }
    return WalKeys.backupNameOfBackupObject(relative.substring(WalKeys.BASEBACKUPS.length()));
  }

  /** Per timeline, the segment ranges WAL-G keeps for permanent backups: (start-1)/size..(finish-1)/size. */
  private Map<Long, List<long[]>> permanentWal() {
    Map<Long, List<long[]>> out = new HashMap<>();
    for (Backup b : catalog.permanent()) {
      BackupMetadata m = b.metadata();
      if (m == null) {
        continue;
      }
      long first = Long.divideUnsigned(m.startLsn().value() - 1, segmentSize);
      long last = Long.divideUnsigned(m.finishLsn().value() - 1, segmentSize);
      out.computeIfAbsent(b.timeline(), k -> new ArrayList<>()).add(new long[] {first, last});
    }
    return out;
  }

  private boolean isPermanent(String relative, Set<String> permanentBackups, Map<Long, List<long[]>> permanentWal) {
    if (relative.startsWith(WalKeys.WAL) && relative.length() >= WalKeys.WAL.length() + 24) {
      Optional<WalSegment> s = WalSegment.tryParse(relative.substring(WalKeys.WAL.length(), WalKeys.WAL.length() + 24), segmentSize);
      if (s.isEmpty()) {
        return false;
      }
      for (long[] r : permanentWal.getOrDefault(s.get().timeline(), List.of())) {
        if (s.get().number() >= r[0] && s.get().number() <= r[1]) {
          return true;
        }
      }
      return false;
    }
    if (relative.startsWith(WalKeys.BASEBACKUPS)) {
      return permanentBackups.contains(WalKeys.backupNameOfBackupObject(relative.substring(WalKeys.BASEBACKUPS.length())));
    }
    return false;
  }
}
