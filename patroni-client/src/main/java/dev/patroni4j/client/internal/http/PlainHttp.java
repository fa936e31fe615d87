package dev.patroni4j.client.internal.http;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.SocketFactory;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * One plain-HTTP request on a connection of its own, without OkHttp. Patroni's REST server answers HTTP/1.0 and
 * closes every connection, so no client can keep one alive; what is left to save is OkHttp's per-call machinery
 * (connection planning and pooling, interceptor chain, event listeners), which cost about a third of a bare
 * request on a plain-HTTP {@code GET /cluster} (ClusterViewBenchmark). The request is HTTP/1.1 with {@code
 * Connection: close}; the answer is read by {@link Http1Response}. Failures are IOExceptions as OkHttp's would be
 * (an {@link InterruptedIOException} "timeout" when the call's deadline passes), so {@link HttpTransport} reports
 * them alike. Thread-safe (stateless but for a connection counter).
 */
final class PlainHttp {
  static final String USER_AGENT = "patroni4j";

  private final SocketFactory sockets;
  private final int connectTimeoutMillis;
  private final AtomicLong connections = new AtomicLong();

  PlainHttp(SocketFactory sockets, int connectTimeoutMillis) {
    this.sockets = sockets;
    this.connectTimeoutMillis = connectTimeoutMillis;
  }

  /** Connections opened so far (each carries one request). */
  long connections() {
    return connections.get();
  }

  /** A status code and the body as text, or that the body went past the cap; what cut the body short, if anything. */
  record Answer(int code, String body, boolean tooLarge, @Nullable IOException readError) {}

  /**
   * Sends {@code method url} with {@code headers} and {@code body} (null: none) and reads the answer.
   *
   * @param deadline {@link System#nanoTime()} by which the whole exchange must be done
   */
  Answer exchange(String method, HttpUrl url, Map<String, String> headers,
      byte @Nullable [] body, @Nullable String contentType, long deadline, long maxResponseBytes,
      SendTracker tracker) throws IOException {
    byte[] request = request(method, url, headers, body, contentType);
    try (Socket socket = connect(url, deadline)) {
      tracker.started();
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      tracker.written();
      Http1Response response = new Http1Response(new BufferedInputStream(new DeadlineInput(socket, deadline), 8192));
      int code = response.readHead();
      tracker.answered(code);
      Http1Response.Body answer = response.readBody(method.equals("HEAD"), maxResponseBytes);
      return new Answer(code, answer.text(), answer.tooLarge(), answer.readError());
    }
  }

  private Socket connect(HttpUrl url, long deadline) throws IOException {
    InetAddress[] addresses = InetAddress.getAllByName(url.host());
    IOException last = null;
    for (InetAddress address : addresses) {
      long left = remainingMillis(deadline);
      int wait = (int) Math.min(connectTimeoutMillis <= 0 ? Integer.MAX_VALUE : connectTimeoutMillis, left);
      Socket socket = sockets.createSocket();
      try {
        connections.incrementAndGet();
        socket.connect(new InetSocketAddress(address, url.port()), wait);
        return socket;
      } catch (SocketTimeoutException e) {
        socket.close();
        if (wait == left) {
          throw timeout(e);
        }
        last = e;
      } catch (IOException | RuntimeException e) {
        socket.close();
        if (e instanceof IOException io) {
          last = io;
        } else {
          throw e;
        }
      }
    }
    throw last != null ? last : new UnknownHostException(url.host() + ": no address");
  }

  /** The request's bytes: HTTP/1.1, Host, the caller's headers, Content-Length for a body. */
  static byte[] request(String method, HttpUrl url, Map<String, String> headers, byte @Nullable [] body,
      @Nullable String contentType) {
    StringBuilder head = new StringBuilder(256);
    head.append(method).append(' ').append(url.encodedPath());
    String query = url.encodedQuery();
    if (query != null) {
      head.append('?').append(query);
    }
    head.append(" HTTP/1.1\r\n");
    if (!containsIgnoringCase(headers, "Host")) {
      field(head, "Host", hostHeader(url));
    }
    if (!containsIgnoringCase(headers, "User-Agent")) {
      field(head, "User-Agent", USER_AGENT);
    }
    headers.forEach((name, value) -> field(head, name, value));
    if (body != null) {
      if (contentType != null) {
        field(head, "Content-Type", contentType);
      }
      field(head, "Content-Length", Integer.toString(body.length));
    }
    head.append("\r\n");
    byte[] bytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    if (body == null || body.length == 0) {
      return bytes;
    }
    byte[] all = new byte[bytes.length + body.length];
    System.arraycopy(bytes, 0, all, 0, bytes.length);
    System.arraycopy(body, 0, all, bytes.length, body.length);
    return all;
  }

  /** Whether every header is one OkHttp would send as given (a name of visible ASCII, a value without CR or LF). */
  static boolean sendable(List<Map.Entry<String, String>> headers) {
    for (Map.Entry<String, String> h : headers) {
      String name = h.getKey();
      if (name.isEmpty()) {
        return false;
      }
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (c <= ' ' || c >= 0x7f || c == ':') {
          return false;
        }
      }
      String value = h.getValue();
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if ((c < ' ' && c != '\t') || c >= 0x7f) {
          return false;
        }
      }
    }
    return true;
  }

  private static void field(StringBuilder head, String name, String value) {
    head.append(name).append(": ").append(value).append("\r\n");
  }

  private static boolean containsIgnoringCase(Map<String, String> headers, String name) {
    for (String key : headers.keySet()) {
      if (key.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  private static String hostHeader(HttpUrl url) {
    String host = url.host().contains(":") ? "[" + url.host() + "]" : url.host();
    return url.port() == HttpUrl.defaultPort(url.scheme()) ? host : host + ":" + url.port();
  }

  private static long remainingMillis(long deadline) throws InterruptedIOException {
    long left = (deadline - System.nanoTime()) / 1_000_000;
    if (left <= 0) {
      throw new InterruptedIOException("timeout");
    }
    return left;
  }

  private static InterruptedIOException timeout(IOException cause) {
    InterruptedIOException e = new InterruptedIOException("timeout");
    e.initCause(cause);
    return e;
  }

  /** Reads with the socket's timeout set to what is left of the call's deadline before each read. */
  private static final class DeadlineInput extends InputStream {
    private final Socket socket;
    private final InputStream in;
    private final long deadline;

    DeadlineInput(Socket socket, long deadline) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.deadline = deadline;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      long left = remainingMillis(deadline);
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
      try {
        return in.read(b, off, len);
      } catch (SocketTimeoutException e) {
        throw timeout(e);
      }
    }
  }
}
