package dev.patroni4j.testkit.internal;

import dev.patroni4j.testkit.consul.ConsulTestServer;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The Consul test server as a local cluster's DCS. Patroni gets a {@code consul:} section with {@code
 * register_service: true} (and the ACL token, when ACLs are on).
 *
 * <p>The server's {@code session_ttl_min} is 1 s, below Consul's default of 10 s: Patroni 3.0.2 asks for a session TTL
 * of {@code ttl/2} (5 s for the kit's {@code ttl: 10}) and cannot adapt to a larger minimum itself on Consul 1.x,
 * whose {@code /v1/agent/self} no longer reports {@code Config.SessionTTLMin} (the code that reads it is unchanged up
 * to 4.1); and tests take leases of a few seconds. Patroni 3.2 and later raise a {@code ttl} below 20 s to 20 s, so
 * their sessions ask for 10 s, which Consul's default minimum accepts.
 */
public final class ConsulDcs implements DcsServer {
  private final ConsulTestServer server;
  private final Options options;

  /**
   * How the cluster's Consul is set up.
   *
   * @param aclToken with ACLs on: the management token, which every Patroni node uses as {@code consul.token}
   */
  public record Options(Optional<String> aclToken) {
    public Options {
      Objects.requireNonNull(aclToken, "aclToken");
    }

    @Override
    public String toString() {
      return "ConsulDcs.Options[acl=" + (aclToken.isPresent() ? "on, token=****" : "off") + "]";
    }
  }

  private ConsulDcs(ConsulTestServer server, Options options) {
    this.server = server;
    this.options = options;
  }

  public static ConsulDcs start(Options options) {
    ConsulTestServer.Builder server = ConsulTestServer.builder().sessionTtlMin(Duration.ofSeconds(1));
    options.aclToken().ifPresent(server::aclMasterToken);
    return new ConsulDcs(server.start(), options);
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
    // Patroni's default is 5s; a shorter interval lets tests see Consul DNS follow a role change sooner.
    section.put("service_check_interval", "1s");
    options.aclToken().ifPresent(token -> section.put("token", token));
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
