package dev.patroni4j.walg;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The backups of a WAL-G repository as read from S3 at one moment. Immutable value.
 *
 * <p>Orders, exactly as WAL-G uses them:
 *
 * <ul>
 *   <li>{@link #backups()}: by sentinel LastModified (stable, ties in key order): {@code
 *       backup-list} and {@code LATEST};
 *   <li>{@link #inRetentionOrder()}: by the timeline and segment in the name: {@code delete}.
 * </ul>
 *
 * After a {@code pg_upgrade} (or a new cluster) in the same prefix the timeline starts again at 1,
 * so name order is no longer time order; {@link #systemIdentifiers()} then holds more than one
 * value, a {@link RepositoryProblem.Kind#MIXED_CLUSTERS} problem is reported, and retention by name
 * is refused (plan {@link RetentionPolicy.Order#START_TIME} instead, WAL-G's {@code
 * --use-sentinel-time}).
 *
 * <pre>{@code
 * // given: WalgRepository repository;
 * BackupCatalog catalog = repository.catalog();
 * catalog.latest().ifPresent(b -> System.out.println("LATEST = " + b.name()));
 * catalog.problems().forEach(p -> System.err.println(p.key() + ": " + p.detail()));
 * }</pre>
 */
public record BackupCatalog(
    List<Backup> backups, List<IncompleteBackup> incomplete, List<RepositoryProblem> problems) {

  public BackupCatalog {
    backups = List.copyOf(backups);
    incomplete = List.copyOf(incomplete);
    problems = List.copyOf(problems);
  }

  /** WAL-G's {@code LATEST}: the backup whose sentinel was modified last. */
  public Optional<Backup> latest() {
    return backups.isEmpty() ? Optional.empty() : Optional.of(backups.get(backups.size() - 1));
  }

  /** The backup with exactly this name. */
  public Optional<Backup> find(String name) {
    return backups.stream().filter(b -> b.name().equals(name)).findFirst();
  }

  /** The backup with exactly this name; {@link IllegalArgumentException} naming it otherwise. */
  public Backup get(String name) {
    return find(name).orElseThrow(() -> new IllegalArgumentException("no complete backup named '" + name + "'"));
  }

  /** Backups by (timeline, segment) of their names, oldest first: WAL-G's delete order. */
  public List<Backup> inRetentionOrder() {
    List<Backup> sorted = new ArrayList<>(backups);
    sorted.sort(Comparator.comparing(Backup::startSegment));
    return List.copyOf(sorted);
  }

  /**
   * The chain a restore of {@code name} needs, full backup first and {@code name} last. Throws
   * {@link IllegalStateException} naming the missing link when a parent is not in the catalog.
   */
  public List<Backup> deltaChain(String name) {
    Deque<Backup> chain = new ArrayDeque<>();
    Set<String> seen = new LinkedHashSet<>();
    Backup current = get(name);
    while (true) {
      if (!seen.add(current.name())) {
        throw new IllegalStateException("delta chain of '" + name + "' loops at '" + current.name() + "'");
      }
      chain.addFirst(current);
      Optional<String> parent = current.deltaFrom();
      if (parent.isEmpty()) {
        return List.copyOf(chain);
      }
      String parentName = parent.get();
      Backup child = current;
      current = find(parentName)
          .orElseThrow(() -> new IllegalStateException("'" + child.name() + "' is a delta of '"
              + parentName + "', which is not a complete backup in this repository"));
    }
  }

  /** Backups whose {@code DeltaFrom} is {@code name} (direct children only). */
  public List<Backup> deltasOf(String name) {
    return backups.stream().filter(b -> b.deltaFrom().filter(name::equals).isPresent()).toList();
  }

  /** Backups permanent per metadata.json. */
  public List<Backup> permanent() {
    return backups.stream().filter(Backup::isPermanent).toList();
  }

  /** The distinct system identifiers of the backups (unsigned, from sentinel or metadata). */
  public Set<Long> systemIdentifiers() {
    return backups.stream()
        .map(b -> b.sentinel().systemIdentifier())
        .filter(id -> id != null)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /** Backups grouped by full-backup root: each key a full backup name, each value its deltas. */
  public Map<String, List<Backup>> chains() {
    Map<String, List<Backup>> byFull = new HashMap<>();
    for (Backup b : backups) {
      String root = b.deltaFullName().orElse(b.name());
      byFull.computeIfAbsent(root, k -> new ArrayList<>()).add(b);
    }
    byFull.replaceAll((k, v) -> List.copyOf(v));
    return Map.copyOf(byFull);
  }
}
