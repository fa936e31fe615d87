package dev.patroni4j.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsEntry;
import dev.patroni4j.client.dcs.DcsKey;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConfirmationTest {

  private static ClusterSnapshot cluster(String scope, String systemIdentifier) {
    ClusterRef ref = ClusterRef.of(scope);
    return ClusterSnapshot.fromEntries(ref, 5,
        List.of(new DcsEntry(ref.key(DcsKey.INITIALIZE), systemIdentifier, 5, null)));
  }

  @Test
  void aConfirmationOfOneClusterIsRefusedForAnotherWithATypedErrorAndNothingRuns() {
    ClusterSnapshot a = cluster("demo", "7310852917352427550");
    ClusterSnapshot rebuilt = cluster("demo", "7410000000000000001");
    ClusterSnapshot other = cluster("other", "7310852917352427550");
    Confirmation forA = Confirmation.of(a);
    AtomicInteger removed = new AtomicInteger();

    assertThat(forA.token()).isEqualTo("demo:7310852917352427550");
    for (ClusterSnapshot b : List.of(rebuilt, other)) {
      assertThatThrownBy(() -> {
        forA.check("removeCluster", b);
        removed.incrementAndGet();
      }).isInstanceOfSatisfying(ConfirmationRefusedException.class, e -> {
        assertThat(e.action()).isEqualTo("removeCluster");
        assertThat(e.subject()).isEqualTo(b.confirmationSubject());
        assertThat(e.given()).isEqualTo(forA);
        assertThat(e.delivery()).isEqualTo(PatroniException.Delivery.NO_REQUEST);
        assertThat(e).hasMessageStartingWith("removeCluster refused: confirmation 'demo:7310852917352427550'")
            .hasMessageEndingWith("nothing was changed");
      });
    }
    assertThat(removed).hasValue(0);

    forA.check("removeCluster", a);
  }

  @Test
  void aTokenTypedWithSpacesOrControlCharactersIsABadInputNotAMismatch() {
    assertThatThrownBy(() -> Confirmation.of("demo:1 ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Confirmation.of("demo:1\n")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> Confirmation.of("  ")).isInstanceOf(IllegalArgumentException.class);
    assertThat(Confirmation.forCluster("demo", "").token()).isEqualTo("demo:");
  }
}
