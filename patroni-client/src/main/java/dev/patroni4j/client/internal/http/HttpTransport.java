package dev.patroni4j.client.internal.http;

import dev.patroni4j.client.PatroniException;
import dev.patroni4j.client.PatroniException.Delivery;
import dev.patroni4j.client.RequestListener;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;

/**
 * Sends one request to one member and reads the answer, with Patroni's transport rules: a body
 * always has a Content-Length (never chunked), Basic auth only on unsafe methods, a per-call
 * deadline, a cap on the response size, a bound on concurrent calls per member, and no retries
 * (the OkHttp client it is given has connection-failure retries and redirects switched off), and
 * sockets that neither wait for Nagle's algorithm nor delay their ACKs ({@link PromptSockets}). Plain-HTTP calls
 * go over {@link PlainHttp}, one connection per request without OkHttp (Patroni closes every connection anyway),
 * with the same headers, limits and failures; TLS calls stay on OkHttp, which resumes TLS sessions.
 *
 * <p>Every failure is a {@link PatroniException} whose delivery says whether the request left.
 * Thread-safe; shared by every client derived from one builder.
 */
public final class HttpTransport {
  private static final System.Logger LOG = System.getLogger("dev.patroni4j.client.http");
  private static final MediaType JSON = MediaType.get("application/json");

  private final OkHttpClient http;
  private final @Nullable Secret authorization;
  private final Map<String, String> extraHeaders;
  private final long maxResponseBytes;
  private final int maxInFlightPerMember;
  private final RequestListener listener;
  private final Map<String, Semaphore> inFlight = new ConcurrentHashMap<>();
  private final @Nullable PlainHttp plain;

  /**
   * @param plainWithoutOkHttp whether plain-HTTP calls may go over {@link PlainHttp} instead of OkHttp: not when
   *     the caller gave its own OkHttp client to observe or shape calls (tests), and never for a header OkHttp
   *     would refuse (the call then fails in OkHttp as before)
   */
  public HttpTransport(
      OkHttpClient base,
      @Nullable Secret authorization,
      Map<String, String> extraHeaders,
      long maxResponseBytes,
      int maxInFlightPerMember,
      RequestListener listener,
      boolean plainWithoutOkHttp) {
    OkHttpClient.Builder http = base.newBuilder();
    // Unless the caller chose its own socket factory: without these, a TLS call stalls twice for
    // the delayed-ACK timer (see PromptSockets).
    if (base.socketFactory() == SocketFactory.getDefault()) {
      http.socketFactory(PromptSockets.factory());
    }
    this.http =
        http
            // Patroni speaks HTTP/1.0 only; HTTP/2 over ALPN (offered by proxies) would also
            // reject the Connection header below.
            .protocols(List.of(Protocol.HTTP_1_1))
            .retryOnConnectionFailure(false)
            .followRedirects(false)
            .followSslRedirects(false)
            .readTimeout(Duration.ZERO)
            .writeTimeout(Duration.ZERO)
            .callTimeout(Duration.ZERO)
            // Alongside, never instead of, a listener the caller installed on the client it gave.
            .eventListenerFactory(SendTracker.alongside(base.eventListenerFactory()))
            .build();
    this.authorization = authorization;
    this.extraHeaders = Map.copyOf(extraHeaders);
    this.maxResponseBytes = maxResponseBytes;
    this.maxInFlightPerMember = maxInFlightPerMember;
    this.listener = listener;
    this.plain = plainWithoutOkHttp && base.interceptors().isEmpty() && base.networkInterceptors().isEmpty()
        && base.proxy() == null && PlainHttp.sendable(List.copyOf(this.extraHeaders.entrySet()))
        ? new PlainHttp(this.http.socketFactory(), this.http.connectTimeoutMillis()) : null;
  }

  /** Connections made without OkHttp so far, one per plain-HTTP call (for tests). */
  public long plainConnections() {
    return plain == null ? 0 : plain.connections();
  }

  /** The OkHttp client in use (for tests and for deriving clients). */
  public OkHttpClient okHttp() {
    return http;
  }

  /** {@code METHOD url} without credentials, for messages. */
  public static String target(String method, HttpUrl url) {
    HttpUrl clean = url.newBuilder().username("").password("").build();
    return method + " " + clean;
  }

  /**
   * Sends the request and returns the answer whatever its status code.
   *
   * @param jsonBody the request body, or null for none (POST/PUT/PATCH without a body send an
   *     empty one with {@code Content-Length: 0})
   * @throws PatroniException NOT_SENT if the request certainly did not leave, POSSIBLY_SENT if it
   *     may have (timeout, reset), ANSWERED if the answer was too large
   */
  public HttpResult execute(String method, HttpUrl url, @Nullable String jsonBody, Duration timeout) {
    return execute(method, url, jsonBody, timeout, RequestListener.NONE);
  }

