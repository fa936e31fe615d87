package dev.patroni4j.runbooks.testkit;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.dcs.etcd.EtcdDcsClient;
import dev.patroni4j.runbooks.ExecuteOptions;
import dev.patroni4j.runbooks.FileJournal;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.catalogue.MajorUpgrade;
import dev.patroni4j.runbooks.catalogue.MajorUpgradeOptions;
import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
import java.net.URI;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The major-upgrade crash test's child JVM: runs {@link MajorUpgrade#upgrade()} on a file journal with host actions
 * through the parent's {@link HostAgent}. At its {@code n}-th step boundary (a step skipped, acted on or verified) it
 * prints {@code KILLPOINT n} and blocks until the parent SIGKILLs it; if the run ends first it prints {@code RESULT
 * <kind> acted=[...]}. The superuser's password comes in the environment ({@code P4J_SUPERUSER_PASSWORD}), never
 * on the command line.
 *
 * <p>Arguments: journal, kill boundary ({@code 0}: run to the end), scope, REST URLs (comma-separated), the agent's
 * port, the etcd endpoint, the superuser, the confirmation token, primary, old bin dir, new bin dir, mode, port,
 * member timeout, then one {@code name|configFile|oldDataDir|newDataDir} per member.
 */
public final class UpgradeChild {
  static final String PASSWORD_VARIABLE = "P4J_SUPERUSER_PASSWORD";

  private UpgradeChild() {}

  public static void main(String[] args) throws Exception {
    Path journal = Path.of(args[0]);
    int killAt = Integer.parseInt(args[1]);
    String scope = args[2];
    List<URI> rest = Arrays.stream(args[3].split(",", -1)).map(URI::create).toList();
    int agentPort = Integer.parseInt(args[4]);
    URI etcd = URI.create(args[5]);
    String user = args[6];
    String password = System.getenv(PASSWORD_VARIABLE);
    Confirmation token = Confirmation.of(args[7]);
    MajorUpgradeOptions.Builder options = MajorUpgradeOptions.builder(args[8], Path.of(args[9]), Path.of(args[10]))
        .mode(MajorUpgradeOptions.Mode.valueOf(args[11])).port(Integer.parseInt(args[12]))
        .memberTimeout(Duration.parse(args[13]));
    for (String member : Arrays.asList(args).subList(14, args.length)) {
      String[] p = member.split("\\|", -1);
      options.member(p[0], Path.of(p[1]), Path.of(p[2]), Path.of(p[3]));
    }
    try (EtcdDcsClient dcs = EtcdDcsClient.builder().endpoint(etcd).build()) {
      PatroniRunbooks catalogue = PatroniRunbooks.builder(PatroniClient.builder().members(rest).build()).scope(scope)
          .postgres((member, host, port) -> DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port
              + "/postgres?connectTimeout=5&socketTimeout=60", user, password))
          .dcs(dcs)
          .hostActions(HostAgent.client(agentPort))
          .build();
      MajorUpgrade upgrade = MajorUpgrade.of(catalogue, options.build());
      RunbookResult r = upgrade.runner().listener(ChildJvm.killedAtBoundary(killAt)).build()
          .execute(upgrade.upgrade(), FileJournal.at(journal), ExecuteOptions.defaults().confirmation(token));
      ChildJvm.say("RESULT " + r.getClass().getSimpleName() + " acted=" + r.actedSteps()
          + (r instanceof RunbookResult.Succeeded ? "" : " " + r));
    }
    System.exit(0);
  }
}
