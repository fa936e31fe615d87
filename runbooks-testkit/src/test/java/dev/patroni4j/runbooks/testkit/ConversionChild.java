package dev.patroni4j.runbooks.testkit;

import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.RequestListener;
import dev.patroni4j.config.ClusterSpec;
import dev.patroni4j.config.MemberHost;
import dev.patroni4j.config.PatroniConfig;
import dev.patroni4j.config.Secret;
import dev.patroni4j.runbooks.FileJournal;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.catalogue.ConversionOptions;
import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
import dev.patroni4j.runbooks.catalogue.StandaloneConversion;
import java.net.URI;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * The conversion crash test's child JVM: runs the standalone conversion on a file journal with host actions through
 * the parent's {@link HostAgent}. At its {@code n}-th step boundary (a step skipped, acted on or verified, as the
 * parent counts them) it prints {@code KILLPOINT n} and blocks until the parent SIGKILLs it; if the run ends first it
 * prints {@code RESULT <kind> acted=[...]}. Every restart request and dynamic-config PATCH it sends is printed first
 * ({@code SENT POST restart <port>}, {@code SENT PATCH config <instant>}), so the parent counts them across children.
 *
 * <p>Arguments: journal, kill boundary ({@code 0}: run to the end), scope, REST URLs (comma-separated), the agent's
 * port, a member {@code patroni.yml} the cluster spec is read from (the parent writes it, mode 0600: it holds the
 * passwords), the slot-lag bound in bytes, the primary's restart time, then one
 * {@code name|restPort|pgPort|dataDir|pgpass|configFile|retire argv joined by US} per node.
 */
public final class ConversionChild {
  static final String ARG_SEPARATOR = "\u001f";

  private ConversionChild() {}

  /** How the parent and the child describe a node to the conversion: the same for both, so a resumed run agrees. */
  static MemberHost host(String name, int restPort, int pgPort, String dataDir, String pgpass) {
    return MemberHost.builder(name).address("127.0.0.1").restApiPort(restPort).postgresPort(pgPort).dataDir(dataDir)
        .binDir("/usr/lib/postgresql/15/bin").pgpass(pgpass).build();
  }

  public static void main(String[] args) throws Exception {
    Path journal = Path.of(args[0]);
    int killAt = Integer.parseInt(args[1]);
    String scope = args[2];
    List<URI> rest = Arrays.stream(args[3].split(",", -1)).map(URI::create).toList();
    int agentPort = Integer.parseInt(args[4]);
    ClusterSpec spec = ClusterSpec.fromMemberConfig(PatroniConfig.read(Path.of(args[5])));
    ConversionOptions.Builder options = ConversionOptions.builder(spec).maxSlotLagBytes(Long.parseLong(args[6]))
        .primaryRestartAt(OffsetDateTime.parse(args[7]));
    for (String node : Arrays.asList(args).subList(8, args.length)) {
      String[] p = node.split("\\|", -1);
      List<String> retire = p[6].isEmpty() ? List.of() : List.of(p[6].split(ARG_SEPARATOR, -1));
      options.node(host(p[0], Integer.parseInt(p[1]), Integer.parseInt(p[2]), p[3], p[4]), Path.of(p[5]), retire);
    }
    PatroniClient client = PatroniClient.builder().members(rest).requestListener(new RequestListener() {
      @Override
      public void requestSent(String method, URI target, String endpointKind) {
        if (method.equals("POST") && endpointKind.equals("restart")) {
          ChildJvm.say("SENT POST restart " + target.getPort());
        } else if (method.equals("PATCH") && endpointKind.equals("config")) {
          ChildJvm.say("SENT PATCH config " + Instant.now());
        }
      }
    }).build();
    String user = spec.superuser().username();
    Secret password = spec.superuser().password().orElseThrow();
    PatroniRunbooks catalogue = PatroniRunbooks.builder(client).scope(scope)
        .postgres((member, address, port) -> {
          Properties props = new Properties();
          props.setProperty("user", user);
          props.setProperty("password", password.reveal());
          props.setProperty("connectTimeout", "5");
          props.setProperty("socketTimeout", "30");
          return DriverManager.getConnection("jdbc:postgresql://" + address + ":" + port + "/postgres", props);
        })
        .hostActions(HostAgent.client(agentPort)).build();
    StandaloneConversion conversion = StandaloneConversion.of(catalogue, options.build());
    RunbookResult r = conversion.runner().listener(ChildJvm.killedAtBoundary(killAt)).build()
        .execute(conversion.convert(), FileJournal.at(journal));
    ChildJvm.say("RESULT " + r.getClass().getSimpleName() + " acted=" + r.actedSteps()
        + (r instanceof RunbookResult.Succeeded ? "" : " " + r));
    System.exit(0);
  }
}
