package dev.patroni4j.config;

import dev.patroni4j.config.PatroniConfig.Credentials;
import dev.patroni4j.config.PatroniConfig.DcsType;
import dev.patroni4j.config.internal.PyYaml;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What every member of one cluster shares in its {@code patroni.yml}: the cluster name and DCS
 * namespace, the DCS section, the users Patroni connects as, the REST API's basic authentication,
 * the {@code pg_hba} lines, and what seeds a new cluster ({@code bootstrap.dcs}, {@code initdb}).
 * {@link ConfigGenerator} combines it with a {@link MemberHost}.
 *
 * <pre>{@code
 * ClusterSpec spec = ClusterSpec.builder("billing")
 *     .dcs(PatroniConfig.DcsType.ETCD3, Map.of("hosts", "10.0.0.1:2379,10.0.0.2:2379"))
 *     .superuser("postgres", Secret.of(System.getenv("PG_SUPERUSER_PASSWORD")))
 *     .replication("replicator", Secret.of(System.getenv("PG_REPLICATION_PASSWORD")))
 *     .rewind("rewind_user", Secret.of(System.getenv("PG_REWIND_PASSWORD")))
 *     .pgHba("host replication replicator 10.0.0.0/24 scram-sha-256")
 *     .pgHba("host all all 10.0.0.0/24 scram-sha-256")
 *     .build();
 * // the same for a cluster that runs already, read from one of its members
 * ClusterSpec existing = ClusterSpec.fromMemberConfig(PatroniConfig.read(Path.of("/etc/patroni/patroni.yml")));
 * }</pre>
 *
 * <p>Passwords are {@link Secret}s: {@code toString()} never shows them. Immutable and thread-safe.
 *
 * @param scope the cluster name
 * @param namespace the DCS namespace, e.g. {@code /service/}
 * @param dcsType which DCS section
 * @param dcs the DCS section's keys ({@code hosts}, {@code protocol}, {@code username}, ...)
 * @param superuser {@code postgresql.authentication.superuser}
 * @param replication {@code postgresql.authentication.replication}
 * @param rewind {@code postgresql.authentication.rewind}; Patroni 3.0's validator demands it
 * @param restApiAuthentication {@code restapi.authentication}, if the REST API asks for it
 * @param pgHba {@code postgresql.pg_hba} (and {@code bootstrap.pg_hba} of a new cluster)
 * @param dynamicConfig {@code bootstrap.dcs}: the dynamic configuration a new cluster starts with
 * @param initdb {@code bootstrap.initdb}: options of {@code initdb} for a new cluster
 */
