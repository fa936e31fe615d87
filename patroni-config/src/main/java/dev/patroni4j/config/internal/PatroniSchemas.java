package dev.patroni4j.config.internal;

import static dev.patroni4j.config.internal.Schema.BOOL;
import static dev.patroni4j.config.internal.Schema.DICT;
import static dev.patroni4j.config.internal.Schema.INT;
import static dev.patroni4j.config.internal.Schema.STR;
import static dev.patroni4j.config.internal.Schema.anyOf;
import static dev.patroni4j.config.internal.Schema.dict;
import static dev.patroni4j.config.internal.Schema.listOf;

import dev.patroni4j.config.internal.Schema.Check;
import dev.patroni4j.config.internal.Schema.Context;
import dev.patroni4j.config.internal.Schema.Dict;
import dev.patroni4j.config.internal.Schema.Failed;
import dev.patroni4j.config.internal.Schema.Node;
import dev.patroni4j.config.internal.Schema.PyType;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The schemas of {@code patroni --validate-config}: 3.0.x, 4.0.x and 4.1.x, written from the
 * {@code schema} objects of Patroni's {@code validator.py} in 3.0.2, 4.0.7 and 4.1.5.
 */
public final class PatroniSchemas {
  private PatroniSchemas() {}

  /** The Patroni release lines whose validators differ. */
  public enum Line { V3_0, V4_0, V4_1 }

  /** Options of a validation run; {@code ignoreListenPort} is 4.x's {@code --ignore-listen-port}. */
  public record Options(boolean ignoreListenPort) {}

  private static final ThreadLocal<Options> OPTIONS = ThreadLocal.withInitial(() -> new Options(false));

  /** Validates {@code config} (mutated only by Patroni's defaults, as Patroni does) as {@code line} would. */
  public static List<Schema.Result> validate(Line line, Map<Object, @Nullable Object> config,
      HostFacts host, Options options) {
    OPTIONS.set(options);
    try {
      return Schema.errors(schema(line), config, new Context(config, line == Line.V3_0, host));
    } finally {
      OPTIONS.remove();
    }
  }

  static Dict schema(Line line) {
    return switch (line) {
      case V3_0 -> V3;
      case V4_0 -> V40;
      case V4_1 -> V41;
    };
  }

  // ------------------------------------------------------------------------ checks

  static Check check(@Nullable PyType expected, String what, Schema.CheckFn fn) {
    return new Check(expected, what, fn);
  }

  /** Patroni's {@code assert_} failure. */
  static void require(boolean condition, String message) throws Failed {
    if (!condition) {
      throw new Failed(message);
    }
  }

  record HostPort(String hosts, int port) {}

  /** {@code split_host_port(value, default_port)}; a missing default (3.0 listen) fails like {@code int('None')}. */
  static HostPort splitHostPort(@Nullable Object value, @Nullable Integer defaultPort) throws Failed {
    if (!PyValues.isStr(value)) {
      throw new Failed("'" + (value == null ? "NoneType" : value.getClass().getSimpleName())
          + "' object has no attribute 'rsplit'");
    }
    String s = PyValues.str(value);
    int colon = s.lastIndexOf(':');
    String host = colon < 0 ? s : s.substring(0, colon);
    String port = colon < 0 ? String.valueOf(defaultPort) : s.substring(colon + 1);
    if (host.contains(":")) {
      List<String> parts = new ArrayList<>();
      for (String h : host.split(",", -1)) {
        parts.add(stripChars(h.strip(), "[]"));
      }
      host = String.join(",", parts);
    }
    Optional<BigInteger> p = PyValues.pyInt(port);
    if (p.isEmpty()) {
      throw new Failed("contains a wrong value");
    }
    BigInteger v = p.get();
    return new HostPort(host, v.bitLength() > 31 ? Integer.MAX_VALUE : v.intValue());
  }

  private static String stripChars(String s, String chars) {
    int b = 0;
    int e = s.length();
    while (b < e && chars.indexOf(s.charAt(b)) >= 0) {
      b++;
    }
    while (e > b && chars.indexOf(s.charAt(e - 1)) >= 0) {
      e--;
    }
    return s.substring(b, e);
  }

