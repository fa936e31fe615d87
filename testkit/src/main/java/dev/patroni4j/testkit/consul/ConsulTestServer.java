package dev.patroni4j.testkit.consul;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.patroni4j.testkit.internal.consul.ConsulHealthChecker;
import dev.patroni4j.testkit.internal.consul.ConsulHttpApi;
import dev.patroni4j.testkit.internal.consul.ConsulState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * An in-process Consul agent HTTP API on 127.0.0.1, written from Consul's documented behaviour, for tests where
 * no Consul binary can run: KV (single, recurse, keys, blocking queries, CAS, lock acquire/release, recursive and
 * CAS delete), transactions, sessions (TTL, behavior, lock-delay, renew, destroy, info, list, expiry), {@code
 * agent/self}, {@code status/leader}, service registration with running HTTP checks, the catalog and health
 * endpoints, and ACL tokens with default policy deny.
 * Real Patroni 3.0.2 runs on it.
 *
 * <pre>{@code
 * try (ConsulTestServer consul = ConsulTestServer.builder()
 *         .aclMasterToken("root-token")
 *         .sessionTtlMin(Duration.ofSeconds(1))
 *         .start()) {
 *     URI base = consul.uri();                   // http://127.0.0.1:<free port>
 *     // PUT base + "/v1/kv/service/demo/config?cas=0" with header X-Consul-Token: root-token ...
 * }
 * }</pre>
 *
 * <p>Sessions expire at {@code 2 × TTL} after their last renewal, measured on the builder's {@link Clock}: the
 * server checks on every request and every 50 ms, so a test that moves its clock sees the expiry on its next
 * request. Blocking queries wait in real time.
 *
 * <p>Thread-safety: thread-safe; one server serves any number of concurrent clients.
 */
