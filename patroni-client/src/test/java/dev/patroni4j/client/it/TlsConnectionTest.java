package dev.patroni4j.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.patroni4j.client.ClientTestAccess;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.PatroniException;
import dev.patroni4j.client.TlsConfig;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import jdk.net.ExtendedSocketOptions;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jspecify.annotations.Nullable;

/**
 * How the transport uses its TLS connections to a real Patroni (one request per connection): a
 * member's second call resumes the session of its first instead of a full handshake, sessions
 * stay with the member that made them, and sockets neither wait for Nagle's algorithm nor delay
 * their ACKs (what cost every TLS call two delayed-ACK timers, about 80 ms).
 */
class TlsConnectionTest {
  @RegisterExtension static final LocalPatroniClusterExtension CLUSTER = TestClusters.secured();

  private static LocalPatroniCluster cluster;

  @BeforeAll
  static void connect() {
    cluster = CLUSTER.cluster();
  }

  /** What the transport's sockets looked like during each call. */
  private record Seen(SSLSession session, boolean noDelay, boolean quickAckAfterTheAnswer) {}

  private static final class Recorder extends EventListener {
    final List<Seen> calls = new CopyOnWriteArrayList<>();
    private volatile @Nullable Socket socket;
    private volatile boolean noDelay;

    @Override
    public void connectionAcquired(Call call, Connection connection) {
      Socket acquired = connection.socket();
      socket = acquired;
      try {
        noDelay = acquired.getTcpNoDelay();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void responseBodyEnd(Call call, long byteCount) {
      Socket answered = socket;
      if (answered == null) {
        throw new IllegalStateException("an answer without an acquired connection");
      }
      boolean quickAck = false;
      try {
        if (answered.supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK)) {
          quickAck = answered.getOption(ExtendedSocketOptions.TCP_QUICKACK);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      calls.add(new Seen(((SSLSocket) answered).getSession(), noDelay, quickAck));
    }
  }

  private static PatroniClient clientRecordingInto(Recorder recorder) {
    PatroniClient.Builder b = ClientTestAccess.derivingFrom(PatroniClient.builder(),
            new OkHttpClient.Builder().eventListener(recorder).build())
        .readTimeout(Duration.ofSeconds(10))
        .tls(TestClusters.tls(cluster.tls().orElseThrow()).build());
    cluster.nodes().forEach(n -> b.member(n.restUrl()));
    return b.build();
  }

  /** Waits for the wall clock's next millisecond, so that a session made from now on is younger. */
  private static long nextMillisecond() {
    long now = System.currentTimeMillis();
    long next;
    while ((next = System.currentTimeMillis()) == now) {
      Thread.onSpinWait();
    }
    return next;
  }

  @Test
  void secondCallToTheSameMemberResumesTheFirstCallsSession() {
    Recorder recorder = new Recorder();
    PatroniClient client = clientRecordingInto(recorder);
    URI pg1 = cluster.node("pg1").restUrl();

    client.memberAt(pg1).cluster();
    long afterFirst = nextMillisecond();
    client.memberAt(pg1).status();
    client.memberAt(pg1).cluster();

    assertThat(recorder.calls).hasSize(3);
    SSLSession first = recorder.calls.get(0).session();
    for (Seen later : recorder.calls.subList(1, 3)) {
      // A full handshake makes a new session; a resumed one keeps the original's creation time.
      assertThat(later.session().getCreationTime()).as("resumed, not renegotiated")
          .isEqualTo(first.getCreationTime()).isLessThan(afterFirst);
      assertThat(later.session().getProtocol()).isEqualTo("TLSv1.3");
      assertThat(later.session().getCipherSuite()).isEqualTo(first.getCipherSuite());
    }
  }

  @Test
  void aSessionIsOnlyResumedWithTheMemberThatMadeIt() throws Exception {
    Recorder recorder = new Recorder();
    PatroniClient client = clientRecordingInto(recorder);
    PatroniNode pg1 = cluster.node("pg1");
    PatroniNode pg2 = cluster.node("pg2");

    client.memberAt(pg1.restUrl()).status();
    long beforePg2 = nextMillisecond();
    client.memberAt(pg2.restUrl()).status();
    client.memberAt(pg1.restUrl()).status();

    assertThat(recorder.calls).hasSize(3);
    SSLSession withPg1 = recorder.calls.get(0).session();
    SSLSession withPg2 = recorder.calls.get(1).session();
    SSLSession withPg1Again = recorder.calls.get(2).session();
    assertThat(withPg2.getCreationTime()).as("pg2 gets a full handshake of its own").isGreaterThanOrEqualTo(beforePg2);
    assertThat(withPg2.getPeerPort()).isEqualTo(pg2.restUrl().getPort());
    assertThat(withPg1Again.getCreationTime()).as("pg1 resumes its own session").isEqualTo(withPg1.getCreationTime());
    assertThat(withPg1Again.getPeerPort()).isEqualTo(pg1.restUrl().getPort());
    // Resumed or not, the member's certificate chain is the one verified on the full handshake.
    assertThat(withPg1Again.getPeerCertificates()).isEqualTo(withPg1.getPeerCertificates());
  }

  @Test
  void aClientWithoutTheCertificateNeverGetsAnAnswerEvenFromAMemberItsParentHasASessionWith() {
    Recorder recorder = new Recorder();
    PatroniClient withCertificate = clientRecordingInto(recorder);
    URI pg1 = cluster.node("pg1").restUrl();
    withCertificate.memberAt(pg1).status();
    assertThat(recorder.calls).hasSize(1);
    // Derived clients share the OkHttp pool and dispatcher; TLS sessions belong to one TLS
    // identity (its own SSLContext), so this one has nothing to resume and must do a full handshake.
    PatroniClient withoutCertificate = withCertificate.newBuilder()
        .tls(TlsConfig.builder().caFile(cluster.tls().orElseThrow().caCert()).build()).build();
    // Over TLS 1.3 the server refuses a missing certificate only after our side of the handshake
    // is done, so whether our request was still written races its alert: either way, never an answer.
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> withoutCertificate.memberAt(pg1).status()).isInstanceOf(PatroniException.class)
          .satisfies(e -> assertThat(((PatroniException) e).delivery())
              .isIn(PatroniException.Delivery.NOT_SENT, PatroniException.Delivery.POSSIBLY_SENT));
      assertThatThrownBy(withoutCertificate::cluster).isInstanceOf(PatroniException.class)
          .satisfies(e -> assertThat(((PatroniException) e).delivery())
              .isIn(PatroniException.Delivery.NOT_SENT, PatroniException.Delivery.POSSIBLY_SENT));
    }
    assertThat(recorder.calls).as("the parent's calls only").hasSize(1);
  }

  @Test
  void socketsSendWithoutNagleAndAcknowledgeTheAnswerAtOnce() {
    Recorder recorder = new Recorder();
    PatroniClient client = clientRecordingInto(recorder);
    URI pg1 = cluster.node("pg1").restUrl();

    client.memberAt(pg1).cluster();
    client.memberAt(pg1).cluster();

    assertThat(recorder.calls).hasSize(2).allSatisfy(seen -> assertThat(seen.noDelay()).as("TCP_NODELAY").isTrue());
    boolean quickAckPlatform;
    try (Socket probe = new Socket()) {
      quickAckPlatform = probe.supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assumeThat(quickAckPlatform).as("TCP_QUICKACK exists on Linux only").isTrue();
    // Without it, the kernel sees a handshake, then the request sent right after the server's
    // flight, takes the connection for interactive and delays its ACKs.
    assertThat(recorder.calls).allSatisfy(seen -> assertThat(seen.quickAckAfterTheAnswer()).as("TCP_QUICKACK").isTrue());
  }
}