  static final Check CONNECT_ADDRESS = check(PyType.STR, "host:port, not a local address", (v, c) -> {
    HostPort hp;
    try {
      hp = splitHostPort(v, 1);
    } catch (Failed e) {
      throw new Failed("contains a wrong value");
    }
    require(!Set.of("127.0.0.1", "0.0.0.0", "*", "::1", "localhost").contains(hp.hosts()),
        "must not contain \"127.0.0.1\", \"0.0.0.0\", \"*\", \"::1\", \"localhost\"");
  });

  static void hostPort(@Nullable Object value, boolean listen, boolean multipleHosts, Context c)
      throws Failed {
    HostPort hp;
    try {
      hp = splitHostPort(value, c.patroni3() && listen ? null : Integer.valueOf(1));
    } catch (Failed e) {
      if (e.getMessage() != null && e.getMessage().contains("rsplit")) {
        throw e;
      }
      throw new Failed("contains a wrong value");
    }
    List<String> hosts = multipleHosts ? List.of(hp.hosts().split(",", -1)) : List.of(hp.hosts());
    if (hosts.contains("*")) {
      require(hosts.size() == 1, "expecting '*' alone");
      hosts = List.of("0.0.0.0", "::");
    }
    for (String host : hosts) {
      Optional<List<InetAddress>> addresses = host.isEmpty() ? Optional.empty() : c.host().resolve(host);
      if (addresses.isEmpty() || addresses.get().isEmpty()) {
        throw new Failed("[Errno -2] Name or service not known");
      }
      require(hp.port() >= 0 && hp.port() <= 65535, "connect_ex(): port must be 0-65535.");
      boolean accepts = hp.port() != 0 && c.host().accepts(addresses.get().get(0), hp.port());
      if (accepts) {
        if (listen && !OPTIONS.get().ignoreListenPort()) {
          throw new Failed("Port " + hp.port() + " is already in use.");
        }
      } else if (!listen) {
        throw new Failed(PyValues.str(value) + " is not reachable");
      }
    }
  }

  static final Check HOST_PORT = check(null, "host:port that accepts connections",
      (v, c) -> hostPort(v, false, false, c));
  static final Check HOST_PORT_LISTEN = check(PyType.STR, "host:port that is free to listen on",
      (v, c) -> hostPort(v, true, false, c));
  static final Check HOST_PORT_LISTEN_MULTI = check(PyType.STR, "host[,host...]:port free to listen on",
      (v, c) -> hostPort(v, true, true, c));
  static final Check HOST_PORT_LIST = check(PyType.LIST, "a list of host:port", (v, c) -> {
    for (Object item : (List<?>) Objects.requireNonNull(v)) { // PyType.LIST admitted it
      hostPort(item, false, false, c);
    }
  });
  static final Check COMMA_HOST_PORT = check(PyType.STR, "comma-separated host:port", (v, c) -> {
    for (String item : PyValues.str(v).split(",", -1)) {
      hostPort(item.strip(), false, false, c);
    }
  });

  private static final Pattern IPV4_LOOSE = Pattern.compile(
      "^(0x[0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)(\\.(0x[0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)){0,3}$");

  static final Check IPV4 = check(null, "an IPv4 address", (v, c) ->
      require(PyValues.isStr(v) && IPV4_LOOSE.matcher(PyValues.str(v)).matches(), "Is not a valid ipv4 address"));
  static final Check IPV6 = check(null, "an IPv6 address", (v, c) -> {
    String s = PyValues.isStr(v) ? PyValues.str(v) : "";
    boolean ok = false;
    if (s.contains(":") && s.matches("[0-9a-fA-F:.]+")) {
      try {
        ok = InetAddress.getByName(s) instanceof Inet6Address
            || (InetAddress.getByName(s) instanceof Inet4Address && s.startsWith("::ffff:"));
      } catch (java.net.UnknownHostException e) {
        ok = false;
      }
    }
    require(ok, "Is not a valid ipv6 address");
  });

