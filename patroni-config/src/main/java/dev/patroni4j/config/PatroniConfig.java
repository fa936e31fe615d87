package dev.patroni4j.config;

import dev.patroni4j.config.internal.EnvOverrides;
import dev.patroni4j.config.internal.PyValues;
import dev.patroni4j.config.internal.PyYaml;
import dev.patroni4j.config.internal.Trees;
import dev.patroni4j.config.internal.YamlWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Patroni's local configuration ({@code patroni.yml}), read as Patroni reads it: YAML 1.1 with
 * PyYAML's rules ({@code on}/{@code yes} are booleans, {@code 0755} is octal, {@code 1:30} is 90,
 * {@code 1e3} is a string), a directory of files merged in name order, and the {@code PATRONI_*}
 * environment overrides applied by {@link #withEnvironment}. Every key is kept, known or not; the
 * typed sections ({@link #postgresql()}, {@link #restApi()}, {@link #dcs()}, ...) read the keys
 * Patroni 3.0 to 4.1 know and leave values of an unexpected type to {@link ConfigValidator}.
 *
 * <pre>{@code
 * PatroniConfig config = PatroniConfig.read(Path.of("/etc/patroni/patroni.yml"))
 *     .withEnvironment(System.getenv());
 * String dataDir = config.postgresql().dataDir().orElseThrow();
 * List<ConfigProblem> problems = ConfigValidator.forVersion(PatroniVersion.V4_1).validate(config);
 * }</pre>
 *
 * <p>Secrets (passwords, tokens, key pass phrases) are held as {@link Secret}s: they never appear in
 * {@code toString()} of this class or of its sections. Immutable and thread-safe.
 */
public final class PatroniConfig {
  private final Map<Object, @Nullable Object> tree;

  private PatroniConfig(Map<Object, @Nullable Object> tree) {
    this.tree = Trees.frozen(tree);
  }

  /** Parses one YAML document; a text that is not a mapping fails like Patroni does. */
  public static PatroniConfig parse(String yaml) {
    return parse(yaml, "patroni.yml");
  }

  /** Parses one YAML document; errors name {@code source}. */
  public static PatroniConfig parse(String yaml, String source) {
    Object value = PyYaml.load(yaml, source);
    if (!(value instanceof Map<?, ?> map)) {
      throw new ConfigParseException(source, 0, 0, "the configuration must be a mapping, found "
          + (value == null ? "an empty document" : PyValues.display(value)));
    }
    // Patroni merges each file into an empty configuration, which drops top-level keys set to null
    Map<Object, @Nullable Object> merged = new LinkedHashMap<>();
    Trees.patch(merged, map);
    return new PatroniConfig(merged);
  }

  /** Reads a file, or a directory whose {@code *.yml}/{@code *.yaml} files are merged in name order. */
  public static PatroniConfig read(Path path) {
    try {
      if (Files.isDirectory(path)) {
        List<Path> files;
        try (Stream<Path> s = Files.list(path)) {
          files = s.filter(p -> (p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))
              && Files.isRegularFile(p)).sorted().toList();
        }
        Map<Object, @Nullable Object> merged = new LinkedHashMap<>();
        for (Path f : files) {
          Object v = PyYaml.load(Files.readString(f, StandardCharsets.UTF_8), f.toString());
          if (v instanceof Map<?, ?> m) {
            Trees.patch(merged, m);
          } else {
            throw new ConfigParseException(f.toString(), 0, 0, "the configuration must be a mapping");
          }
        }
        return new PatroniConfig(merged);
      }
      return parse(Files.readString(path, StandardCharsets.UTF_8), path.toString());
    } catch (IOException e) {
      throw new PatroniConfigException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  /** A configuration from a tree of maps, lists and scalars (as {@link #asMap()} returns). */
  public static PatroniConfig fromMap(Map<String, ?> tree) {
    return reread(tree, "map");
  }

  /** The tree written as YAML and read back as Patroni would read it (a string "on" stays a string). */
  private static PatroniConfig reread(Map<?, ?> tree, String source) {
    Object copy = PyYaml.load(YamlWriter.write(tree), source);
    @SuppressWarnings("unchecked")
    Map<Object, @Nullable Object> m = (Map<Object, @Nullable Object>) Objects.requireNonNull(copy);
    return new PatroniConfig(m);
  }

  /**
   * This configuration with the {@code PATRONI_*} overrides of {@code environment} applied as
   * Patroni 4.x applies them; see {@link #withEnvironment(Map, PatroniVersion)}.
   */
  public PatroniConfig withEnvironment(Map<String, String> environment) {
    return withEnvironment(environment, PatroniVersion.V4_1);
  }

  /**
   * This configuration with the {@code PATRONI_*} overrides of {@code environment} applied as
   * {@code version} applies them ({@code PATRONI_SCOPE}, {@code PATRONI_POSTGRESQL_DATA_DIR},
   * {@code PATRONI_SUPERUSER_PASSWORD}, {@code PATRONI_ETCD3_HOSTS}, ...). Variables that are not
   * Patroni's are ignored.
   */
  public PatroniConfig withEnvironment(Map<String, String> environment, PatroniVersion version) {
    Map<Object, @Nullable Object> copy = Trees.copy(tree);
    Trees.patch(copy, EnvOverrides.build(environment, version != PatroniVersion.V3_0));
    return new PatroniConfig(copy);
  }

  /** The configuration Patroni builds from the environment alone (no file, no PATRONI_CONFIGURATION). */
  public static PatroniConfig fromEnvironment(Map<String, String> environment, PatroniVersion version) {
    String whole = environment.get("PATRONI_CONFIGURATION");
    if (whole != null && !whole.isEmpty()) {
      return parse(whole, "PATRONI_CONFIGURATION");
    }
    return new PatroniConfig(EnvOverrides.build(environment, version != PatroniVersion.V3_0));
  }

  /** The value at a dotted path ({@code postgresql.parameters.max_connections}), if present. */
  public Optional<Object> get(String dottedPath) {
    Object node = tree;
    for (String part : dottedPath.split("\\.", -1)) {
      if (!(node instanceof Map<?, ?> m) || !m.containsKey(part)) {
        return Optional.empty();
      }
      node = m.get(part);
    }
    return Optional.ofNullable(node);
  }

  /**
   * This configuration with the value at a dotted path set ({@code restapi.certfile}); mappings
   * missing on the way are created. The value is read back as Patroni would read it from YAML.
   *
   * <pre>{@code
   * // given: PatroniConfig config;
   * PatroniConfig withTls = config.with("restapi.certfile", "/etc/patroni/server.crt")
   *     .with("restapi.keyfile", "/etc/patroni/server.key");
   * }</pre>
   *
   * @throws PatroniConfigException when a key on the way holds something other than a mapping
   */
  public PatroniConfig with(String dottedPath, Object value) {
    Objects.requireNonNull(value, "value");
    Map<Object, @Nullable Object> copy = Trees.copy(tree);
    String[] parts = dottedPath.split("\\.", -1);
    Map<Object, @Nullable Object> node = copy;
    for (int i = 0; i < parts.length - 1; i++) {
      @Nullable Object next = node.get(parts[i]);
      if (next == null) {
        next = new LinkedHashMap<Object, @Nullable Object>();
        node.put(parts[i], next);
      }
      if (!(next instanceof Map<?, ?>)) {
        throw new PatroniConfigException("cannot set " + dottedPath + ": "
            + String.join(".", java.util.Arrays.copyOf(parts, i + 1)) + " is not a mapping");
      }
      @SuppressWarnings("unchecked")
      Map<Object, @Nullable Object> m = (Map<Object, @Nullable Object>) next;
      node = m;
    }
    node.put(parts[parts.length - 1], value);
    return reread(copy, "edit of " + dottedPath);
  }

  /** The whole tree, unmodifiable; secret values are {@link Secret}s. */
  public Map<Object, @Nullable Object> asMap() {
    return tree;
  }

  /** The configuration as YAML (block style, keys in order, secrets written out). */
  public String toYaml() {
    return YamlWriter.write(tree);
  }

  /** {@code scope}: the cluster name. */
  public Optional<String> scope() {
    return string(tree, "scope");
  }

  /** {@code name}: this member's name. */
  public Optional<String> name() {
    return string(tree, "name");
  }

  /** {@code namespace}, {@code /service} when absent. */
  public String namespace() {
    return string(tree, "namespace").orElse("/service");
  }

  /** The {@code restapi} section (empty values when absent). */
  public RestApi restApi() {
    Map<String, @Nullable Object> m = section(tree, "restapi");
    return new RestApi(string(m, "listen"), string(m, "connect_address"), credentials(m.get("authentication")),
        string(m, "certfile"), string(m, "keyfile"), secret(m, "keyfile_password"), string(m, "cafile"),
        string(m, "verify_client"), rest(m, "listen", "connect_address", "authentication", "certfile", "keyfile",
        "keyfile_password", "cafile", "verify_client"));
  }

  /** The {@code ctl} section (patronictl's TLS and credentials). */
  public Ctl ctl() {
    Map<String, @Nullable Object> m = section(tree, "ctl");
    return new Ctl(bool(m, "insecure"), string(m, "cacert"), string(m, "certfile"), string(m, "keyfile"),
        secret(m, "keyfile_password"), credentials(m.get("authentication")),
        rest(m, "insecure", "cacert", "certfile", "keyfile", "keyfile_password", "authentication"));
  }

  /** The DCS section: the first of Patroni's DCS names present, in Patroni's order. */
  public Optional<Dcs> dcs() {
    for (DcsType type : DcsType.values()) {
      if (tree.containsKey(type.key())) {
        Map<String, @Nullable Object> m = section(tree, type.key());
        List<String> hosts = new ArrayList<>();
        Object h = m.containsKey("hosts") ? m.get("hosts") : m.get("host");
        if (h instanceof String s) {
          for (String part : s.split(",", -1)) {
            if (!part.isBlank()) {
              hosts.add(part.strip());
            }
          }
        } else if (h instanceof List<?> l) {
          l.forEach(x -> hosts.add(PyValues.str(x)));
        }
        return Optional.of(new Dcs(type, List.copyOf(hosts), string(m, "url"), string(m, "protocol"),
            string(m, "username"), secret(m, "password"), secret(m, "token"),
            rest(m, "host", "hosts", "url", "protocol", "username", "password", "token")));
      }
    }
    return Optional.empty();
  }

  /** The {@code bootstrap} section. */
  public Bootstrap bootstrap() {
    Map<String, @Nullable Object> m = section(tree, "bootstrap");
    Optional<String> method = string(m, "method");
    Map<String, Map<String, @Nullable Object>> methods = new LinkedHashMap<>();
    method.filter(x -> !x.equals("initdb")).ifPresent(x -> methods.put(x, section(m, x)));
    return new Bootstrap(section(m, "dcs"), method, list(m, "initdb"), strings(m, "pg_hba"),
        Map.copyOf(methods), rest(m, "dcs", "method", "initdb", "pg_hba"));
  }

  /** The {@code postgresql} section. */
  public Postgresql postgresql() {
    Map<String, @Nullable Object> m = section(tree, "postgresql");
    Map<String, @Nullable Object> auth = section(m, "authentication");
    List<String> replicaMethods = strings(m, "create_replica_methods");
    Map<String, Map<String, @Nullable Object>> methods = new LinkedHashMap<>();
    for (String method : replicaMethods) {
      if (m.get(method) instanceof Map) {
        methods.put(method, section(m, method));
      }
    }
    Map<String, String> callbacks = new LinkedHashMap<>();
    section(m, "callbacks").forEach((k, v) -> {
      if (PyValues.isStr(v)) {
        callbacks.put(k, PyValues.str(v));
      }
    });
    Set<String> known = Set.of("listen", "connect_address", "proxy_address", "data_dir", "bin_dir",
        "config_dir", "pgpass", "authentication", "parameters", "pg_hba", "pg_ident", "recovery_conf",
        "callbacks", "create_replica_methods", "use_pg_rewind");
    Map<String, @Nullable Object> other = new LinkedHashMap<>();
    m.forEach((k, v) -> {
      if (!known.contains(k) && !methods.containsKey(k)) {
        other.put(k, v);
      }
    });
    return new Postgresql(string(m, "listen"), string(m, "connect_address"), string(m, "proxy_address"),
        string(m, "data_dir"), string(m, "bin_dir"), string(m, "config_dir"), string(m, "pgpass"),
        new Authentication(credentials(auth.get("superuser")), credentials(auth.get("replication")),
            credentials(auth.get("rewind"))),
        section(m, "parameters"), strings(m, "pg_hba"), strings(m, "pg_ident"), section(m, "recovery_conf"),
        Map.copyOf(callbacks), replicaMethods, Map.copyOf(methods), bool(m, "use_pg_rewind"),
        java.util.Collections.unmodifiableMap(other));
  }

  /** The {@code watchdog} section. */
  public Watchdog watchdog() {
    Map<String, @Nullable Object> m = section(tree, "watchdog");
    Object mode = m.get("mode");
    // YAML 1.1 reads an unquoted off as false: Patroni 4 accepts it as "off"
    Optional<String> modeName = Boolean.FALSE.equals(mode) ? Optional.of("off") : string(m, "mode");
    return new Watchdog(modeName, string(m, "device"), integer(m, "safety_margin"),
        rest(m, "mode", "device", "safety_margin"));
  }

  /** The {@code tags} section. */
  public Tags tags() {
    Map<String, @Nullable Object> m = section(tree, "tags");
    return new Tags(bool(m, "nofailover"), integer(m, "failover_priority"), bool(m, "clonefrom"),
        bool(m, "noloadbalance"), string(m, "replicatefrom"), bool(m, "nosync"), integer(m, "sync_priority"),
        bool(m, "nostream"), rest(m, "nofailover", "failover_priority", "clonefrom", "noloadbalance",
        "replicatefrom", "nosync", "sync_priority", "nostream"));
  }

  /** The {@code log} section. */
  public Log log() {
    Map<String, @Nullable Object> m = section(tree, "log");
    return new Log(string(m, "type"), string(m, "level"), Optional.ofNullable(m.get("format")),
        string(m, "dir"), rest(m, "type", "level", "format", "dir"));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PatroniConfig c && c.tree.equals(tree);
  }

  @Override
  public int hashCode() {
    return tree.hashCode();
  }

  /** Scope, name and the top-level keys; never a value of a section (secrets are in there). */
  @Override
  public String toString() {
    return "PatroniConfig[scope=" + scope().orElse("?") + ", name=" + name().orElse("?") + ", keys="
        + tree.keySet() + "]";
  }

  // ------------------------------------------------------------------------ the typed sections

  /** Where the DCS section lives, in the order Patroni tries them. */
  public enum DcsType {
    CONSUL, ETCD, ETCD3, EXHIBITOR, KUBERNETES, RAFT, ZOOKEEPER;

    /** The section's key in {@code patroni.yml}. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A user Patroni connects as: {@code username}, {@code password}, and libpq options ({@code sslmode}...). */
  public record Credentials(String username, Optional<Secret> password, Map<String, @Nullable Object> options) {}

  /** {@code postgresql.authentication}. */
  public record Authentication(Optional<Credentials> superuser, Optional<Credentials> replication,
      Optional<Credentials> rewind) {}

  /** {@code restapi}; {@code other} holds the remaining keys. */
  public record RestApi(Optional<String> listen, Optional<String> connectAddress,
      Optional<Credentials> authentication, Optional<String> certfile, Optional<String> keyfile,
      Optional<Secret> keyfilePassword, Optional<String> cafile, Optional<String> verifyClient,
      Map<String, @Nullable Object> other) {}

  /** {@code ctl}; {@code other} holds the remaining keys. */
  public record Ctl(Optional<Boolean> insecure, Optional<String> cacert, Optional<String> certfile,
      Optional<String> keyfile, Optional<Secret> keyfilePassword, Optional<Credentials> authentication,
      Map<String, @Nullable Object> other) {}

  /** The DCS section; {@code hosts} from the key "hosts", else "host"; {@code other} holds the rest. */
  public record Dcs(DcsType type, List<String> hosts, Optional<String> url, Optional<String> protocol,
      Optional<String> username, Optional<Secret> password, Optional<Secret> token,
      Map<String, @Nullable Object> other) {}

  /** {@code bootstrap}: {@code dcs} is the dynamic configuration that seeds the DCS. */
  public record Bootstrap(Map<String, @Nullable Object> dcs, Optional<String> method, List<Object> initdb,
      List<String> pgHba, Map<String, Map<String, @Nullable Object>> methods, Map<String, @Nullable Object> other) {}

  /** {@code postgresql}; {@code replicaMethods} are the sections named by {@code create_replica_methods}. */
  public record Postgresql(Optional<String> listen, Optional<String> connectAddress,
      Optional<String> proxyAddress, Optional<String> dataDir, Optional<String> binDir,
      Optional<String> configDir, Optional<String> pgpass, Authentication authentication,
      Map<String, @Nullable Object> parameters, List<String> pgHba, List<String> pgIdent,
      Map<String, @Nullable Object> recoveryConf, Map<String, String> callbacks,
      List<String> createReplicaMethods, Map<String, Map<String, @Nullable Object>> replicaMethods,
      Optional<Boolean> usePgRewind, Map<String, @Nullable Object> other) {}

  /** {@code watchdog}. */
  public record Watchdog(Optional<String> mode, Optional<String> device, Optional<Long> safetyMargin,
      Map<String, @Nullable Object> other) {}

  /** {@code tags}; custom tags are in {@code other}. */
  public record Tags(Optional<Boolean> nofailover, Optional<Long> failoverPriority, Optional<Boolean> clonefrom,
      Optional<Boolean> noloadbalance, Optional<String> replicatefrom, Optional<Boolean> nosync,
      Optional<Long> syncPriority, Optional<Boolean> nostream, Map<String, @Nullable Object> other) {}

  /** {@code log}. */
  public record Log(Optional<String> type, Optional<String> level, Optional<Object> format, Optional<String> dir,
      Map<String, @Nullable Object> other) {}

  // ------------------------------------------------------------------------ readers

  @SuppressWarnings("unchecked")
  private static Map<String, @Nullable Object> section(Map<?, ?> m, String key) {
    if (m.get(key) instanceof Map<?, ?> s) {
      Map<String, @Nullable Object> out = new LinkedHashMap<>();
      s.forEach((k, v) -> out.put(String.valueOf(k), v));
      return java.util.Collections.unmodifiableMap(out);
    }
    return Map.of();
  }

  private static Optional<String> string(Map<?, ?> m, String key) {
    Object v = m.get(key);
    return v instanceof String s ? Optional.of(s) : Optional.empty();
  }

  private static Optional<Secret> secret(Map<?, ?> m, String key) {
    Object v = m.get(key);
    return v instanceof Secret s ? Optional.of(s) : v instanceof String s ? Optional.of(Secret.of(s))
        : Optional.empty();
  }

  private static Optional<Boolean> bool(Map<?, ?> m, String key) {
    return m.get(key) instanceof Boolean b ? Optional.of(b) : Optional.empty();
  }

  private static Optional<Long> integer(Map<?, ?> m, String key) {
    return m.get(key) instanceof Long l ? Optional.of(l) : Optional.empty();
  }

  private static List<Object> list(Map<?, ?> m, String key) {
    return m.get(key) instanceof List<?> l ? java.util.Collections.unmodifiableList(new ArrayList<>(l)) : List.of();
  }

  private static List<String> strings(Map<?, ?> m, String key) {
    List<String> out = new ArrayList<>();
    if (m.get(key) instanceof List<?> l) {
      l.forEach(x -> {
        if (x instanceof String s) {
          out.add(s);
        }
      });
    }
    return List.copyOf(out);
  }

  private static Optional<Credentials> credentials(@Nullable Object value) {
    if (!(value instanceof Map<?, ?> m) || !(m.get("username") instanceof String user)) {
      return Optional.empty();
    }
    Map<String, @Nullable Object> options = new LinkedHashMap<>();
    m.forEach((k, v) -> {
      if (!"username".equals(k) && !"password".equals(k)) {
        options.put(String.valueOf(k), v);
      }
    });
    return Optional.of(new Credentials(user, secret(m, "password"), java.util.Collections.unmodifiableMap(options)));
  }

  private static Map<String, @Nullable Object> rest(Map<String, @Nullable Object> m, String... known) {
    Map<String, @Nullable Object> out = new LinkedHashMap<>(m);
    for (String k : known) {
      out.remove(k);
    }
    return java.util.Collections.unmodifiableMap(out);
  }
}
