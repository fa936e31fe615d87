package dev.patroni4j.runbooks.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.ManualTime;
import dev.patroni4j.client.PatroniWaitTimeoutException;
import dev.patroni4j.client.model.PatroniVersion;
import dev.patroni4j.runbooks.host.HostActions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The restore drill's wait for recovery, on a scripted drill host and the real {@link PgBackRest} command builder,
 * in {@link ManualTime}: no process runs and nothing sleeps.
 */
class RestoreDrillTest {
  private static final Instant START = Instant.parse("2026-12-03T10:00:00Z");

  /**
   * A drill host whose restored instance answers {@code pg_is_in_recovery()} with what {@link #recovery} says, after
   * refusing connections {@link #refusals} times; every other command succeeds, and a removed directory is gone.
   */
  static final class DrillHost implements HostActions {
    final List<List<String>> commands = new ArrayList<>();
    int refusals;
    String recovery = "t";

    @Override public void stopPatroni(String member) {}
    @Override public void startPatroni(String member) {}
    @Override public void switchPatroniInstallation(String member, PatroniVersion version) {}
    @Override public void stopPostgres(String member) {}
    @Override public void moveFile(String member, Path from, Path to) {}
    @Override public void writeFile(String member, Path path, byte[] content) {}
    @Override public Optional<String> readFile(String member, Path path) {
      return Optional.empty();
    }
    @Override public void wipeDataDirectory(String member, Path dataDirectory, Confirmation confirmation) {}

    @Override
    public CommandResult run(String member, List<String> command) {
      commands.add(command);
      if (command.contains("info")) {
        return new CommandResult(0, PgBackRestInfoTest.REAL, "");
      }
      if (command.contains("SELECT pg_is_in_recovery()")) {
        if (refusals > 0) {
          refusals--;
          return new CommandResult(2, "", "psql: error: connection to server on socket failed: No such file");
        }
        return new CommandResult(0, recovery + "\n", "");
      }
      String last = command.get(command.size() - 1);
      if (last.contains("pg_database_size")) {
        return new CommandResult(0, "23066276\n", "");
      }
      if (last.contains("datname")) {
        return new CommandResult(0, "postgres\n", "");
      }
      if (last.contains("p4j_amcheck")) {
        return new CommandResult(0, "{\"checked\": 4, \"failures\": []}\n", "");
      }
      return new CommandResult(command.get(0).equals("test") ? 1 : 0, "", "");
    }

    long recoveryChecks() {
      return commands.stream().filter(c -> c.contains("SELECT pg_is_in_recovery()")).count();
    }
  }

  private static RestoreDrill drill(DrillHost host, ManualTime time) {
    PgBackRest tool = PgBackRest.builder(host, "demo").memberOptions(m -> Map.of("pg1-path", "/data/" + m)).build();
    return RestoreDrill.builder(tool, host, "drill-host").directory(Path.of("/srv/drills")).port(55432)
        .recoveryTimeout(Duration.ofSeconds(10)).clock(time).sleeper(time).build();
  }

  @Test
  void aRecoveryThatNeverEndsTimesOutAtItsDeadlineWithTheLastObservationAndTheInstanceRemoved() {
    DrillHost host = new DrillHost();
    host.refusals = 3;
    ManualTime time = ManualTime.startingAt(START);
    assertThatThrownBy(() -> drill(host, time).run(RestoreRequest.to(RecoveryTarget.immediate())))
        .isInstanceOfSatisfying(PatroniWaitTimeoutException.class, e -> {
          assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(10));
          assertThat(e.condition()).isEqualTo("the restored instance on drill-host finishes recovery");
          assertThat(e.lastObservation(RestoreDrill.RecoveryProgress.class)).contains(
              new RestoreDrill.RecoveryProgress(RestoreDrill.RecoveryProgress.State.IN_RECOVERY, ""));
          assertThat(e.getMessage()).contains("last observed: still in recovery");
        });
    assertThat(time.instant()).as("the wait ended at its deadline").isEqualTo(START.plusSeconds(10));
    assertThat(time.totalSlept()).isEqualTo(Duration.ofSeconds(10));
    assertThat(time.slept()).as("one poll interval between two looks").hasSize(50)
        .allMatch(d -> d.equals(Duration.ofMillis(200)));
    assertThat(host.recoveryChecks()).isEqualTo(51);
    int last = host.commands.size();
    assertThat(host.commands.get(last - 3)).contains("-m", "immediate", "stop");
    assertThat(host.commands.get(last - 2)).containsExactly("rm", "-rf", "--", "/srv/drills/p4j-drill-55432");
  }

  @Test
  void anInstanceThatNeverAnswersReportsWhyInItsLastObservation() {
    DrillHost host = new DrillHost();
    host.refusals = Integer.MAX_VALUE;
    ManualTime time = ManualTime.startingAt(START);
    assertThatThrownBy(() -> drill(host, time).run(RestoreRequest.latestBackup()))
        .isInstanceOfSatisfying(PatroniWaitTimeoutException.class, e -> assertThat(
            e.lastObservation(RestoreDrill.RecoveryProgress.class)).hasValueSatisfying(p -> {
              assertThat(p.state()).isEqualTo(RestoreDrill.RecoveryProgress.State.NOT_ANSWERING);
              assertThat(p.detail()).contains("connection to server on socket failed");
            }));
    assertThat(time.instant()).isEqualTo(START.plusSeconds(10));
  }

  @Test
  void aPromotedInstanceEndsTheWaitAtOnceAndIsChecked() {
    DrillHost host = new DrillHost();
    host.refusals = 2;
    host.recovery = "f";
    ManualTime time = ManualTime.startingAt(START);
    DrillReport report = drill(host, time).run(RestoreRequest.to(RecoveryTarget.immediate()));
    assertThat(time.slept()).containsExactly(Duration.ofMillis(200), Duration.ofMillis(200));
    assertThat(report.recoveryTime()).isEqualTo(Duration.ofMillis(400));
    assertThat(report.passed()).isTrue();
    assertThat(report.indexesChecked()).isEqualTo(4);
    assertThat(report.removed()).isTrue();
  }
}