  static String binName(Map<Object, @Nullable Object> root, String binary) {
    if (root.get("postgresql") instanceof Map<?, ?> pg && pg.get("bin_name") instanceof Map<?, ?> names
        && !names.isEmpty() && names.containsKey(binary)) {
      return PyValues.str(names.get(binary));
    }
    return binary;
  }

  private static @Nullable String binDir(Map<Object, @Nullable Object> root) {
    if (root.get("postgresql") instanceof Map<?, ?> pg && pg.containsKey("bin_dir")) {
      Object dir = pg.get("bin_dir");
      return PyValues.truthy(dir) ? PyValues.str(dir) : null;
    }
    return null;
  }

  static final Check DATA_DIR = check(PyType.STR, "a data directory path", (v, c) -> {
    String dir = PyValues.str(v);
    require(!dir.isEmpty(), "is an empty string");
    HostFacts h = c.host();
    require(!(h.exists(dir) && !h.isDirectory(dir)), "is not a directory");
    if (!dataDirectoryEmpty(dir, h)) {
      require(h.exists(dir + "/PG_VERSION"), "doesn't look like a valid data directory");
      String pgVersion = h.read(dir + "/PG_VERSION").orElseThrow(() -> new Failed("cannot read PG_VERSION"))
          .strip();
      double version;
      try {
        version = Double.parseDouble(pgVersion);
      } catch (NumberFormatException e) {
        throw new Failed("could not convert string to float: '" + pgVersion + "'");
      }
      String walDir = version >= 10 ? "pg_wal" : "pg_xlog";
      require(h.isDirectory(dir + "/" + walDir), "data dir for the cluster is not empty, but doesn't contain \""
          + walDir + "\" directory");
      String binDir = binDir(c.root());
      String postgres = c.patroni3() ? "postgres" : binName(c.root(), "postgres");
      String binary = binDir == null ? postgres : binDir + "/" + postgres;
      String major = h.postgresMajorVersion(binary).orElseThrow(() -> new Failed("cannot run " + binary));
      require(pgVersion.equals(major), "data_dir directory postgresql version (" + pgVersion
          + ") doesn't match with 'postgres --version' output (" + major + ")");
    }
  });

  private static boolean dataDirectoryEmpty(String dir, HostFacts h) {
    if (h.isFile(dir + "/global/pg_control")) {
      return false;
    }
    if (!h.exists(dir)) {
      return true;
    }
    return h.list(dir).stream().allMatch(n -> n.startsWith(".") || n.equals("lost+found"));
  }

  static final Check BINARY_NAME = check(PyType.STR, "a PostgreSQL program name", (v, c) -> {
    String name = PyValues.str(v);
    require(!name.isEmpty(), "is an empty string");
    String dir = binDir(c.root());
    require(c.host().onPath(name, dir), "does not contain '" + name + "' in '" + (dir == null ? "$PATH" : dir)
        + "'");
  });

  /** Patroni 4's {@code IntValidator}. */
  static Check intValidator(@Nullable Long min, @Nullable Long max, @Nullable String baseUnit,
      @Nullable Long aligned, boolean expectInt) {
    String what = "an integer" + (min != null ? " >= " + min : "") + (max != null ? " <= " + max : "")
        + (baseUnit != null ? " (unit " + baseUnit + ")" : "");
    return check(expectInt ? PyType.INT : null, what, (v, c) -> {
      Optional<BigInteger> parsed = PyValues.parseInt(v, baseUnit);
      boolean ok = parsed.isPresent()
          && (min == null || parsed.get().compareTo(BigInteger.valueOf(min)) >= 0)
          && (max == null || parsed.get().compareTo(BigInteger.valueOf(max)) <= 0)
          && (aligned == null || parsed.get().mod(BigInteger.valueOf(aligned)).signum() == 0);
      require(ok, "Wrong value");
    });
  }

  static Check intMin(long min) {
    return intValidator(min, null, null, null, false);
  }

