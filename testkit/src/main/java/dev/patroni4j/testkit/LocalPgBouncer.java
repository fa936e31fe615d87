package dev.patroni4j.testkit;

import dev.patroni4j.testkit.internal.OsUser;
import dev.patroni4j.testkit.internal.Ports;
import dev.patroni4j.testkit.internal.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A real PgBouncer (Debian's {@code pgbouncer}, 1.18) in front of a {@link LocalPatroniCluster}: one database entry,
 * {@code postgres}, pointing at the cluster's leader when started, {@code pool_mode = transaction} (the mode in which
 * {@code PAUSE} waits for running transactions, not for clients to disconnect), listening on a free port of
 * 127.0.0.1, with an admin console user of its own. It lives in the cluster's directory, so closing the cluster (or
 * the JVM exiting) kills it too; {@link #close()} stops it earlier.
 *
 * <pre>{@code
 * import java.sql.Connection;
 * // given: LocalPatroniCluster cluster;
 * try (LocalPgBouncer bouncer = LocalPgBouncer.start(cluster);
 *      Connection app = bouncer.connect()) {               // as the cluster's superuser, through the pooler
 *   app.createStatement().execute("SELECT 1");
 *   bouncer.pointAt(cluster.replicas().get(0));            // rewrites [databases]; RELOAD makes it count
 *   CommandResult reload = bouncer.admin("RELOAD");         // the admin console, through psql
 * }
 * }</pre>
 *
 * <p>Thread-safety: thread-safe; {@link #pointAt} calls are serialised.
 */
public final class LocalPgBouncer implements AutoCloseable {
  private static final Path BINARY = Path.of("/usr/sbin/pgbouncer");
  /** The one database entry, named like the database it reaches. */
  public static final String DATABASE = "postgres";

  private final LocalPatroniCluster cluster;
  private final Path directory;
  private final int port;
  private final Credentials admin;
  private final Process process;

  private LocalPgBouncer(LocalPatroniCluster cluster, Path directory, int port, Credentials admin, Process process) {
    this.cluster = cluster;
    this.directory = directory;
    this.port = port;
    this.admin = admin;
    this.process = process;
  }

  /**
   * Starts PgBouncer pointing at the cluster's current leader and returns once its admin console answers.
   *
   * @throws TestkitException if {@code pgbouncer} is not installed or does not come up
   */
  public static LocalPgBouncer start(LocalPatroniCluster cluster) {
    if (!Files.isExecutable(BINARY)) {
      throw new TestkitException("pgbouncer not found at " + BINARY
          + ": install the Debian package 'pgbouncer' (apt-get install pgbouncer; bin/prereqs does)");
    }
    OsUser osUser = OsUser.detect();
    Path dir;
    try {
      dir = Files.createDirectories(cluster.directory().resolve("pgbouncer-" + Passwords.randomToken(3)));
    } catch (IOException e) {
      throw new TestkitException("cannot create the pgbouncer directory: " + e.getMessage(), e);
    }
    int port = Ports.free();
    Credentials admin = new Credentials("pgbouncer_admin", Passwords.randomToken(12));
    PatroniNode leader = cluster.leader();
    try {
      // The auth file holds plain passwords, so PgBouncer can answer md5 clients and log in to a SCRAM server.
      Files.writeString(dir.resolve("userlist.txt"), quote(cluster.superuser()) + " "
          + quote(cluster.superuserPassword()) + "\n" + quote(admin.username()) + " " + quote(admin.password()) + "\n",
          StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("pgbouncer.ini"), ini(dir, port, admin.username(), leader.pgPort()), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TestkitException("cannot write the pgbouncer configuration: " + e.getMessage(), e);
    }
    osUser.takeOwnership(dir);
    List<String> command = new java.util.ArrayList<>(osUser.commandPrefix());
    command.add(BINARY.toString());
    command.add(dir.resolve("pgbouncer.ini").toString());
    LocalPgBouncer bouncer = new LocalPgBouncer(cluster, dir, port, admin,
        Processes.start(command, Map.of(), dir, dir.resolve("pgbouncer.stdout")));
    try {
      bouncer.awaitAdmin(Duration.ofSeconds(20));
      return bouncer;
    } catch (RuntimeException e) {
      String log = Processes.tail(dir.resolve("pgbouncer.log"), 20);
      bouncer.close();
      throw new TestkitException("pgbouncer did not start: " + e.getMessage() + "\n" + log, e);
    }
  }

  private static String ini(Path dir, int port, String adminUser, int leaderPort) {
    return "[databases]\n"
        + DATABASE + " = host=127.0.0.1 port=" + leaderPort + " dbname=postgres\n"
        + "\n[pgbouncer]\n"
        + "listen_addr = 127.0.0.1\n"
        + "listen_port = " + port + "\n"
        + "unix_socket_dir =\n"
        + "auth_type = md5\n"
        + "auth_file = " + dir.resolve("userlist.txt") + "\n"
        + "admin_users = " + adminUser + "\n"
        + "pool_mode = transaction\n"
        + "server_reset_query =\n"
        + "max_client_conn = 500\n"
        + "default_pool_size = 20\n"
        // pgjdbc sends extra_float_digits at startup; PgBouncer rejects startup parameters it does not know.
        + "ignore_startup_parameters = extra_float_digits\n"
        + "server_connect_timeout = 3\n"
        + "logfile = " + dir.resolve("pgbouncer.log") + "\n"
        + "pidfile = " + dir.resolve("pgbouncer.pid") + "\n";
  }

  private static String quote(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  /** 127.0.0.1. */
  public String host() {
    return "127.0.0.1";
  }

  public int port() {
    return port;
  }

  /** The admin console's user (in {@code admin_users}); its password is only in {@link #adminCredentials()}. */
  public Credentials adminCredentials() {
    return admin;
  }

  /** The PgBouncer configuration file, which {@link #pointAt} rewrites. */
  public Path configFile() {
    return directory.resolve("pgbouncer.ini");
  }

  /**
   * JDBC URL of the {@code postgres} database through the pooler, without credentials ({@link
   * LocalPatroniCluster#superuser()}); {@code prepareThreshold=0} because PgBouncer 1.18 in transaction mode cannot
   * keep named prepared statements.
   */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE + "?prepareThreshold=0";
  }

  /** A superuser connection to the cluster through the pooler. */
  public Connection connect() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", cluster.superuser());
    p.setProperty("password", cluster.superuserPassword());
    p.setProperty("connectTimeout", "5");
    p.setProperty("socketTimeout", "60");
    return DriverManager.getConnection(jdbcUrl(), p);
  }

  /**
   * Runs admin console commands ({@code SHOW DATABASES}, {@code PAUSE postgres}, {@code RELOAD}, ...) with
   * {@code psql}, one {@code -c} each, rows unaligned with {@code |} between fields. pgjdbc cannot talk to the 1.18
   * console: it reports server version "1.18.0/bouncer", so pgjdbc sends {@code SET extra_float_digits}, which the
   * console rejects.
   */
  public CommandResult admin(String... commands) {
    List<String> command = new java.util.ArrayList<>(List.of("psql", "-X", "-At", "-F", "|", "-v", "ON_ERROR_STOP=1",
        "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", admin.username(), "-d", "pgbouncer"));
    for (String c : commands) {
      command.add("-c");
      command.add(c);
    }
    return Processes.run(command, Map.of("PGPASSWORD", admin.password(), "PGCONNECT_TIMEOUT", "5"),
        Duration.ofSeconds(60));
  }

  /**
   * Rewrites the {@code [databases]} entry to point at {@code node}'s PostgreSQL (atomically, so a concurrent
   * {@code RELOAD} reads the old or the new file). Takes effect on the next {@code RELOAD}.
   */
  public synchronized void pointAt(PatroniNode node) {
    pointAt(node.pgPort());
  }

  /** {@link #pointAt(PatroniNode)} by the PostgreSQL port on 127.0.0.1. */
  public synchronized void pointAt(int pgPort) {
    Path tmp = directory.resolve("pgbouncer.ini.new");
    try {
      Files.writeString(tmp, ini(directory, port, admin.username(), pgPort), StandardCharsets.UTF_8);
      OsUser.detect().takeOwnership(tmp);
      Files.move(tmp, configFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new TestkitException("cannot rewrite " + configFile() + ": " + e.getMessage(), e);
    }
  }

  private void awaitAdmin(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new TestkitException("pgbouncer exited with " + process.exitValue());
      }
      CommandResult r = admin("SHOW VERSION");
      if (r.succeeded()) {
        return;
      }
      last = r.stderr().strip();
      try {
        // the pause between two polls is a wait for the process's exit, so a pgbouncer that dies ends it at once
        if (process.waitFor(100, TimeUnit.MILLISECONDS)) {
          throw new TestkitException("pgbouncer exited with " + process.exitValue());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TestkitException("interrupted while waiting for pgbouncer", e);
      }
    }
    throw new TestkitException("pgbouncer's admin console did not answer within " + timeout
        + (last == null ? "" : ": " + last));
  }

  /** Whether the PgBouncer process is still running. */
  public boolean isRunning() {
    return process.isAlive();
  }

  /** Kills PgBouncer. Idempotent. */
  @Override
  public void close() {
    process.destroyForcibly();
    Processes.awaitExit(process, Duration.ofSeconds(5));
    Processes.killAllMentioning(directory + "/");
  }

  @Override
  public String toString() {
    return "LocalPgBouncer[127.0.0.1:" + port + ", admin=" + admin.username() + "]";
  }
}
