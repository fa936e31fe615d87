package dev.patroni4j.walg;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.ConfirmationRefusedException;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.walg.internal.IntegrityScanner;
import dev.patroni4j.walg.internal.InvalidDocumentException;
import dev.patroni4j.walg.internal.Lz4Frames;
import dev.patroni4j.walg.internal.RetentionPlanner;
import dev.patroni4j.walg.internal.WalArchiveBuilder;
import dev.patroni4j.walg.internal.WalKeys;
import dev.patroni4j.walg.internal.WalgDocuments;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A WAL-G repository read straight from S3: its backups ({@link #catalog()}), its WAL ({@link
 * #walArchive()}), integrity ({@link #verifyIntegrity}), retention plans ({@link #planRetention})
 * and confirmed deletes ({@link #delete}). Listings stream page by page; memory does not grow with
 * the number of WAL objects.
 *
 * <p>Thread-safe and meant to be shared: one repository serves any number of threads over one pool of
 * connections. Close it to release them. It is configured by {@link WalgS3Settings} alone; the S3 client
 * underneath (the AWS SDK's) is not exposed.
 *
 * <pre>{@code
 * import dev.patroni4j.walg.RetentionPolicy.Modifier;
 * // given: Path path; String typedByOperator;
 * try (WalgRepository repo = WalgRepository.builder(WalgS3Settings.fromWalgConfigFile(path)).build()) {
 *   BackupCatalog catalog = repo.catalog();
 *   DeletionPlan plan = repo.planRetention(RetentionPolicy.retain(Modifier.FULL, 7));
 *   plan.keys().forEach(System.out::println);                // dry run
 *   repo.delete(plan, Confirmation.of(typedByOperator));     // deletes exactly those keys
 * }
 * }</pre>
 */
public final class WalgRepository implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(WalgRepository.class.getName());
  private static final int MAX_HISTORY_BYTES = 1 << 20;

  private final WalgS3Settings settings;
  private final S3Client s3;

  private WalgRepository(WalgS3Settings settings, S3Client s3) {
    this.settings = settings;
    this.s3 = s3;
  }

  /** A builder for the repository these settings describe. */
  public static Builder builder(WalgS3Settings settings) {
    return new Builder(settings);
  }

  /** The settings it was built with. */
  public WalgS3Settings settings() {
    return settings;
  }

  // ---------------------------------------------------------------- backups

  /**
   * Lists {@code basebackups_005/} one level deep, reads every sentinel and {@code metadata.json}
   * (never {@code files_metadata.json}), and returns complete backups in WAL-G's LATEST order,
   * incomplete backup folders, and every key it could not use, each with the reason.
   */
  public BackupCatalog catalog() {
    List<S3Object> sentinels = new ArrayList<>();
    List<String> folders = new ArrayList<>();
    List<RepositoryProblem> problems = new ArrayList<>();
    String prefix = settings.key(WalKeys.BASEBACKUPS);
    list(prefix, true, o -> {
      String name = o.key().substring(prefix.length());
      if (name.endsWith(WalKeys.SENTINEL_SUFFIX)) {
        if (WalKeys.isBackupName(WalKeys.backupNameOfSentinel(name))) {
          sentinels.add(o);
        } else {
          problems.add(new RepositoryProblem(o.key(), RepositoryProblem.Kind.NOT_WALG_KEY,
              "sentinel name '" + WalKeys.backupNameOfSentinel(name) + "' is not a WAL-G backup name"));
        }
      } else if (!name.isEmpty()) {
        problems.add(new RepositoryProblem(o.key(), RepositoryProblem.Kind.NOT_WALG_KEY, "unexpected object in basebackups_005/"));
      }
    }, p -> folders.add(p.substring(prefix.length(), p.length() - 1)));

    List<Loaded> loaded = parallel(sentinels, this::load);
    List<Backup> backups = new ArrayList<>();
    for (Loaded l : loaded) {
      problems.addAll(l.problems);
      if (l.backup != null) {
        backups.add(l.backup);
      }
    }
    // WAL-G: listing order (key order), then a stable sort by LastModified.
    backups.sort(Comparator.comparing(Backup::lastModified));

    Set<String> sentinelNames = new HashSet<>();
    sentinels.forEach(s -> sentinelNames.add(WalKeys.backupNameOfSentinel(s.key().substring(prefix.length()))));
    List<IncompleteBackup> incomplete = new ArrayList<>();
    for (String folder : folders) {
      if (sentinelNames.contains(folder)) {
        continue; // its sentinel was listed, even if unusable (reported above)
      }
      if (!WalKeys.isBackupName(folder)) {
        problems.add(new RepositoryProblem(prefix + folder + "/", RepositoryProblem.Kind.NOT_WALG_KEY,
            "folder '" + folder + "' is not a WAL-G backup name"));
        continue;
      }
      long[] stats = new long[2];
      Instant[] newest = {Instant.EPOCH};
      list(prefix + folder + "/", false, o -> {
        stats[0]++;
        stats[1] += o.size();
        if (o.lastModified().isAfter(newest[0])) {
          newest[0] = o.lastModified();
        }
      }, p -> {});
      incomplete.add(new IncompleteBackup(folder, prefix + folder + "/", stats[0], stats[1], newest[0]));
    }
    if (backups.stream().map(b -> b.sentinel().systemIdentifier()).filter(Objects::nonNull).distinct().count() > 1) {
      problems.add(new RepositoryProblem(prefix, RepositoryProblem.Kind.MIXED_CLUSTERS,
          "backups of several clusters (system identifiers) share this prefix, as after pg_upgrade: name order is not time order"));
    }
    return new BackupCatalog(backups, incomplete, problems);
  }

  private record Loaded(@Nullable Backup backup, List<RepositoryProblem> problems) {}

  private Loaded load(S3Object sentinelObject) {
    String key = sentinelObject.key();
    String fileName = key.substring(key.lastIndexOf('/') + 1);
    String name = WalKeys.backupNameOfSentinel(fileName);
    List<RepositoryProblem> problems = new ArrayList<>();
    BackupSentinel sentinel;
    try (InputStream in = get(key).orElse(null)) {
      if (in == null) {
        return new Loaded(null, List.of()); // deleted since listed
      }
      sentinel = WalgDocuments.sentinel(in);
    } catch (InvalidDocumentException e) {
      return new Loaded(null, List.of(new RepositoryProblem(key, e.kind(), Objects.requireNonNullElse(e.getMessage(), e.toString()))));
    } catch (IOException e) {
      throw new WalgStorageException("GetObject", key, e);
    }
    BackupMetadata metadata = null;
    String metadataKey = settings.key(WalKeys.BASEBACKUPS + name + "/" + WalKeys.METADATA);
    try (InputStream in = get(metadataKey).orElse(null)) {
      if (in != null) {
        metadata = WalgDocuments.metadata(in);
      }
    } catch (InvalidDocumentException e) {
      problems.add(new RepositoryProblem(metadataKey, RepositoryProblem.Kind.INVALID_METADATA, Objects.requireNonNullElse(e.getMessage(), e.toString())));
    } catch (IOException e) {
      throw new WalgStorageException("GetObject", metadataKey, e);
    }
    Optional<WalSegment> start = WalSegment.tryParse(name.substring(5, 29), settings.walSegmentSize());
    if (start.isEmpty()) {
      return new Loaded(null, List.of(new RepositoryProblem(key, RepositoryProblem.Kind.NOT_WALG_KEY,
          "'" + name + "' does not name a WAL segment for " + settings.walSegmentSize() + "-byte segments (WALG_PG_WAL_SIZE?)")));
    }
    return new Loaded(new Backup(name, key, sentinelObject.lastModified(), start.get(), sentinel, metadata), problems);
  }

  // ---------------------------------------------------------------- WAL

  /** Lists {@code wal_005/} once, streaming, and summarises it per timeline. */
  public WalArchive walArchive() {
    String prefix = settings.key(WalKeys.WAL);
    WalArchiveBuilder builder = new WalArchiveBuilder(settings.walSegmentSize());
    list(prefix, true, o -> builder.add(o.key(), o.key().substring(prefix.length()), o.size()),
        builder::addUnexpectedFolder);
    return builder.build();
  }

  /**
   * The records of {@code TTTTTTTT.history} for {@code timeline}: empty when there is none (timeline
   * 1). Reads uncompressed and lz4 histories.
   *
   * @throws UnsupportedOperationException naming the key, for other compressions
   * @throws IllegalArgumentException naming the key and line, for a corrupt history
   */
  public Optional<List<TimelineSwitch>> timelineHistory(long timeline) {
    String name = String.format(Locale.ROOT, "%08X.history", timeline);
    String prefix = settings.key(WalKeys.WAL + name);
    List<String> keys = new ArrayList<>();
    list(prefix, true, o -> keys.add(o.key()), p -> {});
    for (String key : keys) {
      String ext = key.substring(prefix.length());
      if (!ext.isEmpty() && !ext.equals(".") && !ext.equals(".lz4")) {
        continue;
      }
      try (InputStream in = get(key).orElse(null)) {
        if (in == null) {
          continue;
        }
        byte[] bytes = in.readNBytes(MAX_HISTORY_BYTES);
        if (ext.equals(".lz4")) {
          bytes = Lz4Frames.decode(bytes, MAX_HISTORY_BYTES);
        }
        return Optional.of(TimelineHistories.parse(new String(bytes, StandardCharsets.UTF_8), key));
      } catch (IOException | IllegalStateException e) {
        throw new IllegalArgumentException(key + ": unreadable timeline history: " + e.getMessage(), e);
      }
    }
    if (!keys.isEmpty()) {
      throw new UnsupportedOperationException(keys.get(0) + ": only uncompressed and lz4 timeline histories can be read");
    }
    return Optional.empty();
  }

  /** {@link #verifyIntegrity(BackupCatalog, WalArchive, IntegrityOptions)} on fresh listings. */
  public WalIntegrityReport verifyIntegrity(IntegrityOptions options) {
    return verifyIntegrity(catalog(), walArchive(), options);
  }

  /**
   * What {@code wal-verify integrity} reports, from listings already made. Without {@link
   * IntegrityOptions#current()} the scan starts after the newest segment of the highest timeline.
   */
  public WalIntegrityReport verifyIntegrity(BackupCatalog catalog, WalArchive archive, IntegrityOptions options) {
    WalSegment current = options.findCurrent().orElseGet(() -> archive.highestTimeline()
        .flatMap(WalTimeline::lastSegment)
        .map(s -> new WalSegment(s.timeline(), s.number() + 1))
        .orElse(new WalSegment(1, 1)));
    List<RepositoryProblem> problems = new ArrayList<>();
    List<TimelineSwitch> history = List.of();
    try {
      history = timelineHistory(current.timeline()).orElse(List.of());
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      problems.add(new RepositoryProblem(settings.key(WalKeys.WAL), RepositoryProblem.Kind.UNREADABLE_HISTORY, Objects.requireNonNullElse(e.getMessage(), e.toString())));
    }
    return IntegrityScanner.scan(archive, catalog.backups(), current, history, options, problems);
  }

  // ---------------------------------------------------------------- retention

  /** {@link #planRetention(RetentionPolicy, RetentionPolicy.Order)} in WAL-G's default order. */
  public DeletionPlan planRetention(RetentionPolicy policy) {
    return planRetention(policy, RetentionPolicy.Order.NAME);
  }

  /**
   * The exact keys WAL-G's {@code delete <policy> --confirm} would delete, without deleting:
   * streams a recursive listing of the whole root and keeps only the matching keys.
   *
   * @throws RetentionException where WAL-G would refuse, or when backups of several clusters share
   *     the prefix and {@code order} is NAME
   */
  public DeletionPlan planRetention(RetentionPolicy policy, RetentionPolicy.Order order) {
    return planRetention(catalog(), policy, order);
  }

  /** Plans against a catalog already read (the listing of objects is still fresh). */
  public DeletionPlan planRetention(BackupCatalog catalog, RetentionPolicy policy, RetentionPolicy.Order order) {
    RetentionPlanner planner = new RetentionPlanner(catalog, settings.walSegmentSize(), order);
    String root = settings.key("");
    return planner.plan(policy, consumer ->
        list(root, false, o -> consumer.accept(o.key().substring(root.length()), o.key()), p -> {}));
  }

  /**
   * Deletes exactly the keys of {@code plan}, sentinels first (so no half-deleted backup is ever
   * listed as complete), in batches of {@code S3_DELETE_BATCH_SIZE}.
   *
   * @param confirmation must confirm {@code plan} ({@link DeletionPlan#confirmationToken()});
   *     otherwise nothing is sent and {@link ConfirmationRefusedException} is thrown
   * @throws WalgStorageException when a batch request fails: earlier batches were applied, this one
   *     may have been; list again before retrying
   */
  public DeletionResult delete(DeletionPlan plan, Confirmation confirmation) {
    confirmation.check("delete", plan);
    List<String> ordered = new ArrayList<>(plan.keys());
    ordered.sort(Comparator.comparing((String k) -> !k.endsWith(WalKeys.SENTINEL_SUFFIX)));
    List<String> deleted = new ArrayList<>();
    List<DeletionResult.Failure> failed = new ArrayList<>();
    for (int i = 0; i < ordered.size(); i += settings.deleteBatchSize()) {
      List<String> batch = ordered.subList(i, Math.min(ordered.size(), i + settings.deleteBatchSize()));
      DeleteObjectsResponse response;
      try {
        response = s3.deleteObjects(r -> r.bucket(settings.bucket()).delete(Delete.builder()
            .objects(batch.stream().map(k -> ObjectIdentifier.builder().key(k).build()).toList())
            .quiet(false).build()));
      } catch (SdkException e) {
        throw new WalgStorageException("DeleteObjects", batch.get(0), e);
      }
      response.deleted().forEach(d -> deleted.add(d.key()));
      for (S3Error e : response.errors()) {
        failed.add(new DeletionResult.Failure(e.key(), String.valueOf(e.code()), String.valueOf(e.message())));
      }
    }
    LOG.log(System.Logger.Level.INFO, "deleted {0} keys for ''{1}'', {2} failed", deleted.size(), plan.policy().toWalgArguments(), failed.size());
    return new DeletionResult(deleted, failed);
  }

  @Override
  public void close() {
    s3.close();
  }

  // ---------------------------------------------------------------- S3 plumbing

  private void list(String prefix, boolean oneLevel, Consumer<S3Object> objects, Consumer<String> folders) {
    ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(settings.bucket()).prefix(prefix);
    if (oneLevel) {
      request.delimiter("/");
    }
    try {
      for (ListObjectsV2Response page : s3.listObjectsV2Paginator(request.build())) {
        for (S3Object o : page.contents()) {
          objects.accept(o);
        }
        for (CommonPrefix p : page.commonPrefixes()) {
          folders.accept(p.prefix());
        }
      }
    } catch (SdkException e) {
      throw new WalgStorageException("ListObjectsV2", prefix, e);
    }
  }

  private Optional<InputStream> get(String key) {
    GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(settings.bucket()).key(key);
    settings.sseCustomerKey().ifPresent(k -> request.sseCustomerAlgorithm("AES256")
        .sseCustomerKey(Base64.getEncoder().encodeToString(k))
        .sseCustomerKeyMD5(Base64.getEncoder().encodeToString(md5(k))));
    try {
      ResponseInputStream<GetObjectResponse> in = s3.getObject(request.build());
      return Optional.of(in);
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw new WalgStorageException("GetObject", key, e);
    }
  }

  private <T, R> List<R> parallel(List<T> items, java.util.function.Function<T, R> work) {
    if (items.isEmpty()) {
      return List.of();
    }
    int threads = Math.min(settings.downloadConcurrency(), items.size());
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "walg-catalog-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<R>> futures = new ArrayList<>(items.size());
      for (T item : items) {
        futures.add(pool.submit(() -> work.apply(item)));
      }
      List<R> out = new ArrayList<>(items.size());
      for (Future<R> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WalgStorageException("GetObject", settings.key(WalKeys.BASEBACKUPS), e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new WalgStorageException("GetObject", settings.key(WalKeys.BASEBACKUPS),
          Objects.requireNonNullElse(e.getCause(), e));
    } finally {
      pool.shutdownNow();
    }
  }

  private static byte[] md5(byte[] key) {
    try {
      return MessageDigest.getInstance("MD5").digest(key);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Builds a {@link WalgRepository} from its {@link WalgS3Settings}.
   *
   * <pre>{@code
   * WalgS3Settings settings = WalgS3Settings.builder("s3://backups/prod/pg1")
   *     .region("eu-central-1").credentials(S3Credentials.defaultChain()).build();
   * try (WalgRepository repo = WalgRepository.builder(settings).build()) {
   *   WalArchive wal = repo.walArchive();
   * }
   * }</pre>
   *
   * <p>Not thread-safe; the repository it builds is.
   */
  public static final class Builder {
    private final WalgS3Settings settings;

    private Builder(WalgS3Settings settings) {
      this.settings = Objects.requireNonNull(settings, "settings == null");
    }

    /** A repository with an S3 client of its own, built from the settings; nothing is sent yet. */
    public WalgRepository build() {
      return new WalgRepository(settings, AwsSdk.client(settings));
    }
  }

  /** Parses timeline history text. */
  static final class TimelineHistories {
    private TimelineHistories() {}

    static List<TimelineSwitch> parse(String text, String key) {
      List<TimelineSwitch> out = new ArrayList<>();
      int lineNo = 0;
      for (String line : text.split("\n", -1)) {
        lineNo++;
        String l = line.strip();
        if (l.isEmpty() || l.startsWith("#")) {
          continue;
        }
        String[] f = l.split("\\s+", 3);
        if (f.length < 2) {
          throw new IllegalArgumentException(key + " line " + lineNo + ": expected 'parentTLI<TAB>switchLSN<TAB>reason'");
        }
        try {
          out.add(new TimelineSwitch(Long.parseLong(f[0]), Lsn.parse(f[1]), f.length > 2 ? f[2] : ""));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(key + " line " + lineNo + ": " + e.getMessage(), e);
        }
      }
      return out;
    }
  }
}
