package dev.patroni4j.runbooks.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Timeline;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.FileJournal;
import dev.patroni4j.runbooks.Plan;
import dev.patroni4j.runbooks.PlannedStep;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.RunbookRunner;
import dev.patroni4j.runbooks.backup.ArchiveCheck;
import dev.patroni4j.runbooks.backup.ArchiveSettings;
import dev.patroni4j.runbooks.backup.BackupInfo;
import dev.patroni4j.runbooks.backup.BackupTool;
import dev.patroni4j.runbooks.backup.BackupType;
import dev.patroni4j.runbooks.backup.PatroniMethod;
import dev.patroni4j.runbooks.backup.RecoveryPointGuard;
import dev.patroni4j.runbooks.backup.RestoreRequest;
import dev.patroni4j.runbooks.backup.RetentionPlan;
import dev.patroni4j.runbooks.backup.RetentionPolicy;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recovery-point guard wired into the disruptive runbooks of the catalogue: with a backup tool configured, a stale
 * backup or a gap in the WAL archive refuses the plan with the figures and nothing is sent to Patroni; without one,
 * the runbooks are as before. Patroni's REST API is a stand-in answering GETs with recorded 4.1.5 documents and
 * recording every request, so "nothing was sent" is observed.
 */
class RecoveryPointGuardedRunbooksTest {
  private static final String GAP_FIRST = "000000010000000000000006";

  @TempDir Path dir;
  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startRestApi() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    String cluster = "{\"members\": [{\"name\": \"pg1\", \"role\": \"leader\", \"state\": \"running\", \"api_url\": \""
        + base + "/patroni\", \"host\": \"127.0.0.1\", \"port\": 5432, \"timeline\": 1}, {\"name\": \"pg2\", \"role\":"
        + " \"replica\", \"state\": \"streaming\", \"api_url\": \"" + base + "/patroni\", \"host\": \"127.0.0.1\","
        + " \"port\": 5433, \"timeline\": 1, \"replay_lag\": 0, \"replay_lsn\": \"0/5000060\", \"lag\": 0, \"lsn\":"
        + " \"0/5000060\"}], \"scope\": \"demo\"}";
    String status = "{\"state\": \"running\", \"role\": \"primary\", \"server_version\": 150018, \"xlog\":"
        + " {\"location\": 83886176}, \"timeline\": 1, \"database_system_identifier\": \"7714615568307022190\","
        + " \"pending_restart\": true, \"patroni\": {\"version\": \"4.1.5\", \"scope\": \"demo\", \"name\": \"pg1\"}}";
    server.createContext("/", exchange -> {
      requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
      String path = exchange.getRequestURI().getPath();
      boolean get = exchange.getRequestMethod().equals("GET");
      String body = !get ? "{}" : path.startsWith("/cluster") ? cluster : path.startsWith("/config") ? "{}" : status;
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(get ? 200 : 500, bytes.length);
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

  private PatroniClient client() {
    return PatroniClient.builder().members(List.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort())))
        .build();
  }

  private List<String> writes() {
    return requests.stream().filter(r -> !r.startsWith("GET")).toList();
  }

  @Test
  void aSwitchoverIsRefusedAtPlanTimeWhenTheLastBackupIsOlderThanTheBoundNamingAgeAndBound() {
    FakeTool tool = new FakeTool(Instant.now().minus(Duration.ofHours(30)), List.of());
    PatroniRunbooks catalogue = PatroniRunbooks.builder(client()).scope("demo")
        .backupTool(tool, Duration.ofHours(26)).build();
    RunbookRunner runner = catalogue.runner().build();
    SwitchoverOptions options = SwitchoverOptions.defaults().from("pg1").to("pg2");

    Plan plan = runner.plan(catalogue.plannedSwitchover(options));
    PlannedStep guard = plan.steps().get(0);
    assertThat(guard.stepId()).isEqualTo("recovery-point");
    assertThat(guard.decision()).isEqualTo(Decision.Kind.BLOCKED);
    assertThat(guard.reason()).contains("base_000000010000000000000004", "1800 min ago", "bound of 1560 min");
    assertThat(guard.facts().get(RecoveryPointGuard.AGE_SECONDS)).isBetween(30L * 3600, 30L * 3600 + 60);

    RunbookResult r = runner.execute(catalogue.plannedSwitchover(options), FileJournal.at(dir.resolve("j.jsonl")));

    assertThat(r).isInstanceOfSatisfying(RunbookResult.Refused.class, refused -> {
      assertThat(refused.findStepId()).contains("recovery-point");
      assertThat(refused.reason()).contains("1800 min ago", "bound of 1560 min");
    });
    assertThat(r.actedSteps()).isEmpty();
    assertThat(writes()).as("nothing sent to Patroni").isEmpty();
    assertThat(tool.archiveChecks.get()).as("a stale backup is refused before the archive is checked").isZero();
  }

