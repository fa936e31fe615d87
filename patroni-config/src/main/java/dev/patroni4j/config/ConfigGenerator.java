package dev.patroni4j.config;

import dev.patroni4j.config.PatroniConfig.Credentials;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes a member's {@code patroni.yml} for the three ways a member comes to be: the first member of
 * a new cluster ({@link #newCluster}), a member joining a cluster that runs ({@link #newMember}),
 * and a PostgreSQL server that ran without Patroni so far ({@link #standalone}). What the members
 * share comes from a {@link ClusterSpec}, what is particular to the host from a {@link MemberHost}.
 *
 * <pre>{@code
 * // given: ClusterSpec spec; MemberHost host;
 * PatroniConfig first = ConfigGenerator.newCluster(spec, host);
 * // a member joining a running cluster: what the members share is read from one of them
 * ClusterSpec running = ClusterSpec.fromMemberConfig(PatroniConfig.read(Path.of("/etc/patroni/patroni.yml")));
 * PatroniConfig joining = ConfigGenerator.newMember(running, List.of("db1", "db2"), host);
 * ConfigValidator.forVersion(PatroniVersion.V4_1).requireValid(joining);
 * Files.writeString(Path.of("/etc/patroni/patroni.yml"), joining.toYaml());
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class ConfigGenerator {
  /**
   * Parameters Patroni takes from the dynamic configuration only (it ignores them in {@code
   * postgresql.parameters}): a converted server's values go to {@code bootstrap.dcs}.
   */
  static final Set<String> CLUSTER_WIDE_PARAMETERS = Set.of("max_connections", "max_locks_per_transaction",
      "max_worker_processes", "max_prepared_transactions", "wal_level", "track_commit_timestamp",
      "max_wal_senders", "max_replication_slots", "wal_keep_segments", "wal_keep_size", "wal_log_hints");

  /**
   * Settings of a standalone server that Patroni sets itself (addresses, files, recovery,
   * synchronous replication) and so are not carried into the generated configuration.
   */
  static final Set<String> MANAGED_BY_PATRONI = Set.of("data_directory", "config_file", "hba_file", "ident_file",
      "listen_addresses", "port", "hot_standby", "primary_conninfo", "primary_slot_name", "restore_command",
      "recovery_target", "recovery_target_lsn", "recovery_target_name", "recovery_target_time",
      "recovery_target_xid", "recovery_target_timeline", "recovery_target_action", "recovery_target_inclusive",
      "recovery_min_apply_delay", "promote_trigger_file", "archive_cleanup_command", "recovery_end_command",
      "synchronous_standby_names", "transaction_read_only", "default_transaction_read_only");

  private ConfigGenerator() {}

  /**
   * The configuration of a member that bootstraps a new cluster: {@code bootstrap} with the spec's
   * dynamic configuration, {@code initdb} options and {@code pg_hba}.
   */
  public static PatroniConfig newCluster(ClusterSpec cluster, MemberHost host) {
    Map<String, Object> tree = member(cluster, host);
    tree.put("bootstrap", bootstrap(cluster, cluster.dynamicConfig(), cluster.pgHba()));
    return PatroniConfig.fromMap(ordered(tree));
  }

  /**
   * The configuration of a member that joins a running cluster and clones from it: no {@code
   * bootstrap} section, so it can never initialise a cluster of its own.
   *
   * @param memberNames the names in use in the cluster (a {@code ClusterView}'s {@code memberNames()}
   *     or the member keys of a DCS snapshot)
   * @throws PatroniConfigException when the host's name is taken already
   */
  public static PatroniConfig newMember(ClusterSpec cluster, Collection<String> memberNames, MemberHost host) {
    if (memberNames.contains(host.name())) {
      throw new PatroniConfigException("cluster " + cluster.scope() + " has a member named " + host.name()
          + " already (members: " + memberNames + "): a new member needs a name of its own");
    }
    return PatroniConfig.fromMap(ordered(member(cluster, host)));
  }

  /**
   * The configuration that puts a running standalone server under Patroni: the server's own
   * settings carried over (those Patroni takes only from the DCS into {@code bootstrap.dcs}, the
   * others into {@code postgresql.parameters}; what Patroni sets itself, such as addresses, files
   * and recovery settings, left out), and its {@code pg_hba.conf} rules followed by the spec's that
   * it lacks. Patroni adopts the running postmaster and seeds the DCS with {@code bootstrap.dcs}.
   * The replication and rewind users must exist in the server before Patroni starts.
   *
   * @throws PatroniConfigException when the host's data directory or port is not the server's
   */
  public static PatroniConfig standalone(ClusterSpec cluster, StandaloneServer server, MemberHost host) {
    if (!stripSlash(host.dataDir()).equals(stripSlash(server.dataDir()))) {
      throw new PatroniConfigException("member " + host.name() + ": data directory " + host.dataDir()
          + " is not the standalone server's " + server.dataDir());
    }
    String port = host.postgresListen().substring(host.postgresListen().lastIndexOf(':') + 1);
    if (!port.equals(String.valueOf(server.port()))) {
      throw new PatroniConfigException("member " + host.name() + ": PostgreSQL listens on port " + port
          + " in the member host but the standalone server runs on " + server.port());
    }
    Map<String, Object> local = new LinkedHashMap<>();
    Map<String, Object> clusterWide = new LinkedHashMap<>();
    for (StandaloneServer.Setting s : server.settings()) {
      if (MANAGED_BY_PATRONI.contains(s.name())) {
        continue;
      }
      (CLUSTER_WIDE_PARAMETERS.contains(s.name()) ? clusterWide : local).put(s.name(), typed(s));
    }
    local.putAll(host.parameters());
    List<String> hba = new ArrayList<>(server.hbaLines());
    for (String line : cluster.pgHba()) {
      if (!hba.contains(line)) {
        hba.add(line);
      }
    }
    ClusterSpec.Builder converted = cluster.toBuilder();
    clusterWide.forEach(converted::postgresParameter);
    ClusterSpec spec = converted.build();
    Map<String, Object> tree = member(spec, host);
    @SuppressWarnings("unchecked")
    Map<String, Object> postgresql =
        (Map<String, Object>) Objects.requireNonNull(tree.get("postgresql"), "member() writes a postgresql section");
    postgresql.put("parameters", local);
    postgresql.put("pg_hba", hba);
    tree.put("bootstrap", bootstrap(spec, spec.dynamicConfig(), hba));
    return PatroniConfig.fromMap(ordered(tree));
  }

  // ---------------------------------------------------------------------- building blocks

  private static Map<String, Object> member(ClusterSpec cluster, MemberHost host) {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("scope", cluster.scope());
    tree.put("namespace", cluster.namespace());
    tree.put("name", host.name());
    Map<String, Object> restapi = new LinkedHashMap<>();
    restapi.put("listen", host.restApiListen());
    restapi.put("connect_address", host.restApiConnectAddress());
    cluster.restApiAuthentication().ifPresent(c -> restapi.put("authentication", credentials(c)));
    tree.put("restapi", restapi);
    tree.put(cluster.dcsType().key(), new LinkedHashMap<>(cluster.dcs()));
    Map<String, Object> postgresql = new LinkedHashMap<>();
    postgresql.put("listen", host.postgresListen());
    postgresql.put("connect_address", host.postgresConnectAddress());
    postgresql.put("data_dir", host.dataDir());
    host.binDir().ifPresent(d -> postgresql.put("bin_dir", d));
    host.pgpass().ifPresent(p -> postgresql.put("pgpass", p));
    Map<String, Object> auth = new LinkedHashMap<>();
    auth.put("superuser", credentials(cluster.superuser()));
    auth.put("replication", credentials(cluster.replication()));
    cluster.rewind().ifPresent(r -> auth.put("rewind", credentials(r)));
    postgresql.put("authentication", auth);
    if (!host.parameters().isEmpty()) {
      postgresql.put("parameters", new LinkedHashMap<>(host.parameters()));
    }
    if (!cluster.pgHba().isEmpty()) {
      postgresql.put("pg_hba", cluster.pgHba());
    }
    tree.put("postgresql", postgresql);
    if (!host.tags().isEmpty()) {
      tree.put("tags", new LinkedHashMap<>(host.tags()));
    }
    return tree;
  }

  private static Map<String, Object> bootstrap(ClusterSpec cluster, Map<String, Object> dynamic, List<String> hba) {
    Map<String, Object> bootstrap = new LinkedHashMap<>();
    bootstrap.put("dcs", dynamic);
    bootstrap.put("initdb", cluster.initdb());
    // Patroni 3.0's validator demands bootstrap.pg_hba whenever there is a bootstrap section
    bootstrap.put("pg_hba", hba);
    return bootstrap;
  }

  private static Map<String, Object> credentials(Credentials c) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("username", c.username());
    c.password().ifPresent(p -> out.put("password", p));
    out.putAll(c.options());
    return out;
  }

  /** Patroni's usual order: identity, REST API, DCS, bootstrap, postgresql, then the rest. */
  private static Map<String, Object> ordered(Map<String, Object> tree) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String key : List.of("scope", "namespace", "name", "restapi")) {
      if (tree.containsKey(key)) {
        out.put(key, tree.get(key));
      }
    }
    tree.forEach((k, v) -> {
      if (!k.equals("bootstrap") && !k.equals("postgresql") && !k.equals("tags")) {
        out.putIfAbsent(k, v);
      }
    });
    for (String key : List.of("bootstrap", "postgresql", "tags")) {
      if (tree.containsKey(key)) {
        out.put(key, tree.get(key));
      }
    }
    return out;
  }

  /** A setting as the YAML value Patroni's validator expects: integers without a unit as numbers. */
  private static Object typed(StandaloneServer.Setting s) {
    if (s.type().toLowerCase(Locale.ROOT).equals("integer") && s.value().matches("-?\\d+")) {
      return Long.parseLong(s.value());
    }
    return s.value();
  }

  private static String stripSlash(String dir) {
    return dir.length() > 1 && dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
  }
}
