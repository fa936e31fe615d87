package dev.patroni4j.client;

import dev.patroni4j.client.PatroniException.Delivery;
import dev.patroni4j.client.internal.Timeouts;
import dev.patroni4j.client.internal.http.HttpTransport;
import dev.patroni4j.client.internal.http.Secret;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.client.model.HistoryEntry;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberStatus;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * A typed client for a whole Patroni cluster over its REST API.
 *
 * <p>Built from one or more member URLs; more members are discovered from {@code GET /cluster}.
 * Reads go to the first member that answers and fall through to the next on any error. Mutating
 * calls go to the leader (found through the topology) and fall through to another member only if
 * the request certainly did not leave ({@link PatroniException.Delivery#NOT_SENT}); they are never
 * retried. Per-member reads fan out in parallel, with at most {@code maxInFlightPerMember} calls
 * in flight to any one member (Patroni serves few REST threads).
 *
 * <pre>{@code
 * // given: Path ca; Path cert; Path key; String password;
 * PatroniClient client = PatroniClient.builder()
 *     .member(URI.create("https://10.0.0.1:8008"))
 *     .member(URI.create("https://10.0.0.2:8008"))
 *     .tls(TlsConfig.builder().caFile(ca).clientCertificate(cert, key).build())
 *     .basicAuth("patroni", password)
 *     .build();
 * ClusterView view = client.cluster();
 * Outcome o = client.switchover(SwitchoverRequest.from(view.leader().name()).to("pg2"));
 * client.waitUntil(Conditions.leaderIs("pg2"), Duration.ofMinutes(1));
 * }</pre>
 *
 * <p>A call that fails on every member it tried throws one exception saying what happened at
 * each, e.g. {@code GET /cluster failed on all 2 members tried (nothing was sent):
 * http://10.0.0.1:8008 not sent (connection refused); https://10.0.0.2:8008 not sent (TLS: the
 * server's certificate chain is not trusted ...)}, with each member's typed failure in {@link
 * PatroniException#attempts()}.
 *
 * <p>Immutable and thread-safe: build one and share it. {@code toString()} never shows credentials.
 */
public final class PatroniClient {
  private static final ExecutorService DEFAULT_EXECUTOR =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "patroni4j-fanout");
            t.setDaemon(true);
            return t;
          });

  private final HttpTransport transport;
  private final AtomicReference<List<HttpUrl>> known;
  private final Timeouts timeouts;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration pollInterval;
  private final Executor executor;
  private final String description;
  private final Builder settings;

  private PatroniClient(
      HttpTransport transport, AtomicReference<List<HttpUrl>> known, Timeouts timeouts,
      Clock clock, Sleeper sleeper, Duration pollInterval, Executor executor, String description, Builder settings) {
    this.settings = settings;
    this.transport = transport;
    this.known = known;
    this.timeouts = timeouts;
    this.clock = clock;
    this.sleeper = sleeper;
    this.pollInterval = pollInterval;
    this.executor = executor;
    this.description = description;
  }

  /** A builder with the defaults: 5 s connect, 10 s reads, 65 s switchover, 330 s restart, 4 MiB answers, 2 calls per member. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The same client (same connections, credentials, known members) whose every call uses this
   * deadline, reads and writes alike.
   */
  public PatroniClient withTimeout(Duration timeout) {
    checkPositive(timeout, "timeout");
    return new PatroniClient(transport, known, timeouts.withAll(timeout), clock, sleeper, pollInterval, executor, description,
        settings);
  }

  /**
   * A builder holding this client's settings (members it knows, credentials, TLS, timeouts, limits, clock,
   * sleeper, listeners) whose clients share this client's connection pool and dispatcher, as OkHttp's {@code
   * newBuilder()} does: derive clients with other timeouts or credentials without opening a second pool.
   *
   * <pre>{@code
   * // given: PatroniClient client; String adminPassword;
   * PatroniClient patient = client.newBuilder().switchoverTimeout(Duration.ofMinutes(3)).build();
   * PatroniClient admin = client.newBuilder().basicAuth("admin", adminPassword).build();
   * }</pre>
   */
  public Builder newBuilder() {
    Builder b = new Builder(settings);
    b.members.clear();
    b.members.addAll(knownMembers());
    b.timeouts = timeouts;
    return b;
  }

  /** The member URLs this client knows: the ones it was built with, then the ones discovered. */
  public List<URI> knownMembers() {
    return knownUrls().stream().map(MemberClient::uriOf).toList();
  }

  /** A client for the member at this REST URL (any path is ignored). */
  public MemberClient memberAt(URI uri) {
    return new MemberClient(transport, MemberClient.baseOf(uri), null, timeouts);
  }

  /**
   * {@code GET /cluster} from the first member that answers.
   *
   * @throws PatroniParseException if every member tried answered something unreadable (the
   *     message names each member and the JSON path)
   * @throws PatroniException if no known member gave a usable answer: the message names each
   *     member tried and why it failed there, {@link PatroniException#attempts()} holds their
   *     typed failures
   */
  public ClusterView cluster() {
    return readFromAny("GET /cluster", MemberClient::cluster);
  }

  /** A client for the current leader, found through the topology. */
  public MemberClient leader() {
    return clientFor(cluster().leader());
  }

  /** A client for the named member, found through the topology. */
  public MemberClient member(String name) {
    return clientFor(cluster().member(name));
  }

  /** A client for a member of a view already read. */
  public MemberClient clientFor(Member member) {
    String apiUrl = member.apiUrl();
    if (apiUrl == null) {
      throw new PatroniException("member '" + member.name() + "' has no api_url");
    }
    try {
      return new MemberClient(transport, MemberClient.baseOf(URI.create(apiUrl)), member.name(), timeouts);
    } catch (IllegalArgumentException e) {
      throw new PatroniException("member '" + member.name() + "' has an unusable api_url: " + e.getMessage(), e);
    }
  }

  /** {@code GET /history} from the first member that answers. */
  public List<HistoryEntry> history() {
    return readFromAny("GET /history", MemberClient::history);
  }

  /** {@code GET /config} from the first member that answers. */
  public DynamicConfig config() {
    return readFromAny("GET /config", MemberClient::config);
  }

  /**
   * The topology plus, if asked, every member's {@code /patroni} status, read in parallel (bounded
   * per member). Members that cannot be read are listed in {@link ClusterObservation#unreachable()}.
   */
  public ClusterObservation observe(boolean withMemberStatuses) {
    ClusterView view = cluster();
    Map<String, MemberStatus> statuses = new LinkedHashMap<>();
    Map<String, PatroniException> unreachable = new LinkedHashMap<>();
    if (withMemberStatuses) {
      Map<String, CompletableFuture<MemberStatus>> futures = new LinkedHashMap<>();
      for (Member m : view.members()) {
        futures.put(m.name(), CompletableFuture.supplyAsync(() -> clientFor(m).status(), executor));
      }
      futures.forEach(
          (name, f) -> {
            try {
              statuses.put(name, f.join());
            } catch (java.util.concurrent.CompletionException e) {
              unreachable.put(name, e.getCause() instanceof PatroniException p ? p
                  : new PatroniException("reading " + name + " failed: " + e.getCause(), e.getCause()));
            }
          });
    }
    return new ClusterObservation(view, statuses, unreachable, clock.instant());
  }

  /** Blocks until {@code condition} holds, polling the REST API. */
  public ClusterObservation waitUntil(ClusterCondition condition, Duration timeout) {
    return waiter().waitUntil(condition, timeout);
  }

  /** The clock this client measures deadlines on ({@link Builder#clock}); what components built on it share. */
  public Clock clock() {
    return clock;
  }

  /** The sleeper this client pauses on ({@link Builder#sleeper}); what components built on it share. */
  public Sleeper sleeper() {
    return sleeper;
  }

  /** A polling waiter over this client, with its clock, sleeper and poll interval. */
  public ClusterWaiter waiter() {
    return ClusterWaiter.polling((withStatuses, maxWait) -> observe(withStatuses), pollInterval, clock, sleeper);
  }

  // ---- mutating calls, sent to the leader ----

  /** {@code POST /switchover} to the leader. */
  public Outcome switchover(SwitchoverRequest request) {
    return switchover(request, RequestListener.NONE);
  }

  /**
   * {@code POST /switchover} to the leader, telling {@code sent} when the switchover request itself has been written
   * and answered. The per-call listener hears of this one request only (not of the topology read that finds the
   * leader), so concurrent callers on one shared client each learn of their own request.
   *
   * <pre>{@code
   * // given: PatroniClient client; List<String> auditLog;
   * client.switchover(SwitchoverRequest.from("pg1").to("pg2"), new RequestListener() {
   *   public void requestSent(String method, URI target, String endpointKind) { auditLog.add("requested"); }
   * });
   * }</pre>
   */
  public Outcome switchover(SwitchoverRequest request, RequestListener sent) {
    Objects.requireNonNull(sent, "sent == null");
    return toLeaderFirst(m -> m.switchover(request, sent));
  }

  /** {@code DELETE /switchover} to the leader. */
  public Outcome cancelScheduledSwitchover() {
    return toLeaderFirst(MemberClient::cancelScheduledSwitchover);
  }

  /** {@code POST /failover} to the leader, or to the candidate if there is no leader. */
  public Outcome failover(FailoverRequest request) {
    return failover(request, RequestListener.NONE);
  }

  /** {@code POST /failover} like {@link #failover(FailoverRequest)}, telling {@code sent} of this request only. */
  public Outcome failover(FailoverRequest request, RequestListener sent) {
    Objects.requireNonNull(sent, "sent == null");
    ClusterView view = cluster();
    List<MemberClient> order = new ArrayList<>();
    view.findLeader().ifPresent(l -> order.add(clientFor(l)));
    view.findMember(request.candidate()).filter(m -> m.apiUrl() != null).ifPresent(m -> order.add(clientFor(m)));
    addOthers(order, view);
    return firstSent(order, m -> m.failover(request, sent));
  }

  /** {@code PATCH /config} to the leader. */
  public Outcome patchConfig(ConfigPatch patch) {
    return toLeaderFirst(m -> m.patchConfig(patch));
  }

  /** {@code PATCH /config {"pause": true}}: maintenance mode on. */
  public Outcome pause() {
    return patchConfig(ConfigPatch.pause());
  }

  /** {@code PATCH /config {"pause": null}}: maintenance mode off. */
  public Outcome resume() {
    return patchConfig(ConfigPatch.resume());
  }

  @Override
  public String toString() {
    return description;
  }

  /** Connections made for plain-HTTP calls without OkHttp (tests pin that such calls bypass it). */
  long connectionsWithoutOkHttp() {
    return transport.plainConnections();
  }

  /** The OkHttp client calls go through (tests check what derived clients share). */
  OkHttpClient okHttp() {
    return transport.okHttp();
  }

  // ---- plumbing ----

  private Outcome toLeaderFirst(Function<MemberClient, Outcome> call) {
    ClusterView view = cluster();
    List<MemberClient> order = new ArrayList<>();
    view.findLeader().filter(l -> l.apiUrl() != null).ifPresent(l -> order.add(clientFor(l)));
    addOthers(order, view);
    return firstSent(order, call);
  }

  private void addOthers(List<MemberClient> order, ClusterView view) {
    Set<URI> seen = new LinkedHashSet<>();
    order.forEach(m -> seen.add(m.uri()));
    for (Member m : view.members()) {
      if (m.apiUrl() != null) {
        MemberClient c = clientFor(m);
        if (seen.add(c.uri())) {
          order.add(c);
        }
      }
    }
  }

  private Outcome firstSent(List<MemberClient> order, Function<MemberClient, Outcome> call) {
    List<MemberAttempt> attempts = new ArrayList<>();
    for (MemberClient m : order) {
      try {
        return call.apply(m);
      } catch (PatroniException e) {
        if (e.delivery() != Delivery.NOT_SENT) {
          throw e;
        }
        attempts.add(new MemberAttempt(m.uri(), e));
      }
    }
    if (attempts.isEmpty()) {
      throw new PatroniException("no member with an api_url to send to", null, Delivery.NOT_SENT, null, -1, null);
    }
    throw EveryMemberFailed.of(callOf(attempts.get(0).failure()), attempts);
  }

  /** {@code POST /switchover} from a failure's target {@code POST http://host:port/switchover}. */
  private static String callOf(PatroniException failure) {
    return failure.target().map(target -> {
      int space = target.indexOf(' ');
      HttpUrl url = space < 0 ? null : HttpUrl.parse(target.substring(space + 1));
      return url == null ? target : target.substring(0, space) + " " + url.encodedPath();
    }).orElse("the request");
  }

  // Never null: built with a list, and every update maps a list to a list.
  private List<HttpUrl> knownUrls() {
    return Objects.requireNonNull(known.get(), "known members");
  }

  private <T> T readFromAny(String what, Function<MemberClient, T> read) {
    List<HttpUrl> candidates = knownUrls();
    List<MemberAttempt> attempts = new ArrayList<>();
    for (HttpUrl url : candidates) {
      MemberClient m = new MemberClient(transport, url, null, timeouts);
      try {
        T result = read.apply(m);
        promote(url);
        if (result instanceof ClusterView v) {
          learn(v);
        }
        return result;
      } catch (PatroniException e) {
        attempts.add(new MemberAttempt(m.uri(), e));
      }
    }
    if (attempts.isEmpty()) {
      throw new PatroniException(what + ": no member known", null, Delivery.NOT_SENT, what, -1, null);
    }
    throw EveryMemberFailed.of(what, attempts);
  }

  // The member that answered goes first next time, so a dead seed costs one connect only once.
  private void promote(HttpUrl url) {
    known.updateAndGet(list -> {
      if (!list.isEmpty() && list.get(0).equals(url)) {
        return list;
      }
      List<HttpUrl> next = new ArrayList<>(list.size());
      next.add(url);
      list.stream().filter(u -> !u.equals(url)).forEach(next::add);
      return List.copyOf(next);
    });
  }

  private void learn(ClusterView view) {
    List<HttpUrl> found = new ArrayList<>();
    for (Member m : view.members()) {
      if (m.apiUrl() != null) {
        try {
          found.add(MemberClient.baseOf(URI.create(m.apiUrl())));
        } catch (IllegalArgumentException e) {
          // An unusable api_url is simply not learned.
        }
      }
    }
    known.updateAndGet(list -> {
      LinkedHashSet<HttpUrl> next = new LinkedHashSet<>(list);
      next.addAll(found);
      return next.size() == list.size() ? list : List.copyOf(next);
    });
  }

  static void checkPositive(Duration d, String name) {
    Objects.requireNonNull(d, name + " == null");
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " <= 0");
    }
  }

  /**
   * Builds a {@link PatroniClient}. Every setting is the library's own (URIs, {@link Duration}s, {@link TlsConfig},
   * {@link RequestListener}); the HTTP client underneath is not exposed. A client built here owns a new connection
   * pool; to share one, derive further clients with {@link PatroniClient#newBuilder()}.
   *
   * <pre>{@code
   * // given: char[] password;
   * PatroniClient.Builder b = PatroniClient.builder()
   *     .member(URI.create("http://10.0.0.1:8008"))
   *     .basicAuth("patroni", password)
   *     .connectTimeout(Duration.ofSeconds(2))
   *     .readTimeout(Duration.ofSeconds(5));
   * PatroniClient client = b.build();
   * PatroniClient admin = client.newBuilder().basicAuth("admin", password).build();   // same pool
   * }</pre>
   *
   * <p>Not thread-safe: configure on one thread, then share the built client. {@code toString()} never shows
   * credentials.
   */
  public static final class Builder {
    private final List<URI> members = new ArrayList<>();
    private @Nullable OkHttpClient okHttp;
    // A test's own OkHttp client observes every call, so none of them may bypass it (HttpTransport's plain path).
    private boolean okHttpGiven;
    private @Nullable TlsConfig tls;
    private @Nullable Secret authorization;
    private @Nullable String username;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Timeouts timeouts = Timeouts.defaults();
    private long maxResponseBytes = 4L << 20;
    private int maxInFlightPerMember = 2;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();
    private Duration pollInterval = Duration.ofSeconds(1);
    private Executor executor = DEFAULT_EXECUTOR;
    private final List<RequestListener> requestListeners = new ArrayList<>();

    private Builder() {}

    private Builder(Builder from) {
      members.addAll(from.members);
      okHttp = from.okHttp;
      okHttpGiven = from.okHttpGiven;
      tls = from.tls;
      authorization = from.authorization;
      username = from.username;
      headers.putAll(from.headers);
      connectTimeout = from.connectTimeout;
      timeouts = from.timeouts;
      maxResponseBytes = from.maxResponseBytes;
      maxInFlightPerMember = from.maxInFlightPerMember;
      clock = from.clock;
      sleeper = from.sleeper;
      pollInterval = from.pollInterval;
      executor = from.executor;
      requestListeners.addAll(from.requestListeners);
    }

    /** A member's REST URL, e.g. {@code http://10.0.0.1:8008} (a path such as {@code /patroni} is ignored). */
    public Builder member(URI uri) {
      Objects.requireNonNull(uri, "uri == null");
      if (uri.getRawUserInfo() != null) {
        throw new IllegalArgumentException("put credentials in basicAuth(), not in the URL");
      }
      MemberClient.baseOf(uri);
      members.add(uri);
      return this;
    }

    /** Several members' REST URLs. */
    public Builder members(Collection<URI> uris) {
      uris.forEach(this::member);
      return this;
    }

    /**
     * The OkHttp client to derive from, for this module's tests only (they observe sockets and TLS sessions).
     * Not public: users share a pool through {@link PatroniClient#newBuilder()} and observe calls with {@link
     * #requestListener(RequestListener)}, so no OkHttp type is part of the API.
     */
    Builder okHttpBase(OkHttpClient client) {
      this.okHttp = Objects.requireNonNull(client, "client == null");
      this.okHttpGiven = true;
      return this;
    }

    /** TLS settings (CA, client certificate, hostname verification). */
    public Builder tls(TlsConfig tls) {
      this.tls = Objects.requireNonNull(tls, "tls == null");
      return this;
    }

    /** HTTP Basic credentials, sent preemptively on unsafe methods only (POST, PUT, PATCH, DELETE). */
    public Builder basicAuth(String username, char[] password) {
      Objects.requireNonNull(username, "username == null");
      Objects.requireNonNull(password, "password == null");
      if (username.contains(":")) {
        throw new IllegalArgumentException("username contains ':'");
      }
      String token = Base64.getEncoder().encodeToString((username + ":" + new String(password)).getBytes(StandardCharsets.UTF_8));
      this.authorization = new Secret("Basic " + token);
      this.username = username;
      return this;
    }

    /** HTTP Basic credentials (see {@link #basicAuth(String, char[])}). */
    public Builder basicAuth(String username, String password) {
      return basicAuth(username, password.toCharArray());
    }

    /** A header sent with every request (e.g. for a proxy in front of Patroni). */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name == null");
      Objects.requireNonNull(value, "value == null");
      if (name.equalsIgnoreCase("Authorization")) {
        throw new IllegalArgumentException("use basicAuth() for Authorization");
      }
      headers.put(name, value);
      return this;
    }

    /** How long to wait for a TCP connection (and TLS handshake). */
    public Builder connectTimeout(Duration d) {
      checkPositive(d, "connectTimeout");
      connectTimeout = d;
      return this;
    }

    /** Deadline for reads and quick writes (config, reload, reinitialize, cancellations). */
    public Builder readTimeout(Duration d) {
      checkPositive(d, "readTimeout");
      timeouts = new Timeouts(d, timeouts.switchover(), timeouts.restart());
      return this;
    }

    /** Deadline for an immediate switchover or failover (Patroni answers after up to {@code 2*max(10, loop_wait)} s). */
    public Builder switchoverTimeout(Duration d) {
      checkPositive(d, "switchoverTimeout");
      timeouts = new Timeouts(timeouts.read(), d, timeouts.restart());
      return this;
    }

    /** Deadline for an immediate restart (Patroni answers when PostgreSQL is up). */
    public Builder restartTimeout(Duration d) {
      checkPositive(d, "restartTimeout");
      timeouts = new Timeouts(timeouts.read(), timeouts.switchover(), d);
      return this;
    }

    /** The largest answer accepted; a larger one is an error, never buffered whole. */
    public Builder maxResponseBytes(long bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxResponseBytes < 1024");
      }
      maxResponseBytes = bytes;
      return this;
    }

    /** At most this many concurrent calls to one member (Patroni's REST server has few threads). */
    public Builder maxInFlightPerMember(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxInFlightPerMember < 1");
      }
      maxInFlightPerMember = n;
      return this;
    }

    /** The clock for deadlines. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** How waits sleep between polls. */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper == null");
      return this;
    }

    /** How often waits poll. */
    public Builder pollInterval(Duration d) {
      checkPositive(d, "pollInterval");
      pollInterval = d;
      return this;
    }

    /** Where per-member reads fan out (default: a shared pool of daemon threads). */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor == null");
      return this;
    }

    /**
     * Adds a listener told when each request has been written and when its answer arrived (see {@link
     * RequestListener}). May be called more than once: listeners are told in the order they were added.
     */
    public Builder requestListener(RequestListener listener) {
      requestListeners.add(Objects.requireNonNull(listener, "listener == null"));
      return this;
    }

    /**
     * Builds the client.
     *
     * @throws IllegalStateException if no member URL was given
     * @throws IllegalArgumentException if TLS files cannot be read (the message names the file)
     */
    public PatroniClient build() {
      if (members.isEmpty()) {
        throw new IllegalStateException("at least one member URL is needed");
      }
      // Clients derived with newBuilder() start from the same root, so they share its pool and dispatcher.
      OkHttpClient root = okHttp != null ? okHttp : new OkHttpClient();
      OkHttpClient.Builder http = root.newBuilder().connectTimeout(connectTimeout);
      if (tls != null) {
        TlsConfig.Material m = tls.load();
        http.sslSocketFactory(m.context().getSocketFactory(), m.trustManager());
        if (!tls.hostnameVerification()) {
          http.hostnameVerifier((host, session) -> true);
        }
      }
      HttpTransport transport = new HttpTransport(http.build(), authorization, headers, maxResponseBytes, maxInFlightPerMember,
          allOf(List.copyOf(requestListeners)), !okHttpGiven);
      List<HttpUrl> seeds = members.stream().map(MemberClient::baseOf).distinct().toList();
      String description = "PatroniClient{members=" + seeds.stream().map(MemberClient::uriOf).toList() + ", tls=" + (tls != null)
          + ", basicAuth=" + (username == null ? "none" : username + ":***") + "}";
      Builder settings = new Builder(this);
      settings.okHttp = root;
      return new PatroniClient(transport, new AtomicReference<>(seeds), timeouts, clock, sleeper, pollInterval, executor, description,
          settings);
    }

    private static RequestListener allOf(List<RequestListener> listeners) {
      if (listeners.isEmpty()) {
        return RequestListener.NONE;
      }
      if (listeners.size() == 1) {
        return listeners.get(0);
      }
      return new RequestListener() {
        @Override
        public void requestSent(String method, URI target, String endpointKind) {
          listeners.forEach(l -> l.requestSent(method, target, endpointKind));
        }

        @Override
        public void responseReceived(String method, URI target, String endpointKind, int status) {
          listeners.forEach(l -> l.responseReceived(method, target, endpointKind, status));
        }
      };
    }

    @Override
    public String toString() {
      return "PatroniClient.Builder{members=" + members + ", tls=" + tls + ", basicAuth="
          + (username == null ? "none" : username + ":***") + ", headers=" + headers.keySet() + "}";
    }
  }
}
