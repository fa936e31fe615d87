package dev.patroni4j.config;

import dev.patroni4j.config.internal.YamlWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Configurations for comparing verdicts with {@code patroni --validate-config}: valid bases, every
 * key of them deleted or given a value of each other type in turn, and hand-written YAML quirks.
 */
final class ValidatorCorpus {
  record Case(String name, String yaml) {}

  private ValidatorCorpus() {}

  static final String BIN_DIR = "/usr/lib/postgresql/15/bin";

  static Map<String, Object> fullBase(int restPort, int pgPort, int dcsPort, Path dir) {
    return map(
        "scope", "batman",
        "namespace", "/service/",
        "name", "pg1",
        "restapi", map("listen", "127.0.0.1:" + restPort, "connect_address", "10.1.1.1:8008",
            "authentication", map("username", "admin", "password", "rest-secret")),
        "etcd3", map("hosts", "127.0.0.1:" + dcsPort),
        "bootstrap", map(
            "dcs", map("ttl", 30L, "loop_wait", 10L, "retry_timeout", 10L, "maximum_lag_on_failover", 1048576L,
                "postgresql", map("use_pg_rewind", true, "parameters", map("max_connections", 100L))),
            "initdb", List.of(map("encoding", "UTF8"), "data-checksums"),
            "pg_hba", List.of("host replication replicator 127.0.0.1/32 scram-sha-256")),
        "postgresql", map(
            "listen", "127.0.0.1:" + pgPort,
            "connect_address", "10.1.1.1:5432",
            "data_dir", dir.resolve("absent-data").toString(),
            "bin_dir", BIN_DIR,
            "pgpass", dir.resolve("pgpass").toString(),
            "authentication", map(
                "superuser", map("username", "postgres", "password", "su-secret"),
                "replication", map("username", "replicator", "password", "rep-secret"),
                "rewind", map("username", "rewind_user", "password", "rew-secret")),
            "parameters", map("unix_socket_directories", "/tmp"),
            "pg_hba", List.of("local all all trust", "host all all 0.0.0.0/0 scram-sha-256")),
        "watchdog", map("mode", "off"),
        "tags", map("nofailover", false, "noloadbalance", false, "clonefrom", false, "nosync", false));
  }

  static Map<String, Object> consulBase(int restPort, int pgPort, int dcsPort, Path dir) {
    return map(
        "scope", "robin",
        "name", "pg2",
        "log", map("level", "INFO", "dir", dir.toString()),
        "ctl", map("insecure", true),
        "restapi", map("listen", "127.0.0.1:" + restPort, "connect_address", "db2.example.com:8008"),
        "consul", map("host", "127.0.0.1:" + dcsPort, "register_service", true),
        "postgresql", map(
            "listen", "127.0.0.1:" + pgPort,
            "connect_address", "db2.example.com:5432",
            "data_dir", dir.resolve("absent-data2").toString(),
            "bin_dir", BIN_DIR,
            "authentication", map(
                "superuser", map("username", "postgres"),
                "replication", map("username", "replicator", "password", "rep-secret"))));
  }

  static final List<Object> WRONG_VALUES = List.of(5L, true, "text", List.of(), List.of("a"), map("a", 1L),
      "", 1.5, "30s", -1L);

  /** Every path of {@code base} deleted and set to each wrong value, plus the base itself. */
  static List<Case> mutations(String prefix, Map<String, Object> base) {
    List<Case> out = new ArrayList<>();
    out.add(new Case(prefix + "/base", YamlWriter.write(base)));
    for (List<String> path : paths(base, List.of())) {
      String p = String.join(".", path);
      out.add(new Case(prefix + "/delete " + p, YamlWriter.write(with(base, path, null, true))));
      for (Object v : WRONG_VALUES) {
        out.add(new Case(prefix + "/set " + p + " = " + YamlWriter.scalar(v),
            YamlWriter.write(with(base, path, v, false))));
      }
      out.add(new Case(prefix + "/null " + p, YamlWriter.write(with(base, path, null, false))));
    }
    return out;
  }

