package dev.patroni4j.examples.bench;

import dev.patroni4j.client.Sleeper;
import dev.patroni4j.client.Waiter;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.DcsClient;
import dev.patroni4j.client.dcs.FleetSnapshot;
import dev.patroni4j.dcs.consul.ConsulDcsClient;
import dev.patroni4j.dcs.etcd.EtcdDcsClient;
import dev.patroni4j.testkit.EtcdInstallation;
import dev.patroni4j.testkit.consul.ConsulTestServer;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * A fleet of Patroni clusters in one DCS namespace, read three ways side by side in one run, for 10 to 500
 * clusters, with medians and ratios:
 *
 * <ol>
 *   <li>the library: {@link DcsClient#fleet}, every cluster's typed snapshot at one revision (a cluster's values
 *       are decoded when it is first looked at);
 *   <li>the library with every cluster looked at: {@link DcsClient#fleet}, then each cluster's snapshot and its
 *       problems read, so that every value of the namespace is decoded;
 *   <li>the raw read it is built on: one etcd prefix range of the namespace through jetcd, or one recursive Consul
 *       KV read through OkHttp with the body read as a string;
 *   <li>cluster by cluster: {@link DcsClient#clusters} then one {@link DcsClient#snapshot} per cluster, what a tool
 *       without the fleet read does (one round trip per cluster).
 * </ol>
 *
 * The benchmark writes the clusters itself, in Patroni's key layout (config, initialize, leader, three members,
 * status, failover, history, sync, with values as Patroni 3.0.2 writes them), into a real etcd 3.5 and into the
 * test kit's Consul server. Run it with:
 *
 * <pre>
 * mvn -B -q -pl examples -am -DskipTests package
 * java -cp "examples/target/classes:examples/target/lib/*" dev.patroni4j.examples.bench.FleetReadBenchmark \
 *     [etcd|consul|both] [rounds]
 * </pre>
 *
 * <p>Not thread-safe; a program, not an API.
 */
public final class FleetReadBenchmark {
  private static final int[] FLEET_SIZES = {10, 50, 100, 250, 500};
  private static final String LIBRARY = "library";
  private static final String DECODED = "decoded";
  private static final String RAW = "raw";
  private static final String PER_CLUSTER = "per cluster";
  private static final MediaType TEXT = MediaType.get("text/plain");

  private FleetReadBenchmark() {}

  public static void main(String[] args) throws Exception {
    String store = args.length > 0 ? args[0] : "both";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    if (store.equals("etcd") || store.equals("both")) {
      etcd(rounds);
    }
    if (store.equals("consul") || store.equals("both")) {
      consul(rounds);
    }
  }

  private static void etcd(int rounds) throws Exception {
    Path dir = Files.createTempDirectory("p4j-fleet-etcd");
    int clientPort = freePort();
    int peerPort = freePort();
    String client = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    Path binary = EtcdInstallation.of("3.5").requireInstalled().etcd();
    Process etcd = new ProcessBuilder(binary.toString(), "--name", "fleet", "--data-dir", dir.resolve("data").toString(),
        "--listen-client-urls", client, "--advertise-client-urls", client, "--listen-peer-urls", peer,
        "--initial-advertise-peer-urls", peer, "--initial-cluster", "fleet=" + peer, "--log-level", "error")
        .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile()).start();
    try (Client raw = Client.builder().endpoints(URI.create(client)).build();
        DcsClient dcs = EtcdDcsClient.builder().endpoint(URI.create(client)).requestTimeout(Duration.ofSeconds(30)).build()) {
      KV kv = raw.getKVClient();
      awaitEtcd(kv);
      run("etcd " + EtcdInstallation.of("3.5").version(), rounds, dcs,
          (key, value) -> join(kv.put(bytes(key), bytes(value))),
          namespace -> () -> rawRange(kv, namespace + "/"),
          "raw prefix range (jetcd)");
    } finally {
      etcd.destroy();
      etcd.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static void consul(int rounds) throws Exception {
    try (ConsulTestServer server = ConsulTestServer.builder().start();
        DcsClient dcs = ConsulDcsClient.builder().endpoint(server.uri()).requestTimeout(Duration.ofSeconds(30)).build()) {
      OkHttpClient http = new OkHttpClient();
      run("the test kit's Consul server", rounds, dcs,
          (key, value) -> consulPut(http, server.uri(), key, value),
          namespace -> () -> consulRecurse(http, server.uri(), namespace.substring(1) + "/"),
          "raw recursive read (OkHttp, body as a string)");
    }
  }

  private static void run(String store, int rounds, DcsClient dcs, BiConsumer<String, String> put,
      java.util.function.Function<String, Supplier<Object>> rawRead, String rawName) {
    System.out.printf(Locale.ROOT, "%s: medians of %d rounds (p10 .. p90), ratio to the raw read%n", store, rounds);
    System.out.printf(Locale.ROOT, "  %8s %6s  %-44s %-44s %-44s %-44s%n", "clusters", "keys", "library fleet()",
        "fleet(), every cluster decoded", rawName, "clusters() + one snapshot() each");
    double firstRaw = 0;
    double firstLibrary = 0;
    for (int size : FLEET_SIZES) {
      String namespace = "/fleet-" + size;
      int keys = writeFleet(put, namespace, size);
      FleetSnapshot check = dcs.fleet(namespace);
      if (check.clusters().size() != size || check.clusters().values().stream().anyMatch(c -> !c.problems().isEmpty())) {
        throw new IllegalStateException("fleet of " + size + " read back as " + check.clusters().size() + " clusters");
      }
      Map<String, Supplier<Object>> contenders = new LinkedHashMap<>();
      contenders.put(LIBRARY, () -> dcs.fleet(namespace));
      contenders.put(DECODED, () -> {
        FleetSnapshot fleet = dcs.fleet(namespace);
        int problems = 0;
        for (var c : fleet.clusters().values()) {
          problems += c.problems().size();
        }
        return problems == 0 ? fleet : "problems: " + problems;
      });
      contenders.put(RAW, rawRead.apply(namespace));
      contenders.put(PER_CLUSTER, () -> {
        List<Object> all = new ArrayList<>();
        for (String scope : dcs.clusters(namespace)) {
          all.add(dcs.snapshot(ClusterRef.of(namespace, scope)));
        }
        return all;
      });
      Map<String, List<Long>> times = measure(contenders, rounds, size <= 100 ? 30 : 10);
      double library = SideBySide.median(SideBySide.entry(times, LIBRARY));
      double decoded = SideBySide.median(SideBySide.entry(times, DECODED));
      double raw = SideBySide.median(SideBySide.entry(times, RAW));
      double perCluster = SideBySide.median(SideBySide.entry(times, PER_CLUSTER));
      if (firstRaw == 0) {
        firstRaw = raw;
        firstLibrary = library;
      }
      System.out.printf(Locale.ROOT, "  %8d %6d  %-44s %-44s %-44s %-44s%n", size, keys,
          cell(SideBySide.entry(times, LIBRARY), raw), cell(SideBySide.entry(times, DECODED), raw),
          cell(SideBySide.entry(times, RAW), raw), cell(SideBySide.entry(times, PER_CLUSTER), raw));
      System.out.printf(Locale.ROOT, "  %8s %6s  library/raw x%.2f, decoded/raw x%.2f, per-cluster/library x%.1f; growth"
          + " since 10 clusters: library x%.1f, raw x%.1f, keys x%.0f%n", "", "", library / raw, decoded / raw,
          perCluster / library,
          library / firstLibrary, raw / firstRaw, keys / (double) (FLEET_SIZES[0] * keysPerCluster()));
    }
  }

  private static String cell(List<Long> times, double raw) {
    return String.format(Locale.ROOT, "%8.3f ms (%7.3f .. %8.3f) x%.2f", SideBySide.median(times) / 1e6,
        SideBySide.percentile(times, 10) / 1e6, SideBySide.percentile(times, 90) / 1e6,
        SideBySide.median(times) / raw);
  }

  private static Map<String, List<Long>> measure(Map<String, Supplier<Object>> contenders, int rounds, int warmUp) {
    // The warm-up results are only kept so that the JIT cannot drop the calls.
    List<Object> results = new ArrayList<>();
    for (int i = 0; i < warmUp; i++) {
      contenders.values().forEach(c -> results.add(c.get()));
    }
    if (results.size() != warmUp * contenders.size()) {
      throw new IllegalStateException("warm-up lost calls");
    }
    return SideBySide.rounds(contenders, rounds);
  }

  private static int keysPerCluster() {
    return 10;
  }

  /** Patroni 3.0.2's keys for one three-member cluster, values as it writes them. */
  private static int writeFleet(BiConsumer<String, String> put, String namespace, int size) {
    int keys = 0;
    for (int c = 0; c < size; c++) {
      String scope = "cluster-" + c;
      String prefix = namespace + "/" + scope + "/";
      String sysid = Long.toString(7000000000000000000L + c);
      put.accept(prefix + "config", "{\"ttl\":30,\"loop_wait\":10,\"retry_timeout\":10,\"maximum_lag_on_failover\":1048576,"
          + "\"postgresql\":{\"use_pg_rewind\":true,\"parameters\":{\"max_connections\":100,\"wal_level\":\"replica\","
          + "\"hot_standby\":\"on\",\"max_wal_senders\":10,\"max_replication_slots\":10,\"wal_log_hints\":\"on\"}}}");
      put.accept(prefix + "initialize", sysid);
      put.accept(prefix + "leader", "pg1");
      for (int m = 1; m <= 3; m++) {
        int port = 5432 + m;
        put.accept(prefix + "members/pg" + m, "{\"conn_url\":\"postgres://10.0." + (c % 250) + "." + m + ":" + port
            + "/postgres\",\"api_url\":\"http://10.0." + (c % 250) + "." + m + ":8008/patroni\",\"state\":\"running\","
            + "\"role\":\"" + (m == 1 ? "master" : "replica") + "\",\"version\":\"3.0.2\",\"xlog_location\":"
            + (50331648 + m) + ",\"timeline\":1" + (m == 1 ? "" : ",\"replication_state\":\"streaming\"") + "}");
      }
      put.accept(prefix + "status", "{\"optime\":50331648,\"slots\":{\"pg2\":50331648,\"pg3\":50331648}}");
      put.accept(prefix + "failover", "{}");
      put.accept(prefix + "history", "[[1,25165984,\"no recovery target specified\",\"2026-12-02T10:00:00.000+00:00\",\"pg2\"]]");
      put.accept(prefix + "sync", "{\"leader\":null,\"sync_standby\":null}");
      keys += keysPerCluster();
    }
    return keys;
  }

  private static GetResponse rawRange(KV kv, String prefix) {
    return join(kv.get(bytes(prefix), GetOption.builder().isPrefix(true).build()));
  }

  private static void awaitEtcd(KV kv) {
    Waiter.polling(Duration.ofMillis(200), Clock.systemUTC(), Sleeper.system())
        .until("etcd to answer", Duration.ofSeconds(60), remaining -> {
          try {
            kv.get(bytes("/probe")).get(2, TimeUnit.SECONDS);
            return Waiter.Attempt.done(Boolean.TRUE);
          } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return Waiter.Attempt.pending(e.toString());
          }
        });
  }

  private static void consulPut(OkHttpClient http, URI base, String key, String value) {
    Request request = new Request.Builder().url(base.resolve("/v1/kv/" + key.substring(1)).toString())
        .put(RequestBody.create(value, TEXT)).build();
    try (Response response = http.newCall(request).execute()) {
      if (response.code() != 200) {
        throw new IllegalStateException("PUT " + key + " answered " + response.code());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String consulRecurse(OkHttpClient http, URI base, String prefix) {
    Request request = new Request.Builder().url(base.resolve("/v1/kv/" + prefix + "?recurse&consistent").toString()).build();
    try (Response response = http.newCall(request).execute()) {
      ResponseBody body = response.body();
      if (response.code() != 200 || body == null) {
        throw new IllegalStateException("GET " + prefix + " answered " + response.code());
      }
      return body.string();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> T join(java.util.concurrent.CompletableFuture<T> future) {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
