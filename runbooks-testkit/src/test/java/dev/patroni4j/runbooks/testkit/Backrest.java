package dev.patroni4j.runbooks.testkit;

import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.runbooks.backup.ArchiveSettings;
import dev.patroni4j.runbooks.backup.PgBackRest;
import dev.patroni4j.runbooks.host.HostActions;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.PatroniNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A pgBackRest repository for a test kit cluster, set up as an operator would: a configuration file and a repository
 * directory on the (one) host, the stanza, and archive_command/restore_command through Patroni's dynamic
 * configuration. Every member's PostgreSQL options (data directory, port, socket) go on the command line, since the
 * members share the host.
 */
final class Backrest {
  static final String STANZA = "p4j";

  private Backrest() {}

  static Path home(LocalPatroniCluster cluster) {
    return cluster.directory().resolve("backrest");
  }

  static PgBackRest tool(LocalPatroniCluster cluster, HostActions hosts) {
    Path home = home(cluster);
    return PgBackRest.builder(hosts, STANZA)
        .configFile(home.resolve("pgbackrest.conf"))
        .memberOptions(member -> options(cluster.node(member)))
        .build();
  }

  static Map<String, String> options(PatroniNode node) {
    return Map.of("pg1-path", node.dataDir().toString(), "pg1-port", Integer.toString(node.pgPort()),
        "pg1-socket-path", node.directory().toString());
  }

  /** Writes the configuration, creates the stanza and turns archiving on through Patroni; idempotent. */
  static PgBackRest setUp(LocalPatroniCluster cluster, HostActions hosts, PatroniClient client) throws Exception {
    Path home = home(cluster);
    String leader = cluster.leader().name();
    HostActions.CommandResult mk = hosts.run(leader, List.of("mkdir", "-p", home.resolve("repo").toString(),
        home.resolve("log").toString(), home.resolve("lock").toString()));
    if (!mk.succeeded()) {
      throw new IllegalStateException("mkdir: " + mk.stderr());
    }
    String conf = String.join("\n", "[global]", "repo1-path=" + home.resolve("repo"),
        "log-path=" + home.resolve("log"), "lock-path=" + home.resolve("lock"), "log-level-file=off",
        "log-level-console=warn", "start-fast=y", "archive-timeout=30", "compress-type=lz4",
        // backups never expire on their own: only a confirmed retention plan deletes
        "repo1-retention-full=9999999", "", "[" + STANZA + "]", "");
    hosts.writeFile(leader, home.resolve("pgbackrest.conf"), conf.getBytes(StandardCharsets.UTF_8));
    PgBackRest tool = tool(cluster, hosts);
    ArchiveSettings archive = tool.archiveSettings();
    client.patchConfig(archive.configPatch()).orThrow();
    awaitSetting(cluster, cluster.leader(), "archive_command", archive.archiveCommand());
    tool.createStanza(leader);
    return tool;
  }

  static void awaitSetting(LocalPatroniCluster cluster, PatroniNode node, String name, String value)
      throws Exception {
    Instant until = Instant.now().plus(Duration.ofSeconds(30));
    String seen = "";
    while (Instant.now().isBefore(until)) {
      seen = show(cluster, node, name);
      if (seen.equals(value)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(name + " on " + node.name() + " is '" + seen + "', not '" + value + "'");
  }

  static String show(LocalPatroniCluster cluster, PatroniNode node, String setting) throws SQLException {
    try (Connection c = cluster.connect(node); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }

  static void sql(LocalPatroniCluster cluster, String... statements) throws SQLException {
    try (Connection c = cluster.connect(cluster.leader()); Statement s = c.createStatement()) {
      for (String st : statements) {
        s.execute(st);
      }
    }
  }

  static String query(LocalPatroniCluster cluster, String query) throws SQLException {
    try (Connection c = cluster.connect(cluster.leader()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