  /** Hand-written cases: YAML 1.1 quirks and checks that need the file system. */
  static List<Case> quirks(Map<String, Object> base, Path dir) throws IOException {
    List<Case> out = new ArrayList<>();
    String text = YamlWriter.write(base);
    out.add(new Case("quirk/watchdog mode off unquoted", text.replace("mode: 'off'", "mode: off")));
    out.add(new Case("quirk/tag nofailover yes", text.replace("nofailover: false", "nofailover: yes")));
    out.add(new Case("quirk/tag nofailover 'yes' quoted", text.replace("nofailover: false", "nofailover: 'yes'")));
    for (String ttl : List.of("30s", "'30'", "30.5", "true", "0x1E", "036", "0:30", "19", "20", "1e3", "1.0e+3")) {
      out.add(new Case("quirk/ttl " + ttl, text.replace("ttl: 30", "ttl: " + ttl)));
    }
    for (String v : List.of("30min", "'1h'", "-1", "10", "1d", "5GB", "0")) {
      out.add(new Case("quirk/member_slots_ttl " + v, text.replace("  initdb:", "  initdb:")
          .replace("    ttl: 30", "    member_slots_ttl: " + v + "\n    ttl: 30")));
    }
    for (String v : List.of("quorum", "Quorum", "on", "'true'", "maybe", "1")) {
      out.add(new Case("quirk/synchronous_mode " + v,
          text.replace("    ttl: 30", "    synchronous_mode: " + v + "\n    ttl: 30")));
    }
    out.add(new Case("quirk/nofailover and failover_priority",
        text.replace("nofailover: false", "nofailover: false\n  failover_priority: 1")));
    out.add(new Case("quirk/nosync and sync_priority",
        text.replace("nosync: false", "nosync: false\n  sync_priority: 1")));
    out.add(new Case("quirk/sync_priority alone", text.replace("nosync: false", "sync_priority: 2")));
    out.add(new Case("quirk/unknown dcs only", text.replaceAll("etcd3:\n  hosts: [^\n]*\n", "foodcs:\n  hosts: x\n")));
    out.add(new Case("quirk/two dcs", text.replaceAll("(etcd3:\n  hosts: [^\n]*\n)", "$1etcd:\n  host: nosuchhost:2379\n")));
    out.add(new Case("quirk/flow style", text.replace("watchdog:\n  mode: 'off'\n", "watchdog: {mode: 'off', device: /dev/watchdog}\n")));
    out.add(new Case("quirk/listen two hosts", text.replaceAll("(postgresql:\n  listen: )127\\.0\\.0\\.1", "$1127.0.0.1,localhost")));
    out.add(new Case("quirk/listen star", text.replaceAll("(postgresql:\n  listen: )127\\.0\\.0\\.1", "$1'*'")));
    out.add(new Case("quirk/listen no port", text.replaceAll("(postgresql:\n  listen: )127\\.0\\.0\\.1:\\d+", "$1127.0.0.1")));
    out.add(new Case("quirk/listen port 99999", text.replaceAll("(postgresql:\n  listen: 127\\.0\\.0\\.1:)\\d+", "$199999")));
    out.add(new Case("quirk/connect_address localhost", text.replace("connect_address: 10.1.1.1:5432", "connect_address: localhost:5432")));
    out.add(new Case("quirk/connect_address ipv6 local", text.replace("connect_address: 10.1.1.1:5432", "connect_address: '[::1]:5432'")));
    out.add(new Case("quirk/connect_address no port", text.replace("connect_address: 10.1.1.1:5432", "connect_address: 10.1.1.1")));
    out.add(new Case("quirk/bin_name", text.replace("  bin_dir: " + BIN_DIR, "  bin_dir: " + BIN_DIR + "\n  bin_name:\n    pg_ctl: pg_ctl\n    postgres: nopostgres")));
    out.add(new Case("quirk/log format list", text.replace("watchdog:", "log:\n  format: [message, {levelname: level}]\n  type: json\nwatchdog:")));
    out.add(new Case("quirk/log format empty list", text.replace("watchdog:", "log:\n  format: []\nwatchdog:")));
    out.add(new Case("quirk/log level lower", text.replace("watchdog:", "log:\n  level: info\nwatchdog:")));
    out.add(new Case("quirk/restapi verify_client", text.replace("restapi:\n", "restapi:\n  verify_client: required\n  server_tokens: Minimal\n  request_queue_size: 5000\n")));
    out.add(new Case("quirk/thread_stack_size", text.replace("scope:", "thread_stack_size: 131072\nthread_pool_size: 5\nscope:")));
    out.add(new Case("quirk/thread_stack_size unaligned", text.replace("scope:", "thread_stack_size: 131071\nscope:")));
    out.add(new Case("quirk/max_connections string", text.replace("max_connections: 100", "max_connections: '100'")));
    out.add(new Case("quirk/max_connections too big", text.replace("max_connections: 100", "max_connections: 262144")));
    out.add(new Case("quirk/standby_cluster", text.replace("    ttl: 30", "    standby_cluster:\n      host: 10.2.2.2\n      port: 5432\n      primary_slot_name: s\n    ttl: 30")));
    out.add(new Case("quirk/standby_cluster port string", text.replace("    ttl: 30", "    standby_cluster:\n      port: '5432'\n    ttl: 30")));
    out.add(new Case("quirk/citus", text.replace("scope:", "citus:\n  group: 0\n  database: citus\nscope:")));
    out.add(new Case("quirk/citus group string", text.replace("scope:", "citus:\n  group: '0'\n  database: citus\nscope:")));
    out.add(new Case("quirk/yes as a key", text.replace("scope:", "yes: 1\n1: one\nscope:")));
    out.add(new Case("quirk/unknown keys everywhere", text.replace("scope:", "future_key: {a: 1}\nscope:")
        .replace("  pgpass:", "  custom_future: [1, 2]\n  pgpass:")));
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    out.add(new Case("quirk/data_dir is a file", text.replaceAll("data_dir: [^\n]*", "data_dir: " + file)));
    Path notData = Files.createDirectories(dir.resolve("not-data"));
    Files.writeString(notData.resolve("something"), "x");
    out.add(new Case("quirk/data_dir not a data directory", text.replaceAll("data_dir: [^\n]*", "data_dir: " + notData)));
    Path dotOnly = Files.createDirectories(dir.resolve("dot-only"));
    Files.writeString(dotOnly.resolve(".hidden"), "x");
    Files.createDirectories(dotOnly.resolve("lost+found"));
    out.add(new Case("quirk/data_dir only hidden files", text.replaceAll("data_dir: [^\n]*", "data_dir: " + dotOnly)));
    for (String version : List.of("15", "14", "9.6", "x")) {
      Path fake = Files.createDirectories(dir.resolve("fake-pg-" + version));
      Files.writeString(fake.resolve("PG_VERSION"), version + "\n");
      Files.createDirectories(fake.resolve("pg_wal"));
      out.add(new Case("quirk/data_dir PG_VERSION " + version, text.replaceAll("data_dir: [^\n]*", "data_dir: " + fake)));
    }
    Path noWal = Files.createDirectories(dir.resolve("no-wal"));
    Files.writeString(noWal.resolve("PG_VERSION"), "15\n");
    out.add(new Case("quirk/data_dir without pg_wal", text.replaceAll("data_dir: [^\n]*", "data_dir: " + noWal)));
    out.add(new Case("quirk/bin_dir without binaries", text.replace("bin_dir: " + BIN_DIR, "bin_dir: " + dir)));
    out.add(new Case("quirk/bin_dir missing", text.replace("bin_dir: " + BIN_DIR, "bin_dir: " + dir.resolve("nope"))));
    out.add(new Case("quirk/merge key", text.replace("scope:", "defaults: &d {mode: 'off'}\nscope:")
        .replace("watchdog:\n  mode: 'off'\n", "watchdog:\n  <<: *d\n")));
    return out;
  }

