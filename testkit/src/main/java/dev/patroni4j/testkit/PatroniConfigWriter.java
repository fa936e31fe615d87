package dev.patroni4j.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.patroni4j.testkit.internal.DcsServer;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes each node's {@code patroni.yml} and puts the original back when a test changed it: the
 * one place that knows what a test-kit node's Patroni configuration contains.
 *
 * <p>Thread-safe.
 */
final class PatroniConfigWriter {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final String SUPERUSER = "postgres";

  private final ClusterSettings settings;
  private final String scope;
  private final DcsServer dcs;
  private final Optional<TlsFiles> tls;
  private final Passwords passwords;
  private final Map<String, String> originals = new ConcurrentHashMap<>();

  PatroniConfigWriter(ClusterSettings settings, String scope, DcsServer dcs, Optional<TlsFiles> tls,
      Passwords passwords) {
    this.settings = settings;
    this.scope = scope;
    this.dcs = dcs;
    this.tls = tls;
    this.passwords = passwords;
  }

  /** Writes the node's configuration file and remembers it as the node's original. */
  void write(PatroniNode node) {
    try {
      String config = JSON.writeValueAsString(patroniConfig(node));
      Files.writeString(node.configFile(), config);
      originals.put(node.name(), config);
    } catch (IOException e) {
      throw new TestkitException("cannot write " + node.configFile() + ": " + e.getMessage(), e);
    }
  }

  /** Puts the original configuration file back; true when it had been changed. */
  boolean restoreOriginal(PatroniNode node) {
    String original = originals.get(node.name());
    try {
      if (original == null || original.equals(Files.readString(node.configFile()))) {
        return false;
      }
      Files.writeString(node.configFile(), original);
      return true;
    } catch (IOException e) {
      throw new TestkitException("cannot restore " + node.configFile() + ": " + e.getMessage(), e);
    }
  }

  private Map<String, Object> patroniConfig(PatroniNode node) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("scope", scope);
    config.put("namespace", settings.namespace());
    config.put("name", node.name());

    Map<String, Object> restapi = new LinkedHashMap<>();
    restapi.put("listen", "127.0.0.1:" + node.restPort());
    restapi.put("connect_address", "127.0.0.1:" + node.restPort());
    Map<String, Object> ctl = new LinkedHashMap<>();
    tls.ifPresent(t -> {
      restapi.put("certfile", t.serverCert().toString());
      restapi.put("keyfile", t.serverKey().toString());
      restapi.put("cafile", t.caCert().toString());
      if (settings.restClientCertificates()) {
        restapi.put("verify_client", "required");
      }
      ctl.put("certfile", t.clientCert().toString());
      ctl.put("keyfile", t.clientKey().toString());
      ctl.put("cacert", t.caCert().toString());
    });
    settings.restAuth().ifPresent(c -> restapi.put("authentication",
        Map.of("username", c.username(), "password", c.password())));
    config.put("restapi", restapi);
    if (!ctl.isEmpty()) {
      config.put("ctl", ctl);
    }
    config.put(dcs.patroniSectionName(), dcs.patroniSection());

    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("max_connections", 100);
    parameters.put("max_wal_senders", 10);
    parameters.put("max_replication_slots", 10);
    parameters.put("wal_keep_size", "128MB");
    parameters.put("shared_buffers", "32MB");
    parameters.put("hot_standby", "on");
    // Throwaway clusters: losing data on an OS crash does not matter, start-up speed does.
    parameters.put("fsync", "off");
    parameters.putAll(settings.postgresParameters());
    Map<String, Object> dcsPostgresql = new LinkedHashMap<>();
    dcsPostgresql.put("use_pg_rewind", true);
    dcsPostgresql.put("use_slots", true);
    dcsPostgresql.put("parameters", parameters);
    Map<String, Object> dynamic = new LinkedHashMap<>();
    dynamic.put("ttl", 10);
    dynamic.put("loop_wait", 2);
    dynamic.put("retry_timeout", 3);
    dynamic.put("maximum_lag_on_failover", 1048576);
    dynamic.put("postgresql", dcsPostgresql);
    dynamic.putAll(settings.dynamicConfig());
    config.put("bootstrap", Map.of(
        "dcs", dynamic,
        "initdb", List.of(Map.of("encoding", "UTF8"), "data-checksums", "no-sync")));

    Map<String, Object> postgresql = new LinkedHashMap<>();
    postgresql.put("listen", "127.0.0.1:" + node.pgPort());
    postgresql.put("connect_address", "127.0.0.1:" + node.pgPort());
    postgresql.put("data_dir", node.dataDir().toString());
    postgresql.put("bin_dir", settings.postgresBinDir().toString());
    postgresql.put("pgpass", node.directory().resolve("pgpass").toString());
    postgresql.put("authentication", Map.of(
        "superuser", Map.of("username", SUPERUSER, "password", passwords.superuser()),
        "replication", Map.of("username", "replicator", "password", passwords.replication()),
        "rewind", Map.of("username", "rewind_user", "password", passwords.rewind())));
    Map<String, Object> local = new LinkedHashMap<>();
    local.put("unix_socket_directories", node.directory().toString());
    local.put("logging_collector", "on");
    local.put("log_directory", node.directory().resolve("pglog").toString());
    local.put("log_filename", "postgresql.log");
    postgresql.put("parameters", local);
    postgresql.put("pg_hba", List.of(
        "local all all trust",
        "host all all 127.0.0.1/32 scram-sha-256",
        "host replication replicator 127.0.0.1/32 scram-sha-256"));
    postgresql.put("basebackup", List.of(Map.of("checkpoint", "fast")));
    config.put("postgresql", postgresql);
    config.put("tags", new TreeMap<>(node.tags()));
    config.put("watchdog", Map.of("mode", "off"));
    return config;
  }
}
