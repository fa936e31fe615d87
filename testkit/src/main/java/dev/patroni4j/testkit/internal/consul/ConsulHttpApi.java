package dev.patroni4j.testkit.internal.consul;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.patroni4j.testkit.internal.consul.ConsulState.RpcError;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Consul's agent HTTP API over {@link ConsulState}: routing to the endpoints ({@link KvEndpoint}, {@link
 * SessionEndpoint}, {@link AgentEndpoint}), the faults a test injects (failures, delays, freezing) and the request
 * log. The endpoints check ACLs, run blocking queries ({@link Blocking}) and answer with Consul's exact status codes
 * and bodies.
 *
 * <p>Thread-safety: safe for concurrent requests; the state is guarded by its own monitor.
 */
public final class ConsulHttpApi implements HttpHandler {
  private static final int REQUEST_LOG_SIZE = 2000;

  private final ConsulState state;
  private final String datacenter;
  private final KvEndpoint kv;
  private final SessionEndpoint sessions;
  private final AgentEndpoint agent;
  private final AtomicInteger failuresToInject = new AtomicInteger();
  private volatile Duration responseDelay = Duration.ZERO;
  private final Deque<String> requestLog = new ArrayDeque<>();
  private final Object freezeLock = new Object();
  private boolean frozen;

  public ConsulHttpApi(ConsulState state, @Nullable String managementToken, String datacenter) {
    ConsulAcl acl = new ConsulAcl(managementToken);
    this.state = state;
    this.datacenter = datacenter;
    this.kv = new KvEndpoint(state, acl);
    this.sessions = new SessionEndpoint(state, acl);
    this.agent = new AgentEndpoint(state, acl, datacenter, UUID.randomUUID().toString());
  }

  /** The next {@code count} requests fail with 500 {@code No cluster leader}, as during a leader election. */
  public void failNextRequests(int count) {
    failuresToInject.set(count);
  }

  /** Every response is held back this long before it is sent (zero to stop). */
  public void delayResponses(Duration delay) {
    responseDelay = delay;
  }

  /** Stops answering: requests are read but neither handled nor answered until {@link #thaw()}. */
  public void freeze() {
    synchronized (freezeLock) {
      frozen = true;
    }
  }

  public void thaw() {
    synchronized (freezeLock) {
      frozen = false;
      freezeLock.notifyAll();
    }
  }

  private boolean awaitThawed() {
    synchronized (freezeLock) {
      try {
        while (frozen && !state.isClosed()) {
          freezeLock.wait(100);
        }
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  /** The most recent request lines, oldest first, tokens hidden. */
  public List<String> requestLog() {
    synchronized (requestLog) {
      return new ArrayList<>(requestLog);
    }
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      ConsulRequest request = new ConsulRequest(exchange);
      log(request.logLine());
      if (!awaitThawed()) {
        return;
      }
      Reply reply;
      try {
        state.expireSessions();
        if (failuresToInject.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
          throw new RpcError("No cluster leader");
        }
        reply = dispatch(request);
      } catch (ConsulHttpError e) {
        reply = Reply.text(e.status, e.getMessage()).withHeaders(e.headers);
      } catch (RpcError e) {
        reply = Reply.text(isPermissionDenied(e) ? 403 : 500, e.getMessage());
      }
      if (holdBack(responseDelay) && awaitThawed()) {
        send(exchange, reply);
      }
    }
  }

  /**
   * Holds a response back for {@code delay}; false when the server closes meanwhile (or the worker is interrupted):
   * the exchange is dropped unanswered.
   */
  private boolean holdBack(Duration delay) {
    if (delay.isZero()) {
      return true;
    }
    try {
      return !state.awaitClosed(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean isPermissionDenied(RpcError e) {
    String message = e.getMessage();
    return message != null && (message.contains("Permission denied") || message.contains("ACL not found"));
  }

  private void log(String line) {
    synchronized (requestLog) {
      if (requestLog.size() == REQUEST_LOG_SIZE) {
        requestLog.removeFirst();
      }
      requestLog.addLast(line);
    }
  }

  private static void send(HttpExchange exchange, Reply reply) throws IOException {
    // Read what the handler left unread (e.g. a refused oversized value) so the client sees the answer rather
    // than a connection reset.
    exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
    reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    byte[] body = reply.body();
    if (body == null) {
      exchange.sendResponseHeaders(reply.status(), -1);
      return;
    }
    exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  // ---------------------------------------------------------------- routing

  private Reply dispatch(ConsulRequest req) throws IOException {
    String path = req.path();
    if (!req.param("dc").isEmpty() && !req.param("dc").equals(datacenter)) {
      throw new RpcError("No path to datacenter");
    }
    if (path.startsWith("/v1/kv/")) {
      return kv.handle(req, path.substring("/v1/kv/".length()));
    }
    if (path.equals("/v1/txn")) {
      return only(req, "PUT", () -> kv.txn(req));
    }
    if (path.equals("/v1/session/create")) {
      return only(req, "PUT", () -> sessions.create(req));
    }
    if (path.startsWith("/v1/session/destroy/") || path.equals("/v1/session/destroy")) {
      return only(req, "PUT", () -> sessions.destroy(req, suffix(path, "/v1/session/destroy")));
    }
    if (path.startsWith("/v1/session/renew/") || path.equals("/v1/session/renew")) {
      return only(req, "PUT", () -> sessions.renew(req, suffix(path, "/v1/session/renew")));
    }
    if (path.startsWith("/v1/session/info/")) {
      String id = suffix(path, "/v1/session/info");
      return only(req, "GET", () -> sessions.query(req, s -> s.id().equals(id)));
    }
    if (path.startsWith("/v1/session/node/")) {
      String node = suffix(path, "/v1/session/node");
      return only(req, "GET", () -> sessions.query(req, s -> s.node().equals(node)));
    }
    if (path.equals("/v1/session/list")) {
      return only(req, "GET", () -> sessions.query(req, s -> true));
    }
    if (path.equals("/v1/agent/self")) {
      return only(req, "GET", () -> agent.self(req));
    }
    if (path.equals("/v1/status/leader")) {
      return only(req, "GET", agent::statusLeader);
    }
    if (path.equals("/v1/status/peers")) {
      return only(req, "GET", agent::statusPeers);
    }
    if (path.equals("/v1/agent/service/register")) {
      return only(req, "PUT", () -> agent.register(req));
    }
    if (path.startsWith("/v1/agent/service/deregister/")) {
      return only(req, "PUT", () -> agent.deregister(req, suffix(path, "/v1/agent/service/deregister")));
    }
    if (path.equals("/v1/agent/services")) {
      return only(req, "GET", () -> agent.services(req));
    }
    if (path.equals("/v1/catalog/services")) {
      return only(req, "GET", () -> agent.catalogServices(req));
    }
    if (path.startsWith("/v1/health/service/")) {
      return only(req, "GET", () -> agent.healthService(req, suffix(path, "/v1/health/service")));
    }
    if (path.startsWith("/v1/catalog/service/")) {
      return only(req, "GET", () -> agent.catalogService(req, suffix(path, "/v1/catalog/service")));
    }
    return new Reply(404, Map.of(), null);
  }

  private interface Handler {
    Reply handle() throws IOException;
  }

  private static Reply only(ConsulRequest req, String method, Handler handler) throws IOException {
    if (!req.method().equals(method)) {
      throw ConsulHttpError.methodNotAllowed(req.method(), "OPTIONS", method);
    }
    return handler.handle();
  }

  private static String suffix(String path, String prefix) {
    return path.length() <= prefix.length() + 1 ? "" : path.substring(prefix.length() + 1);
  }
}