public final class ConsulTestServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ConsulTestServer.class.getName());
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  static {
    // The JDK server writes headers and body in separate segments; without TCP_NODELAY every answer with a body
    // waits for the client's delayed ACK (~40 ms), which slows Patroni's HA loop and every test. The property is
    // read once, when the JDK's HTTP server is first used in this JVM.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final ConsulState state;
  private final ConsulHttpApi api;
  private final HttpServer http;
  private final ExecutorService workers;
  private final ScheduledExecutorService sweeper;
  private final ScheduledFuture<?> housekeepingTask;
  private final ConsulHealthChecker checker;
  private final String datacenter;
  private final String scheme;

  private ConsulTestServer(Builder b) throws IOException {
    this.datacenter = b.datacenter;
    this.state = new ConsulState(b.clock, b.nodeName, b.sessionTtlMin);
    this.api = new ConsulHttpApi(state, b.aclMasterToken, b.datacenter);
    int instance = INSTANCES.incrementAndGet();
    this.workers = Executors.newCachedThreadPool(daemon("consul-test-" + instance + "-http"));
    this.sweeper = Executors.newSingleThreadScheduledExecutor(daemon("consul-test-" + instance + "-sessions"));
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), b.port);
    if (b.tls != null) {
      HttpsServer https = HttpsServer.create(address, 64);
      boolean verifyIncoming = b.verifyIncoming;
      https.setHttpsConfigurator(new HttpsConfigurator(b.tls) {
        @Override
        public void configure(HttpsParameters params) {
          SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
          parameters.setNeedClientAuth(verifyIncoming);
          params.setSSLParameters(parameters);
        }
      });
      this.http = https;
    } else {
      this.http = HttpServer.create(address, 64);
    }
    this.scheme = b.tls != null ? "https" : "http";
    http.createContext("/", api);
    http.setExecutor(workers);
    http.start();
    this.checker = new ConsulHealthChecker(state, workers);
    this.housekeepingTask = sweeper.scheduleWithFixedDelay(this::housekeeping, 50, 50, TimeUnit.MILLISECONDS);
    LOG.log(System.Logger.Level.DEBUG, "Consul test server listening on {0}", uri());
  }

  private void housekeeping() {
    try {
      state.expireSessions();
      checker.tick();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "Consul test server housekeeping failed", e);
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** A builder with Consul's defaults: free port, no ACLs, session_ttl_min 10s, system clock. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code http://127.0.0.1:<port>}, or {@code https://} when built with {@link Builder#tls}. */
  public URI uri() {
    return URI.create(scheme + "://" + hostAndPort());
  }

  /** {@code 127.0.0.1:<port>}, the form of Patroni's {@code consul.host}. */
  public String hostAndPort() {
    return "127.0.0.1:" + port();
  }

  public int port() {
    return http.getAddress().getPort();
  }

  public String datacenter() {
    return datacenter;
  }

  /** The node name sessions are created on by default (Consul's {@code node_name}). */
  public String nodeName() {
    return state.nodeName();
  }

  /** Services registered with the agent, ordered by service ID, with the state of their checks. */
  public List<RegisteredService> services() {
    return state.services().stream()
        .map(s -> new RegisteredService(s.id(), s.name(), s.tags(), s.address(), s.port(), s.checks(),
            health(state.checkStatuses(s.id()))))
        .toList();
  }

  /**
   * What Consul DNS answers for {@code <tag>.<service>.service.consul} (or {@code <service>.service.consul} when
   * {@code tag} is empty): the instances with that tag whose checks are not critical (DNS's default, {@code
   * only_passing = false}).
   */
  public List<RegisteredService> dnsLookup(String service, String tag) {
    return services().stream()
        .filter(s -> s.name().equals(service) && (tag.isEmpty() || s.tags().contains(tag)))
        .filter(s -> !s.health().equals("critical"))
        .toList();
  }

  private static String health(List<ConsulState.CheckStatus> checks) {
    String worst = "passing";
    for (ConsulState.CheckStatus c : checks) {
      if (c.status().equals("critical")) {
        return "critical";
      }
      if (c.status().equals("warning")) {
        worst = "warning";
      }
    }
    return worst;
  }

  /** IDs of the live sessions, in creation order. */
  public List<String> sessionIds() {
    return state.sessions().stream().map(ConsulState.Session::id).toList();
  }

  /**
   * Invalidates a session now, as a failing health check or an agent restart does in Consul: its locks are
   * released or deleted according to its behavior and lock-delay is armed.
   */
  public void invalidateSession(String id) {
    state.destroy(id);
  }

  /** Every session is invalidated, as when the agent restarts and forgets its node's sessions. */
  public void invalidateAllSessions() {
    sessionIds().forEach(state::destroy);
  }

  /** The next {@code count} requests fail with 500 {@code No cluster leader}, as during a Raft election. */
  public void failNextRequests(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count < 0");
    }
    api.failNextRequests(count);
  }

  /** Holds every response back this long, to test client deadlines; {@link Duration#ZERO} stops it. */
  public void delayResponses(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay < 0");
    }
    api.delayResponses(delay);
  }

  /**
   * Stops answering, as a hung or partitioned agent: connections are accepted, requests neither handled nor
   * answered (clients see timeouts) until {@link #thaw()}. Session timers keep running.
   */
  public void freeze() {
    api.freeze();
  }

  /** Answers again; requests held while frozen are handled now. */
  public void thaw() {
    api.thaw();
  }

  /** The most recent request lines ({@code "PUT /v1/kv/service/demo/leader?acquire=..."}), tokens hidden. */
  public List<String> requestLog() {
    return api.requestLog();
  }

  /** Stops listening, wakes every blocked query and frees the port. */
  @Override
  public void close() {
    state.close();
    housekeepingTask.cancel(false);
    sweeper.shutdownNow();
    http.stop(0);
    workers.shutdownNow();
  }

  @Override
  public String toString() {
    return "ConsulTestServer[" + uri() + "]";
  }

  /** Configures a {@link ConsulTestServer}. Not thread-safe; use from one thread. */
  public static final class Builder {
    private int port;
    private @Nullable String aclMasterToken;
    private Duration sessionTtlMin = Duration.ofSeconds(10);
    private Clock clock = Clock.systemUTC();
    private String nodeName = "consul-test";
    private String datacenter = "dc1";
    private @Nullable SSLContext tls;
    private boolean verifyIncoming;

    private Builder() {}

    /** Port on 127.0.0.1; 0 (the default) picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Turns ACLs on with default policy deny: this token may do everything, requests without a token are
     * denied (403 {@code Permission denied}), other tokens are unknown (403 {@code ACL not found}).
     */
    public Builder aclMasterToken(String token) {
      Objects.requireNonNull(token, "token == null");
      if (token.isEmpty()) {
        throw new IllegalArgumentException("token is empty");
      }
      this.aclMasterToken = token;
      return this;
    }

    /** Consul's {@code session_ttl_min} (default 10s): shorter session TTLs are refused. */
    public Builder sessionTtlMin(Duration min) {
      Objects.requireNonNull(min, "min == null");
      if (min.isNegative()) {
        throw new IllegalArgumentException("sessionTtlMin < 0");
      }
      this.sessionTtlMin = min;
      return this;
    }

    /** The clock session expiry and lock-delay are measured on (default: the system clock). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** The agent's node name (default {@code consul-test}). */
    public Builder nodeName(String nodeName) {
      this.nodeName = Objects.requireNonNull(nodeName, "nodeName == null");
      return this;
    }

    /** The datacenter (default {@code dc1}); requests naming another one fail as Consul's do. */
    public Builder datacenter(String datacenter) {
      this.datacenter = Objects.requireNonNull(datacenter, "datacenter == null");
      return this;
    }

    /**
     * Serves HTTPS with this context's key and certificate (Consul's HTTPS port); with {@code verifyIncoming}
     * clients must present a certificate the context trusts (Consul's {@code verify_incoming}).
     */
    public Builder tls(SSLContext context, boolean verifyIncoming) {
      this.tls = Objects.requireNonNull(context, "context == null");
      this.verifyIncoming = verifyIncoming;
      return this;
    }

    /** Starts the server; it is listening when this returns. */
    public ConsulTestServer start() {
      try {
        return new ConsulTestServer(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the Consul test server on port " + port, e);
      }
    }
  }
}
