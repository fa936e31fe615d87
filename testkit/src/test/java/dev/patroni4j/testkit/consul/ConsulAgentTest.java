package dev.patroni4j.testkit.consul;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConsulAgentTest {
  static ConsulTestServer server;
  static Http http;

  /** What python-consul 0.7.1 sends for Patroni 3.0.2 with register_service: true (lower-case keys, "check"). */
  static final String PATRONI_REGISTRATION = "{\"name\": \"demo\", \"enabletagoverride\": true, "
      + "\"id\": \"demo/pg1\", \"address\": \"127.0.0.1\", \"port\": 5433, \"tags\": [\"master\", \"primary\"], "
      + "\"check\": {\"http\": \"http://127.0.0.1:8009/master\", \"interval\": \"5s\", "
      + "\"DeregisterCriticalServiceAfter\": \"50.0s\"}}";

  @BeforeAll
  static void start() {
    server = ConsulTestServer.builder().sessionTtlMin(Duration.ofMillis(1500)).start();
    http = new Http(server);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void agentSelfReportsTheNodeAndSessionTtlMinUnderDebugConfig() {
    JsonNode self = http.get("/v1/agent/self").json();
    assertThat(self.at("/Config/NodeName").asText()).isEqualTo(server.nodeName());
    assertThat(self.at("/Config/Datacenter").asText()).isEqualTo("dc1");
    assertThat(self.at("/DebugConfig/SessionTTLMin").asText()).isEqualTo("1.5s");
    assertThat(self.get("Config").has("SessionTTLMin")).as("not under Config since Consul 1.0").isFalse();
  }

  @Test
  void statusLeaderIsAJsonString() {
    Http.Answer leader = http.get("/v1/status/leader");
    assertThat(leader.status()).isEqualTo(200);
    assertThat(leader.body()).isEqualTo("\"127.0.0.1:8300\"");
    assertThat(http.get("/v1/status/peers").json()).hasSize(1);
  }

  @Test
  void patronisRegistrationIsVisibleInAgentAndCatalog() {
    Http.Answer registered = http.put("/v1/agent/service/register", PATRONI_REGISTRATION);
    assertThat(registered.status()).isEqualTo(200);
    assertThat(registered.body()).isEmpty();

    RegisteredService service = server.services().stream().filter(s -> s.id().equals("demo/pg1")).findFirst()
        .orElseThrow();
    assertThat(service.name()).isEqualTo("demo");
    assertThat(service.tags()).containsExactly("master", "primary");
    assertThat(service.port()).isEqualTo(5433);
    assertThat(service.checks()).singleElement()
        .satisfies(c -> assertThat(c).containsEntry("HTTP", "http://127.0.0.1:8009/master")
            .containsEntry("Interval", "5s"));

    assertThat(http.get("/v1/agent/services").json().at("/demo~1pg1/Tags")).hasSize(2);
    JsonNode primaries = http.get("/v1/catalog/service/demo?tag=primary").json();
    assertThat(primaries).singleElement()
        .satisfies(n -> assertThat(n.get("ServiceID").asText()).isEqualTo("demo/pg1"));
    assertThat(http.get("/v1/catalog/service/demo?tag=replica").json()).isEmpty();
    assertThat(http.get("/v1/catalog/services").json().get("demo")).extracting(JsonNode::asText)
        .containsExactly("master", "primary");
  }

  @Test
  void deregisterIsPutOnlyAndUnknownIdsAre404() {
    http.put("/v1/agent/service/register", PATRONI_REGISTRATION.replace("demo/pg1", "demo/pg9"));
    Http.Answer viaGet = http.get("/v1/agent/service/deregister/demo/pg9");
    assertThat(viaGet.status()).as("python-consul 0.7.1 deregisters with GET; Consul refuses").isEqualTo(405);
    assertThat(http.put("/v1/agent/service/deregister/demo/pg9", null).status()).isEqualTo(200);
    assertThat(server.services()).noneMatch(s -> s.id().equals("demo/pg9"));
    Http.Answer unknown = http.put("/v1/agent/service/deregister/demo/pg9", null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.body()).isEqualTo("Unknown service ID \"demo/pg9\"");
  }

  @Test
  void invalidRegistrationsAre400() {
    assertThat(http.put("/v1/agent/service/register", "{\"id\": \"x\"}").body()).isEqualTo("Missing service name");
    Http.Answer noInterval = http.put("/v1/agent/service/register",
        "{\"name\": \"x\", \"check\": {\"http\": \"http://127.0.0.1:1/\"}}");
    assertThat(noInterval.status()).isEqualTo(400);
    assertThat(noInterval.body()).startsWith("Invalid check: Interval must be > 0");
    assertThat(http.put("/v1/agent/service/register", "").body()).isEqualTo("Request decode failed: EOF");
    assertThat(server.services()).extracting(RegisteredService::id).doesNotContain("x");
  }

  @Test
  void httpChecksRunAndDecideWhatDnsAndThePassingFilterReturn() throws Exception {
    java.util.concurrent.atomic.AtomicInteger answer = new java.util.concurrent.atomic.AtomicInteger(200);
    com.sun.net.httpserver.HttpServer patroni = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    patroni.createContext("/", exchange -> {
      exchange.sendResponseHeaders(answer.get(), -1);
      exchange.close();
    });
    patroni.start();
    try {
      String check = "http://127.0.0.1:" + patroni.getAddress().getPort() + "/master";
      http.put("/v1/agent/service/register", "{\"name\": \"hc\", \"id\": \"hc/pg1\", \"port\": 5432, "
          + "\"tags\": [\"master\", \"primary\"], \"check\": {\"http\": \"" + check + "\", \"interval\": \"1s\"}}");
      awaitHealth("hc/pg1", "passing");
      assertThat(server.dnsLookup("hc", "master")).extracting(RegisteredService::id).containsExactly("hc/pg1");
      JsonNode passing = http.get("/v1/health/service/hc?passing").json();
      assertThat(passing).hasSize(1);
      assertThat(passing.at("/0/Checks/1/CheckID").asText()).isEqualTo("service:hc/pg1");
      assertThat(passing.at("/0/Checks/1/Status").asText()).isEqualTo("passing");

      answer.set(503);
      awaitHealth("hc/pg1", "critical");
      assertThat(server.dnsLookup("hc", "master")).as("DNS leaves critical instances out").isEmpty();
      assertThat(http.get("/v1/health/service/hc?passing").json()).isEmpty();
      assertThat(http.get("/v1/health/service/hc").json().at("/0/Checks/1/Output").asText()).contains("503");
    } finally {
      patroni.stop(0);
    }
  }

  private static void awaitHealth(String id, String health) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (server.services().stream().noneMatch(s -> s.id().equals(id) && s.health().equals(health))) {
      assertThat(System.nanoTime()).as(id + " never became " + health).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @Test
  void aSessionTtlAtTheConfiguredMinimumIsAccepted() {
    assertThat(http.put("/v1/session/create", "{\"ttl\": \"1.5s\"}").status()).isEqualTo(200);
    assertThat(http.put("/v1/session/create", "{\"ttl\": \"1.4s\"}").body())
        .isEqualTo("Invalid Session TTL '1400000000', must be between [1.5s=24h0m0s]");
  }

  @Test
  void requestsAreLogged() {
    http.get("/v1/status/leader");
    List<String> log = server.requestLog();
    assertThat(log.get(log.size() - 1)).isEqualTo("GET /v1/status/leader");
  }
}
