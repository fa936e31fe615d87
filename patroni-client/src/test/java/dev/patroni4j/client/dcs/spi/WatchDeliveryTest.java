package dev.patroni4j.client.dcs.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.PatroniException.Delivery;
import dev.patroni4j.client.Sleeper;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsEntry;
import dev.patroni4j.client.dcs.DcsEvent;
import dev.patroni4j.client.dcs.DcsException;
import dev.patroni4j.client.dcs.DcsListener;
import dev.patroni4j.client.dcs.DcsUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The listener side every DCS watch shares: what a listener is told, in which order, and when it is not. */
class WatchDeliveryTest {

  private static final ClusterRef DEMO = ClusterRef.of("demo");
  private static final System.Logger LOG = System.getLogger(WatchDeliveryTest.class.getName());

  private static ClusterSnapshot withLeader(long revision, String leader) {
    return ClusterSnapshot.fromEntries(DEMO, revision, List.of(new DcsEntry(DEMO.keyPrefix() + "leader", leader,
        revision, null)));
  }

  private static DcsException unavailable() {
    return new DcsUnavailableException("etcd is down", "watch", DEMO.keyPrefix(), Delivery.NOT_SENT, null);
  }

  /** Records every callback as text; throws from each one if asked to, after recording it. */
  private static final class Recorder implements DcsListener {
    final List<String> calls = new ArrayList<>();
    final boolean fail;

    Recorder(boolean fail) {
      this.fail = fail;
    }

    @Override
    public void onEvent(DcsEvent event) {
      calls.add("event " + event.getClass().getSimpleName() + "@" + event.revision());
      failIfAsked();
    }

    @Override
    public void onSnapshot(ClusterSnapshot snapshot) {
      calls.add("snapshot@" + snapshot.revision());
      failIfAsked();
    }

    @Override
    public void onError(DcsException error) {
      calls.add("error " + error.operation());
      failIfAsked();
    }

    private void failIfAsked() {
      if (fail) {
        throw new IllegalStateException("listener bug");
      }
    }
  }

  @Test
  void resyncIsAnnouncedBeforeTheChangesAndTheSnapshotComesLast() {
    Recorder listener = new Recorder(false);
    WatchDelivery delivery = new WatchDelivery(withLeader(5, "n1"), listener, LOG, Sleeper.system());

    delivery.publish(withLeader(9, "n2"), "compacted");

    assertThat(listener.calls).containsExactly("event Resynchronized@9", "event LeaderChanged@9", "snapshot@9");
    assertThat(delivery.current().revision()).isEqualTo(9);
  }

  @Test
  void aListenerThatThrowsStillGetsEveryLaterCallback() {
    Recorder listener = new Recorder(true);
    WatchDelivery delivery = new WatchDelivery(withLeader(5, "n1"), listener, LOG, Sleeper.system());

    delivery.publish(withLeader(6, "n2"), null);
    delivery.notifyError(unavailable());
    delivery.publish(withLeader(7, "n1"), null);

    assertThat(listener.calls).containsExactly("event LeaderChanged@6", "snapshot@6", "error watch",
        "event LeaderChanged@7", "snapshot@7");
  }

  @Test
  void afterCloseNothingIsDeliveredButTheCurrentSnapshotStillAdvances() {
    Recorder listener = new Recorder(false);
    WatchDelivery delivery = new WatchDelivery(withLeader(5, "n1"), listener, LOG, Sleeper.system());

    assertThat(delivery.close()).isTrue();
    assertThat(delivery.close()).isFalse();
    delivery.publish(withLeader(6, "n2"), "resync");
    delivery.notifyError(unavailable());

    assertThat(listener.calls).isEmpty();
    assertThat(delivery.isClosed()).isTrue();
    assertThat(delivery.current().leaderName()).contains("n2");
    assertThat(delivery.sleep(Duration.ZERO)).isFalse();
  }

  @Test
  void backoffDoublesUpToItsCap() {
    Duration max = Duration.ofMillis(500);
    Duration backoff = WatchDelivery.firstBackoff();
    List<Duration> seen = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      backoff = WatchDelivery.nextBackoff(backoff, max);
      seen.add(backoff);
    }
    assertThat(seen).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400), max, max);
  }

  @Test
  void retryPausesGoThroughTheInjectedSleeper() {
    List<Duration> slept = new ArrayList<>();
    WatchDelivery delivery = new WatchDelivery(withLeader(5, "n1"), new Recorder(false), LOG, slept::add);

    assertThat(delivery.sleep(Duration.ofMinutes(10))).isTrue();
    delivery.close();
    assertThat(delivery.sleep(Duration.ofMillis(100))).isFalse();

    assertThat(slept).containsExactly(Duration.ofMinutes(10), Duration.ofMillis(100));
  }
}