  // ---------------------------------------------------------------------- tree helpers

  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @SuppressWarnings("unchecked")
  private static List<List<String>> paths(Map<String, Object> m, List<String> prefix) {
    List<List<String>> out = new ArrayList<>();
    for (Map.Entry<String, Object> e : m.entrySet()) {
      List<String> p = new ArrayList<>(prefix);
      p.add(e.getKey());
      out.add(p);
      if (e.getValue() instanceof Map) {
        out.addAll(paths((Map<String, Object>) e.getValue(), p));
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> with(Map<String, Object> base, List<String> path, @Nullable Object value,
      boolean delete) {
    Map<String, Object> copy = deepCopy(base);
    Map<String, Object> node = copy;
    for (int i = 0; i < path.size() - 1; i++) {
      node = (Map<String, Object>) Objects.requireNonNull(node.get(path.get(i)), path.get(i));
    }
    if (delete) {
      node.remove(path.get(path.size() - 1));
    } else {
      node.put(path.get(path.size() - 1), value);
    }
    return copy;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> deepCopy(Map<String, Object> m) {
    Map<String, Object> c = new LinkedHashMap<>();
    m.forEach((k, v) -> c.put(k, v instanceof Map ? deepCopy((Map<String, Object>) v) : v));
    return c;
  }
}
