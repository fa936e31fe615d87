package dev.patroni4j.client;

import okhttp3.OkHttpClient;

/**
 * Test code of other packages of this module (the {@code it} tests) reaching the builder's package-private OkHttp
 * hook; not part of any published artifact.
 */
public final class ClientTestAccess {
  private ClientTestAccess() {}

  /** {@code builder} deriving its HTTP client from {@code base}, e.g. one with an event listener observing sockets. */
  public static PatroniClient.Builder derivingFrom(PatroniClient.Builder builder, OkHttpClient base) {
    return builder.okHttpBase(base);
  }

  /** Connections {@code client} made for plain-HTTP calls without OkHttp. */
  public static long connectionsWithoutOkHttp(PatroniClient client) {
    return client.connectionsWithoutOkHttp();
  }
}
