package dev.patroni4j.runbooks.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.ConfirmationRefusedException;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.client.model.PatroniVersion;
import dev.patroni4j.runbooks.FileJournal;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.RunbookRunner;
import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
import dev.patroni4j.runbooks.host.DataDirectory;
import dev.patroni4j.runbooks.host.HostActionException;
import dev.patroni4j.runbooks.host.HostActions;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract of {@link HostActions}, run on one real test kit cluster by both implementations: the test kit adapter
 * ({@link LocalClusterHostActions}) and {@link dev.patroni4j.runbooks.host.ShellHostActions} running its shell commands
 * locally, with its Patroni commands through a service script ({@link ShellService}) as systemd would run them.
 */
class HostActionsContractTest {
  private static final String OLD = "4.0.7";
  private static final String NEW = "4.1.5";

  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = LocalPatroniClusterExtension.of(LocalPatroniCluster.builder()
      .members(2).patroniVersion(2, OLD));

  @TempDir Path dir;

  /** The two implementations; the shell one takes pg2's Patroni over from the test kit for the test and gives it back. */
  enum Implementation {
    TESTKIT_ADAPTER, SHELL_LOCAL
  }

  @ParameterizedTest
  @EnumSource(Implementation.class)
  void stoppingPatroniWhilePausedKeepsPostgresRunningAndAnotherReleaseAdoptsIt(Implementation implementation)
      throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode pg2 = cluster.node("pg2");
    PatroniRunbooks catalogue = PatroniRunbooks.builder(client(cluster)).scope(cluster.scope()).build();
    RunbookRunner runner = catalogue.runner().build();
    RunbookResult paused = runner.execute(catalogue.pause(), journal());
    assertThat(paused.succeeded()).as(paused.toString()).isTrue();
    OffsetDateTime postmaster = postmasterStart(cluster, pg2).orElseThrow();
    HostActions hosts = takeOver(implementation, cluster, pg2);
    try {
      hosts.stopPatroni("pg2");
      assertThat(restAnswers(pg2)).as("pg2's Patroni is stopped").isFalse();
      assertThat(postmasterStart(cluster, pg2)).as("PostgreSQL keeps running, not restarted").contains(postmaster);

      hosts.switchPatroniInstallation("pg2", PatroniVersion.parse(NEW));
      hosts.startPatroni("pg2");
      hosts.startPatroni("pg2"); // starting a running Patroni changes nothing, as systemctl start
      awaitPatroni(catalogue, "pg2", NEW, true);
      assertThat(postmasterStart(cluster, pg2)).as("Patroni " + NEW + " adopted the running PostgreSQL")
          .contains(postmaster);

      hosts.stopPatroni("pg2");
      hosts.stopPostgres("pg2");
      assertThat(postmasterStart(cluster, pg2)).as("PostgreSQL stopped").isEmpty();
      hosts.switchPatroniInstallation("pg2", PatroniVersion.parse(OLD));
      hosts.startPatroni("pg2");
      awaitPatroni(catalogue, "pg2", OLD, false);
    } finally {
      giveBack(implementation, cluster, pg2, hosts);
    }
    awaitPatroni(catalogue, "pg2", OLD, false);
    RunbookResult resumed = runner.execute(catalogue.resume(), journal());
    assertThat(resumed.succeeded()).as(resumed.toString()).isTrue();
    cluster.awaitHealthy(Duration.ofSeconds(60));
    assertThat(postmasterStart(cluster, pg2)).as("resumed, Patroni started PostgreSQL again").isPresent();
  }

  @ParameterizedTest
  @EnumSource(Implementation.class)
  void filesAreWrittenPrivatelyAndAtomicallyMovedRunAndWipedOnlyWithTheirConfirmation(Implementation implementation)
      throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    HostActions hosts = hostActions(implementation, cluster);
    Path file = dir.resolve("patroni.yml");
    Files.writeString(file, "old\n");

    hosts.writeFile("pg2", file, "scope: demo\n".getBytes(StandardCharsets.UTF_8));
    assertThat(Files.readString(file)).isEqualTo("scope: demo\n");
    assertThat(hosts.readFile("pg2", file)).hasValue("scope: demo\n");
    assertThat(hosts.readFile("pg2", dir.resolve("absent.yml"))).as("no such file").isEmpty();
    assertThatThrownBy(() -> hosts.readFile("pg2", dir)).as("a directory is no file")
        .isInstanceOf(HostActionException.class).hasMessageContaining("readFile");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    try (var listing = Files.list(dir)) {
      assertThat(listing.map(p -> p.getFileName().toString())).as("no temporary file left").containsExactly(
          "patroni.yml");
    }
    Path moved = Files.createDirectories(dir.resolve("etc/patroni")).resolve("config.yml");
    hosts.moveFile("pg2", file, moved);
    assertThat(moved).hasContent("scope: demo");
    assertThat(file).doesNotExist();

    HostActions.CommandResult ok = hosts.run("pg2", List.of("sh", "-c", "printf '%s|' \"$0\" \"$1\"; echo oops >&2",
        "a b", "it's"));
    assertThat(ok.succeeded()).isTrue();
    assertThat(ok.stdout()).isEqualTo("a b|it's|");
    assertThat(ok.stderr()).isEqualTo("oops\n");
    assertThat(hosts.run("pg2", List.of("sh", "-c", "exit 3")).exitCode()).isEqualTo(3);

    Path data = Files.createDirectories(dir.resolve("data/base/1"));
    Files.writeString(data.resolve("PG_VERSION"), "15\n");
    Path dataDir = dir.resolve("data");
    assertThatThrownBy(() -> hosts.wipeDataDirectory("pg2", dataDir,
        Confirmation.of(new DataDirectory("pg1", dataDir))))
        .isInstanceOf(ConfirmationRefusedException.class).hasMessageContaining("data directory " + dataDir + " of pg2");
    assertThatThrownBy(() -> hosts.wipeDataDirectory("pg2", dataDir, Confirmation.of(cluster.scope() + ":0")))
        .isInstanceOf(ConfirmationRefusedException.class);
    assertThat(data.resolve("PG_VERSION")).as("nothing removed without the directory's confirmation").exists();

    hosts.wipeDataDirectory("pg2", dataDir, Confirmation.of(new DataDirectory("pg2", dataDir)));
    assertThat(dataDir).isEmptyDirectory();
  }

  private HostActions takeOver(Implementation implementation, LocalPatroniCluster cluster, PatroniNode node) {
    HostActions hosts = hostActions(implementation, cluster);
    if (implementation == Implementation.SHELL_LOCAL) {
      cluster.stopPatroni(node); // paused: PostgreSQL keeps running
      hosts.startPatroni(node.name());
    }
    return hosts;
  }

  private static void giveBack(Implementation implementation, LocalPatroniCluster cluster, PatroniNode node,
      HostActions hosts) {
    if (implementation == Implementation.SHELL_LOCAL) {
      hosts.stopPatroni(node.name());
      cluster.startPatroni(node);
    }
  }

  private static HostActions hostActions(Implementation implementation, LocalPatroniCluster cluster) {
    return switch (implementation) {
      case TESTKIT_ADAPTER -> LocalClusterHostActions.of(cluster);
      case SHELL_LOCAL -> ShellService.install(cluster, cluster.node("pg2")).hostActions(cluster);
    };
  }

  /** Waits until the member's own REST API answers from release {@code version}, with PostgreSQL running or not. */
  private static void awaitPatroni(PatroniRunbooks catalogue, String member, String version, boolean postgresRunning) {
    catalogue.client().waitUntil(new ClusterCondition() {
      @Override
      public boolean test(dev.patroni4j.client.ClusterObservation o) {
        Optional<MemberStatus> s = o.status(member);
        return s.isPresent() && s.get().findPatroniVersion().map(v -> v.toString().equals(version)).orElse(false)
            && s.get().state().isRunning() == postgresRunning;
      }

      @Override
      public String describe() {
        return member + " answers from Patroni " + version + " with PostgreSQL " + (postgresRunning ? "running"
            : "stopped");
      }

      @Override
      public boolean needsMemberStatuses() {
        return true;
      }
    }, Duration.ofSeconds(90));
  }

  private static boolean restAnswers(PatroniNode node) throws InterruptedException {
    try {
      HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.restUrl() + "/patroni"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code pg_postmaster_start_time()} of the node's PostgreSQL, empty when it does not accept connections. */
  private static Optional<OffsetDateTime> postmasterStart(LocalPatroniCluster cluster, PatroniNode node) {
    try (Connection c = cluster.connect(node); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_postmaster_start_time()")) {
      rs.next();
      return Optional.of(rs.getObject(1, OffsetDateTime.class));
    } catch (SQLException e) {
      return Optional.empty();
    }
  }

  private static PatroniClient client(LocalPatroniCluster cluster) {
    return PatroniClient.builder().members(cluster.nodes().stream().map(PatroniNode::restUrl).toList()).build();
  }

  private FileJournal journal() throws IOException {
    return FileJournal.at(Files.createTempFile(dir, "journal", ".jsonl"));
  }
}
