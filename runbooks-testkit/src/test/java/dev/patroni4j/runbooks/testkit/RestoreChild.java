package dev.patroni4j.runbooks.testkit;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.dcs.etcd.EtcdDcsClient;
import dev.patroni4j.runbooks.ExecuteOptions;
import dev.patroni4j.runbooks.FileJournal;
import dev.patroni4j.runbooks.Journal;
import dev.patroni4j.runbooks.RunbookEvent;
import dev.patroni4j.runbooks.RunbookListener;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.backup.PgBackRest;
import dev.patroni4j.runbooks.backup.PointInTimeRestore;
import dev.patroni4j.runbooks.backup.RecoveryTarget;
import dev.patroni4j.runbooks.backup.RestoreRequest;
import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
import dev.patroni4j.runbooks.host.HostActions;
import java.net.URI;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The point-in-time restore's child JVM, SIGKILLed by the test at a step boundary: runs the restore with a file
 * journal and host actions through the parent's {@link HostAgent}; at its kill point it prints {@code KILLPOINT
 * <point>} and blocks until killed, else it prints {@code RESULT <kind> acted=[...]}. Kill points: {@code
 * acted:<step>} (its action journaled), {@code end:<step>} (its outcome journaled), {@code none}.
 *
 * <p>Arguments: journal, kill point, scope, namespace, etcd endpoint, REST URLs (comma-separated), the agent's port,
 * pgBackRest's configuration file, the target time, the backup label, the token, the directory the old data goes
 * under, then one {@code member|dataDir|configFile|pgPort|socketDir} per member. The superuser and its password come
 * in the environment ({@code P4J_PG_USER}, {@code P4J_PG_PASSWORD}), never on the command line.
 */
public final class RestoreChild {
  private RestoreChild() {}

  public static void main(String[] args) throws Exception {
    Path journalFile = Path.of(args[0]);
    String killPoint = args[1];
    String scope = args[2];
    ClusterRef ref = ClusterRef.of(args[3], scope);
    List<URI> rest = Arrays.stream(args[5].split(",", -1)).map(URI::create).toList();
    HostActions hosts = HostAgent.client(Integer.parseInt(args[6]));
    Path backrestConfig = Path.of(args[7]);
    RestoreRequest request = RestoreRequest.to(RecoveryTarget.time(Instant.parse(args[8]), true)).withBackup(args[9]);
    Confirmation token = Confirmation.of(args[10]);
    Path keepUnder = Path.of(args[11]);
    Map<String, String[]> members = new LinkedHashMap<>();
    for (String spec : Arrays.asList(args).subList(12, args.length)) {
      String[] p = spec.split("\\|", -1);
      members.put(p[0], p);
    }
    String user = System.getenv("P4J_PG_USER");
    String password = System.getenv("P4J_PG_PASSWORD");
    try (EtcdDcsClient dcs = EtcdDcsClient.builder().endpoint(URI.create(args[4])).build()) {
      PatroniRunbooks catalogue = PatroniRunbooks.builder(PatroniClient.builder().members(rest).build())
          .scope(scope).hostActions(hosts).dcs(dcs).build();
      PgBackRest tool = PgBackRest.builder(hosts, Backrest.STANZA).configFile(backrestConfig)
          .memberOptions(m -> {
            String[] p = java.util.Objects.requireNonNull(members.get(m), m);
            return Map.of("pg1-path", p[1], "pg1-port", p[3], "pg1-socket-path", p[4]);
          })
          .build();
      PointInTimeRestore.Builder b = PointInTimeRestore.builder(catalogue, tool, hosts, dcs, ref)
          .keepOldData(m -> keepUnder.resolve("before-restore-" + m)).keepOnlyWal()
          .postgres((member, host, port) -> DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port
              + "/postgres", user, password))
          .stopTimeout(Duration.ofMinutes(2)).restoreTimeout(Duration.ofMinutes(3))
          .rebuildTimeout(Duration.ofMinutes(3));
      members.forEach((m, p) -> b.member(m, Path.of(p[1]), Path.of(p[2])));
      PointInTimeRestore pitr = b.build();
      RunbookListener killer = new RunbookListener() {
        @Override
        public void stepActed(RunbookEvent.StepActed e) {
          maybeDie("acted:" + e.stepId());
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
      Journal journal = FileJournal.at(journalFile);
      RunbookResult r = pitr.runner(journal).listener(killer).build().execute(pitr.runbook(request), journal,
          ExecuteOptions.defaults().confirmation(token));
      ChildJvm.say("RESULT " + r.getClass().getSimpleName() + " acted=" + r.actedSteps()
          + (r instanceof RunbookResult.Succeeded ? "" : " " + r));
    }
    System.exit(0);
  }
}
