package dev.patroni4j.config.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Patroni's {@code Config._build_environment_configuration}: the {@code PATRONI_*} variables as the
 * configuration tree Patroni patches over the file. Written from 3.0.2 and 4.1.4; {@code patroni4}
 * selects the keys only 4.x reads.
 */
public final class EnvOverrides {
  private EnvOverrides() {}

  private static final String PREFIX = "PATRONI_";
  private static final List<String> AUTH = List.of("username", "password", "sslmode", "sslcert", "sslkey",
      "sslpassword", "sslrootcert", "sslcrl", "sslcrldir", "gssencmode", "channel_binding", "sslnegotiation");
  private static final Set<String> DCS_SUFFIXES = Set.of("HOST", "HOSTS", "PORT", "USE_PROXIES", "PROTOCOL",
      "SRV", "SRV_SUFFIX", "URL", "PROXY", "CACERT", "CERT", "KEY", "VERIFY", "TOKEN", "CHECKS", "DC",
      "CONSISTENCY", "REGISTER_SERVICE", "SERVICE_CHECK_INTERVAL", "SERVICE_CHECK_TLS_SERVER_NAME",
      "SERVICE_TAGS", "NAMESPACE", "CONTEXT", "USE_ENDPOINTS", "SCOPE_LABEL", "ROLE_LABEL", "POD_IP", "PORTS",
      "LABELS", "BYPASS_API_SERVICE", "RETRIABLE_HTTP_CODES", "KEY_PASSWORD", "USE_SSL", "SET_ACLS", "GROUP",
      "DATABASE");
  private static final Set<String> DCS_SUFFIXES_4 = Set.of("LEADER_LABEL_VALUE", "FOLLOWER_LABEL_VALUE",
      "STANDBY_LEADER_LABEL_VALUE", "TMP_ROLE_LABEL", "AUTH_DATA", "BOOTSTRAP_LABELS");
  private static final Pattern LOG_FORMAT_FIELD = Pattern.compile("%\\(\\w+\\)");