  static Check intRange(long min, long max) {
    return intValidator(min, max, null, null, false);
  }

  static Check strictInt(@Nullable Long min, @Nullable Long max) {
    return intValidator(min, max, null, null, true);
  }

  /** Patroni 4's {@code EnumValidator}. */
  static Check enumOf(boolean caseSensitive, String... values) {
    return check(null, "one of " + List.of(values), (v, c) -> {
      boolean ok = false;
      if (PyValues.isStr(v)) {
        String s = PyValues.str(v);
        for (String allowed : values) {
          ok |= caseSensitive ? allowed.equals(s) : allowed.toLowerCase(Locale.ROOT)
              .equals(s.toLowerCase(Locale.ROOT));
        }
      }
      require(ok, "Wrong value");
    });
  }

  static final Check LOG_FORMAT = check(null, "a string or a list of fields", (v, c) -> {
    if (PyValues.isStr(v)) {
      return;
    }
    require(v instanceof List, "Should be a string or a list");
    List<?> list = (List<?>) Objects.requireNonNull(v);
    require(!list.isEmpty(), "should contain at least one item");
    for (Object field : list) {
      boolean ok = PyValues.isStr(field)
          || (field instanceof Map<?, ?> m && m.size() == 1 && PyValues.isStr(m.values().iterator().next()));
      require(ok, "each item should be a string or a dictionary with string values");
    }
  });

  static final Check WATCHDOG_MODE_4 = check(null, "off, automatic or required", (v, c) -> {
    require(PyValues.isStr(v) || PyValues.isBool(v), "expected type is not a string");
    // Python: value in (False, "off", "automatic", "required"); False == 0
    require(Boolean.FALSE.equals(v) || (v instanceof String s && Set.of("off", "automatic", "required").contains(s)),
        "Wrong value");
  });

  static final Check SYNCHRONOUS_MODE_41 = check(null, "a boolean or quorum", (v, c) ->
      require((v instanceof String s && s.toLowerCase(Locale.ROOT).equals("quorum"))
          || PyValues.parseBool(v).isPresent(), "invalid value for synchronous_mode"));

  static final Check WATCHDOG_MODE_3 = check(null, "\"off\", \"automatic\" or \"required\" (a string)", (v, c) ->
      require(v instanceof String s && Set.of("off", "automatic", "required").contains(s), "Wrong value"));

  static final Check UNIX_SOCKET_3 = check(null, "a non-empty string", (v, c) -> {
    if (!(v instanceof String || v instanceof List || v instanceof Map)) {
      throw new Failed("object has no len()");
    }
    require(v instanceof String s && !s.isEmpty(), "Wrong value");
  });

  static final Check PORT_3 = check(null, "a port number <= 65535", (v, c) -> {
    Optional<BigInteger> n;
    if (v instanceof Boolean b) {
      n = Optional.of(b ? BigInteger.ONE : BigInteger.ZERO);
    } else if (v instanceof Long || v instanceof BigInteger) {
      n = Optional.of(new BigInteger(PyValues.str(v)));
    } else if (v instanceof Double d && !d.isNaN() && !d.isInfinite()) {
      n = Optional.of(new java.math.BigDecimal(d).toBigInteger());
    } else if (PyValues.isStr(v)) {
      n = PyValues.pyInt(PyValues.str(v));
    } else {
      n = Optional.empty();
    }
    require(n.isPresent() && n.get().compareTo(BigInteger.valueOf(65535)) <= 0, "Wrong value");
  });

  // ------------------------------------------------------------------------ the schemas

  private static Map<String, Node> cases(Object... nameAndNode) {
    Map<String, Node> m = new LinkedHashMap<>();
    for (int i = 0; i < nameAndNode.length; i += 2) {
      m.put((String) nameAndNode[i], (Node) nameAndNode[i + 1]);
    }
    return m;
  }

  private static final Check ANY = check(null, "any value", (v, c) -> { });

  private static final Dict USER = dict().req("username", STR).opt("password", STR).build();

