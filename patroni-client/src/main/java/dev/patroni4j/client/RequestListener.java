package dev.patroni4j.client;

import java.net.URI;

/**
 * Told when a REST request has been written and when its answer's status line arrived, e.g. to record the
 * moment a switchover request left rather than the moment it was answered (which can be a minute later).
 *
 * <pre>{@code
 * // given: List<String> auditLog;
 * PatroniClient client = PatroniClient.builder()
 *     .member(URI.create("http://10.0.0.1:8008"))
 *     .requestListener(new RequestListener() {
 *       @Override
 *       public void requestSent(String method, URI target, String endpointKind) {
 *         if (method.equals("POST") && endpointKind.equals("switchover")) {
 *           auditLog.add("switchover requested");
 *         }
 *       }
 *     })
 *     .build();
 * }</pre>
 *
 * <p>The listener sees the method, the target without credentials, query or headers, and the answer's status code;
 * never a header, a body or a password. Methods run on the calling thread inside the HTTP call, possibly from many
 * threads at once: they must be fast, thread-safe and must not throw (an exception is logged and ignored). A request
 * that could not be sent at all (connection refused, TLS handshake failed) is reported to neither method.
 */
public interface RequestListener {
  /** A listener that does nothing. */
  RequestListener NONE = new RequestListener() {};

  /**
   * The request's headers and body have been written in full to the connection.
   *
   * @param method the HTTP method, e.g. {@code POST}
   * @param target the member's base URI plus the path, e.g. {@code http://10.0.0.1:8008/switchover}
   * @param endpointKind the first path segment, e.g. {@code switchover}, {@code cluster}, {@code patroni}
   *     ({@code patroni} also for {@code /})
   */
  default void requestSent(String method, URI target, String endpointKind) {}

  /** The status line of the answer to a request reported by {@link #requestSent} has been read. */
  default void responseReceived(String method, URI target, String endpointKind, int status) {}
}
