package dev.patroni4j.config;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A PostgreSQL server that runs without Patroni, as {@link ConfigGenerator#standalone} needs it:
 * its data directory, port, major version, the settings that differ from PostgreSQL's defaults
 * ({@code pg_settings}) and the lines of its {@code pg_hba.conf}. Either read from the running
 * server ({@link #read}, over any JDBC connection as a superuser: this module brings no driver) or
 * given as values.
 *
 * <pre>{@code
 * // given: String password;
 * StandaloneServer server;
 * try (Connection c = DriverManager.getConnection("jdbc:postgresql://db1:5432/postgres", "postgres", password)) {
 *   server = StandaloneServer.read(c);
 * }
 * // or, from what is known otherwise:
 * StandaloneServer given = new StandaloneServer("/var/lib/postgresql/15/main", 5432, 15,
 *     List.of(new StandaloneServer.Setting("shared_buffers", "1GB", "integer", "configuration file")),
 *     StandaloneServer.hbaLines(Files.readString(Path.of("/etc/postgresql/15/main/pg_hba.conf"))));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param dataDir the data directory ({@code data_directory})
 * @param port the port it listens on
 * @param majorVersion the major version, e.g. {@code 15}
 * @param settings the settings not at their built-in default, in name order
 * @param hbaLines the rules of {@code pg_hba.conf}, without comments and blank lines
 */
public record StandaloneServer(String dataDir, int port, int majorVersion, List<Setting> settings,
    List<String> hbaLines) {

  /**
   * One row of {@code pg_settings}.
   *
   * @param name the parameter
   * @param value the value as {@code current_setting()} shows it, with its unit ({@code 128MB})
   * @param type {@code vartype}: {@code bool}, {@code integer}, {@code real}, {@code string}, {@code enum}
   * @param source where the value came from ({@code configuration file}, {@code command line}, ...)
   */
  public record Setting(String name, String value, String type, String source) {
    public Setting {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(source, "source");
    }

    /**
     * Whether the value may hold a credential: connection strings ({@code primary_conninfo}) and
     * commands ({@code archive_command} with a storage key, {@code ssl_passphrase_command}).
     */
    public boolean mayHoldSecret() {
      return name.endsWith("conninfo") || name.endsWith("_command") || name.contains("passphrase")
          || name.contains("password");
    }

    /** Name, value (redacted when {@link #mayHoldSecret()}) and source. */
    @Override
    public String toString() {
      return name + "=" + (mayHoldSecret() ? Secret.REDACTED : value) + " (" + source + ")";
    }
  }

  public StandaloneServer {
    Objects.requireNonNull(dataDir, "dataDir");
    if (port < 1 || port > 65535) {
      throw new PatroniConfigException("standalone server: port " + port + " is not in 1..65535");
    }
    settings = List.copyOf(settings);
    hbaLines = List.copyOf(hbaLines);
  }

  /**
   * Reads the server over {@code connection}: {@code pg_settings} (values set in a file, on the
   * command line or with {@code ALTER SYSTEM}), and {@code pg_hba.conf} through {@code
   * pg_read_file} (a superuser or a member of {@code pg_read_server_files}).
   *
   * @throws PatroniConfigException saying which query failed and why
   */
  public static StandaloneServer read(Connection connection) {
    String step = "reading pg_settings";
    try {
      List<Setting> settings = new ArrayList<>();
      try (PreparedStatement ps = connection.prepareStatement(
          "SELECT name, current_setting(name), vartype, source FROM pg_settings"
              + " WHERE source NOT IN ('default', 'override', 'client', 'session', 'environment variable')"
              + " AND context <> 'internal' ORDER BY name");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          settings.add(new Setting(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
        }
      }
      step = "reading the data directory, port and version";
      String dataDir;
      int port;
      int version;
      try (Statement st = connection.createStatement();
          ResultSet rs = st.executeQuery("SELECT current_setting('data_directory'), current_setting('port')::int,"
              + " current_setting('server_version_num')::int / 10000")) {
        rs.next();
        dataDir = rs.getString(1);
        port = rs.getInt(2);
        version = rs.getInt(3);
      }
      step = "reading pg_hba.conf with pg_read_file (needs a superuser or pg_read_server_files)";
      String hba;
      try (Statement st = connection.createStatement();
          ResultSet rs = st.executeQuery("SELECT pg_read_file(current_setting('hba_file'))")) {
        rs.next();
        hba = rs.getString(1);
      }
      return new StandaloneServer(dataDir, port, version, settings, hbaLines(hba));
    } catch (SQLException e) {
      throw new PatroniConfigException("cannot read the standalone server: " + step + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * The rules of a {@code pg_hba.conf} text: comments, blank lines and surrounding blanks removed.
   *
   * @throws PatroniConfigException for an {@code include} directive, which a generated config cannot carry
   */
  public static List<String> hbaLines(String text) {
    List<String> out = new ArrayList<>();
    int number = 0;
    for (String raw : text.split("\n", -1)) {
      number++;
      String line = stripComment(raw).strip();
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("include")) {
        throw new PatroniConfigException("pg_hba.conf line " + number + ": '" + line
            + "' includes another file; put its rules in the file itself before generating");
      }
      out.add(line);
    }
    return List.copyOf(out);
  }

  private static String stripComment(String line) {
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '#' && !quoted) {
        return line.substring(0, i);
      }
    }
    return line;
  }
}