  private static final Dict V3 = v3();

  private static Dict v3() {
    Dict etcd = dict().anyOf(cases("host", HOST_PORT, "hosts", anyOf(COMMA_HOST_PORT, listOf(HOST_PORT)),
        "srv", STR, "srv_suffix", STR, "url", STR, "proxy", STR)).build();
    Map<String, Node> dcs = cases(
        "consul", dict().anyOf(cases("host", HOST_PORT, "url", STR)).build(),
        "etcd", etcd,
        "etcd3", etcd,
        "exhibitor", dict().req("hosts", listOf(STR)).req("port", PORT_3).opt("pool_interval", INT).build(),
        "kubernetes", dict().req("labels", dict().build()).opt("namespace", STR).opt("scope_label", STR)
            .opt("role_label", STR).opt("use_endpoints", BOOL).opt("pod_ip", anyOf(IPV4, IPV6))
            .opt("ports", listOf(dict().req("name", STR).req("port", INT).build()))
            .opt("retriable_http_codes", anyOf(INT, listOf(INT))).build(),
        "raft", dict().req("self_addr", CONNECT_ADDRESS).opt("bind_addr", HOST_PORT_LISTEN)
            .req("partner_addrs", HOST_PORT_LIST).opt("data_dir", STR).opt("password", STR).build(),
        "zookeeper", dict().req("hosts", anyOf(COMMA_HOST_PORT, listOf(HOST_PORT))).build());
    return dict()
        .req("name", STR)
        .req("scope", STR)
        // 3.0 builds "username:password" from restapi.authentication after validating: it must be a
        // mapping with both keys (of any type) or Patroni dies with a traceback
        .req("restapi", dict().req("listen", HOST_PORT_LISTEN).req("connect_address", CONNECT_ADDRESS)
            .opt("authentication", dict().req("username", ANY).req("password", ANY).build()).build())
        .opt("bootstrap", dict()
            .req("dcs", dict().opt("ttl", INT).opt("loop_wait", INT).opt("retry_timeout", INT)
                .opt("maximum_lag_on_failover", INT).build())
            .req("pg_hba", listOf(STR))
            .req("initdb", listOf(anyOf(STR, DICT))).build())
        .anyOf(dcs)
        .opt("citus", dict().req("database", STR).req("group", INT).build())
        .req("postgresql", dict()
            .req("listen", HOST_PORT_LISTEN_MULTI)
            .req("connect_address", CONNECT_ADDRESS)
            .opt("proxy_address", CONNECT_ADDRESS)
            .req("authentication", dict().req("replication", USER).req("superuser", USER).req("rewind", USER)
                .build())
            .req("data_dir", DATA_DIR)
            .opt("bin_dir", new Schema.Directory())
            .opt("parameters", dict().opt("unix_socket_directories", UNIX_SOCKET_3).build())
            .opt("pg_hba", listOf(STR))
            .opt("pg_ident", listOf(STR))
            .opt("pg_ctl_timeout", INT)
            .opt("use_pg_rewind", BOOL).build())
        .opt("watchdog", dict().opt("mode", WATCHDOG_MODE_3).opt("device", STR).build())
        .opt("tags", dict().opt("nofailover", BOOL).opt("clonefrom", BOOL).opt("noloadbalance", BOOL)
            .opt("replicatefrom", STR).opt("nosync", BOOL).build())
        .build();
  }

  private static final Dict V40 = v4(false);
  private static final Dict V41 = v4(true);

