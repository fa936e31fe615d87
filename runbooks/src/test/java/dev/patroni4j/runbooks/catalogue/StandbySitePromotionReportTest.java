package dev.patroni4j.runbooks.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.runbooks.FileJournal;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.StepReport;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the promotion of a standby cluster reports as its new timeline. Patroni's {@code /cluster} takes the leader's
 * timeline from the DCS history, which a standby cluster never wrote: right after the promotion it still names the
 * first timeline, while the leader's own {@code GET /patroni} reads its current WAL file. The REST API is a stand-in
 * answering as Patroni 4.1.5 did on the real sites (StandbySitesTest): {@code /cluster} timeline 1, {@code /patroni}
 * timeline 5 once the {@code standby_cluster} section is removed.
 */
class StandbySitePromotionReportTest {
  @TempDir Path dir;
  private HttpServer server;
  private final AtomicBoolean promoted = new AtomicBoolean();
  private final List<String> writes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startRestApi() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if (!method.equals("GET")) {
        writes.add(method + " " + path);
        if (method.equals("PATCH") && path.equals("/config")) {
          promoted.set(true);
        }
      }
      boolean primary = promoted.get();
      String body;
      if (path.startsWith("/cluster")) {
        body = "{\"members\": [{\"name\": \"pg1\", \"role\": \"" + (primary ? "leader" : "standby_leader")
            + "\", \"state\": \"" + (primary ? "running" : "streaming") + "\", \"api_url\": \"" + base
            + "/patroni\", \"host\": \"127.0.0.1\", \"port\": 5432, \"timeline\": 1}], \"scope\": \"site_b\"}";
      } else if (path.startsWith("/config")) {
        body = primary ? "{\"ttl\": 30}" : "{\"ttl\": 30, \"standby_cluster\": {\"host\": \"127.0.0.1\", \"port\":"
            + " 5432}}";
      } else {
        body = "{\"state\": \"running\", \"role\": \"" + (primary ? "primary" : "standby_leader")
            + "\", \"server_version\": 150018, \"xlog\": " + (primary ? "{\"location\": 83886176}"
            : "{\"received_location\": 83886176, \"replayed_location\": 83886176}") + ", \"timeline\": "
            + (primary ? 5 : 4) + ", \"database_system_identifier\": \"7714615568307022190\", \"patroni\":"
            + " {\"version\": \"4.1.5\", \"scope\": \"site_b\", \"name\": \"pg1\"}}";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    server.start();
  }

  @AfterEach
  void stopRestApi() {
    server.stop(0);
  }

  @Test
  void thePromotionReportsTheTimelineTheLeaderRunsOnNotTheStaleOneOfTheClusterView() {
    PatroniClient client = PatroniClient.builder()
        .members(List.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))).build();
    PatroniRunbooks site = PatroniRunbooks.builder(client).scope("site_b").build();

    RunbookResult r = site.runner().build().execute(StandbySites.of(site).promote(PromoteOptions.builder()
        .primarySiteFenced("site A powered off").timeout(Duration.ofSeconds(20)).build()),
        FileJournal.at(dir.resolve("promote.jsonl")));

    assertThat(r).as(r.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(writes).as("one promotion request").containsExactly("PATCH /config");
    StepReport promote = r.steps().stream().filter(s -> s.stepId().equals("promote")).findFirst().orElseThrow();
    assertThat(promote.reason()).isEqualTo("leader pg1 of site_b is a primary on timeline 5");
  }
}
