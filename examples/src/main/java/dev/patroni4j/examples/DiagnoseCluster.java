package dev.patroni4j.examples;

import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.dcs.etcd.EtcdDcsClient;
import dev.patroni4j.runbooks.catalogue.PostgresConnector;
import dev.patroni4j.runbooks.diagnosis.ClusterDiagnostics;
import dev.patroni4j.runbooks.diagnosis.Diagnosis;
import java.io.PrintStream;
import java.net.URI;
import java.sql.DriverManager;
import java.util.Arrays;
import java.util.List;

/**
 * Prints what is wrong with a Patroni cluster, as a table of findings with their evidence and remedy, without
 * changing anything:
 *
 * <pre>
 * java dev.patroni4j.examples.DiagnoseCluster http://etcd:2379 /service/ demo http://pg1:8008 http://pg2:8008
 * </pre>
 *
 * <p>With {@code PGUSER} and {@code PGPASSWORD} set, the checks that need SQL on the leader (replication slots, WAL
 * archiving) run too; without, the table says what was not observed. Exits 1 when there are findings.
 */
public final class DiagnoseCluster {
  private DiagnoseCluster() {}

  public static void main(String[] args) {
    if (args.length < 4) {
      System.err.println("usage: DiagnoseCluster <etcd-url> <namespace> <scope> <member-rest-url>...");
      System.exit(2);
    }
    List<URI> members = Arrays.stream(args, 3, args.length).map(URI::create).toList();
    String user = System.getenv("PGUSER");
    String password = System.getenv("PGPASSWORD");
    PostgresConnector postgres = user == null || password == null ? null : (member, host, port) ->
        DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", user, password);
    Diagnosis diagnosis = diagnose(URI.create(args[0]), args[1], args[2], members, postgres, System.out);
    System.exit(diagnosis.isClean() ? 0 : 1);
  }

  /** Diagnoses the cluster {@code scope} behind {@code members} and its etcd, and prints the findings table. */
  public static Diagnosis diagnose(URI etcdEndpoint, String namespace, String scope, List<URI> members,
      @org.jspecify.annotations.Nullable PostgresConnector postgres, PrintStream out) {
    PatroniClient client = PatroniClient.builder().members(members).build();
    // tag::diagnose[]
    try (EtcdDcsClient etcd = EtcdDcsClient.builder().endpoint(etcdEndpoint).build()) {
      ClusterDiagnostics.Builder builder = ClusterDiagnostics.builder(client).dcs(ClusterRef.of(namespace, scope), etcd);
      if (postgres != null) {
        builder.postgres(postgres);   // slots and archiving are checked on the leader
      }
      Diagnosis diagnosis = builder.build().diagnose();
      out.print(diagnosis.table());
      return diagnosis;
    }
    // end::diagnose[]
  }
}