  /** The overrides {@code env} makes; {@code env} is not changed. */
  public static Map<Object, @Nullable Object> build(Map<String, String> environment, boolean patroni4) {
    Map<String, String> env = new TreeMap<>(environment);
    Map<Object, @Nullable Object> ret = new LinkedHashMap<>();
    List<String> top = new ArrayList<>(List.of("name", "namespace", "scope"));
    if (patroni4) {
      top.addAll(List.of("thread_pool_size", "thread_stack_size"));
    }
    for (String p : top) {
      pop(env, p).ifPresent(v -> ret.put(p, v));
    }
    fixLog(env, "level", "loglevel");
    fixLog(env, "format", "logformat");
    fixLog(env, "dateformat", "log_datefmt");
    List<String> restapi = new ArrayList<>(List.of("listen", "connect_address", "certfile", "keyfile",
        "keyfile_password", "cafile", "ciphers", "verify_client", "http_extra_headers", "https_extra_headers",
        "allowlist", "allowlist_include_members"));
    List<String> log = new ArrayList<>(List.of("level", "traceback_level", "format", "dateformat",
        "max_queue_size", "dir", "file_size", "file_num", "loggers"));
    if (patroni4) {
      restapi.addAll(List.of("request_queue_size", "server_tokens"));
      log = List.of("type", "level", "traceback_level", "format", "dateformat", "static_fields",
          "max_queue_size", "dir", "mode", "file_size", "file_num", "loggers", "deduplicate_heartbeat_logs");
    }
    section(env, ret, "restapi", restapi);
    section(env, ret, "ctl", List.of("insecure", "cacert", "certfile", "keyfile", "keyfile_password"));
    section(env, ret, "postgresql", List.of("listen", "connect_address", "proxy_address", "config_dir",
        "data_dir", "pgpass", "bin_dir"));
    section(env, ret, "log", log);
    section(env, ret, "raft", List.of("data_dir", "self_addr", "partner_addrs", "password", "bind_addr"));
    if (patroni4) {
      for (String b : List.of("pg_ctl", "initdb", "pg_controldata", "pg_basebackup", "postgres", "pg_isready",
          "pg_rewind")) {
        pop(env, "POSTGRESQL_BIN_" + b).ifPresent(v -> sub(sub(ret, "postgresql"), "bin_name").put(b, v));
      }
    }
    List<String[]> bools = new ArrayList<>(List.of(new String[] {"restapi", "allowlist_include_members"},
        new String[] {"ctl", "insecure"}));
    if (patroni4) {
      bools.add(new String[] {"log", "deduplicate_heartbeat_logs"});
    }
    for (String[] b : bools) {
      convert(ret, b[0], b[1], v -> PyValues.parseBool(v).orElse(null));
    }
    List<String[]> ints = new ArrayList<>(List.of(new String[] {"log", "max_queue_size"},
        new String[] {"log", "file_size"}, new String[] {"log", "file_num"}));
    if (patroni4) {
      ints.addAll(List.of(new String[] {"restapi", "request_queue_size"}, new String[] {"restapi",
          "thread_pool_size"}, new String[] {"log", "mode"}));
    }
    for (String[] i : ints) {
      convert(ret, i[0], i[1], v -> PyValues.parseInt(v, null).map(b -> (Object) b.longValue()).orElse(null));
    }
    for (String[] l : List.of(new String[] {"raft", "partner_addrs"}, new String[] {"restapi", "allowlist"})) {
      convert(ret, l[0], l[1], v -> nonEmpty(parseList(v)));
    }
    if (patroni4 && ret.get("log") instanceof Map<?, ?> logMap && logMap.get("format") instanceof String f
        && !f.isEmpty() && !LOG_FORMAT_FIELD.matcher(f).find()) {
      convert(ret, "log", "format", v -> nonEmpty(parseList(v)));
    }
    List<String[]> dicts = new ArrayList<>(List.of(new String[] {"restapi", "http_extra_headers"},
        new String[] {"restapi", "https_extra_headers"}, new String[] {"log", "loggers"}));
    if (patroni4) {
      dicts.add(new String[] {"log", "static_fields"});
    }
    for (String[] d : dicts) {
      convert(ret, d[0], d[1], v -> nonEmpty(parseDict(v)));
    }
    for (String s : patroni4 ? List.of("ctl", "restapi") : List.of("restapi")) {
      Map<Object, @Nullable Object> auth = auth(env, s, AUTH.subList(0, 2));
      if (!auth.isEmpty()) {
        sub(ret, s).put("authentication", auth);
      }
    }
    Map<Object, @Nullable Object> authentication = new LinkedHashMap<>();
    for (String user : List.of("replication", "superuser", "rewind")) {
      Map<Object, @Nullable Object> entry = auth(env, user, AUTH);
      if (!entry.isEmpty()) {
        authentication.put(user, entry);
      }
    }
    if (!authentication.isEmpty()) {
      sub(ret, "postgresql").put("authentication", authentication);
    }
    for (String param : new ArrayList<>(env.keySet())) {
      if (!param.startsWith(PREFIX)) {
        continue;
      }
      String rest = param.substring(PREFIX.length());
      int u = rest.indexOf('_');
      String name = u < 0 ? rest : rest.substring(0, u);
      String suffix = u < 0 ? "" : rest.substring(u + 1);
      if (name.isEmpty() || !(DCS_SUFFIXES.contains(suffix) || (patroni4 && DCS_SUFFIXES_4.contains(suffix)))) {
        continue;
      }
      String raw = env.remove(param);
      if (raw == null) { // an environment map holds no null values; a caller's map might
        continue;
      }
      Object value = raw;
      if (name.equals("CITUS")) {
        if (suffix.equals("GROUP")) {
          value = PyValues.parseInt(raw, null).map(b -> (Object) b.longValue()).orElse(null);
        } else if (!suffix.equals("DATABASE")) {
          continue;
        }
      } else if (suffix.equals("PORT")) {
        value = raw.isEmpty() ? raw : PyValues.parseInt(raw, null).map(b -> (Object) b.longValue()).orElse(null);
      } else if (Set.of("HOSTS", "PORTS", "CHECKS", "SERVICE_TAGS", "RETRIABLE_HTTP_CODES").contains(suffix)) {
        value = raw.isEmpty() ? raw : parseList(raw);
      } else if (Set.of("LABELS", "SET_ACLS", "AUTH_DATA", "BOOTSTRAP_LABELS").contains(suffix)) {
        value = parseDict(raw);
      } else if (Set.of("USE_PROXIES", "REGISTER_SERVICE", "USE_ENDPOINTS", "BYPASS_API_SERVICE", "VERIFY")
          .contains(suffix)) {
        value = PyValues.parseBool(raw).orElse(null);
      }
      if (value != null) {
        String key = suffix.toLowerCase(java.util.Locale.ROOT);
        sub(ret, name.toLowerCase(java.util.Locale.ROOT)).put(key, secretIfNamed(key, value));
      }
    }
    for (String dcs : List.of("etcd", "etcd3")) {
      if (ret.containsKey(dcs)) {
        sub(ret, dcs).putAll(auth(env, dcs, AUTH.subList(0, 2)));
      }
    }
    if (!patroni4) {
      Map<Object, @Nullable Object> users = new LinkedHashMap<>();
      for (String param : new ArrayList<>(env.keySet())) {
        if (!param.startsWith(PREFIX) || !env.containsKey(param)) {
          continue;
        }
        String rest = param.substring(PREFIX.length());
        int u = rest.lastIndexOf('_');
        if (u > 0 && rest.substring(u + 1).equals("PASSWORD")) {
          String password = env.remove(param);
          if (!password.isEmpty()) {
            Map<Object, @Nullable Object> user = new LinkedHashMap<>();
            user.put("password", dev.patroni4j.config.Secret.of(password));
            String options = env.remove(param.substring(0, param.length() - 9) + "_OPTIONS");
            if (options != null && !options.isEmpty()) {
              Object parsed = parseList(options);
              if (PyValues.truthy(parsed)) {
                user.put("options", parsed);
              }
            }
            users.put(rest.substring(0, u), user);
          }
        }
      }
      if (!users.isEmpty()) {
        sub(ret, "bootstrap").put("users", users);
      }
    }
    return ret;
  }

