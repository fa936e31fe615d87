package dev.patroni4j.walg.bench;

import dev.patroni4j.walg.BackupCatalog;
import dev.patroni4j.walg.S3ProxyServer;
import dev.patroni4j.walg.WalArchive;
import dev.patroni4j.walg.WalSegment;
import dev.patroni4j.walg.WalgRepository;
import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

/**
 * Benchmark (not a test): the library's full catalog (backups with every sentinel and metadata.json,
 * plus the WAL summary) against raw ListObjectsV2 paging of the same prefix, on one S3Proxy server,
 * side by side in one run: medians of wall time over several alternating runs; heap per run as the
 * peak of heap used (sampled every millisecond with {@link MemoryMXBean}: live data plus garbage not
 * yet collected), the peak live heap (heap used after each GC during the run, from GC
 * notifications) and what stays reachable from the result afterwards.
 *
 * <p>Run from the repository root:
 *
 * <pre>
 * mvn -B -q -pl walg-s3 -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * java -Xmx128m -cp walg-s3/target/test-classes:walg-s3/target/classes:$(cat walg-s3/target/bench.cp) \
 *     dev.patroni4j.walg.bench.CatalogBenchmark [walObjects=100000] [backups=1000] [runs=3] [keepKeys=false]
 * </pre>
 */
public final class CatalogBenchmark {
  private static final long SEG = WalSegment.DEFAULT_SIZE;

  /** Heap used after the largest GC seen while recording, over heap pools only. */
  static final AtomicLong MAX_LIVE_AFTER_GC = new AtomicLong();
  static volatile boolean recording;

