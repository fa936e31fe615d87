package dev.patroni4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.Outcome;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The README's snippets do what the README says, on a real cluster. */
class GettingStartedTest {
  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER =
      LocalPatroniClusterExtension.of(LocalPatroniCluster.builder().members(3));

  private static PatroniClient client() {
    // One seed is enough: the others are discovered.
    return GettingStarted.connect(java.util.List.of(CLUSTER.cluster().node("pg2").restUrl()));
  }

  @Test
  void statusNamesTheLeaderAndEveryReplica() {
    String status = GettingStarted.describe(client());
    assertThat(status).startsWith("leader: pg1\n").contains("pg2 ", "pg3 ").contains("lag=");
  }

  @Test
  void switchoverEndsWithTheCandidateLeading() {
    Outcome outcome = GettingStarted.switchOver(client(), "pg3");
    assertThat(outcome.kind()).isIn(Outcome.Kind.DONE, Outcome.Kind.UNKNOWN);
    assertThat(CLUSTER.cluster().leader()).extracting(PatroniNode::name).isEqualTo("pg3");
  }

  @Test
  void switchoverToAMemberThatDoesNotExistIsRefusedAndChangesNothing() {
    Outcome outcome = GettingStarted.switchOver(client(), "pg9");
    assertThat(outcome.kind()).isEqualTo(Outcome.Kind.REFUSED);
    assertThat(CLUSTER.cluster().leader().name()).isEqualTo("pg1");
  }
}
