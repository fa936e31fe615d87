package dev.patroni4j.dcs.etcd;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.Sleeper;
import dev.patroni4j.client.TlsConfig;
import dev.patroni4j.client.dcs.CasResult;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsClient;
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
import dev.patroni4j.dcs.etcd.internal.Calls;
import dev.patroni4j.dcs.etcd.internal.CompareAndSet;
import dev.patroni4j.dcs.etcd.internal.EtcdClusterWatch;
import dev.patroni4j.dcs.etcd.internal.EtcdFleetWatch;
import dev.patroni4j.dcs.etcd.internal.EtcdLeases;
import dev.patroni4j.dcs.etcd.internal.EtcdStore;
import dev.patroni4j.dcs.etcd.internal.UnaryDeadlineInterceptor;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * Patroni's DCS on etcd v3, through jetcd: the {@link DcsClient} for clusters whose {@code patroni.yml} has an
 * {@code etcd3:} section.
 *
 * <pre>{@code
 * // given: String password;
 * try (EtcdDcsClient dcs = EtcdDcsClient.builder()
 *     .endpoint(URI.create("https://10.0.0.5:2379"))
 *     .credentials("patroni", password)                  // etcd user/password auth, optional
 *     .tls(TlsConfig.builder().caFile(Path.of("/etc/etcd/ca.pem")).build())  // TLS, optional
 *     .requestTimeout(Duration.ofSeconds(5))
 *     .build()) {
 *   ClusterSnapshot s = dcs.snapshot(ClusterRef.of("demo"));
 * }
 * }</pre>
 *
 * <p>Every call runs under {@link Builder#requestTimeout}: each request carries a gRPC deadline and the caller
 * waits no longer than that, so a frozen etcd yields a {@link dev.patroni4j.client.dcs.DcsTimeoutException}
 * instead of a hang. Reads are linearizable (as {@code patronictl}'s) and retried with exponential backoff while
 * etcd is unavailable; writes are sent once, and a compare-and-set whose answer was lost is settled by reading the
 * key back. Thread-safe; share one instance and close it when done.
 */
public final class EtcdDcsClient implements DcsClient {

  private final Client client;
  private final EtcdStore store;
  private final EtcdLeases leases;
  private final Calls calls;
  private final Duration maxBackoff;
  private final Set<EtcdClusterWatch> watches = ConcurrentHashMap.newKeySet();
  private final Set<EtcdFleetWatch> fleetWatches = ConcurrentHashMap.newKeySet();

  private EtcdDcsClient(Builder builder) {
    ClientBuilder jetcd = Client.builder()
        .endpoints(builder.endpoints.toArray(URI[]::new))
        .interceptor(new UnaryDeadlineInterceptor(builder.requestTimeout))
        .connectTimeout(builder.requestTimeout)
        .keepaliveTime(Duration.ofSeconds(10))
        .keepaliveTimeout(builder.requestTimeout)
        // Fail fast with the cause (refused connection, TLS handshake) instead of waiting out the deadline for a
        // channel that will not become ready; reads are retried by Calls while time remains.
        .waitForReady(false)
        // jetcd's own retries would stack on ours; it still retries an expired auth token, which is always safe.
        .retryMaxAttempts(1)
        .retryDelay(50)
        .retryMaxDelay(100);
    if (builder.user != null) {
      jetcd.user(bytes(builder.user)).password(bytes(Objects.requireNonNull(builder.password)));
    }
    if (builder.tls != null) {
      TlsConfig.Material tls = builder.tls.load();
      try {
        jetcd.sslContext(ssl -> {
          ssl.trustManager(tls.trustManager());
          tls.findKeyManager().ifPresent(ssl::keyManager);
        });
      } catch (SSLException | IllegalArgumentException e) {
        throw new IllegalArgumentException("cannot set up TLS for etcd: " + e.getMessage(), e);
      }
    }
    this.client = jetcd.build();
    this.calls = new Calls(builder.requestTimeout, builder.initialBackoff, builder.maxBackoff, builder.clock,
        builder.sleeper);
    this.store = new EtcdStore(client.getKVClient(), calls);
    this.leases = new EtcdLeases(store, client.getLeaseClient());
    this.maxBackoff = builder.maxBackoff;
  }

  /** A builder; {@link Builder#endpoint} is required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public ClusterSnapshot snapshot(ClusterRef cluster) {
    EtcdStore.Range range = store.range(cluster, 0);
    return ClusterSnapshot.fromEntries(cluster, range.revision(), range.entries());
  }

  /** One prefix range over the namespace. */
  @Override
  public FleetSnapshot fleet(String namespace) {
    String normalised = ClusterRef.normaliseNamespace(namespace);
    EtcdStore.Range range = store.range("fleet", normalised + "/", 0);
    return FleetSnapshot.fromEntries(normalised, range.revision(), range.entries());
  }

  @Override
  public List<String> clusters(String namespace) {
    String prefix = ClusterRef.normaliseNamespace(namespace) + "/";
    GetOption keysOnly = GetOption.builder().isPrefix(true).withKeysOnly(true).build();
    GetResponse response = calls.read("clusters", prefix, () -> store.kv().get(bytes(prefix), keysOnly));
    Set<String> scopes = new TreeSet<>();
    for (KeyValue kv : response.getKvs()) {
      String rest = kv.getKey().toString(StandardCharsets.UTF_8).substring(prefix.length());
      int slash = rest.indexOf('/');
      if (slash > 0) {
        scopes.add(rest.substring(0, slash));
      }
    }
    return List.copyOf(scopes);
  }

  @Override
  public DcsWatch watch(ClusterSnapshot since, DcsListener listener) {
    Objects.requireNonNull(since, "since == null");
    Objects.requireNonNull(listener, "listener == null");
    EtcdClusterWatch watch = new EtcdClusterWatch(store, client.getWatchClient(), since, listener, maxBackoff,
        calls.sleeper(), watches::remove);
    watches.add(watch);
    return watch;
  }

  /** One etcd watch stream on the namespace's prefix. */
  @Override
  public FleetWatch watchFleet(FleetSnapshot since, FleetListener listener) {
    Objects.requireNonNull(since, "since == null");
    Objects.requireNonNull(listener, "listener == null");
    EtcdFleetWatch watch = new EtcdFleetWatch(store, client.getWatchClient(), since, listener, maxBackoff,
        calls.sleeper(), fleetWatches::remove);
    fleetWatches.add(watch);
    return watch;
  }

  @Override
  public CasResult setConfig(ClusterRef cluster, DynamicConfig config, long expectedVersion) {
    return CompareAndSet.put(store, "setConfig", cluster.key(DcsKey.CONFIG), SnapshotParser.toJson(config.values()),
        expectedVersion);
  }

  @Override
  public CasResult setFailover(ClusterRef cluster, FailoverRequest request, long expectedVersion) {
    return CompareAndSet.put(store, "setFailover", cluster.key(DcsKey.FAILOVER),
        SnapshotParser.toJson(request.toPatroniJson()), expectedVersion);
  }

  /** An etcd lease with the TTL and the key put with it, in a transaction, only if absent; see {@link DcsLease}. */
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
    TxnResponse response = guardedDelete("removeCluster", cluster, confirmation, cluster.keyPrefix(), true);
    return response.getDeleteResponses().isEmpty() ? 0 : response.getDeleteResponses().get(0).getDeleted();
  }

  @Override
  public boolean removeInitialize(ClusterRef cluster, Confirmation confirmation) {
    TxnResponse response =
        guardedDelete("removeInitialize", cluster, confirmation, cluster.key(DcsKey.INITIALIZE), false);
    return !response.getDeleteResponses().isEmpty() && response.getDeleteResponses().get(0).getDeleted() > 0;
  }

  /**
   * Deletes {@code target} in one transaction with the check that the initialize key still holds the confirmed
   * system identifier, so nothing can slip in between check and delete. A confirmation of {@code ""} accepts an
   * absent or an empty initialize key: two transactions, each guarded, because etcd cannot compare the value of an
   * absent key.
   */
  private TxnResponse guardedDelete(String operation, ClusterRef cluster, Confirmation confirmation,
      String target, boolean prefix) {
    String systemIdentifier = RemovalRefusals.confirmedSystemIdentifier(operation, cluster, confirmation);
    ByteSequence initialize = bytes(cluster.key(DcsKey.INITIALIZE));
    Op delete = Op.delete(bytes(target), DeleteOption.builder().isPrefix(prefix).build());
    List<Cmp> guards = new ArrayList<>();
    if (systemIdentifier.isEmpty()) {
      guards.add(new Cmp(initialize, Cmp.Op.EQUAL, CmpTarget.createRevision(0)));
    }
    guards.add(new Cmp(initialize, Cmp.Op.EQUAL, CmpTarget.value(bytes(systemIdentifier))));
    for (Cmp guard : guards) {
      TxnResponse response = calls.write(operation, target, () -> store.kv().txn().If(guard).Then(delete).commit());
      if (response.isSucceeded()) {
        return response;
      }
    }
    throw RemovalRefusals.identifierMismatch(operation, cluster, confirmation);
  }

  @Override
  public void close() {
    List.copyOf(watches).forEach(EtcdClusterWatch::close);
    List.copyOf(fleetWatches).forEach(EtcdFleetWatch::close);
    client.close();
  }

  @Override
  public String toString() {
    return "EtcdDcsClient[timeout=" + calls.timeout() + "]";
  }

  private static ByteSequence bytes(String text) {
    return EtcdStore.bytes(text);
  }

  /** Configures an {@link EtcdDcsClient}. Not thread-safe; build once and share the client. */
  public static final class Builder {
    private final List<URI> endpoints = new ArrayList<>();
    private @Nullable String user;
    private @Nullable String password;
    private @Nullable TlsConfig tls;
    private Duration requestTimeout = Duration.ofSeconds(5);
    private Duration initialBackoff = Duration.ofMillis(50);
    private Duration maxBackoff = Duration.ofSeconds(1);
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();

    private Builder() {}

    /** Adds an etcd endpoint, e.g. {@code http://10.0.0.5:2379} or {@code https://...} with TLS. */
    public Builder endpoint(URI endpoint) {
      BuilderChecks.httpEndpoint(endpoint);
      endpoints.add(endpoint);
      return this;
    }

    /** Adds etcd endpoints. */
    public Builder endpoints(List<URI> endpoints) {
      endpoints.forEach(this::endpoint);
      return this;
    }

    /** etcd user/password authentication. The password is never logged nor shown by {@code toString()}. */
    public Builder credentials(String user, String password) {
      this.user = Objects.requireNonNull(user, "user == null");
      this.password = Objects.requireNonNull(password, "password == null");
      return this;
    }

    /**
     * TLS, as for the REST client: the CA etcd's certificate must chain to (Patroni's {@code etcd3.cacert}) and
     * optionally a client certificate with its key ({@code etcd3.cert}, {@code etcd3.key}; PKCS#8, PKCS#1 or SEC1,
     * encrypted with {@link TlsConfig.Builder#keyPassword}). gRPC always checks that the certificate names the
     * endpoint's host, so {@code hostnameVerification(false)} is refused.
     *
     * @throws IllegalArgumentException if {@code tls} switches hostname verification off
     */
    public Builder tls(TlsConfig tls) {
      Objects.requireNonNull(tls, "tls == null");
      if (!tls.hostnameVerification()) {
        throw new IllegalArgumentException("etcd over gRPC always verifies the server's hostname: "
            + "hostnameVerification(false) is not supported for etcd");
      }
      this.tls = tls;
      return this;
    }

    /** The longest any call may take, retries included (default 5 s). */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = BuilderChecks.positive(timeout, "requestTimeout");
      return this;
    }

    /** Backoff between read retries while etcd is unavailable: from {@code initial}, doubling up to {@code max}. */
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
     * Builds the client. Connects lazily: a wrong endpoint or password shows on the first call.
     *
     * @throws IllegalStateException if no endpoint was given
     */
    public EtcdDcsClient build() {
      if (endpoints.isEmpty()) {
        throw new IllegalStateException("no etcd endpoint");
      }
      return new EtcdDcsClient(this);
    }

    @Override
    public String toString() {
      return "EtcdDcsClient.Builder[endpoints=" + endpoints + ", user=" + user + ", password="
          + (password == null ? "none" : "***") + "]";
    }
  }
}
