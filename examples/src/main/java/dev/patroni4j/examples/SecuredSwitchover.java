package dev.patroni4j.examples;

import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.TlsConfig;
import dev.patroni4j.runbooks.ExecuteOptions;
import dev.patroni4j.runbooks.FileJournal;
import dev.patroni4j.runbooks.Plan;
import dev.patroni4j.runbooks.RunbookProgress;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.RunbookRunner;
import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
import dev.patroni4j.runbooks.catalogue.SwitchoverOptions;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.PatroniNode;
import dev.patroni4j.testkit.TlsFiles;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;

/**
 * The README's runbook: a planned switchover on a cluster whose REST API needs TLS with a client
 * certificate and basic auth, with PostgreSQL credentials for the runbook's own checks and the
 * progress printed as it goes. {@code SecuredSwitchoverTest} runs it on such a cluster; {@link
 * #main} starts one and runs it:
 *
 * <pre>
 * mvn -B -q -pl examples -am test-compile
 * java -cp "$(mvn -q -pl examples dependency:build-classpath -Dmdep.outputFile=/dev/stdout):examples/target/classes" \
 *     dev.patroni4j.examples.SecuredSwitchover
 * </pre>
 */
public final class SecuredSwitchover {
  private SecuredSwitchover() {}

  /**
   * Plans a switchover away from the current leader, prints the plan, and runs it journaled in
   * {@code journal} (running again with the same journal resumes instead of repeating it).
   */
  public static RunbookResult run(List<URI> memberUrls, Path caFile, Path clientCert, Path clientKey,
      String restUser, String restPassword, String scope, String dbUser, String dbPassword, Path journal) {
    // tag::runbook[]
    PatroniClient client = PatroniClient.builder()
        .members(memberUrls)
        .tls(TlsConfig.builder().caFile(caFile).clientCertificate(clientCert, clientKey).build())
        .basicAuth(restUser, restPassword)    // Patroni asks for it on unsafe methods only
        .build();
    PatroniRunbooks catalogue = PatroniRunbooks.builder(client)
        .scope(scope)
        .postgres((member, host, port) -> DriverManager.getConnection(
            "jdbc:postgresql://" + host + ":" + port + "/postgres", dbUser, dbPassword))
        .build();
    RunbookRunner runner = catalogue.runner().listener(new RunbookProgress(System.out)).build();
    Plan plan = runner.plan(catalogue.plannedSwitchover(SwitchoverOptions.defaults()));
    System.out.print(plan.describe());
    RunbookResult result = runner.execute(catalogue.plannedSwitchover(SwitchoverOptions.defaults()),
        FileJournal.at(journal), ExecuteOptions.defaults().plan(plan));
    // end::runbook[]
    return result;
  }

  /** Starts a throwaway secured cluster of 3 and runs the switchover on it. */
  public static void main(String[] args) throws Exception {
    try (LocalPatroniCluster cluster = LocalPatroniCluster.builder().members(3)
        .restTls(true).restBasicAuth("patroni", "demo-password").start()) {
      TlsFiles tls = cluster.tls().orElseThrow();
      RunbookResult result = run(cluster.nodes().stream().map(PatroniNode::restUrl).toList(),
          tls.caCert(), tls.clientCert(), tls.clientKey(), "patroni", "demo-password", cluster.scope(),
          cluster.superuser(), cluster.superuserPassword(), Files.createTempFile("switchover", ".jsonl"));
      System.out.println("result: " + (result.succeeded() ? "succeeded" : result));
    }
  }
}
