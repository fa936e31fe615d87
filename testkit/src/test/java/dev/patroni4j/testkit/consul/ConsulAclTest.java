package dev.patroni4j.testkit.consul;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConsulAclTest {
  static final String TOKEN = "6d1b1f8e-root-token";
  static ConsulTestServer server;
  static Http anonymous;
  static Http root;

  @BeforeAll
  static void start() {
    server = ConsulTestServer.builder().aclMasterToken(TOKEN).start();
    anonymous = new Http(server);
    root = anonymous.withHeader("X-Consul-Token", TOKEN);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void writesWithoutATokenArePermissionDenied() {
    Http.Answer answer = anonymous.put("/v1/kv/service/demo/leader", "pg1");
    assertThat(answer.status()).isEqualTo(403);
    assertThat(answer.body()).isEqualTo("Permission denied: anonymous token lacks permission 'key:write' on "
        + "\"service/demo/leader\". The anonymous token is used implicitly when a request does not specify a token.");
    assertThat(anonymous.put("/v1/session/create", "{}").status()).isEqualTo(403);
    assertThat(anonymous.get("/v1/agent/self").status()).isEqualTo(403);
  }

  @Test
  void anUnknownTokenIsAclNotFound() {
    Http.Answer answer = anonymous.withHeader("X-Consul-Token", "wrong").put("/v1/kv/k", "v");
    assertThat(answer.status()).isEqualTo(403);
    assertThat(answer.body()).isEqualTo("ACL not found");
    assertThat(anonymous.withHeader("X-Consul-Token", "wrong").get("/v1/kv/k?recurse").body())
        .isEqualTo("ACL not found");
  }

  @Test
  void theTokenIsAcceptedAsHeaderQueryOrBearer() {
    assertThat(root.put("/v1/kv/acl/a", "1").body()).isEqualTo("true");
    assertThat(anonymous.put("/v1/kv/acl/b?token=" + TOKEN, "2").body()).isEqualTo("true");
    assertThat(anonymous.withHeader("Authorization", "Bearer " + TOKEN).put("/v1/kv/acl/c", "3").body())
        .isEqualTo("true");
    assertThat(root.get("/v1/kv/acl/?recurse").json()).hasSize(3);
  }

  @Test
  void listingWithoutATokenIsFilteredToNotFound() {
    root.put("/v1/kv/hidden/a", "1");
    Http.Answer answer = anonymous.get("/v1/kv/hidden/?recurse");
    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.header("X-Consul-Results-Filtered-By-ACLs")).isEqualTo("true");
    assertThat(anonymous.get("/v1/kv/hidden/a").status()).as("a single read is denied").isEqualTo(403);
  }

  @Test
  void statusLeaderNeedsNoToken() {
    assertThat(anonymous.get("/v1/status/leader").status()).isEqualTo(200);
  }

  @Test
  void theTokenNeverAppearsInTheRequestLog() {
    anonymous.get("/v1/kv/k?token=" + TOKEN);
    assertThat(server.requestLog()).isNotEmpty().noneMatch(line -> line.contains(TOKEN));
    assertThat(server.toString()).doesNotContain(TOKEN);
  }
}
