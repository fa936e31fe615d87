package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.runbooks.FileJournal;
import dev.patroni4j.runbooks.RunbookEvent;
import dev.patroni4j.runbooks.RunbookListener;
import dev.patroni4j.runbooks.RunbookResult;
import java.net.URI;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.Arrays;
import java.util.List;

/**
 * The crash/resume test's child JVM: runs the planned switchover pg1 -> pg2 with a file journal and, when it reaches
 * its kill point, prints {@code KILLPOINT <name>} and blocks until the parent SIGKILLs it.
 *
 * <p>Arguments: journal path, kill point ({@code none} to run to the end), scope, REST URLs (comma-separated).
 * The PostgreSQL superuser and password come from the environment, never from the command line.
 */
public final class SwitchoverChild {
  private SwitchoverChild() {}

  public static void main(String[] args) throws Exception {
    Path journal = Path.of(args[0]);
    String killPoint = args[1];
    String scope = args[2];
    List<URI> rest = Arrays.stream(args[3].split(",")).map(URI::create).toList();
    String user = System.getenv("P4J_PG_USER");
    String password = System.getenv("P4J_PG_PASSWORD");
    PatroniRunbooks catalogue = PatroniRunbooks.builder(PatroniClient.builder().members(rest).build()).scope(scope)
        .postgres((member, host, port) -> DriverManager.getConnection(
            "jdbc:postgresql://" + host + ":" + port + "/postgres", user, password))
        .build();
    RunbookListener killer = new RunbookListener() {
      @Override
      public void stepStarted(RunbookEvent.StepStarted e) {
        maybeDie("start:" + e.stepId());
      }

      @Override
      public void switchoverInitiated(RunbookEvent.SwitchoverInitiated e) {
        try {
          Thread.sleep(300); // let the request body reach Patroni before dying
        } catch (InterruptedException ignored) {
          Thread.currentThread().interrupt();
        }
        maybeDie("sent:" + e.stepId());
      }

      @Override
      public void stepVerified(RunbookEvent.StepVerified e) {
        maybeDie("end:" + e.stepId());
      }

      @Override
      public void stepSkipped(RunbookEvent.StepSkipped e) {
        maybeDie("end:" + e.stepId());
      }

      private void maybeDie(String point) {
        if (point.equals(killPoint)) {
          System.out.println("KILLPOINT " + point);
          System.out.flush();
          while (true) {
            try {
              Thread.sleep(60_000);
            } catch (InterruptedException ignored) {
              // wait for SIGKILL
            }
          }
        }
      }
    };
    RunbookResult r = catalogue.runner().listener(killer).build()
        .execute(catalogue.plannedSwitchover(SwitchoverOptions.defaults().from("pg1").to("pg2")), FileJournal.at(journal));
    System.out.println("RESULT " + r.getClass().getSimpleName() + " acted=" + r.actedSteps());
    System.out.flush();
    System.exit(0);
  }
}
