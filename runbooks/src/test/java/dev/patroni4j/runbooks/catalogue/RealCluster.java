package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.runbooks.FileJournal;
import dev.patroni4j.runbooks.Journal;
import dev.patroni4j.runbooks.WriteProbe;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.PatroniNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Wires the catalogue to a testkit cluster, and reads what the tests assert through SQL. */
final class RealCluster {
  private RealCluster() {}

  static PatroniRunbooks catalogue(LocalPatroniCluster cluster) {
    return PatroniRunbooks.builder(client(cluster))
        .scope(cluster.scope())
        .postgres(connector(cluster))
        .build();
  }

  static PatroniClient client(LocalPatroniCluster cluster) {
    return PatroniClient.builder().members(cluster.nodes().stream().map(PatroniNode::restUrl).toList()).build();
  }

  static PostgresConnector connector(LocalPatroniCluster cluster) {
    String user = cluster.superuser();
    String password = cluster.superuserPassword();
    return (member, host, port) -> DriverManager.getConnection(
        "jdbc:postgresql://" + host + ":" + port + "/postgres?connectTimeout=5&socketTimeout=30", user, password);
  }

  /**
   * A write probe to whichever member is the primary (multi-host URL, {@code targetServerType=primary}), as an
   * application with every member in its URL writes.
   */
  static WriteProbe.Settings writeProbe(LocalPatroniCluster cluster) {
    String url = "jdbc:postgresql://" + cluster.nodes().stream().map(n -> "127.0.0.1:" + n.pgPort())
        .collect(Collectors.joining(",")) + "/postgres?targetServerType=primary&connectTimeout=2&socketTimeout=5"
        + "&loginTimeout=3";
    String user = cluster.superuser();
    String password = cluster.superuserPassword();
    return WriteProbe.settings(() -> DriverManager.getConnection(url, user, password));
  }

  static Journal journal(Path dir) {
    try {
      return FileJournal.at(Files.createTempFile(dir, "journal", ".jsonl"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Names of the nodes whose PostgreSQL accepts writes ({@code pg_is_in_recovery()} false). */
  static List<String> writablePrimaries(LocalPatroniCluster cluster) {
    List<String> out = new ArrayList<>();
    for (PatroniNode n : cluster.nodes()) {
      try (Connection c = cluster.connect(n); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
        rs.next();
        if (!rs.getBoolean(1)) {
          out.add(n.name());
        }
      } catch (SQLException e) {
        // not running: cannot be a writable primary
      }
    }
    return out;
  }

  /** The timeline of the leader according to {@code patronictl list}. */
  static long timeline(LocalPatroniCluster cluster) {
    String json = cluster.patronictl("list", "-f", "json").stdout();
    return java.util.regex.Pattern.compile("\"Role\": \"Leader\"[^}]*\"TL\": (\\d+)").matcher(json).results()
        .map(m -> Long.parseLong(m.group(1))).findFirst()
        .orElseThrow(() -> new AssertionError("no leader in patronictl list: " + json));
  }

  /** {@code SHOW setting} on {@code node}'s PostgreSQL. */
  static String show(LocalPatroniCluster cluster, PatroniNode node, String setting) throws SQLException {
    try (Connection c = cluster.connect(node); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** {@code GET /patroni} of every member. */
  static List<MemberStatus> statuses(PatroniRunbooks catalogue) {
    return catalogue.client().cluster().members().stream().map(m -> catalogue.client().member(m.name()).status())
        .toList();
  }

  static String members(LocalPatroniCluster cluster) {
    return cluster.patronictl("list", "-f", "json").stdout().lines().collect(Collectors.joining());
  }
}
