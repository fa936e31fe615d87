package dev.patroni4j.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * The start point of a conversion to Patroni ({@link LocalPatroniCluster.Builder#standalone()}): the first node a
 * PostgreSQL primary made with {@code initdb} and started with {@code pg_ctl}, the others physical standbys cloned
 * with {@code pg_basebackup} and streaming through a slot each. Settings go to {@code postgresql.conf}, as an operator
 * writes them, so that a generator reading the running server finds them there.
 *
 * <p>Not thread-safe; used once, while the cluster boots.
 */
final class StandaloneServers {
  private final ClusterSettings settings;
  private final NodeProcesses processes;
  private final Passwords passwords;
  private final ClusterMembers members;

  StandaloneServers(ClusterSettings settings, NodeProcesses processes, Passwords passwords, ClusterMembers members) {
    this.settings = settings;
    this.processes = processes;
    this.passwords = passwords;
    this.members = members;
  }

  /** The physical slot the standby {@code node} streams through. */
  static String slotOf(PatroniNode node) {
    return "standby_" + node.name();
  }

  void start(List<PatroniNode> nodes) {
    PatroniNode primary = nodes.get(0);
    initdb(primary);
    appendSettings(primary);
    writeHba(primary);
    require(primary, "pg_ctl start", processes.startPostgres(primary));
    for (PatroniNode standby : nodes.subList(1, nodes.size())) {
      sql(primary, "SELECT pg_create_physical_replication_slot('" + slotOf(standby) + "', true)");
      require(standby, "pg_basebackup", processes.postgresTool(standby, "pg_basebackup", List.of(
          "-h", primary.directory().toString(), "-p", String.valueOf(primary.pgPort()), "-U",
          PatroniConfigWriter.SUPERUSER, "-D", standby.dataDir().toString(), "-X", "stream", "-c", "fast",
          "-S", slotOf(standby), "-R")));
      // the copied postgresql.conf is the primary's: this host's port, socket and log directory come last
      appendSettings(standby);
      require(standby, "pg_ctl start", processes.startPostgres(standby));
    }
    awaitStreaming(primary, nodes.size() - 1);
  }

  private void initdb(PatroniNode node) {
    Path pwfile = node.directory().resolve("initdb.pw");
    try {
      Files.writeString(pwfile, passwords.superuser() + "\n");
      Files.setOwner(pwfile, Files.getOwner(node.directory()));
      require(node, "initdb", processes.postgresTool(node, "initdb", List.of("-D", node.dataDir().toString(),
          "-U", PatroniConfigWriter.SUPERUSER, "--pwfile=" + pwfile, "-E", "UTF8", "--data-checksums", "--no-sync",
          "--auth-local=trust", "--auth-host=scram-sha-256")));
    } catch (IOException e) {
      throw new TestkitException("cannot write " + pwfile + ": " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(pwfile);
      } catch (IOException ignored) {
        // the cluster directory goes with the cluster
      }
    }
  }

  private void appendSettings(PatroniNode node) {
    String conf = "\n# standalone test-kit server " + node.name() + "\n"
        + "listen_addresses = '127.0.0.1'\n"
        + "port = " + node.pgPort() + "\n"
        + "unix_socket_directories = '" + node.directory() + "'\n"
        + "wal_level = logical\n"
        + "max_connections = 100\n"
        + "max_wal_senders = 10\n"
        + "max_replication_slots = 10\n"
        + "wal_keep_size = '128MB'\n"
        + "shared_buffers = '32MB'\n"
        + "hot_standby = on\n"
        + "hot_standby_feedback = on\n"
        + "fsync = off\n"
        + "logging_collector = on\n"
        + "log_directory = '" + node.directory().resolve("pglog") + "'\n"
        + "log_filename = 'postgresql.log'\n";
    try {
      Files.writeString(node.dataDir().resolve("postgresql.conf"), conf, java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new TestkitException("cannot write " + node.name() + "'s postgresql.conf: " + e.getMessage(), e);
    }
  }

  private static void writeHba(PatroniNode node) {
    String hba = "local all all trust\n"
        + "local replication all trust\n"
        + "host all all 127.0.0.1/32 scram-sha-256\n"
        + "host replication all 127.0.0.1/32 scram-sha-256\n";
    try {
      Files.writeString(node.dataDir().resolve("pg_hba.conf"), hba);
    } catch (IOException e) {
      throw new TestkitException("cannot write " + node.name() + "'s pg_hba.conf: " + e.getMessage(), e);
    }
  }

  private void awaitStreaming(PatroniNode primary, int standbys) {
    long deadline = System.nanoTime() + settings.startupTimeout().toNanos();
    Set<String> seen = new HashSet<>();
    while (System.nanoTime() < deadline) {
      seen.clear();
      try (Connection c = connect(primary); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT slot_name FROM pg_replication_slots WHERE active"
              + " AND slot_name IN (SELECT slot_name FROM pg_stat_replication r JOIN pg_replication_slots p"
              + " ON p.active_pid = r.pid WHERE r.state = 'streaming')")) {
        while (rs.next()) {
          seen.add(rs.getString(1));
        }
      } catch (SQLException notYet) {
        // the primary is still starting
      }
      if (seen.size() == standbys) {
        return;
      }
      // the pause between two looks, as in every wait of the kit: cut short (and the boot ended) by close()
      members.awaitClosed(Duration.ofMillis(200));
      members.requireOpen();
    }
    throw new TestkitException("the standalone standbys did not stream within " + settings.startupTimeout()
        + " (streaming through: " + seen + ")");
  }

  private void sql(PatroniNode node, String statement) {
    try (Connection c = connect(node); Statement s = c.createStatement()) {
      s.execute(statement);
    } catch (SQLException e) {
      throw new TestkitException("on " + node.name() + ": " + statement + ": " + e.getMessage(), e);
    }
  }

  private Connection connect(PatroniNode node) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", PatroniConfigWriter.SUPERUSER);
    props.setProperty("password", passwords.superuser());
    props.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(node.jdbcUrl(), props);
  }

  private static void require(PatroniNode node, String what, CommandResult r) {
    if (!r.succeeded()) {
      throw new TestkitException(what + " failed on " + node.name() + " (exit " + r.exitCode() + "): "
          + r.stderr().strip());
    }
  }
}
