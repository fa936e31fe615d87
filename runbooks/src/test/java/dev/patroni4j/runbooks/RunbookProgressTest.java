package dev.patroni4j.runbooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.ManualTime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The progress lines a user prints, from a real runner's events on a scripted cluster. */
class RunbookProgressTest {
  private final ScriptedCluster cluster = new ScriptedCluster();
  private final ManualTime time = ManualTime.startingAt(Instant.parse("2026-11-22T04:00:00Z")).onSleep(cluster::tick);
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  @TempDir Path dir;

  private RunbookRunner runner() {
    return RunbookRunner.builder()
        .identity(cluster::identity)
        .clock(time)
        .sleeper(time)
        .defaultPolicy(StepPolicy.custom().verifyTimeout(Duration.ofSeconds(10)).pollInterval(Duration.ofSeconds(1))
            .readRetry(3, Duration.ofMillis(1)).build())
        .listener(new RunbookProgress(new PrintStream(printed, true, StandardCharsets.UTF_8)))
        .build();
  }

  private String lines() {
    return printed.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aSwitchoverPrintsEachStepAsItGoesAndTheResult() {
    runner().execute(cluster.switchoverRunbook(), FileJournal.at(dir.resolve("a.jsonl")));

    assertThat(lines()).isEqualTo("""
        running switchover (3 steps)
        [1/3] healthy                      ...
              healthy                      skipped: leader pg1
        [2/3] switchover                   ...
              switchover                   acted: leader is pg1
              switchover                   done in 2000 ms: timeline 2
        [3/3] settled                      ...
              settled                      skipped: timeline 2
        succeeded after 2000 ms
        """);
  }

  @Test
  void aRefusedRunSaysWhichStepRefusedAndWhy() {
    Runbook rb = Runbook.named("rb")
        .step(Steps.named("guard").decide(ctx -> Decision.blocked("no candidate: pg2 is nofailover", Facts.of())).build())
        .build();

    runner().execute(rb, FileJournal.at(dir.resolve("b.jsonl")));

    assertThat(lines()).isEqualTo("""
        running rb (1 steps)
        [1/1] guard                        ...
              guard                        FAILED: no candidate: pg2 is nofailover
        refused at guard after 0 ms: no candidate: pg2 is nofailover
        """);
  }
}