  /**
   * Sends the request like {@link #execute(String, HttpUrl, String, Duration)}, and tells {@code callListener}
   * (after the client-wide listener) when this one request has been written and answered.
   */
  public HttpResult execute(
      String method, HttpUrl url, @Nullable String jsonBody, Duration timeout, RequestListener callListener) {
    String target = target(method, url);
    boolean unsafe = !(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS"));
    SendTracker tracker = new SendTracker(listener, callListener, method, url);
    Semaphore permits = inFlight.computeIfAbsent(url.host() + ":" + url.port(), k -> new Semaphore(maxInFlightPerMember));
    long started = System.nanoTime();
    try {
      if (!permits.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new PatroniException(
            target + ": not sent, " + maxInFlightPerMember + " calls to this member already in flight for " + timeout.toMillis() + " ms",
            null, Delivery.NOT_SENT, target, -1, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PatroniException(target + ": not sent, interrupted", e, Delivery.NOT_SENT, target, -1, null);
    }
    try {
      // The deadline covers the wait for a permit too.
      HttpResult result = plain != null && !url.isHttps() && direct(url)
          ? runPlain(plain, method, url, unsafe, jsonBody, started + timeout.toNanos(), target, tracker, timeout)
          : runOkHttp(method, url, unsafe, jsonBody, timeout, started, target, tracker);
      LOG.log(System.Logger.Level.DEBUG, () -> target + " -> " + result.code() + " in " + (System.nanoTime() - started) / 1_000_000 + " ms");
      return result;
    } finally {
      permits.release();
    }
  }

  /** Whether the JVM's proxy settings (which OkHttp follows) send this URL directly. */
  private static boolean direct(HttpUrl url) {
    ProxySelector selector = ProxySelector.getDefault();
    if (selector == null) {
      return true;
    }
    List<Proxy> proxies = selector.select(url.uri());
    return proxies.isEmpty() || proxies.stream().allMatch(p -> p.type() == Proxy.Type.DIRECT);
  }

  private HttpResult runPlain(PlainHttp plain, String method, HttpUrl url, boolean unsafe, @Nullable String jsonBody,
      long deadline, String target, SendTracker tracker, Duration timeout) {
    Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
    // Set after the caller's headers, as on the OkHttp path, so that none of theirs replaces them.
    headers.keySet().removeIf(name -> name.equalsIgnoreCase("Connection"));
    headers.put("Connection", "close");
    if (unsafe && authorization != null) {
      headers.put("Authorization", authorization.reveal());
    }
    byte[] body = jsonBody != null ? jsonBody.getBytes(StandardCharsets.UTF_8) : unsafe ? new byte[0] : null;
    PlainHttp.Answer answer;
    try {
      answer = plain.exchange(method, url, headers, body, jsonBody != null ? JSON.toString() : null, deadline,
          maxResponseBytes, tracker);
    } catch (IOException e) {
      throw failure(e, target, tracker, timeout);
    }
    if (answer.tooLarge()) {
      throw tooLarge(target, answer.code());
    }
    return new HttpResult(target, answer.code(), answer.body(), answer.readError());
  }

  private HttpResult runOkHttp(String method, HttpUrl url, boolean unsafe, @Nullable String jsonBody,
      Duration timeout, long started, String target, SendTracker tracker) {
    Request.Builder rb = new Request.Builder().url(url).tag(SendTracker.class, tracker);
    extraHeaders.forEach(rb::header);
    // Patroni answers HTTP/1.0 and closes every connection, but status-only answers carry no
    // header saying so: without this OkHttp would pool the dead connection and fail the next call.
    rb.header("Connection", "close");
    if (unsafe && authorization != null) {
      rb.header("Authorization", authorization.reveal());
    }
    RequestBody body = null;
    if (jsonBody != null) {
      body = RequestBody.create(jsonBody.getBytes(StandardCharsets.UTF_8), JSON);
    } else if (unsafe) {
      body = RequestBody.create(new byte[0], null);
    }
    rb.method(method, body);
    Call call = http.newCall(rb.build());
    long remainingMillis = timeout.toMillis() - (System.nanoTime() - started) / 1_000_000;
    call.timeout().timeout(Math.max(1, remainingMillis), TimeUnit.MILLISECONDS);
    return run(call, target, tracker, timeout);
  }

  private PatroniException tooLarge(String target, int code) {
    return new PatroniException(
        target + ": answered " + code + " with a body larger than the " + maxResponseBytes + "-byte limit",
        null, Delivery.ANSWERED, target, code, null);
  }

  private HttpResult run(Call call, String target, SendTracker tracker, Duration timeout) {
    Response response;
    try {
      response = call.execute();
    } catch (IOException e) {
      throw failure(e, target, tracker, timeout);
    }
    try (response) {
      int code = response.code();
      ResponseBody rbody = response.body();
      if (rbody == null) {
        return new HttpResult(target, code, "", null);
      }
      Buffer buffer = new Buffer();
      IOException readError = null;
      boolean tooLarge = false;
      try {
        BufferedSource source = rbody.source();
        while (buffer.size() <= maxResponseBytes) {
          if (source.read(buffer, 8192) == -1) {
            break;
          }
        }
        tooLarge = buffer.size() > maxResponseBytes;
      } catch (IOException e) {
        readError = e;
      }
      if (tooLarge) {
        throw tooLarge(target, code);
      }
      return new HttpResult(target, code, buffer.readString(StandardCharsets.UTF_8), readError);
    }
  }

  private static PatroniException failure(IOException e, String target, SendTracker tracker, Duration timeout) {
    boolean certainlyNotSent =
        !tracker.requestStarted()
            || e instanceof ConnectException
            || e instanceof UnknownHostException
            || e instanceof NoRouteToHostException
            || e instanceof SSLHandshakeException
            || e instanceof SSLPeerUnverifiedException;
    String what = reason(e, timeout, tracker.requestStarted());
    if (certainlyNotSent) {
      return new PatroniException(target + ": not sent (" + what + ")", e, Delivery.NOT_SENT, target, -1, null);
    }
    return new PatroniException(
        target + ": may have been sent, no complete answer (" + what + ")", e, Delivery.POSSIBLY_SENT, target, -1, null);
  }

  /** What went wrong, in words an operator acts on: refused, which TLS problem, which timeout. */
  private static String reason(IOException e, Duration timeout, boolean requestStarted) {
    if (e instanceof InterruptedIOException && "timeout".equals(e.getMessage())) {
      return (requestStarted ? "no answer" : "no connection") + " within " + timeout.toMillis() + " ms";
    }
    if (e instanceof SocketTimeoutException) {
      return "timed out (" + e.getMessage() + ")";
    }
    if (e instanceof ConnectException) {
      return causes(e).anyMatch(c -> String.valueOf(c.getMessage()).contains("refused"))
          ? "connection refused"
          : "cannot connect (" + e.getMessage() + ")";
    }
    if (e instanceof UnknownHostException) {
      return "unknown host " + e.getMessage();
    }
    if (e instanceof NoRouteToHostException) {
      return "no route to host";
    }
    if (e instanceof SSLPeerUnverifiedException) {
      // OkHttp's own check: "Hostname x not verified:" then the certificate, one line each.
      return "TLS: the server's certificate does not name this host ("
          + String.valueOf(e.getMessage()).lines().map(String::strip)
              .filter(l -> l.startsWith("Hostname") || l.startsWith("subjectAltNames"))
              .map(l -> l.endsWith(":") ? l.substring(0, l.length() - 1) : l)
              .collect(Collectors.joining(", "))
          + ")";
    }
    if (e instanceof SSLException ssl) {
      return tlsReason(ssl);
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  private static String tlsReason(SSLException e) {
    if (causes(e).anyMatch(CertificateExpiredException.class::isInstance)) {
      return "TLS: the server's certificate has expired";
    }
    if (causes(e).anyMatch(CertificateNotYetValidException.class::isInstance)) {
      return "TLS: the server's certificate is not valid yet";
    }
    if (causes(e).anyMatch(c -> c instanceof CertPathBuilderException || c instanceof CertPathValidatorException)) {
      return "TLS: the server's certificate chain is not trusted (no path to a trusted CA: check the CA file)";
    }
    String message = String.valueOf(e.getMessage());
    String alert = "Received fatal alert: ";
    if (message.startsWith(alert)) {
      String name = message.substring(alert.length());
      boolean aboutUs = name.equals("bad_certificate") || name.equals("certificate_required")
          || name.equals("unknown_ca") || name.equals("certificate_unknown") || name.equals("access_denied");
      return "TLS: the server ended the handshake with alert " + name
          + (aboutUs ? " (it requires a client certificate it trusts)" : "");
    }
    if (e instanceof SSLHandshakeException) {
      return "TLS handshake failed: " + message;
    }
    return "TLS failure: " + message;
  }

  private static Stream<Throwable> causes(Throwable e) {
    return Stream.iterate(e, Objects::nonNull, Throwable::getCause).limit(10);
  }
}
