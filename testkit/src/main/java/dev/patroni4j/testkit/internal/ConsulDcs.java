package dev.patroni4j.testkit.internal;

import dev.patroni4j.testkit.consul.ConsulTestServer;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Consul test server as a local cluster's DCS. Patroni gets a {@code consul:} section with {@code
 * register_service: true}.
 *
 * <p>The server's {@code session_ttl_min} is 1 s: Patroni asks for a session TTL of {@code ttl/2} (5 s for the
 * kit's {@code ttl: 10}), and Patroni 3.0.2 cannot adapt to a larger minimum itself on Consul 1.x, whose {@code
 * /v1/agent/self} no longer reports {@code Config.SessionTTLMin}.
 */
public final class ConsulDcs implements DcsServer {
  private final ConsulTestServer server;

  private ConsulDcs(ConsulTestServer server) {
    this.server = server;
  }

  public static ConsulDcs start() {
    return new ConsulDcs(ConsulTestServer.builder().sessionTtlMin(Duration.ofSeconds(1)).start());
  }

  public ConsulTestServer server() {
    return server;
  }

  @Override
  public String patroniSectionName() {
    return "consul";
  }

  @Override
  public Map<String, Object> patroniSection() {
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("host", server.hostAndPort());
    section.put("register_service", true);
    return section;
  }

  @Override
  public URI endpoint() {
    return server.uri();
  }

  @Override
  public void freeze() {
    server.freeze();
  }

  @Override
  public void thaw() {
    server.thaw();
  }

  @Override
  public void close() {
    server.close();
  }
}
