package dev.patroni4j.client.dcs.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.Sleeper;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.DcsEntry;
import dev.patroni4j.client.dcs.DcsEvent;
import dev.patroni4j.client.dcs.FleetListener;
import dev.patroni4j.client.dcs.FleetSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The listener side of a namespace watch: which cluster each change is told for, in which order, and when not. */
class FleetDeliveryTest {

  private static final System.Logger LOG = System.getLogger(FleetDeliveryTest.class.getName());

  /** A namespace {@code /service} whose clusters each hold only a leader key, scope to leader. */
  private static FleetSnapshot fleet(long revision, String... scopeLeaderPairs) {
    List<DcsEntry> entries = new ArrayList<>();
    for (int i = 0; i < scopeLeaderPairs.length; i += 2) {
      entries.add(new DcsEntry("/service/" + scopeLeaderPairs[i] + "/leader", scopeLeaderPairs[i + 1], revision, null));
    }
    return FleetSnapshot.fromEntries("/service", revision, entries);
  }

  /** Records every callback as text; throws from each event if asked to, after recording it. */
  private static final class Recorder implements FleetListener {
    final List<String> calls = new ArrayList<>();
    final boolean fail;

    Recorder(boolean fail) {
      this.fail = fail;
    }

    @Override
    public void onEvent(ClusterRef cluster, DcsEvent event) {
      calls.add(cluster.scope() + " " + event.getClass().getSimpleName() + "@" + event.revision());
      if (fail) {
        throw new IllegalStateException("listener bug");
      }
    }

    @Override
    public void onResynchronized(DcsEvent.Resynchronized event) {
      calls.add("resynchronized@" + event.revision() + " " + event.reason());
    }

    @Override
    public void onSnapshot(FleetSnapshot fleet) {
      calls.add("snapshot@" + fleet.revision() + " " + fleet.clusters().keySet());
    }
  }

  @Test
  void eachChangeIsToldForItsClusterInScopeOrderThenTheSnapshot() {
    Recorder recorder = new Recorder(false);
    FleetDelivery delivery = new FleetDelivery(fleet(1, "b", "b1", "c", "c1"), recorder, LOG, Sleeper.system());

    // b's leader changes, a appears, c vanishes, all at revision 2.
    delivery.publish(fleet(2, "a", "a1", "b", "b2"), null);

    assertThat(recorder.calls).containsExactly(
        "a LeaderChanged@2", "b LeaderChanged@2", "c LeaderLost@2", "snapshot@2 [a, b]");
    assertThat(delivery.current().clusters()).containsOnlyKeys("a", "b");
  }

  @Test
  void onlyTheClustersNamedAreComparedAndAResynchronizationComesFirst() {
    Recorder recorder = new Recorder(false);
    FleetDelivery delivery = new FleetDelivery(fleet(1, "a", "a1", "b", "b1"), recorder, LOG, Sleeper.system());

    delivery.publish(fleet(3, "a", "a2", "b", "b2"), "compacted", Set.of("b"));

    assertThat(recorder.calls).containsExactly("resynchronized@3 compacted", "b LeaderChanged@3", "snapshot@3 [a, b]");
  }

  @Test
  void aListenerThatThrowsKeepsGettingChangesAndNothingComesAfterClose() {
    Recorder recorder = new Recorder(true);
    FleetDelivery delivery = new FleetDelivery(fleet(1, "a", "a1"), recorder, LOG, Sleeper.system());

    delivery.publish(fleet(2, "a", "a2"), null);
    delivery.publish(fleet(3, "a", "a3"), null);
    assertThat(delivery.close()).isTrue();
    assertThat(delivery.close()).isFalse();
    delivery.publish(fleet(4, "a", "a4"), null);

    assertThat(recorder.calls).containsExactly("a LeaderChanged@2", "snapshot@2 [a]", "a LeaderChanged@3", "snapshot@3 [a]");
    assertThat(delivery.current().revision()).isEqualTo(4);
  }
}