public record ClusterSpec(
    String scope,
    String namespace,
    DcsType dcsType,
    Map<String, Object> dcs,
    Credentials superuser,
    Credentials replication,
    Optional<Credentials> rewind,
    Optional<Credentials> restApiAuthentication,
    List<String> pgHba,
    Map<String, Object> dynamicConfig,
    List<Object> initdb) {

  /** Patroni's defaults, and slots and {@code pg_rewind} on, for {@code bootstrap.dcs}. */
  public static final Map<String, Object> DEFAULT_DYNAMIC_CONFIG = defaultDynamicConfig();

  private static Map<String, Object> defaultDynamicConfig() {
    // in the order people write them, which the generated file keeps
    Map<String, Object> postgresql = new LinkedHashMap<>();
    postgresql.put("use_pg_rewind", true);
    postgresql.put("use_slots", true);
    Map<String, Object> dynamic = new LinkedHashMap<>();
    dynamic.put("ttl", 30L);
    dynamic.put("loop_wait", 10L);
    dynamic.put("retry_timeout", 10L);
    dynamic.put("maximum_lag_on_failover", 1048576L);
    dynamic.put("postgresql", java.util.Collections.unmodifiableMap(postgresql));
    return java.util.Collections.unmodifiableMap(dynamic);
  }

  public ClusterSpec {
    requireText(scope, "scope");
    requireText(namespace, "namespace");
    Objects.requireNonNull(dcsType, "dcsType");
    dcs = Map.copyOf(dcs);
    Objects.requireNonNull(superuser, "superuser");
    Objects.requireNonNull(replication, "replication");
    Objects.requireNonNull(rewind, "rewind");
    Objects.requireNonNull(restApiAuthentication, "restApiAuthentication");
    pgHba = List.copyOf(pgHba);
    dynamicConfig = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(dynamicConfig));
    initdb = List.copyOf(initdb);
  }

  /** A builder for a cluster named {@code scope}. */
  public static Builder builder(String scope) {
    return new Builder(scope);
  }

  /**
   * What the members of a running cluster share, read from one member's configuration: scope,
   * namespace, DCS section, users, REST authentication, {@code pg_hba}, and its bootstrap section.
   *
   * @throws PatroniConfigException naming the key when the configuration lacks one a member needs
   */
  public static ClusterSpec fromMemberConfig(PatroniConfig member) {
    String scope = member.scope().orElseThrow(() -> missing("scope"));
    PatroniConfig.Dcs dcs = member.dcs().orElseThrow(() -> missing("a DCS section (etcd3, etcd, consul, ...)"));
    PatroniConfig.Authentication auth = member.postgresql().authentication();
    Builder b = builder(scope).namespace(member.namespace())
        .dcs(dcs.type(), section(member, dcs.type().key()));
    b.superuser = auth.superuser().orElseThrow(() -> missing("postgresql.authentication.superuser"));
    b.replication = auth.replication().orElseThrow(() -> missing("postgresql.authentication.replication"));
    b.rewind = auth.rewind();
    b.restApiAuthentication = member.restApi().authentication();
    b.pgHba.addAll(member.postgresql().pgHba());
    PatroniConfig.Bootstrap bootstrap = member.bootstrap();
    if (!bootstrap.dcs().isEmpty()) {
      b.dynamicConfig.clear();
      bootstrap.dcs().forEach((k, v) -> {
        if (v != null) {
          b.dynamicConfig.put(k, v);
        }
      });
    }
    if (!bootstrap.initdb().isEmpty()) {
      b.initdb.clear();
      b.initdb.addAll(bootstrap.initdb());
    }
    return b.build();
  }

  /** A builder holding this spec's values. */
  public Builder toBuilder() {
    Builder b = new Builder(scope).namespace(namespace).dcs(dcsType, dcs);
    b.superuser = superuser;
    b.replication = replication;
    b.rewind = rewind;
    b.restApiAuthentication = restApiAuthentication;
    b.pgHba.addAll(pgHba);
    b.dynamicConfig.clear();
    b.dynamicConfig.putAll(dynamicConfig);
    b.initdb.clear();
    b.initdb.addAll(initdb);
    return b;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> section(PatroniConfig config, String key) {
    Map<String, Object> out = new LinkedHashMap<>();
    @Nullable Object s = config.asMap().get(key);
    if (s instanceof Map<?, ?> m) {
      m.forEach((k, v) -> {
        if (v != null) {
          out.put(String.valueOf(k), v);
        }
      });
    }
    return out;
  }

  private static PatroniConfigException missing(String what) {
    return new PatroniConfigException("the member's configuration has no " + what
        + ": cannot tell what the cluster's members share");
  }

  private static void requireText(@Nullable String value, String what) {
    if (value == null || value.isBlank()) {
      throw new PatroniConfigException(what + " must not be empty");
    }
  }

  /** Builds a {@link ClusterSpec}; not thread-safe. */
  public static final class Builder {
    private final String scope;
    private String namespace = "/service/";
    private @Nullable DcsType dcsType;
    private Map<String, Object> dcs = Map.of();
    private @Nullable Credentials superuser;
    private @Nullable Credentials replication;
    private Optional<Credentials> rewind = Optional.empty();
    private Optional<Credentials> restApiAuthentication = Optional.empty();
    private final List<String> pgHba = new ArrayList<>();
    private final Map<String, Object> dynamicConfig = new LinkedHashMap<>(DEFAULT_DYNAMIC_CONFIG);
    private final List<Object> initdb = new ArrayList<>(List.of(Map.of("encoding", "UTF8"), "data-checksums"));

    private Builder(String scope) {
      this.scope = scope;
    }

    /** The DCS namespace ({@code /service/} unless set). */
    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    /** The DCS section, e.g. {@code ETCD3} with {@code {hosts: "10.0.0.1:2379", protocol: https}}. */
    public Builder dcs(DcsType type, Map<String, ?> section) {
      this.dcsType = type;
      Map<String, Object> copy = new LinkedHashMap<>();
      // a secret given as text is held as a Secret, so that toString() cannot show it
      section.forEach((k, v) -> copy.put(k, (PyYaml.SECRET_KEYS.contains(k) && v instanceof String s)
          ? Secret.of(s) : Objects.requireNonNull(v, k)));
      this.dcs = copy;
      return this;
    }

    /** The superuser Patroni connects as. */
    public Builder superuser(String username, Secret password) {
      this.superuser = new Credentials(username, Optional.of(password), Map.of());
      return this;
    }

    /** The replication user replicas stream as. */
    public Builder replication(String username, Secret password) {
      this.replication = new Credentials(username, Optional.of(password), Map.of());
      return this;
    }

    /** The user {@code pg_rewind} connects as. */
    public Builder rewind(String username, Secret password) {
      this.rewind = Optional.of(new Credentials(username, Optional.of(password), Map.of()));
      return this;
    }

    /** Basic authentication for the REST API's unsafe calls. */
    public Builder restApiAuthentication(String username, Secret password) {
      this.restApiAuthentication = Optional.of(new Credentials(username, Optional.of(password), Map.of()));
      return this;
    }

    /** Adds a {@code pg_hba} line (in order). */
    public Builder pgHba(String line) {
      pgHba.add(line);
      return this;
    }

    /**
     * Sets a key of {@code bootstrap.dcs} ({@code ttl}, {@code loop_wait}, {@code synchronous_mode},
     * ...), over {@link #DEFAULT_DYNAMIC_CONFIG}; a mapping is merged into the one there.
     */
    public Builder dynamicConfig(String key, Object value) {
      Object existing = dynamicConfig.get(key);
      if (existing instanceof Map<?, ?> old && value instanceof Map<?, ?> add) {
        Map<Object, Object> merged = new LinkedHashMap<>(old);
        merged.putAll(add);
        dynamicConfig.put(key, merged);
      } else {
        dynamicConfig.put(key, value);
      }
      return this;
    }

    /** Sets a PostgreSQL parameter of {@code bootstrap.dcs.postgresql.parameters}. */
    public Builder postgresParameter(String name, Object value) {
      return dynamicConfig("postgresql", Map.of("parameters", merged(name, value)));
    }

    private Map<Object, Object> merged(String name, Object value) {
      Map<Object, Object> params = new LinkedHashMap<>();
      if (dynamicConfig.get("postgresql") instanceof Map<?, ?> pg && pg.get("parameters") instanceof Map<?, ?> p) {
        params.putAll(p);
      }
      params.put(name, value);
      return params;
    }

    /** The options of {@code initdb} ({@code [{encoding: UTF8}, data-checksums]} unless set). */
    public Builder initdb(List<?> options) {
      initdb.clear();
      initdb.addAll(options);
      return this;
    }

    /**
     * The spec.
     *
     * @throws PatroniConfigException naming what is missing (DCS section, superuser, replication user)
     */
    public ClusterSpec build() {
      if (dcsType == null) {
        throw new PatroniConfigException("cluster " + scope + ": no DCS section (call dcs(type, section))");
      }
      if (superuser == null || replication == null) {
        throw new PatroniConfigException("cluster " + scope + ": Patroni needs a superuser and a replication"
            + " user (call superuser(...) and replication(...))");
      }
      return new ClusterSpec(scope, namespace, dcsType, dcs, superuser, replication, rewind,
          restApiAuthentication, pgHba, dynamicConfig, initdb);
    }
  }
}