  @Test
  void aRollingRestartIsRefusedWhenTheArchiveHasAGapNamingTheMissingSegments() {
    FakeTool tool = new FakeTool(Instant.now().minus(Duration.ofMinutes(10)),
        List.of(new ArchiveCheck.Gap(GAP_FIRST, "000000010000000000000007")));
    PatroniRunbooks catalogue = PatroniRunbooks.builder(client()).scope("demo")
        .backupTool(tool, Duration.ofHours(26)).build();
    RunbookRunner runner = catalogue.runner().build();

    RunbookResult r = runner.execute(catalogue.rollingRestart(Guardrails.none()),
        FileJournal.at(dir.resolve("j.jsonl")));

    assertThat(r).isInstanceOfSatisfying(RunbookResult.Refused.class, refused -> {
      assertThat(refused.findStepId()).contains("recovery-point");
      assertThat(refused.reason()).contains(GAP_FIRST + " to 000000010000000000000007");
    });
    assertThat(r.actedSteps()).isEmpty();
    assertThat(writes()).as("no restart requested").isEmpty();
    assertThat(tool.membersAsked).as("read on the leader").containsOnly("pg1");
  }

  @Test
  void aFreshBackupAndAContinuousArchiveLetThePlanThroughWithTheFiguresInIt() {
    FakeTool tool = new FakeTool(Instant.now().minus(Duration.ofMinutes(10)), List.of());
    PatroniRunbooks catalogue = PatroniRunbooks.builder(client()).scope("demo")
        .backupTool(tool, Duration.ofHours(26)).build();

    Plan plan = catalogue.runner().build().plan(catalogue.plannedSwitchover(SwitchoverOptions.defaults().from("pg1")
        .to("pg2")));

    PlannedStep guard = plan.steps().get(0);
    assertThat(guard.stepId()).isEqualTo("recovery-point");
    assertThat(guard.decision()).isEqualTo(Decision.Kind.SATISFIED);
    assertThat(guard.reason()).contains("base_000000010000000000000004", "10 min ago", "000000010000000000000009");
    assertThat(guard.facts().get(RecoveryPointGuard.LAST_ARCHIVED)).isEqualTo("000000010000000000000009");
    assertThat(plan.steps()).extracting(PlannedStep::stepId).contains("switchover");
  }

  @Test
  void withoutABackupToolTheRunbooksHaveNoGuardStep() {
    PatroniRunbooks catalogue = PatroniRunbooks.builder(client()).scope("demo").build();

    Plan plan = catalogue.runner().build().plan(catalogue.plannedSwitchover(SwitchoverOptions.defaults().from("pg1")
        .to("pg2")));

    assertThat(plan.steps()).extracting(PlannedStep::stepId).doesNotContain("recovery-point")
        .first().isEqualTo("guardrails");
  }

  /** A backup tool whose catalogue holds one complete backup finished at {@code stopped}, its archive as given. */
  private static final class FakeTool implements BackupTool {
    private final Instant stopped;
    private final List<ArchiveCheck.Gap> gaps;
    final List<String> membersAsked = new CopyOnWriteArrayList<>();
    final AtomicInteger archiveChecks = new AtomicInteger();

    FakeTool(Instant stopped, List<ArchiveCheck.Gap> gaps) {
      this.stopped = stopped;
      this.gaps = gaps;
    }

    @Override
    public String name() {
      return "fake";
    }

    @Override
    public String repository() {
      return "fake:demo";
    }

    @Override
    public BackupInfo backup(String member, BackupType type) {
      throw new UnsupportedOperationException("the guard only reads");
    }

    @Override
    public List<BackupInfo> list(String member) {
      membersAsked.add(member);
      return List.of(new BackupInfo("base_000000010000000000000004", BackupType.FULL, stopped.minusSeconds(30),
          stopped, Lsn.parse("0/4000028"), Lsn.parse("0/4000100"), "000000010000000000000004",
          "000000010000000000000004", Timeline.of(1), 1L << 20, 1L << 18, null, true, false));
    }

    @Override
    public RetentionPlan planRetention(String member, RetentionPolicy policy) {
      throw new UnsupportedOperationException("the guard only reads");
    }

    @Override
    public void applyRetention(String member, RetentionPlan plan, Confirmation confirmation) {
      throw new UnsupportedOperationException("the guard only reads");
    }

    @Override
    public void restore(String member, Path dataDirectory, RestoreRequest request) {
      throw new UnsupportedOperationException("the guard only reads");
    }

    @Override
    public ArchiveSettings archiveSettings() {
      throw new UnsupportedOperationException("the guard only reads");
    }

    @Override
    public PatroniMethod replicaMethod(String member) {
      throw new UnsupportedOperationException("the guard only reads");
    }

    @Override
    public PatroniMethod bootstrapMethod(String member, RestoreRequest request) {
      throw new UnsupportedOperationException("the guard only reads");
    }

    @Override
    public ArchiveCheck checkArchive(String member) {
      membersAsked.add(member);
      archiveChecks.incrementAndGet();
      return new ArchiveCheck("000000010000000000000004", "000000010000000000000009", 6, gaps, true, "");
    }
  }
}
