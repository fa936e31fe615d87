package dev.patroni4j.runbooks.testkit;

import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.model.PatroniVersion;
import dev.patroni4j.config.SystemdUnit;
import dev.patroni4j.runbooks.FileJournal;
import dev.patroni4j.runbooks.RunbookEvent;
import dev.patroni4j.runbooks.RunbookListener;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.catalogue.PackageMigrationOptions;
import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The crash/resume test's child JVM: runs the package migration with a file journal and host actions through the
 * parent's {@link HostAgent}; when it reaches its kill point it prints {@code KILLPOINT <point>} and blocks until the
 * parent SIGKILLs it, else it prints {@code RESULT <kind> acted=[...]}.
 *
 * <p>Arguments: journal, kill point ({@code none} to run to the end), scope, REST URLs (comma-separated), the agent's
 * port, the target release, then one {@code member|configFile|newConfigFile|unitFile} per member.
 */
public final class MigrationChild {
  private MigrationChild() {}

  public static void main(String[] args) throws Exception {
    Path journal = Path.of(args[0]);
    String killPoint = args[1];
    String scope = args[2];
    List<URI> rest = Arrays.stream(args[3].split(",", -1)).map(URI::create).toList();
    int port = Integer.parseInt(args[4]);
    PackageMigrationOptions.Builder options = PackageMigrationOptions.builder(PatroniVersion.parse(args[5]));
    for (String spec : Arrays.asList(args).subList(6, args.length)) {
      String[] p = spec.split("\\|", -1);
      options.member(PackageMigrationOptions.Member.of(p[0], Path.of(p[1]), Path.of(p[2]))
          .withUnit(Path.of(p[3]), unit(Path.of(p[2]))));
    }
    PatroniRunbooks catalogue = PatroniRunbooks.builder(PatroniClient.builder().members(rest).build()).scope(scope)
        .hostActions(HostAgent.client(port)).build();
    RunbookListener killer = new RunbookListener() {
      @Override
      public void stepStarted(RunbookEvent.StepStarted e) {
        maybeDie("start:" + e.stepId());
      }

      @Override
      public void stepVerified(RunbookEvent.StepVerified e) {
        maybeDie("end:" + e.stepId());
      }

      @Override
      public void stepSkipped(RunbookEvent.StepSkipped e) {
        if (!e.reason().equals("completed by an earlier run")) {
          maybeDie("end:" + e.stepId());
        }
      }

      private void maybeDie(String point) {
        if (point.equals(killPoint)) {
          ChildJvm.killedAt(point);
        }
      }
    };
    RunbookResult r = catalogue.runner().listener(killer).build()
        .execute(catalogue.packageMigration(options.build()), FileJournal.at(journal));
    ChildJvm.say("RESULT " + r.getClass().getSimpleName() + " acted=" + r.actedSteps()
        + (r instanceof RunbookResult.Succeeded ? "" : " " + r));
    System.exit(0);
  }

  /** The unit the new installation's service runs with: it reads the moved configuration. */
  static SystemdUnit unit(Path newConfigFile) {
    return SystemdUnit.newBuilder().patroniExecutable(Path.of("/usr/bin/patroni")).configFile(newConfigFile).build();
  }
}
