package dev.patroni4j.examples;

import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.runbooks.FileJournal;
import dev.patroni4j.runbooks.Plan;
import dev.patroni4j.runbooks.RunbookEvent;
import dev.patroni4j.runbooks.RunbookListener;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.RunbookRunner;
import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
import dev.patroni4j.runbooks.catalogue.SwitchoverOptions;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.PatroniNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A progress display built on the runbook event API: one line per step as it starts, acts, is verified or skipped,
 * plus the switchover's own events. Run it against a throwaway cluster:
 *
 * <pre>
 * mvn -B -q -pl examples -am install -DskipTests   # or: mvn -pl examples -am compile
 * java -cp "$(mvn -q -pl examples dependency:build-classpath -Dmdep.outputFile=/dev/stdout):examples/target/classes" \
 *     dev.patroni4j.examples.RunbookProgress
 * </pre>
 *
 * <p>Thread-safety: the listener is called on the runner's thread only.
 */
public final class RunbookProgress implements RunbookListener {
  private final PrintStream out;
  private final AtomicInteger step = new AtomicInteger();
  private volatile int total;
  private volatile Instant started = Instant.now();

  public RunbookProgress(PrintStream out) {
    this.out = out;
  }

  @Override
  public void runStarted(RunbookEvent.RunStarted e) {
    total = e.steps();
    started = e.at();
    out.printf("%s %s (%d steps)%n", e.resumed() ? "resuming" : "running", e.runbook(), e.steps());
  }

  @Override
  public void stepStarted(RunbookEvent.StepStarted e) {
    out.printf("[%d/%d] %-28s ...%n", step.incrementAndGet(), total, e.stepId());
  }

  @Override
  public void stepSkipped(RunbookEvent.StepSkipped e) {
    out.printf("      %-28s skipped: %s%n", e.stepId(), e.reason());
  }

  @Override
  public void stepActed(RunbookEvent.StepActed e) {
    out.printf("      %-28s acted: %s%n", e.stepId(), e.reason());
  }

  @Override
  public void stepVerified(RunbookEvent.StepVerified e) {
    out.printf("      %-28s done in %d ms: %s%n", e.stepId(), e.took().toMillis(), e.reason());
  }

  @Override
  public void stepFailed(RunbookEvent.StepFailed e) {
    out.printf("      %-28s FAILED: %s%n", e.stepId(), e.reason());
  }

  @Override
  public void switchoverInitiated(RunbookEvent.SwitchoverInitiated e) {
    out.printf("      switchover requested: %s -> %s%n", e.fromLeader(), e.candidate());
  }

  @Override
  public void switchoverFinalized(RunbookEvent.SwitchoverFinalized e) {
    out.printf("      %s: leader %s on timeline %d%n", e.outcome(), e.newLeader(), e.timeline());
  }

  @Override
  public void memberRestarted(RunbookEvent.MemberRestarted e) {
    out.printf("      %s restarted%n", e.member());
  }

  @Override
  public void runFinished(RunbookEvent.RunFinished e) {
    out.printf("%s after %d ms%n", e.result().getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT),
        Duration.between(started, e.at()).toMillis());
  }

  public static void main(String[] args) throws Exception {
    try (LocalPatroniCluster cluster = LocalPatroniCluster.builder().members(3).start()) {
      String user = cluster.superuser();
      String password = cluster.superuserPassword();
      PatroniClient client = PatroniClient.builder()
          .members(cluster.nodes().stream().map(PatroniNode::restUrl).toList())
          .build();
      PatroniRunbooks catalogue = PatroniRunbooks.builder(client)
          .scope(cluster.scope())
          .postgres((member, host, port) ->
              DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", user, password))
          .build();
      RunbookRunner runner = catalogue.runner().listener(new RunbookProgress(System.out)).build();
      Plan plan = runner.plan(catalogue.plannedSwitchover(SwitchoverOptions.defaults()));
      System.out.print(plan.describe());
      Path journal = Files.createTempFile("switchover", ".jsonl");
      RunbookResult result = runner.execute(catalogue.plannedSwitchover(SwitchoverOptions.defaults()),
          FileJournal.at(journal), dev.patroni4j.runbooks.ExecuteOptions.defaults().plan(plan));
      System.out.println("result: " + (result.succeeded() ? "succeeded" : result) + "; journal " + journal);
    }
  }
}
