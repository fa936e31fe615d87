package dev.patroni4j.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What is particular to one member's host: the member name, the addresses its REST API and
 * PostgreSQL listen on and are reached at, its data directory and PostgreSQL binaries, its {@code
 * pgpass} file, host-local PostgreSQL parameters and its tags. {@link ConfigGenerator} combines it
 * with a {@link ClusterSpec}.
 *
 * <pre>{@code
 * MemberHost host = MemberHost.builder("db3")
 *     .address("10.0.0.7")                 // reached at 10.0.0.7:8008 and 10.0.0.7:5432
 *     .listenOn("0.0.0.0")                 // listens on every interface
 *     .dataDir("/var/lib/postgresql/15/main")
 *     .binDir("/usr/lib/postgresql/15/bin")
 *     .parameter("unix_socket_directories", "/var/run/postgresql")
 *     .tag("nofailover", true)
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the member name ({@code name})
 * @param restApiListen {@code restapi.listen}, e.g. {@code 0.0.0.0:8008}
 * @param restApiConnectAddress {@code restapi.connect_address}, e.g. {@code 10.0.0.7:8008}
 * @param postgresListen {@code postgresql.listen}, e.g. {@code 0.0.0.0:5432}
 * @param postgresConnectAddress {@code postgresql.connect_address}, e.g. {@code 10.0.0.7:5432}
 * @param dataDir {@code postgresql.data_dir}
 * @param binDir {@code postgresql.bin_dir}; the PATH's binaries when empty
 * @param pgpass {@code postgresql.pgpass}
 * @param parameters host-local {@code postgresql.parameters}
 * @param tags {@code tags}
 */
public record MemberHost(
    String name,
    String restApiListen,
    String restApiConnectAddress,
    String postgresListen,
    String postgresConnectAddress,
    String dataDir,
    Optional<String> binDir,
    Optional<String> pgpass,
    Map<String, Object> parameters,
    Map<String, Object> tags) {

  public MemberHost {
    for (String[] v : new String[][] {{name, "name"}, {restApiListen, "restApiListen"},
        {restApiConnectAddress, "restApiConnectAddress"}, {postgresListen, "postgresListen"},
        {postgresConnectAddress, "postgresConnectAddress"}, {dataDir, "dataDir"}}) {
      if (v[0] == null || v[0].isBlank()) {
        throw new PatroniConfigException("member host: " + v[1] + " must not be empty");
      }
    }
    Objects.requireNonNull(binDir, "binDir");
    Objects.requireNonNull(pgpass, "pgpass");
    parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    tags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tags));
  }

  /** A builder for the member named {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Builds a {@link MemberHost}; not thread-safe. */
  public static final class Builder {
    private final String name;
    private @Nullable String address;
    private @Nullable String listenOn;
    private int restApiPort = 8008;
    private int postgresPort = 5432;
    private @Nullable String dataDir;
    private @Nullable String binDir;
    private @Nullable String pgpass;
    private final Map<String, Object> parameters = new LinkedHashMap<>();
    private final Map<String, Object> tags = new LinkedHashMap<>();

    private Builder(String name) {
      this.name = name;
    }

    /**
     * The host name or IP address the other members and clients reach this member at. Patroni
     * refuses a local one ({@code 127.0.0.1}, {@code localhost}, {@code ::1}, {@code 0.0.0.0}).
     */
    public Builder address(String address) {
      this.address = address;
      return this;
    }

    /** The address both servers listen on; {@link #address} unless set (e.g. {@code 0.0.0.0}). */
    public Builder listenOn(String listenAddress) {
      this.listenOn = listenAddress;
      return this;
    }

    /** The REST API's port (8008 unless set). */
    public Builder restApiPort(int port) {
      this.restApiPort = port;
      return this;
    }

    /** PostgreSQL's port (5432 unless set). */
    public Builder postgresPort(int port) {
      this.postgresPort = port;
      return this;
    }

    /** The data directory. */
    public Builder dataDir(String dir) {
      this.dataDir = dir;
      return this;
    }

    /** The directory of {@code postgres}, {@code pg_ctl}, ... */
    public Builder binDir(String dir) {
      this.binDir = dir;
      return this;
    }

    /** The {@code pgpass} file Patroni writes for replication and rewind. */
    public Builder pgpass(String file) {
      this.pgpass = file;
      return this;
    }

    /** A host-local PostgreSQL parameter ({@code postgresql.parameters}). */
    public Builder parameter(String name, Object value) {
      parameters.put(name, value);
      return this;
    }

    /** A tag ({@code nofailover}, {@code clonefrom}, a custom one, ...). */
    public Builder tag(String name, Object value) {
      tags.put(name, value);
      return this;
    }

    /**
     * The host.
     *
     * @throws PatroniConfigException naming what is missing or out of range
     */
    public MemberHost build() {
      if (address == null || address.isBlank()) {
        throw new PatroniConfigException("member " + name + ": no address (call address(host))");
      }
      if (dataDir == null) {
        throw new PatroniConfigException("member " + name + ": no data directory (call dataDir(dir))");
      }
      for (int port : new int[] {restApiPort, postgresPort}) {
        if (port < 1 || port > 65535) {
          throw new PatroniConfigException("member " + name + ": port " + port + " is not in 1..65535");
        }
      }
      String listen = listenOn == null ? address : listenOn;
      return new MemberHost(name, hostPort(listen, restApiPort), hostPort(address, restApiPort),
          hostPort(listen, postgresPort), hostPort(address, postgresPort), dataDir,
          Optional.ofNullable(binDir), Optional.ofNullable(pgpass), parameters, tags);
    }

    private static String hostPort(String host, int port) {
      return ((host.contains(":") && !host.startsWith("[")) ? "[" + host + "]" : host) + ":" + port;
    }
  }
}