  static void listenToGcs() {
    Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc).addNotificationListener((n, handback) -> {
        if (recording && n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
          GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
          long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
              .filter(e -> heapPools.contains(e.getKey())).mapToLong(e -> e.getValue().getUsed()).sum();
          MAX_LIVE_AFTER_GC.accumulateAndGet(used, Math::max);
        }
      }, null, null);
    }
  }

  public static void main(String[] args) throws Exception {
    listenToGcs();
    int walObjects = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int backups = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    // S3Proxy 4.1's in-memory store sorts the whole folder for every listing page, so each full listing of
    // 100k keys costs minutes on 2 cores: the "raw paging, keeping keys" variant is opt-in
    boolean keepKeys = args.length > 3 && Boolean.parseBoolean(args[3]);
    Path target = Files.isDirectory(Paths.get("walg-s3/target")) ? Paths.get("walg-s3/target") : Paths.get("target");
    S3ProxyServer server = S3ProxyServer.start(target, "3g", false);
    try (S3Client s3 = server.client()) {
      String bucket = "bench";
      s3.createBucket(b -> b.bucket(bucket));
      long fillStart = System.nanoTime();
      long objects = fill(s3, bucket, "big/pg", walObjects, backups);
      long small = fill(s3, bucket, "small/pg", walObjects / 10, backups / 10);
      System.out.printf(Locale.ROOT, "filled %d + %d objects in %.1f s%n", objects, small, (System.nanoTime() - fillStart) / 1e9);

      try (WalgRepository big = WalgRepository.builder(server.settings(bucket, "big/pg")).build();
          WalgRepository smaller = WalgRepository.builder(server.settings(bucket, "small/pg")).build()) {
        Supplier<Object> library = () -> List.of(big.catalog(), big.walArchive());
        Supplier<Object> librarySmall = () -> List.of(smaller.catalog(), smaller.walArchive());
        Supplier<Object> raw = () -> {
          long n = 0;
          for (ListObjectsV2Response page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix("big/pg/"))) {
            n += page.keyCount();
          }
          return n;
        };
        Supplier<Object> rawKeepingKeys = () -> {
          List<String> keys = new ArrayList<>();
          s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix("big/pg/")).contents().forEach(o -> keys.add(o.key()));
          return keys;
        };
        // warm-up, and a check that both sides see the same repository
        @SuppressWarnings("unchecked")
        List<Object> warm = (List<Object>) library.get();
        BackupCatalog warmCatalog = (BackupCatalog) warm.get(0);
        WalArchive warmWal = (WalArchive) warm.get(1);
        long rawCount = (Long) raw.get();
        if (warmWal.objectCount() + warmCatalog.backups().size() * 4L != rawCount || warmCatalog.backups().size() != backups) {
          throw new IllegalStateException("library saw " + warmWal.objectCount() + " WAL objects and " + warmCatalog.backups().size()
              + " backups, raw listing " + rawCount + " objects");
        }
        System.out.println("warm-up done; both sides see " + rawCount + " objects");
        Measure lib = new Measure("library catalog (backups+metadata+WAL summary), " + objects + " objects");
        Measure libSmall = new Measure("library catalog, 10x smaller repository (" + small + " objects)");
        Measure rawPaging = new Measure("raw ListObjectsV2 paging, same prefix");
        Measure rawKeys = new Measure("raw ListObjectsV2 paging, keeping the keys in a list");
        for (int i = 0; i < runs; i++) {
          lib.run(library);
          rawPaging.run(raw);
          libSmall.run(librarySmall);
          if (keepKeys) {
            rawKeys.run(rawKeepingKeys);
          }
          System.out.println("run " + (i + 1) + "/" + runs + " done");
        }
        System.out.println();
        for (Measure m : keepKeys ? List.of(lib, rawPaging, rawKeys, libSmall) : List.of(lib, rawPaging, libSmall)) {
          System.out.println(m.report());
        }
        System.out.printf(Locale.ROOT, "%nratio time library/raw paging: %.2f%n", lib.medianMillis() / rawPaging.medianMillis());
        System.out.printf(Locale.ROOT, "ratio heap used peak library/raw paging: %.2f%n", lib.medianPeakMb() / rawPaging.medianPeakMb());
        System.out.printf(Locale.ROOT, "ratio live peak library/raw paging: %.2f%n", lib.medianLiveMb() / rawPaging.medianLiveMb());
        System.out.printf(Locale.ROOT, "ratio live peak library 10x objects / library: %.2f%n", lib.medianLiveMb() / libSmall.medianLiveMb());
        if (keepKeys) {
          System.out.printf(Locale.ROOT, "ratio peak heap library/raw keeping keys: %.2f%n", lib.medianPeakMb() / rawKeys.medianPeakMb());
          System.out.printf(Locale.ROOT, "ratio retained heap library/raw keeping keys: %.3f%n", lib.medianRetainedMb() / rawKeys.medianRetainedMb());
        }
        System.out.printf(Locale.ROOT, "ratio peak heap library 10x objects / library: %.2f%n", lib.medianPeakMb() / libSmall.medianPeakMb());
        System.out.printf(Locale.ROOT, "ratio retained heap library 10x objects / library: %.2f%n", lib.medianRetainedMb() / libSmall.medianRetainedMb());
      }
    } finally {
      server.stop();
    }
  }

  /** WAL-G layout: {@code backups} full backups spread over the WAL, each with 4 objects; the rest WAL. */
  static long fill(S3Client s3, String bucket, String root, int walObjects, int backups) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(32);
    AtomicLong count = new AtomicLong();
    List<Future<?>> futures = new ArrayList<>();
    int chunk = 1000;
    for (int start = 0; start < walObjects; start += chunk) {
      int from = start;
      int to = Math.min(walObjects, start + chunk);
      futures.add(pool.submit(() -> {
        for (int i = from; i < to; i++) {
          String name = new WalSegment(1, i + 1).fileName(SEG);
          put(s3, bucket, root + "/wal_005/" + name + ".lz4", "w");
          count.incrementAndGet();
        }
        return null;
      }));
    }
    for (int b = 0; b < backups; b++) {
      long segNo = 1 + (long) b * Math.max(1, walObjects / Math.max(1, backups));
      int index = b;
      futures.add(pool.submit(() -> {
        String name = "base_" + new WalSegment(1, segNo).fileName(SEG);
        long lsn = segNo * SEG + 0x28;
        Instant t = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(3600L * index);
        String dir = root + "/basebackups_005/" + name + "/";
        put(s3, bucket, dir + "tar_partitions/part_001.tar.lz4", "tar");
        put(s3, bucket, dir + "metadata.json", "{\"start_time\":\"" + t + "\",\"finish_time\":\"" + t.plusSeconds(30)
            + "\",\"date_fmt\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"hostname\":\"h\",\"data_dir\":\"/d\",\"pg_version\":150015,\"start_lsn\":" + lsn
            + ",\"finish_lsn\":" + (lsn + 0x100) + ",\"is_permanent\":false,\"system_identifier\":7507672962298572862,\"uncompressed_size\":1,\"compressed_size\":1}");
        put(s3, bucket, dir + "files_metadata.json", "{\"Files\":{}}");
        put(s3, bucket, root + "/basebackups_005/" + name + "_backup_stop_sentinel.json", "{\"LSN\":" + lsn
            + ",\"PgVersion\":150015,\"FinishLSN\":" + (lsn + 0x100) + ",\"SystemIdentifier\":7507672962298572862,\"UncompressedSize\":1,"
            + "\"CompressedSize\":1,\"ChkpNum\":null,\"Version\":2,\"StartTime\":\"" + t + "\",\"FinishTime\":\"" + t.plusSeconds(30)
            + "\",\"DateFmt\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"Hostname\":\"h\",\"DataDir\":\"/d\",\"IsPermanent\":false}");
        count.addAndGet(4);
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    return count.get();
  }

  private static void put(S3Client s3, String bucket, String key, String body) {
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(body));
  }

  /** Wall time and peak heap growth (sampled every millisecond) of repeated runs. */
  static final class Measure {
    private final String name;
    private final List<Double> millis = new ArrayList<>();
    private final List<Double> peakMb = new ArrayList<>();
    private final List<Double> retainedMb = new ArrayList<>();
    private final List<Double> liveMb = new ArrayList<>();

    Measure(String name) {
      this.name = name;
    }

    void run(Supplier<Object> work) throws InterruptedException {
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      System.gc();
      Thread.sleep(100);
      long baseline = memory.getHeapMemoryUsage().getUsed();
      long[] peak = {baseline};
      boolean[] done = {false};
      Thread sampler = new Thread(() -> {
        while (!done[0]) {
          peak[0] = Math.max(peak[0], memory.getHeapMemoryUsage().getUsed());
          try {
            Thread.sleep(1);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      sampler.setDaemon(true);
      sampler.start();
      MAX_LIVE_AFTER_GC.set(baseline);
      recording = true;
      long start = System.nanoTime();
      Object result = work.get();
      long elapsed = System.nanoTime() - start;
      recording = false;
      done[0] = true;
      sampler.join();
      peak[0] = Math.max(peak[0], memory.getHeapMemoryUsage().getUsed());
      millis.add(elapsed / 1e6);
      peakMb.add((peak[0] - baseline) / 1024.0 / 1024.0);
      System.gc();
      Thread.sleep(100);
      // what the caller keeps: the result is still referenced here
      long retained = Math.max(0, memory.getHeapMemoryUsage().getUsed() - baseline);
      retainedMb.add(retained / 1024.0 / 1024.0);
      liveMb.add(Math.max(retained, MAX_LIVE_AFTER_GC.get() - baseline) / 1024.0 / 1024.0);
      if (result.hashCode() == 42) {
        System.out.print("");
      }
    }

    double medianLiveMb() {
      return median(liveMb);
    }

    double medianRetainedMb() {
      return median(retainedMb);
    }

    double medianMillis() {
      return median(millis);
    }

    double medianPeakMb() {
      return median(peakMb);
    }

    String report() {
      return String.format(Locale.ROOT, "%-72s median %8.1f ms  heap used peak +%6.1f MB  live peak +%6.2f MB  retained %6.2f MB"
          + "  (runs ms %s; used peak MB %s; live peak MB %s)",
          name, medianMillis(), medianPeakMb(), medianLiveMb(), medianRetainedMb(), fmt(millis), fmt(peakMb), fmt2(liveMb));
    }

    private static String fmt2(List<Double> v) {
      return v.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String fmt(List<Double> v) {
      return Arrays.toString(v.stream().mapToLong(Math::round).toArray());
    }

    private static double median(List<Double> values) {
      double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
  }
}
