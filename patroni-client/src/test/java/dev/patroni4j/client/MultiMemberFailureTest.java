package dev.patroni4j.client;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.patroni4j.client.PatroniException.Delivery;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.SocketPolicy;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call that fails on every member says at the top what happened at each member (refused, which
 * TLS problem, timeout, status, the JSON path of an unreadable answer) and whether the request was
 * sent, and its typed failures can be caught the way the Javadoc shows. Real sockets throughout: a
 * port nobody listens on, TLS servers with certificates the client does not trust, servers that
 * answer garbage or nothing.
 */
class MultiMemberFailureTest {
  private static final InetAddress LOOPBACK = loopback();
  private static final String WRONG_TYPE = "{\"members\": [{\"name\": \"pg1\", \"role\": \"leader\", \"state\": [\"running\"]}]}";

  @TempDir Path dir;
  private final List<MockWebServer> servers = new ArrayList<>();
  private final HeldCertificate trustedCa =
      new HeldCertificate.Builder().certificateAuthority(0).commonName("trusted-ca").build();

  @AfterEach
  void stop() throws IOException {
    for (MockWebServer server : servers) {
      server.shutdown();
    }
  }

  @Test
  void aMemberWithNothingListeningIsReportedAsRefusedAndNotSent() throws IOException {
    URI dead = deadMember();
    PatroniException e = catchThrowableOfType(
        PatroniException.class, () -> PatroniClient.builder().member(dead).build().cluster());

    assertThat(e.getMessage()).isEqualTo(
        "GET /cluster failed on the one member tried (nothing was sent): "
            + dead + " not sent (connection refused)");
    assertThat(e.delivery()).isEqualTo(Delivery.NOT_SENT);
    assertThat(e.attempts()).extracting(MemberAttempt::member).containsExactly(dead);
    assertThat(e.getCause()).isSameAs(e.attempts().get(0).failure());
    assertThat(requireNonNull(e.getCause()).getCause()).isInstanceOf(ConnectException.class);
  }

  @Test
  void garbageFromEveryMemberIsCatchableAsAParseErrorNamingEachMemberAndThePath() {
    URI first = serve(new MockResponse().setBody(WRONG_TYPE));
    URI second = serve(new MockResponse().setBody("<html>not json"));
    PatroniClient client = PatroniClient.builder().member(first).member(second).build();

    PatroniParseException e;
    try {
      client.cluster();
      throw new AssertionError("no exception");
    } catch (PatroniParseException caught) {
      e = caught;
    }

    assertThat(e.getMessage())
        .startsWith("GET /cluster failed on all 2 members tried (the request reached all): "
            + first + " answered 200 with an unreadable body (")
        .contains("$.members[0].state")
        .contains("; " + second + " answered 200 with an unreadable body (");
    assertThat(e.path()).isEqualTo("$.members[0].state");
    assertThat(e.delivery()).isEqualTo(Delivery.ANSWERED);
    assertThat(e.statusCode()).hasValue(200);
    assertThat(e.attempts()).extracting(MemberAttempt::member).containsExactly(first, second);
    assertThat(e.attempts()).extracting(MemberAttempt::failure)
        .allSatisfy(f -> assertThat(f).isInstanceOf(PatroniParseException.class));
    assertThat(((PatroniParseException) e.attempts().get(1).failure()).path()).isEqualTo("$");
  }

  @Test
  void mixedFailuresKeepEachMembersTypedFailureAsTheJavadocShows() throws IOException {
    URI dead = deadMember();
    URI garbage = serve(new MockResponse().setBody(WRONG_TYPE));
    PatroniClient client = PatroniClient.builder().member(dead).member(garbage).build();

    List<URI> unreadable = new ArrayList<>();
    PatroniException e = null;
    try {
      client.cluster();
    } catch (PatroniParseException parse) {
      throw new AssertionError("only one member answered garbage", parse);
    } catch (PatroniException caught) {
      e = caught;
      caught.attempts().stream()
          .filter(attempt -> attempt.failure() instanceof PatroniParseException)
          .forEach(attempt -> unreadable.add(attempt.member()));
    }

    assertThat(unreadable).containsExactly(garbage);
    assertThat(e).isNotNull();
    assertThat(e.getMessage()).isEqualTo("GET /cluster failed on all 2 members tried (the request reached 1 of 2): "
        + dead + " not sent (connection refused); "
        + garbage + " answered 200 with an unreadable body (" + requireNonNull(e.attempts().get(1).failure().getCause()).getMessage() + ")");
    assertThat(e.delivery()).isEqualTo(Delivery.ANSWERED);
    assertThat(e.getSuppressed()).containsExactly(e.attempts().get(1).failure());
  }

  @Test
  void aServerWhoseCertificateChainIsNotTrustedIsReportedAsSuch() throws IOException {
    HeldCertificate otherCa = new HeldCertificate.Builder().certificateAuthority(0).commonName("other-ca").build();
    URI member = serveTls(otherCa, "localhost");

    PatroniException e = catchThrowableOfType(PatroniException.class, () -> trustingClient(member).cluster());

    assertThat(e.getMessage()).isEqualTo("GET /cluster failed on the one member tried (nothing was sent): "
        + member + " not sent (TLS: the server's certificate chain is not trusted (no path to a trusted CA: check the CA file))");
    assertThat(e.delivery()).isEqualTo(Delivery.NOT_SENT);
    assertThat(e.attempts().get(0).failure().getCause()).isInstanceOf(SSLException.class);
  }