  private static Dict v4(boolean v41) {
    Schema.DictBuilder etcdBuilder = dict().anyOf(cases("host", HOST_PORT,
        "hosts", anyOf(COMMA_HOST_PORT, listOf(HOST_PORT)),
        "srv", STR, "srv_suffix", STR, "url", STR, "proxy", STR));
    for (String k : List.of("protocol", "username", "password", "cacert", "cert", "key")) {
      etcdBuilder.opt(k, STR);
    }
    Dict etcd = etcdBuilder.build();
    Check port = strictInt(null, 65535L);
    Schema.DictBuilder consul = dict().anyOf(cases("host", HOST_PORT, "url", STR))
        .opt("port", port).opt("scheme", STR).opt("token", STR).opt("verify", BOOL).opt("cacert", STR)
        .opt("cert", STR).opt("key", STR).opt("dc", STR).opt("checks", listOf(STR))
        .opt("register_service", BOOL).opt("service_tags", listOf(STR)).opt("service_check_interval", STR)
        .opt("service_check_tls_server_name", STR)
        .opt("consistency", enumOf(true, "default", "consistent", "stale"));
    Schema.DictBuilder k8s = dict().req("labels", dict().build()).opt("bypass_api_service", BOOL);
    for (String k : List.of("namespace", "scope_label", "role_label", "leader_label_value",
        "follower_label_value", "standby_leader_label_value", "tmp_role_label")) {
      k8s.opt(k, STR);
    }
    k8s.opt("use_endpoints", BOOL).opt("pod_ip", anyOf(IPV4, IPV6))
        .opt("ports", listOf(dict().req("name", STR).req("port", port).build()))
        .opt("cacert", STR).opt("retriable_http_codes", anyOf(INT, listOf(INT)));
    if (v41) {
      k8s.opt("bootstrap_labels", DICT);
    }
    Map<String, Node> dcs = cases(
        "consul", consul.build(),
        "etcd", etcd,
        "etcd3", etcd,
        "exhibitor", dict().req("hosts", listOf(STR)).req("port", port)
            .opt("poll_interval", strictInt(1L, null)).build(),
        "kubernetes", k8s.build(),
        "raft", dict().req("self_addr", CONNECT_ADDRESS).opt("bind_addr", HOST_PORT_LISTEN)
            .req("partner_addrs", HOST_PORT_LIST).opt("data_dir", STR).opt("password", STR).build(),
        "zookeeper", dict().req("hosts", anyOf(COMMA_HOST_PORT, listOf(HOST_PORT))).opt("use_ssl", BOOL)
            .opt("cacert", STR).opt("cert", STR).opt("key", STR).opt("key_password", STR).opt("verify", BOOL)
            .opt("set_acls", DICT).opt("auth_data", DICT).build());

    Schema.DictBuilder log = dict()
        .opt("type", enumOf(true, "plain", "json"))
        .opt("level", enumOf(true, "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL", "CRITICAL"))
        .opt("traceback_level", enumOf(false, "DEBUG", "ERROR"))
        .opt("format", LOG_FORMAT).opt("dateformat", STR).opt("static_fields", DICT)
        .opt("max_queue_size", INT).opt("dir", STR).opt("file_num", INT).opt("file_size", INT)
        .opt("mode", strictInt(0L, 511L)).opt("loggers", DICT);
    if (v41) {
      log.opt("deduplicate_heartbeat_logs", BOOL);
    }
    Schema.DictBuilder restapi = dict();
    if (v41) {
      restapi.opt("thread_pool_size", strictInt(5L, null));
    }
    restapi.req("listen", HOST_PORT_LISTEN).req("connect_address", CONNECT_ADDRESS)
        .opt("authentication", dict().req("username", STR).req("password", STR).build())
        .opt("certfile", STR).opt("keyfile", STR).opt("keyfile_password", STR).opt("cafile", STR)
        .opt("ciphers", STR).opt("verify_client", enumOf(true, "none", "optional", "required"))
        .opt("allowlist", listOf(STR)).opt("allowlist_include_members", BOOL)
        .opt("http_extra_headers", DICT).opt("https_extra_headers", DICT)
        .opt("request_queue_size", strictInt(0L, 4096L));
    if (v41) {
      restapi.opt("server_tokens", enumOf(false, "minimal", "productonly", "original"));
    }
    Schema.DictBuilder tags = dict()
        .atMostOne(cases("nofailover", BOOL, "failover_priority", strictInt(0L, null)))
        .opt("clonefrom", BOOL).opt("noloadbalance", BOOL).opt("replicatefrom", STR);
    if (v41) {
      tags.atMostOne(cases("nosync", BOOL, "sync_priority", strictInt(0L, null)));
    } else {
      tags.opt("nosync", BOOL);
    }
    tags.opt("nostream", BOOL);

    Schema.DictBuilder binNames = dict();
    for (String b : List.of("pg_ctl", "initdb", "pg_controldata", "pg_basebackup", "postgres", "pg_isready",
        "pg_rewind")) {
      binNames.opt(b, BINARY_NAME);
    }
    Schema.DictBuilder top = dict().req("name", STR).req("scope", STR);
    if (v41) {
      top.opt("thread_pool_size", strictInt(5L, null))
          .opt("thread_stack_size", intValidator(65536L, null, "B", 65536L, true));
    }
    return top
        .opt("log", log.build())
        .opt("ctl", dict().opt("insecure", BOOL).opt("cacert", STR).opt("certfile", STR).opt("keyfile", STR)
            .opt("keyfile_password", STR).build())
        .req("restapi", restapi.build())
        .opt("bootstrap", dict()
            .req("dcs", dict()
                .opt("ttl", intMin(20)).opt("loop_wait", intMin(1)).opt("retry_timeout", intMin(3))
                .opt("maximum_lag_on_failover", intMin(0)).opt("maximum_lag_on_syncnode", intMin(-1))
                .opt("member_slots_ttl", intValidator(0L, null, "s", null, false))
                .opt("postgresql", dict()
                    .opt("parameters", dict()
                        .opt("max_connections", intRange(1, 262143))
                        .opt("max_locks_per_transaction", intRange(10, 2147483647))
                        .opt("max_prepared_transactions", intRange(0, 262143))
                        .opt("max_replication_slots", intRange(0, 262143))
                        .opt("max_wal_senders", intRange(0, 262143))
                        .opt("max_worker_processes", intRange(0, 262143)).build())
                    .opt("use_pg_rewind", BOOL).opt("pg_hba", listOf(STR)).opt("pg_ident", listOf(STR))
                    .opt("pg_ctl_timeout", intMin(0)).opt("use_slots", BOOL).build())
                .opt("primary_start_timeout", intMin(0)).opt("primary_stop_timeout", intMin(0))
                .opt("standby_cluster", dict()
                    .anyOf(cases("host", STR, "port", strictInt(null, 65535L), "restore_command", STR))
                    .opt("primary_slot_name", STR).opt("create_replica_methods", listOf(STR))
                    .opt("archive_cleanup_command", STR).opt("recovery_min_apply_delay", STR).build())
                .opt("synchronous_mode", v41 ? SYNCHRONOUS_MODE_41 : BOOL).opt("synchronous_mode_strict", BOOL)
                .opt("synchronous_node_count", intMin(1)).build())
            .opt("initdb", listOf(anyOf(STR, DICT)))
            .opt("method", STR).build())
        .anyOf(dcs)
        .opt("citus", dict().req("database", STR).req("group", strictInt(0L, null)).build())
        .req("postgresql", dict()
            .req("listen", HOST_PORT_LISTEN_MULTI)
            .req("connect_address", CONNECT_ADDRESS)
            .opt("proxy_address", CONNECT_ADDRESS)
            .req("authentication", dict().req("replication", USER).req("superuser", USER).opt("rewind", USER)
                .build())
            .req("data_dir", DATA_DIR)
            .opt("bin_name", binNames.build())
            .optDefault("bin_dir", "", new Schema.Directory())
            .opt("parameters", dict().opt("unix_socket_directories", STR).build())
            .opt("pg_hba", listOf(STR)).opt("pg_ident", listOf(STR))
            .opt("pg_ctl_timeout", intMin(0)).opt("use_pg_rewind", BOOL).build())
        .opt("watchdog", dict().opt("mode", WATCHDOG_MODE_4).opt("device", STR)
            .opt("safety_margin", strictInt(-1L, null)).build())
        .opt("tags", tags.build())
        .build();
  }
}
