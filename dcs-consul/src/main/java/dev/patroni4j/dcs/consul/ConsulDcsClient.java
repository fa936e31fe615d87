package dev.patroni4j.dcs.consul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.PatroniException.Delivery;
import dev.patroni4j.client.Sleeper;
import dev.patroni4j.client.TlsConfig;
import dev.patroni4j.client.dcs.CasResult;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsAuthenticationException;
import dev.patroni4j.client.dcs.DcsClient;
import dev.patroni4j.client.dcs.DcsEntry;
import dev.patroni4j.client.dcs.DcsException;
import dev.patroni4j.client.dcs.DcsKey;
import dev.patroni4j.client.dcs.DcsLease;
import dev.patroni4j.client.dcs.DcsListener;
import dev.patroni4j.client.dcs.DcsWatch;
import dev.patroni4j.client.dcs.FleetListener;
import dev.patroni4j.client.dcs.FleetWatch;
import dev.patroni4j.client.dcs.FailoverRequest;
import dev.patroni4j.client.dcs.FleetSnapshot;
import dev.patroni4j.client.dcs.spi.BuilderChecks;
import dev.patroni4j.client.dcs.spi.RemovalRefusals;
import dev.patroni4j.client.dcs.spi.SnapshotParser;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.dcs.consul.internal.ConsulClusterWatch;
import dev.patroni4j.dcs.consul.internal.ConsulFleetWatch;
import dev.patroni4j.dcs.consul.internal.ConsulKv;
import dev.patroni4j.dcs.consul.internal.ConsulLeases;
import dev.patroni4j.dcs.consul.internal.ConsulServices;
import dev.patroni4j.dcs.consul.internal.ConsulTransport;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * Patroni's DCS on Consul, over Consul's HTTP API: the {@link DcsClient} for clusters whose {@code patroni.yml}
 * has a {@code consul:} section, plus the services Patroni registers ({@code register_service: true}).
 *
 * <pre>{@code
 * try (ConsulDcsClient dcs = ConsulDcsClient.builder()
 *     .endpoint(URI.create("https://consul.example:8501"))
 *     .token(System.getenv("CONSUL_HTTP_TOKEN"))              // ACL token, optional
 *     .tls(TlsConfig.builder().caFile(Path.of("/etc/consul/ca.pem")).build())   // TLS, optional
 *     .requestTimeout(Duration.ofSeconds(5))
 *     .build()) {
 *   ClusterRef demo = ClusterRef.of("demo");
 *   ClusterSnapshot s = dcs.snapshot(demo);
 *   Optional<ConsulServiceInstance> primary = dcs.primaryInstance(demo);   // where primary.demo.service.consul points
 * }
 * }</pre>
 *
 * <p>Patroni keeps its keys in Consul's KV store without the leading {@code /} ({@code service/demo/leader}); the
 * {@link DcsEntry#key() keys} this client reports are Consul's. Versions are Consul's {@code ModifyIndex};
 * {@link DcsEntry#owner() owners} are the sessions Patroni holds its leader and member keys with.
 *
 * <p>Every call finishes within {@link Builder#requestTimeout} (watches: their blocking wait plus that) or throws
 * {@link dev.patroni4j.client.dcs.DcsTimeoutException}. Reads are consistent ({@code ?consistent}, as
 * {@code patronictl}'s) and retried while Consul is unreachable or has no leader; writes are sent once, as
 * transactions ({@code PUT /v1/txn}) so that a compare-and-set reports the version it wrote and a removal checks
 * its confirmation in the same atomic step as the delete. A missing or wrong ACL token yields
 * {@link DcsAuthenticationException}. The token travels in the {@code X-Consul-Token} header only and appears in
 * no message, log or {@code toString()}.
 *
 * <p>Thread-safe; share one instance and close it when done. Built on OkHttp and Jackson rather than the {@code
 * consul-api} library (see this module's README).
 */
public final class ConsulDcsClient implements DcsClient {
  private final ConsulTransport transport;
  private final ConsulKv kv;
  private final ConsulLeases leases;
  private final ConsulServices services;
  private final OkHttpClient http;
  private final SharedHttp shared;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Builder settings;
  private final Duration watchWait;
  private final Duration maxBackoff;
  private final Set<ConsulClusterWatch> watches = ConcurrentHashMap.newKeySet();
  private final Set<ConsulFleetWatch> fleetWatches = ConcurrentHashMap.newKeySet();

  private ConsulDcsClient(Builder b, SharedHttp shared) {
    this.shared = shared;
    this.settings = new Builder(b);
    OkHttpClient.Builder http = shared.root.newBuilder()
        .connectTimeout(b.requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
        // Every call carries its own deadline; blocking queries must be able to wait longer than a plain read.
        .readTimeout(0, TimeUnit.MILLISECONDS)
        .writeTimeout(b.requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .retryOnConnectionFailure(false);
    if (b.tls != null) {
      TlsConfig.Material tls = b.tls.load();
      http.sslSocketFactory(tls.context().getSocketFactory(), tls.trustManager());
      if (!b.tls.hostnameVerification()) {
        http.hostnameVerifier((host, session) -> true);
      }
    }
    this.http = http.build();
    HttpUrl base = Objects.requireNonNull(HttpUrl.get(b.endpoint), "endpoint");
    this.transport = new ConsulTransport(this.http, base, b.token, b.datacenter, b.requestTimeout, b.initialBackoff,
        b.maxBackoff, b.clock, b.sleeper);
    this.kv = new ConsulKv(transport);
    this.leases = new ConsulLeases(kv);
    this.services = new ConsulServices(transport);
    this.watchWait = b.watchWait;
    this.maxBackoff = b.maxBackoff;
  }

  /** A builder; the endpoint defaults to Consul's {@code http://127.0.0.1:8500}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this client's settings (endpoint, token, datacenter, TLS, timeouts, backoff, clock, sleeper)
   * whose clients share this client's connection pool and dispatcher, e.g. one client per datacenter through the
   * same agent without a pool each. The pool is released when the last client sharing it is closed, in any order.
   *
   * <pre>{@code
   * // given: ConsulDcsClient dcs;
   * try (ConsulDcsClient east = dcs.newBuilder().datacenter("east").build()) {
   *   List<String> clusters = east.clusters("/service");
   * }
   * }</pre>
   *
   * @throws IllegalStateException if this client is closed
   */
  public Builder newBuilder() {
    if (closed.get()) {
      throw new IllegalStateException("this ConsulDcsClient is closed");
    }
    Builder b = new Builder(settings);
    b.shared = shared;
    return b;
  }

  /** The OkHttp client calls go through (tests check what derived clients share). */
  OkHttpClient okHttp() {
    return http;
  }

  @Override
  public ClusterSnapshot snapshot(ClusterRef cluster) {
    return kv.snapshot(Objects.requireNonNull(cluster, "cluster == null"));
  }

  /** One recursive, consistent read of the namespace. */
  @Override
  public FleetSnapshot fleet(String namespace) {
    return kv.fleet(Objects.requireNonNull(namespace, "namespace == null"));
  }

  @Override
  public List<String> clusters(String namespace) {
    String prefix = ConsulKv.consulKey(ClusterRef.normaliseNamespace(namespace) + "/");
    HttpUrl url = transport.kvUrl(prefix).addQueryParameter("keys", null).addQueryParameter("separator", "/")
        .addQueryParameter("consistent", null).build();
    ConsulTransport.Reply reply = transport.read("clusters", prefix, url);
    if (reply.status() == 404) {
      return List.of();
    }
    JsonNode keys = transport.json("clusters", prefix, reply);
    Set<String> scopes = new TreeSet<>();
    for (JsonNode key : keys) {
      String text = key.asText();
      if (text.startsWith(prefix) && text.endsWith("/") && text.length() > prefix.length() + 1) {
        scopes.add(text.substring(prefix.length(), text.length() - 1));
      }
    }
    return List.copyOf(scopes);
  }

  @Override
  public DcsWatch watch(ClusterSnapshot since, DcsListener listener) {
    Objects.requireNonNull(since, "since == null");
    Objects.requireNonNull(listener, "listener == null");
    ConsulClusterWatch watch = new ConsulClusterWatch(kv, since, listener, watchWait, maxBackoff,
        transport.sleeper(), watches::remove);
    watches.add(watch);
    return watch;
  }

  /** One chain of blocking queries on the namespace's prefix, each answer every cluster of the namespace. */
  @Override
  public FleetWatch watchFleet(FleetSnapshot since, FleetListener listener) {
    Objects.requireNonNull(since, "since == null");
    Objects.requireNonNull(listener, "listener == null");
    ConsulFleetWatch watch = new ConsulFleetWatch(kv, since, listener, watchWait, maxBackoff,
        transport.sleeper(), fleetWatches::remove);
    fleetWatches.add(watch);
    return watch;
  }

  @Override
  public CasResult setConfig(ClusterRef cluster, DynamicConfig config, long expectedVersion) {
    return compareAndSet("setConfig", ConsulKv.consulKey(cluster.key(DcsKey.CONFIG)),
        SnapshotParser.toJson(config.values()), expectedVersion);
  }

  @Override
  public CasResult setFailover(ClusterRef cluster, FailoverRequest request, long expectedVersion) {
    return compareAndSet("setFailover", ConsulKv.consulKey(cluster.key(DcsKey.FAILOVER)),
        SnapshotParser.toJson(request.toPatroniJson()), expectedVersion);
  }

  /**
   * A check-and-set as a one-operation transaction, whose answer carries the new {@code ModifyIndex} (a plain
   * {@code PUT ?cas=} answers only {@code true}). Consul's index 0 means "only if absent", as {@link #ABSENT}.
   */
  private CasResult compareAndSet(String operation, String key, String value, long expectedVersion) {
    if (expectedVersion < 0) {
      throw new IllegalArgumentException("expectedVersion < 0: " + expectedVersion);
    }
    ArrayNode ops = transport.json().createArrayNode();
    ObjectNode cas = kvOp(ops, "cas", key);
    cas.put("Value", Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
    cas.put("Index", expectedVersion);
    ConsulTransport.Reply reply;
    try {
      reply = txn(operation, key, ops);
    } catch (DcsException e) {
      if (e.delivery() != Delivery.POSSIBLY_SENT) {
        throw e;
      }
      return settle(operation, key, value, expectedVersion, e);
    }
    if (reply.status() == 200) {
      JsonNode written = transport.json(operation, key, reply).at("/Results/0/KV/ModifyIndex");
      if (!written.canConvertToLong()) {
        throw new DcsException(operation + " " + key + ": Consul's transaction answer has no ModifyIndex",
            operation, key, Delivery.ANSWERED, null);
      }
      return new CasResult.Written(written.asLong());
    }
    long current = kv.get(operation, key).map(DcsEntry::version).orElse(ABSENT);
    return new CasResult.Conflict(expectedVersion, current);
  }

  /**
   * A compare-and-set whose answer was lost: if the key now holds our value at another version, it was written.
   * Anything else stays unknown (the request might still be applied), so the original failure is rethrown.
   */
  private CasResult settle(String operation, String key, String value, long expectedVersion, DcsException lost) {
    try {
      Optional<DcsEntry> now = kv.get(operation, key);
      if (now.isPresent() && now.get().version() != expectedVersion && now.get().value().equals(value)) {
        return new CasResult.Written(now.get().version());
      }
    } catch (DcsException observation) {
      lost.addSuppressed(observation);
    }
    throw lost;
  }

  /**
   * A session with the TTL and {@code behavior=delete} that locks the lease key ({@code ?acquire=}); see
   * {@link DcsLease}. Consul refuses TTLs below its {@code session_ttl_min} (10 s unless configured) and may keep an
   * unrenewed session up to twice its TTL.
   */
  @Override
  public Optional<DcsLease> acquireLease(ClusterRef cluster, String name, String holder, Duration ttl) {
    return leases.acquire(cluster, name, holder, ttl);
  }

  @Override
  public Optional<String> leaseHolder(ClusterRef cluster, String name) {
    return leases.holder(cluster, name);
  }

  @Override
  public long removeCluster(ClusterRef cluster, Confirmation confirmation) {
    String prefix = ConsulKv.prefix(cluster);
    ArrayNode ops = guard("removeCluster", cluster, confirmation);
    // A check-index guard answers with the initialize entry; every other result is a key that get-tree saw.
    long guardResults = ops.get(0).path("KV").path("Verb").asText().equals("check-index") ? 1 : 0;
    kvOp(ops, "get-tree", prefix);
    kvOp(ops, "delete-tree", prefix);
    JsonNode results = guardedTxn("removeCluster", cluster, confirmation, prefix, ops).path("Results");
    return results.isArray() ? Math.max(0, results.size() - guardResults) : 0;
  }

  @Override
  public boolean removeInitialize(ClusterRef cluster, Confirmation confirmation) {
    String key = ConsulKv.consulKey(cluster.key(DcsKey.INITIALIZE));
    ArrayNode ops = guard("removeInitialize", cluster, confirmation);
    if (ops.get(0).path("KV").path("Verb").asText().equals("check-not-exists")) {
      return false;
    }
    kvOp(ops, "delete", key);
    guardedTxn("removeInitialize", cluster, confirmation, key, ops);
    return true;
  }

  /**
   * The transaction operation that makes a removal conditional on what the confirmation names: the initialize key
   * still at the version whose value was checked, or (for an empty confirmation of an absent key) still absent.
   */
  private ArrayNode guard(String operation, ClusterRef cluster, Confirmation confirmation) {
    String systemIdentifier = RemovalRefusals.confirmedSystemIdentifier(operation, cluster, confirmation);
    String key = ConsulKv.consulKey(cluster.key(DcsKey.INITIALIZE));
    Optional<DcsEntry> initialize = kv.get(operation, key);
    String held = initialize.map(DcsEntry::value).orElse("");
    if (!held.equals(systemIdentifier)) {
      throw RemovalRefusals.identifierMismatch(operation, cluster, confirmation);
    }
    ArrayNode ops = transport.json().createArrayNode();
    if (initialize.isPresent()) {
      kvOp(ops, "check-index", key).put("Index", initialize.get().version());
    } else {
      kvOp(ops, "check-not-exists", key);
    }
    return ops;
  }

  private JsonNode guardedTxn(String operation, ClusterRef cluster, Confirmation confirmation, String target,
      ArrayNode ops) {
    ConsulTransport.Reply reply = txn(operation, target, ops);
    if (reply.status() != 200) {
      // The initialize key changed between the check and the transaction: the guard held, nothing was removed.
      throw RemovalRefusals.identifierMismatch(operation, cluster, confirmation);
    }
    return transport.json(operation, target, reply);
  }

  private static ObjectNode kvOp(ArrayNode ops, String verb, String key) {
    ObjectNode kv = ops.addObject().putObject("KV");
    kv.put("Verb", verb);
    kv.put("Key", key);
    return kv;
  }

  /**
   * Sends a transaction: 200 (applied) and 409 (rolled back: a check failed) are answers; a 409 whose error is an
   * ACL denial is a {@link DcsAuthenticationException}.
   */
  private ConsulTransport.Reply txn(String operation, String key, ArrayNode ops) {
    byte[] body;
    try {
      body = transport.json().writeValueAsBytes(ops);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    ConsulTransport.Reply reply = transport.write(operation, key, "PUT", transport.url("txn").build(), body, true);
    if (reply.status() == 200) {
      return reply;
    }
    if (reply.status() == 409) {
      JsonNode errors = transport.json(operation, key, reply).path("Errors");
      for (JsonNode error : errors) {
        String what = error.path("What").asText();
        if (what.startsWith("Permission denied") || what.contains("ACL not found")) {
          throw new DcsAuthenticationException(operation + " " + key + " refused by Consul: " + what, operation,
              key, null);
        }
      }
      return reply;
    }
    throw new DcsException(operation + " " + key + " failed: Consul answered " + reply.status() + ": "
        + reply.text().trim(), operation, key, Delivery.ANSWERED, null);
  }

  // ---------------------------------------------------------------- services (ConsulServices)

  /**
   * The Consul service name Patroni registers a scope under: lower case, {@code .}, {@code _} and space as
   * {@code -}, any other character outside {@code [a-z0-9-]} as {@code u} and its code point in 4 digits, at most
   * 230 characters (so that {@code replica.<name>.service.consul} is a valid DNS name).
   */
  public static String serviceName(String scope) {
    return ConsulServices.serviceName(scope);
  }

  /**
   * Every member of a cluster registered in Consul's catalog, sorted by member name, whatever its health: a
   * member whose Patroni died stays registered (with its last role tag) until Consul deregisters it.
   */
  public List<ConsulServiceInstance> serviceInstances(ClusterRef cluster) {
    return services.serviceInstances(Objects.requireNonNull(cluster, "cluster == null"));
  }

  /**
   * The members Consul DNS answers for, sorted by member name: registered instances none of whose health checks
   * is critical (Patroni's check is a {@code GET} of the member's {@code /primary} or {@code /replica} endpoint),
   * as DNS does by default ({@code only_passing = false}).
   */
  public List<ConsulServiceInstance> healthyInstances(ClusterRef cluster) {
    return services.healthyInstances(Objects.requireNonNull(cluster, "cluster == null"));
  }

  /**
   * Where {@code primary.<service>.service.consul} points: the healthy instance whose tags make it the leader.
   * Empty while no leader's check passes, e.g. just after a failover until the new leader re-registers.
   */
  public Optional<ConsulServiceInstance> primaryInstance(ClusterRef cluster) {
    return services.primaryInstance(Objects.requireNonNull(cluster, "cluster == null"));
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List.copyOf(watches).forEach(ConsulClusterWatch::close);
    List.copyOf(fleetWatches).forEach(ConsulFleetWatch::close);
    shared.release();
  }

  @Override
  public String toString() {
    return "ConsulDcsClient[" + transport + "]";
  }

  /**
   * The connection pool and dispatcher of a client and the clients derived from it ({@link #newBuilder()}), shut down
   * when the last of them closes. A caller-given root ({@link Builder#okHttpBase}) is the caller's and never shut down.
   */
  private static final class SharedHttp {
    final OkHttpClient root;
    private final boolean owned;
    private int users;
    private boolean closedForGood;

    SharedHttp(OkHttpClient root, boolean owned) {
      this.root = root;
      this.owned = owned;
    }

    synchronized void acquire() {
      if (users == 0 && closedForGood) {
        throw new IllegalStateException("every ConsulDcsClient sharing this connection pool is closed");
      }
      users++;
    }

    synchronized void release() {
      if (--users == 0) {
        closedForGood = true;
        if (owned) {
          root.dispatcher().executorService().shutdown();
          root.connectionPool().evictAll();
        }
      }
    }
  }

  /**
   * Configures a {@link ConsulDcsClient}: every setting is the library's own (URI, token, {@link TlsConfig},
   * {@link Duration}s, {@link Clock}, {@link Sleeper}); the HTTP client underneath is not exposed. A client built here
   * has a connection pool of its own; {@link ConsulDcsClient#newBuilder()} derives clients that share it.
   *
   * <pre>{@code
   * ConsulDcsClient.Builder b = ConsulDcsClient.builder()
   *     .endpoint(URI.create("http://127.0.0.1:8500"))
   *     .requestTimeout(Duration.ofSeconds(3))
   *     .watchWait(Duration.ofSeconds(30));
   * try (ConsulDcsClient dcs = b.build()) {
   *   ClusterSnapshot s = dcs.snapshot(ClusterRef.of("demo"));
   * }
   * }</pre>
   *
   * <p>Not thread-safe: configure on one thread, then share the built client. {@code toString()} never shows the
   * token.
   */
  public static final class Builder {
    private URI endpoint = URI.create("http://127.0.0.1:8500");
    private @Nullable String token;
    private @Nullable String datacenter;
    private @Nullable TlsConfig tls;
    private @Nullable SharedHttp shared;
    private Duration requestTimeout = Duration.ofSeconds(5);
    private Duration watchWait = Duration.ofMinutes(1);
    private Duration initialBackoff = Duration.ofMillis(50);
    private Duration maxBackoff = Duration.ofSeconds(1);
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();

    private Builder() {}

    private Builder(Builder from) {
      endpoint = from.endpoint;
      token = from.token;
      datacenter = from.datacenter;
      tls = from.tls;
      requestTimeout = from.requestTimeout;
      watchWait = from.watchWait;
      initialBackoff = from.initialBackoff;
      maxBackoff = from.maxBackoff;
      clock = from.clock;
      sleeper = from.sleeper;
    }

    /** The Consul agent, e.g. {@code http://127.0.0.1:8500} or {@code https://consul.example:8501}. */
    public Builder endpoint(URI endpoint) {
      BuilderChecks.httpEndpoint(endpoint);
      if (HttpUrl.parse(endpoint.toString()) == null) {
        throw new IllegalArgumentException("endpoint is not a valid URL: " + endpoint);
      }
      this.endpoint = endpoint;
      return this;
    }

    /** The ACL token (Patroni's {@code consul.token}). Never logged nor shown by {@code toString()}. */
    public Builder token(String token) {
      Objects.requireNonNull(token, "token == null");
      if (token.isBlank()) {
        throw new IllegalArgumentException("token is blank");
      }
      this.token = token;
      return this;
    }

    /** The datacenter to query (Patroni's {@code consul.dc}); default: the agent's own. */
    public Builder datacenter(String datacenter) {
      this.datacenter = Objects.requireNonNull(datacenter, "datacenter == null");
      return this;
    }

    /**
     * TLS, as for the REST client: the CA Consul's certificate must chain to (Patroni's {@code consul.cacert}) and
     * optionally a client certificate with its key ({@code consul.cert}, {@code consul.key}).
     */
    public Builder tls(TlsConfig tls) {
      this.tls = Objects.requireNonNull(tls, "tls == null");
      return this;
    }

    /**
     * The OkHttp client to derive from, for this package's tests only (they interpose on requests); the caller keeps
     * it open. Not public, so that no OkHttp type is part of the API: users share a pool with {@link
     * ConsulDcsClient#newBuilder()}.
     */
    Builder okHttpBase(OkHttpClient client) {
      this.shared = new SharedHttp(Objects.requireNonNull(client, "client == null"), false);
      return this;
    }

    /** The longest any call may take, read retries included (default 5 s). */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = BuilderChecks.positive(timeout, "requestTimeout");
      return this;
    }

    /** How long one blocking query of a watch waits for a change (default 1 min; Consul caps it at 10 min). */
    public Builder watchWait(Duration wait) {
      BuilderChecks.positive(wait, "watchWait");
      if (wait.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("watchWait > 10 min: Consul caps blocking queries at 10 min");
      }
      this.watchWait = wait;
      return this;
    }

    /** Backoff between read retries while Consul is unavailable: from {@code initial}, doubling up to {@code max}. */
    public Builder readBackoff(Duration initial, Duration max) {
      BuilderChecks.backoff(initial, max);
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /** The clock call deadlines are measured on (default the system's); tests inject their own. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** How read retries and watch restarts pause (default {@link Sleeper#system()}); tests inject their own. */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper == null");
      return this;
    }

    /**
     * Builds the client. Connects lazily: a wrong endpoint or token shows on the first call.
     *
     * @throws IllegalArgumentException if the TLS files cannot be read
     * @throws IllegalStateException if this builder came from {@link ConsulDcsClient#newBuilder()} and every client
     *     sharing that pool has been closed since
     */
    public ConsulDcsClient build() {
      SharedHttp http = shared != null ? shared : new SharedHttp(new OkHttpClient(), true);
      http.acquire();
      try {
        return new ConsulDcsClient(this, http);
      } catch (RuntimeException e) {
        http.release();
        throw e;
      }
    }

    @Override
    public String toString() {
      return "ConsulDcsClient.Builder[endpoint=" + endpoint + ", token=" + (token == null ? "none" : "***")
          + ", datacenter=" + (datacenter == null ? "agent's" : datacenter) + ", requestTimeout=" + requestTimeout + "]";
    }
  }
}
