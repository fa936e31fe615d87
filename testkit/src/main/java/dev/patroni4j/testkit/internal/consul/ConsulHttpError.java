package dev.patroni4j.testkit.internal.consul;

import java.util.Map;

/** An answer other than success, with Consul's status and plain-text body. */
final class ConsulHttpError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int status;
  final transient Map<String, String> headers;

  ConsulHttpError(int status, String body) {
    this(status, body, Map.of());
  }

  ConsulHttpError(int status, String body, Map<String, String> headers) {
    super(body, null, false, false);
    this.status = status;
    this.headers = headers;
  }

  static ConsulHttpError methodNotAllowed(String method, String... allowed) {
    return new ConsulHttpError(405, "method " + method + " not allowed", Map.of("Allow", String.join(",", allowed)));
  }
}
