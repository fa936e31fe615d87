package dev.patroni4j.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.patroni4j.client.internal.MetricsParser;
import dev.patroni4j.client.internal.OutcomeMapper;
import dev.patroni4j.client.internal.OutcomeMapper.Action;
import dev.patroni4j.client.internal.Timeouts;
import dev.patroni4j.client.internal.http.HttpResult;
import dev.patroni4j.client.internal.http.HttpTransport;
import dev.patroni4j.client.internal.json.JsonSource;
import dev.patroni4j.client.internal.json.ModelParsers;
import dev.patroni4j.client.internal.json.PatroniTime;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.client.model.HistoryEntry;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.client.model.PatroniVersion;
import dev.patroni4j.client.model.Role;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * The REST API of one Patroni member: health checks, status, topology, history, configuration,
 * metrics, failsafe, and every mutating call with a typed {@link Outcome}.
 *
 * <p>Obtained from a {@link PatroniClient}: {@code client.memberAt(uri)}, {@code client.member("pg2")}
 * or {@code client.leader()}; it shares that client's connections, TLS, credentials and limits.
 *
 * <pre>{@code
 * // given: PatroniClient client;
 * MemberClient pg2 = client.member("pg2");
 * MemberStatus s = pg2.status();
 * boolean replicaOk = pg2.check(HealthCheck.replica().maxLag("1MB")).healthy();
 * Outcome o = pg2.restart(RestartRequest.now().onlyIfPendingRestart());
 * }</pre>
 *
 * <p>Reads throw {@link PatroniException} (with {@link PatroniParseException} for an unreadable
 * answer). Mutating calls return an {@link Outcome} and throw only when the request certainly did
 * not leave ({@link PatroniException.Delivery#NOT_SENT}); they are never retried.
 *
 * <p>Immutable and thread-safe.
 */
public final class MemberClient {
  private final HttpTransport transport;
  private final HttpUrl base;
  private final @Nullable String name;
  private final Timeouts timeouts;

  MemberClient(HttpTransport transport, HttpUrl base, @Nullable String name, Timeouts timeouts) {
    this.transport = transport;
    this.base = base;
    this.name = name;
    this.timeouts = timeouts;
  }

  /** The member's REST base URI, e.g. {@code https://10.0.0.1:8008}. */
  public URI uri() {
    return uriOf(base);
  }

  /** The member's name, if this client was obtained by name or from the topology. */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  /** A client for the same member whose every call (reads and writes) uses this deadline. */
  public MemberClient withTimeout(Duration timeout) {
    PatroniClient.checkPositive(timeout, "timeout");
    return new MemberClient(transport, base, name, timeouts.withAll(timeout));
  }

  // ---- reads ----

  /** {@code GET /patroni}: the member's own status. */
  public MemberStatus status() {
    return read("/patroni", ModelParsers::memberStatus);
  }

  /**
   * A health check with GET: healthy on 200; the body (the status document) is parsed when
   * readable. Liveness and readiness answer with a status line only.
   */
  public HealthResult check(HealthCheck check) {
    HttpResult r = send("GET", url(check), null, timeouts.read());
    MemberStatus body = null;
    if (!r.bodyIncomplete() && !r.body().isBlank()) {
      try {
        body = ModelParsers.memberStatus(r.body());
      } catch (PatroniException e) {
        // The verdict is the status code; an unreadable body does not change it.
      }
    }
    return new HealthResult(r.code() == 200, r.code(), body);
  }

  /** A health check with HEAD (status only). */
  public HealthResult checkHead(HealthCheck check) {
    HttpResult r = send("HEAD", url(check), null, timeouts.read());
    return new HealthResult(r.code() == 200, r.code(), null);
  }

  /** A health check with OPTIONS (status only; what some load balancers send). */
  public HealthResult checkOptions(HealthCheck check) {
    HttpResult r = send("OPTIONS", url(check), null, timeouts.read());
    return new HealthResult(r.code() == 200, r.code(), null);
  }

  /** {@code GET /cluster}: the topology as this member reads it from the DCS. */
  public ClusterView cluster() {
    return read("/cluster", ModelParsers::clusterView);
  }

  /** {@code GET /history}: timeline switches, oldest first. */
  public List<HistoryEntry> history() {
    return read("/history", ModelParsers::history);
  }

  /**
   * {@code GET /config}: the dynamic configuration. Without a {@code config} key in the DCS the
   * member answers 502, which this throws as a {@link PatroniException} with that status (seen on
   * 3.0.2, 4.0.7 and 4.1.5; by Patroni's release notes 4.0.0 to 4.0.6 answer {@code {}} instead).
   */
  public DynamicConfig config() {
    return read("/config", ModelParsers::dynamicConfig);
  }

  /** {@code GET /metrics}: Prometheus samples. */
  public Metrics metrics() {
    return read("/metrics", MetricsParser::parse);
  }

  /**
   * {@code GET /failsafe}: the failsafe topology (member name to REST URL), or empty when Patroni
   * answers 502 because failsafe mode is off or has no valid topology.
   */
  public Optional<Map<String, String>> failsafe() {
    HttpResult r = send("GET", path("/failsafe"), null, timeouts.read());
    if (r.code() == 502 && r.isPatroniErrorPage()) {
      return Optional.empty();
    }
    return Optional.of(parse(r, ModelParsers::failsafe));
  }

  // ---- writes ----

  /** {@code PATCH /config}: merge a change (compare-and-set in the DCS; 409 if a concurrent change won). */
  public Outcome patchConfig(ConfigPatch patch) {
    return act(Action.PATCH_CONFIG, "PATCH", "/config", json(patch.asTree()), timeouts.read());
  }

  /** {@code PUT /config}: replace the whole configuration, unconditionally. */
  public Outcome putConfig(Map<String, Object> config) {
    if (config.isEmpty()) {
      throw new IllegalArgumentException("empty configuration: Patroni rejects {} with 400");
    }
    return act(Action.PUT_CONFIG, "PUT", "/config", json(config), timeouts.read());
  }

  /** {@code POST /switchover}: now (Patroni answers when done) or scheduled (202). */
  public Outcome switchover(SwitchoverRequest request) {
    return switchover(request, RequestListener.NONE);
  }

  /**
   * {@code POST /switchover}, telling {@code sent} when this request has been written (and answered). Only this
   * call is reported to {@code sent}: it is the per-call way to learn the moment a switchover was requested.
   */
  public Outcome switchover(SwitchoverRequest request, RequestListener sent) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("leader", request.leader());
    if (request.candidate() != null) {
      body.put("candidate", request.candidate());
    }
    if (request.scheduledAt() != null) {
      body.put("scheduled_at", PatroniTime.format(request.scheduledAt()));
    }
    Outcome o = act(Action.SWITCHOVER, "POST", "/switchover", json(body), orDefault(request.timeout(), timeouts.switchover()),
        sent);
    return withRequested(o, request.candidate());
  }

  /** {@code DELETE /switchover}: cancel a scheduled switchover (404 if none). */
  public Outcome cancelScheduledSwitchover() {
    return act(Action.CANCEL_SWITCHOVER, "DELETE", "/switchover", null, timeouts.read());
  }

  /** {@code POST /failover}: promote the candidate. */
  public Outcome failover(FailoverRequest request) {
    return failover(request, RequestListener.NONE);
  }

  /** {@code POST /failover}, telling {@code sent} when this request has been written (and answered). */
  public Outcome failover(FailoverRequest request, RequestListener sent) {
    Outcome o = act(Action.FAILOVER, "POST", "/failover", json(Map.of("candidate", request.candidate())),
        orDefault(request.timeout(), timeouts.switchover()), sent);
    return withRequested(o, request.candidate());
  }

  /** {@code POST /restart}: restart PostgreSQL now (blocks until it is up) or at a scheduled time. */
  public Outcome restart(RestartRequest request) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (request.schedule() != null) {
      body.put("schedule", PatroniTime.format(request.schedule()));
    }
    if (request.pendingRestartOnly()) {
      body.put("restart_pending", true);
    }
    if (request.role() != null) {
      body.put("role", request.role());
    } else if (request.roleKind() != null) {
      body.put("role", RestartRequest.spell(request.roleKind(), versionForRestartRole(request.roleKind())));
    }
    if (request.postgresVersionBelow() != null) {
      body.put("postgres_version", request.postgresVersionBelow());
    }
    Duration deadline = timeouts.restart();
    if (request.startTimeout() != null) {
      body.put("timeout", request.startTimeout().toSeconds());
      deadline = request.startTimeout().plusSeconds(30);
    }
    return act(Action.RESTART, "POST", "/restart", json(body), orDefault(request.timeout(), deadline));
  }

  // Only the primary's word differs between versions; the others need no read.
  private PatroniVersion versionForRestartRole(Role.Kind role) {
    if (role != Role.Kind.PRIMARY) {
      return PatroniVersion.parse("4.0");
    }
    try {
      return status().findPatroniVersion().orElseThrow(() -> new PatroniException(
          "GET " + uri() + "/patroni reported no Patroni version", null, PatroniException.Delivery.ANSWERED, null, 200, null));
    } catch (PatroniException e) {
      throw new PatroniException("cannot tell which word for the primary role " + uri() + " expects ("
          + e.getMessage() + "); the restart was not sent", e, PatroniException.Delivery.NOT_SENT, "POST " + uri() + "/restart", -1, null);
    }
  }

  /** {@code DELETE /restart}: cancel a scheduled restart (404 if none). */
  public Outcome cancelScheduledRestart() {
    return act(Action.CANCEL_RESTART, "DELETE", "/restart", null, timeouts.read());
  }

  /** {@code POST /reload}: re-read the configuration (like SIGHUP); Patroni answers at once. */
  public Outcome reload() {
    return act(Action.RELOAD, "POST", "/reload", null, timeouts.read());
  }

  /** {@code POST /reinitialize}: wipe this replica and clone it again (asynchronous). */
  public Outcome reinitialize(ReinitializeRequest request) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("force", request.force());
    if (request.fromLeader()) {
      body.put("from_leader", true);
    }
    return act(Action.REINITIALIZE, "POST", "/reinitialize", json(body), timeouts.read());
  }

  @Override
  public String toString() {
    return "MemberClient{" + (name == null ? "" : name + " ") + uri() + "}";
  }

  // ---- plumbing ----

  private <T> T read(String path, Function<String, T> parser) {
    HttpResult r = send("GET", path(path), null, timeouts.read());
    return parse(r, parser);
  }

  private <T> T parse(HttpResult r, Function<String, T> parser) {
    if (r.code() != 200) {
      throw new PatroniException(
          r.target() + ": answered " + r.code() + ": " + r.message(), null,
          PatroniException.Delivery.ANSWERED, r.target(), r.code(), r.excerpt());
    }
    if (r.bodyIncomplete()) {
      throw new PatroniException(
          r.target() + ": answer cut short after " + r.body().length() + " characters (" + r.readError() + ")", r.readError(),
          PatroniException.Delivery.ANSWERED, r.target(), r.code(), r.excerpt());
    }
    try {
      return parser.apply(r.body());
    } catch (PatroniParseException e) {
      throw new PatroniParseException(
          r.target() + ": answered " + r.code() + " with an unreadable body (" + e.getMessage() + ")", e.path(), e,
          PatroniException.Delivery.ANSWERED, r.target(), r.code(), r.excerpt());
    }
  }

  private Outcome act(Action action, String method, String path, @Nullable String body, Duration timeout) {
    return act(action, method, path, body, timeout, RequestListener.NONE);
  }

  private Outcome act(
      Action action, String method, String path, @Nullable String body, Duration timeout, RequestListener sent) {
    HttpResult r;
    try {
      r = transport.execute(method, path(path), body, timeout, sent);
    } catch (PatroniException e) {
      return OutcomeMapper.fromFailure(e);
    }
    return OutcomeMapper.fromAnswer(action, r);
  }

  private HttpResult send(String method, HttpUrl url, @Nullable String body, Duration timeout) {
    return transport.execute(method, url, body, timeout);
  }

  private HttpUrl path(String path) {
    return base.newBuilder().encodedPath(path).build();
  }

  private HttpUrl url(HealthCheck check) {
    HttpUrl.Builder b = base.newBuilder().encodedPath("/").addPathSegments(check.path().substring(1));
    check.query().forEach(b::addQueryParameter);
    return b.build();
  }

  private static Outcome withRequested(Outcome o, @Nullable String requested) {
    if (requested != null && o instanceof Outcome.Done d && d.actualMember() != null && !d.actualMember().equals(requested)) {
      return new Outcome.DoneWithOtherMember(d.target(), d.code(), d.message(), requested, d.actualMember());
    }
    return o;
  }

  private static Duration orDefault(@Nullable Duration d, Duration fallback) {
    return d != null ? d : fallback;
  }

  private static String json(Map<String, Object> body) {
    try {
      return JsonSource.mapper().writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialise request body: " + e.getOriginalMessage(), e);
    }
  }

  static URI uriOf(HttpUrl base) {
    return URI.create(base.scheme() + "://" + (base.host().contains(":") ? "[" + base.host() + "]" : base.host()) + ":" + base.port());
  }

  static HttpUrl baseOf(URI uri) {
    HttpUrl parsed = HttpUrl.get(uri.toString());
    return new HttpUrl.Builder().scheme(parsed.scheme()).host(parsed.host()).port(parsed.port()).build();
  }

}