  @Test
  void aServerCertificateForAnotherHostIsReportedAsAHostnameMismatch() throws IOException {
    URI member = serveTls(trustedCa, "db.example.org");

    PatroniException e = catchThrowableOfType(PatroniException.class, () -> trustingClient(member).cluster());

    assertThat(e.getMessage()).startsWith("GET /cluster failed on the one member tried (nothing was sent): "
            + member + " not sent (TLS: the server's certificate does not name this host (Hostname localhost not verified")
        .contains("db.example.org");
    assertThat(e.delivery()).isEqualTo(Delivery.NOT_SENT);
  }

  @Test
  void aServerThatRequiresAClientCertificateSaysSoThroughItsAlert() throws IOException {
    URI member = serveTls(trustedCa, "localhost");
    servers.get(servers.size() - 1).requireClientAuth();

    PatroniException e = catchThrowableOfType(PatroniException.class, () -> trustingClient(member).cluster());

    assertThat(e.getMessage())
        .startsWith("GET /cluster failed on the one member tried (")
        // Over TLS 1.3 the server refuses a missing certificate after the client finished its handshake: the
        // client reads the alert, or, when its request write races the alert and the close, the write breaks.
        .containsPattern(member + " ((not sent|may have been sent, no complete answer) \\(TLS: the server ended the handshake "
            + "with alert (bad_certificate|certificate_required) \\(it requires a client certificate it trusts\\)\\)"
            + "|may have been sent, no complete answer \\(SocketException: Broken pipe\\))");
  }

  @Test
  void aMemberThatNeverAnswersIsReportedAsATimeoutThatMayHaveBeenSent() {
    URI silent = serve(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
    PatroniClient client = PatroniClient.builder().member(silent).readTimeout(Duration.ofMillis(300)).build();

    PatroniException e = catchThrowableOfType(PatroniException.class, client::cluster);

    assertThat(e.getMessage()).isEqualTo("GET /cluster failed on the one member tried (the request was sent): "
        + silent + " may have been sent, no complete answer (no answer within 300 ms)");
    assertThat(e.delivery()).isEqualTo(Delivery.POSSIBLY_SENT);
  }

  @Test
  void anErrorStatusIsReportedWithPatronisMessage() {
    URI member = serve(new MockResponse().setResponseCode(503).setBody("DCS is not accessible"));

    PatroniException e = catchThrowableOfType(
        PatroniException.class, () -> PatroniClient.builder().member(member).build().cluster());

    assertThat(e).isNotInstanceOf(PatroniParseException.class);
    assertThat(e.getMessage()).isEqualTo("GET /cluster failed on the one member tried (the request was sent): "
        + member + " answered 503: DCS is not accessible");
    assertThat(e.statusCode()).hasValue(503);
    assertThat(e.responseBody()).hasValue("DCS is not accessible");
  }

  @Test
  void aWriteThatNoMemberTookNamesEveryMemberAndSaysNothingWasSent() throws IOException {
    URI deadLeader = deadMember();
    URI deadReplica = deadMember();
    URI seed = serve(new MockResponse().setBody("{\"members\": ["
        + "{\"name\": \"pg1\", \"role\": \"leader\", \"state\": \"running\", \"api_url\": \"" + deadLeader + "/patroni\"},"
        + "{\"name\": \"pg2\", \"role\": \"replica\", \"state\": \"running\", \"api_url\": \"" + deadReplica + "/patroni\"}]}"));

    PatroniException e = catchThrowableOfType(
        PatroniException.class, () -> PatroniClient.builder().member(seed).build().pause());

    assertThat(e.getMessage()).isEqualTo("PATCH /config failed on all 2 members tried (nothing was sent): "
        + deadLeader + " not sent (connection refused); " + deadReplica + " not sent (connection refused)");
    assertThat(e.delivery()).isEqualTo(Delivery.NOT_SENT);
    assertThat(e.attempts()).extracting(MemberAttempt::member).containsExactly(deadLeader, deadReplica);
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static URI deadMember() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }
  }

  private URI serve(MockResponse response) {
    MockWebServer server = new MockWebServer();
    for (int i = 0; i < 5; i++) {
      server.enqueue(response);
    }
    start(server);
    return URI.create("http://127.0.0.1:" + server.getPort());
  }

  /** An HTTPS server whose certificate, for {@code host}, is signed by {@code ca}. */
  private URI serveTls(HeldCertificate ca, String host) {
    HeldCertificate certificate = new HeldCertificate.Builder().signedBy(ca).addSubjectAlternativeName(host).build();
    HandshakeCertificates tls = new HandshakeCertificates.Builder()
        .heldCertificate(certificate, ca.certificate()).addTrustedCertificate(ca.certificate()).build();
    MockWebServer server = new MockWebServer();
    server.useHttps(tls.sslSocketFactory(), false);
    server.enqueue(new MockResponse().setBody(Fixtures.read("cluster-3.0.2.json")));
    start(server);
    return URI.create("https://localhost:" + server.getPort());
  }

  /** A client that trusts {@link #trustedCa} only. */
  private PatroniClient trustingClient(URI member) throws IOException {
    Path caFile = dir.resolve("trusted-ca.pem");
    Files.writeString(caFile, trustedCa.certificatePem());
    return PatroniClient.builder().member(member).tls(TlsConfig.builder().caFile(caFile).build()).build();
  }

  private void start(MockWebServer server) {
    try {
      server.start(LOOPBACK, 0);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    servers.add(server);
  }
}
