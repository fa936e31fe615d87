package dev.patroni4j.testkit;

import dev.patroni4j.config.ClusterSpec;
import dev.patroni4j.config.ConfigGenerator;
import dev.patroni4j.config.MemberHost;
import dev.patroni4j.config.PatroniConfig;
import dev.patroni4j.config.Secret;
import dev.patroni4j.testkit.internal.DcsServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes each node's {@code patroni.yml} and puts the original back when a test changed it: the
 * one place that knows what a test-kit node's Patroni configuration contains. The configuration is
 * built with patroni-config's model and generator and written by its YAML writer, so that the
 * test kit does not know Patroni's YAML itself.
 *
 * <p>Thread-safe.
 */
final class PatroniConfigWriter {
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
      String config = patroniConfig(node).toYaml();
      Files.writeString(node.configFile(), config);
      originals.put(node.name(), config);
    } catch (IOException e) {
      throw new TestkitException("cannot write " + node.configFile() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Puts the original configuration file back at the node's original path (removing a moved copy, see {@link
   * LocalPatroniCluster#useConfigFile}); true when it had been changed or moved.
   */
  boolean restoreOriginal(PatroniNode node) {
    String original = originals.get(node.name());
    if (original == null) {
      return false;
    }
    Path file = node.originalConfigFile();
    try {
      boolean moved = !node.configFile().equals(file);
      if (moved) {
        Files.deleteIfExists(node.configFile());
        node.configFile(file);
      }
      if (!moved && Files.exists(file) && original.equals(Files.readString(file))) {
        return false;
      }
      Files.writeString(file, original);
      return true;
    } catch (IOException e) {
      throw new TestkitException("cannot restore " + file + ": " + e.getMessage(), e);
    }
  }

  /** What every node's configuration shares. */
  ClusterSpec clusterSpec() {
    ClusterSpec.Builder cluster = ClusterSpec.builder(scope).namespace(settings.namespace())
        .dcs(PatroniConfig.DcsType.valueOf(dcs.patroniSectionName().toUpperCase(Locale.ROOT)), dcs.patroniSection())
        .superuser(SUPERUSER, Secret.of(passwords.superuser()))
        .replication("replicator", Secret.of(passwords.replication()))
        .rewind("rewind_user", Secret.of(passwords.rewind()))
        .pgHba("local all all trust")
        .pgHba("host all all 127.0.0.1/32 scram-sha-256")
        .pgHba("host replication replicator 127.0.0.1/32 scram-sha-256")
        // short timings: a 3-node cluster starts in about 20 s (Patroni's own acceptance suite uses loop_wait 2)
        .dynamicConfig("ttl", 10).dynamicConfig("loop_wait", 2).dynamicConfig("retry_timeout", 3)
        .postgresParameter("max_connections", 100)
        .postgresParameter("max_wal_senders", 10)
        .postgresParameter("max_replication_slots", 10)
        .postgresParameter("wal_keep_size", "128MB")
        .postgresParameter("shared_buffers", "32MB")
        .postgresParameter("hot_standby", "on")
        // Throwaway clusters: losing data on an OS crash does not matter, start-up speed does.
        .postgresParameter("fsync", "off")
        .initdb(List.of(Map.of("encoding", "UTF8"), "data-checksums", "no-sync"));
    settings.postgresParameters().forEach(cluster::postgresParameter);
    settings.dynamicConfig().forEach(cluster::dynamicConfig);
    settings.restAuth().ifPresent(c -> cluster.restApiAuthentication(c.username(), Secret.of(c.password())));
    return cluster.build();
  }

  /** The node's configuration, built as patroni-config's generator builds a new cluster's first member. */
  PatroniConfig patroniConfig(PatroniNode node) {

    MemberHost.Builder host = MemberHost.builder(node.name()).address("127.0.0.1")
        .restApiPort(node.restPort()).postgresPort(node.pgPort())
        .dataDir(node.dataDir().toString()).binDir(settings.postgresBinDir().toString())
        .pgpass(node.directory().resolve("pgpass").toString())
        .parameter("unix_socket_directories", node.directory().toString())
        .parameter("logging_collector", "on")
        .parameter("log_directory", node.directory().resolve("pglog").toString())
        .parameter("log_filename", "postgresql.log");
    new TreeMap<>(node.tags()).forEach(host::tag);

    PatroniConfig config = ConfigGenerator.newCluster(clusterSpec(), host.build())
        .with("postgresql.basebackup", List.of(Map.of("checkpoint", "fast")))
        .with("watchdog", Map.of("mode", "off"));
    if (tls.isPresent()) {
      TlsFiles t = tls.get();
      config = config.with("restapi.certfile", t.serverCert().toString())
          .with("restapi.keyfile", t.serverKey().toString())
          .with("restapi.cafile", t.caCert().toString())
          .with("ctl", Map.of("certfile", t.clientCert().toString(), "keyfile", t.clientKey().toString(),
              "cacert", t.caCert().toString()));
      if (settings.restClientCertificates()) {
        config = config.with("restapi.verify_client", "required");
      }
    }
    return config;
  }
}