  private static Object secretIfNamed(String key, Object value) {
    return value instanceof String s && PyYaml.SECRET_KEYS.contains(key) ? dev.patroni4j.config.Secret.of(s) : value;
  }

  private static @Nullable Object nonEmpty(@Nullable Object v) {
    return PyValues.truthy(v) ? v : null;
  }

  private static Optional<String> pop(Map<String, String> env, String name) {
    String v = env.remove(PREFIX + name.toUpperCase(java.util.Locale.ROOT));
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
  }

  private static void fixLog(Map<String, String> env, String name, String oldName) {
    Optional<String> v = pop(env, oldName);
    String key = PREFIX + "LOG_" + name.toUpperCase(java.util.Locale.ROOT);
    if (v.isPresent() && !env.containsKey(key)) {
      env.put(key, v.get());
    }
  }

  private static void section(Map<String, String> env, Map<Object, @Nullable Object> ret, String section,
      List<String> params) {
    for (String p : params) {
      pop(env, section + "_" + p).ifPresent(v -> sub(ret, section).put(p, secretIfNamed(p, v)));
    }
  }

  private static Map<Object, @Nullable Object> auth(Map<String, String> env, String name, List<String> params) {
    Map<Object, @Nullable Object> r = new LinkedHashMap<>();
    for (String p : params) {
      pop(env, name + "_" + p).ifPresent(v -> r.put(p, secretIfNamed(p, v)));
    }
    return r;
  }

  @SuppressWarnings("unchecked")
  private static Map<Object, @Nullable Object> sub(Map<Object, @Nullable Object> map, String key) {
    return (Map<Object, @Nullable Object>) map.computeIfAbsent(key, k -> new LinkedHashMap<>());
  }

  private static void convert(Map<Object, @Nullable Object> ret, String first, String second,
      java.util.function.Function<Object, @Nullable Object> f) {
    if (ret.get(first) instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<Object, @Nullable Object> section = (Map<Object, @Nullable Object>) m;
      Object v = section.remove(second);
      if (PyValues.truthy(v)) {
        Object converted = f.apply(v instanceof dev.patroni4j.config.Secret s ? s.reveal() : v);
        if (converted != null) {
          section.put(second, converted);
        }
      }
    }
  }

  private static @Nullable Object parseList(Object value) {
    String v = PyValues.str(value);
    if (!(v.strip().startsWith("-") || v.contains("["))) {
      v = "[" + v + "]";
    }
    try {
      return PyYaml.load(v, "environment");
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static @Nullable Object parseDict(Object value) {
    String v = PyValues.str(value);
    if (!v.strip().startsWith("{")) {
      v = "{" + v + "}";
    }
    try {
      return PyYaml.load(v, "environment");
    } catch (RuntimeException e) {
      return null;
    }
  }
}
