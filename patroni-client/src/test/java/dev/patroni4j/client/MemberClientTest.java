package dev.patroni4j.client;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Role;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MemberClientTest {
  private MockWebServer server;
  private MemberClient member;

  @BeforeEach
  void start() throws IOException {
    server = new MockWebServer();
    server.start();
    member = client().memberAt(server.url("/patroni").uri());
  }

  private PatroniClient client() {
    return PatroniClient.builder()
        .member(server.url("/").uri())
        .basicAuth("patroni", "s3cret")
        .header("X-Request-Source", "test")
        .readTimeout(Duration.ofSeconds(2))
        .switchoverTimeout(Duration.ofSeconds(2))
        .build();
  }

  @AfterEach
  void stop() throws IOException {
    server.shutdown();
  }

  /** What Patroni's write_response sends: HTTP/1.0, no Content-Length, body ends at close. */
  private static MockResponse patroni(int code, String body) {
    return new MockResponse()
        .setStatus("HTTP/1.0 " + code + " X")
        .setHeader("Content-Type", "application/json")
        .setBody(body)
        .removeHeader("Content-Length")
        .setSocketPolicy(SocketPolicy.DISCONNECT_AT_END);
  }

  /** What Patroni's send_error sends: an HTML page with Content-Length. */
  private static MockResponse patroniError(int code, String message) {
    String html = "<!DOCTYPE HTML>\n<html lang=\"en\">\n<head>\n<title>Error response</title>\n</head>\n<body>\n"
        + "<h1>Error response</h1>\n<p>Error code: " + code + "</p>\n<p>Message: " + message + ".</p>\n"
        + "<p>Error code explanation: " + code + " - x.</p>\n</body>\n</html>\n";
    return new MockResponse().setStatus("HTTP/1.0 " + code + " X").setHeader("Content-Type", "text/html;charset=utf-8")
        .setBody(html).setSocketPolicy(SocketPolicy.DISCONNECT_AT_END);
  }

  @Test
  void readsStatusFromHttp10ResponseWithoutContentLength() throws Exception {
    server.enqueue(patroni(200, Fixtures.read("patroni-primary-3.0.2.json")));
    assertThat(member.status().role().kind()).isEqualTo(Role.Kind.PRIMARY);
    RecordedRequest r = server.takeRequest();
    assertThat(r.getPath()).isEqualTo("/patroni");
    assertThat(r.getHeader("Authorization")).as("GETs are never authenticated").isNull();
    assertThat(r.getHeader("X-Request-Source")).isEqualTo("test");
  }

  @Test
  void healthCheckSendsLagAndTagsAndReadsVerdictFromStatusCode() throws Exception {
    server.enqueue(patroni(503, Fixtures.read("patroni-replica-3.0.2.json")));
    HealthResult r = member.check(HealthCheck.replica().maxLag("16MB").tag("zone", "a b"));
    assertThat(r.healthy()).isFalse();
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.status()).isPresent();
    assertThat(server.takeRequest().getPath()).isEqualTo("/replica?lag=16MB&tag_zone=a%20b");
  }

  @Test
  void headAndOptionsChecksReadStatusOnlyAnswers() throws Exception {
    server.enqueue(new MockResponse().setStatus("HTTP/1.0 200 OK").setSocketPolicy(SocketPolicy.DISCONNECT_AT_END));
    server.enqueue(new MockResponse().setStatus("HTTP/1.0 503 Service Unavailable").removeHeader("Content-Length").setSocketPolicy(SocketPolicy.DISCONNECT_AT_END));
    assertThat(member.checkHead(HealthCheck.leader()).healthy()).isTrue();
    assertThat(member.checkOptions(HealthCheck.primary()).healthy()).isFalse();
    assertThat(server.takeRequest().getMethod()).isEqualTo("HEAD");
    assertThat(server.takeRequest().getMethod()).isEqualTo("OPTIONS");
  }

  @Test
  void livenessWithEmptyBodyIsHealthyWithoutStatus() {
    server.enqueue(new MockResponse().setStatus("HTTP/1.0 200 OK").removeHeader("Content-Length").setSocketPolicy(SocketPolicy.DISCONNECT_AT_END));
    HealthResult r = member.check(HealthCheck.liveness());
    assertThat(r.healthy()).isTrue();
    assertThat(r.status()).isEmpty();
  }

  @Test
  void lagSizeWithUnitPatroniCannotReadIsRejectedBeforeSending() {
    assertThatThrownBy(() -> HealthCheck.replica().maxLag("1M")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void switchoverSendsLeaderCandidateWithContentLengthAndAuth() throws Exception {
    server.enqueue(patroni(200, "Successfully switched over to \"pg2\""));
    Outcome o = member.switchover(SwitchoverRequest.from("pg1").to("pg2"));
    assertThat(o).isInstanceOf(Outcome.Done.class);
    assertThat(o.member()).hasValue("pg2");
    RecordedRequest r = server.takeRequest();
    assertThat(r.getMethod()).isEqualTo("POST");
    assertThat(r.getBody().readUtf8()).isEqualTo("{\"leader\":\"pg1\",\"candidate\":\"pg2\"}");
    assertThat(r.getHeader("Content-Length")).isEqualTo("34");
    assertThat(r.getHeader("Transfer-Encoding")).isNull();
    assertThat(r.getHeader("Authorization")).isEqualTo("Basic cGF0cm9uaTpzM2NyZXQ=");
  }

  @Test
  void switchoverToAnotherMemberThanAskedIsReportedAsSuch() {
    server.enqueue(patroni(200, "Switched over to \"pg3\" instead of \"pg2\""));
    Outcome o = member.switchover(SwitchoverRequest.from("pg1").to("pg2"));
    assertThat(o).isInstanceOf(Outcome.DoneWithOtherMember.class);
    Outcome.DoneWithOtherMember d = (Outcome.DoneWithOtherMember) o;
    assertThat(d.requestedMember()).isEqualTo("pg2");
    assertThat(d.actualMember()).isEqualTo("pg3");
  }

  @Test
  void scheduledSwitchoverSendsIsoTimestampWithOffsetAndIsScheduled() throws Exception {
    server.enqueue(patroni(202, "Switchover scheduled"));
    Outcome o = member.switchover(SwitchoverRequest.from("pg1").at(OffsetDateTime.of(2030, 1, 2, 3, 4, 0, 0, ZoneOffset.ofHours(2))));
    assertThat(o.kind()).isEqualTo(Outcome.Kind.SCHEDULED);
    assertThat(server.takeRequest().getBody().readUtf8()).isEqualTo("{\"leader\":\"pg1\",\"scheduled_at\":\"2030-01-02T03:04:00+02:00\"}");
  }

  @Test
  void switchoverRefusalsCarryPatronisReason() {
    server.enqueue(patroni(412, "candidate does not exists"));
    server.enqueue(patroni(400, "Switchover target and source are the same"));
    server.enqueue(patroni(422, "Cannot schedule switchover in the past"));
    assertRefused(member.switchover(SwitchoverRequest.from("pg1").to("nope")), Outcome.Refusal.PRECONDITION_FAILED, "candidate does not exists");
    assertRefused(member.switchover(SwitchoverRequest.from("pg1").to("pg1")), Outcome.Refusal.BAD_REQUEST, "same");
    assertRefused(member.switchover(SwitchoverRequest.from("pg1").to("pg2")), Outcome.Refusal.UNPROCESSABLE, "past");
  }

  private static void assertRefused(Outcome o, Outcome.Refusal reason, String text) {
    assertThat(o).isInstanceOf(Outcome.Refused.class);
    assertThat(((Outcome.Refused) o).reason()).isEqualTo(reason);
    assertThat(o.message()).contains(text);
    assertThatThrownBy(o::orThrow).isInstanceOf(PatroniActionException.class)
        .hasMessageContaining(text)
        .satisfies(e -> assertThat(((PatroniException) e).delivery()).isEqualTo(PatroniException.Delivery.ANSWERED));
  }

  @Test
  void switchoverStatusUnknownIsUnknownAndSwitchoverFailedIsFailed() {
    server.enqueue(patroni(503, "Switchover status unknown"));
    server.enqueue(patroni(503, "Switchover failed"));
    Outcome unknown = member.switchover(SwitchoverRequest.from("pg1").to("pg2"));
    assertThat(unknown).isInstanceOf(Outcome.Unknown.class);
    assertThat(((Outcome.Unknown) unknown).cause()).isEqualTo(Outcome.UnknownCause.STATUS_UNKNOWN);
    assertThat(member.switchover(SwitchoverRequest.from("pg1").to("pg2"))).isInstanceOf(Outcome.Failed.class);
  }

  @Test
  void htmlBadGatewayFromAProxyIsUnknownNotFailed() {
    server.enqueue(new MockResponse().setResponseCode(502).setHeader("Content-Type", "text/html")
        .setBody("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"));
    Outcome o = member.switchover(SwitchoverRequest.from("pg1").to("pg2"));
    assertThat(o).isInstanceOf(Outcome.Unknown.class);
    assertThat(((Outcome.Unknown) o).cause()).isEqualTo(Outcome.UnknownCause.PROXY_ERROR);
    assertThat(o.statusCode()).hasValue(502);
  }

  @Test
  void noAnswerInTimeAfterSendingIsUnknownTimeout() {
    server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
    Outcome o = member.switchover(SwitchoverRequest.from("pg1").to("pg2").timeout(Duration.ofMillis(300)));
    assertThat(o).isInstanceOf(Outcome.Unknown.class);
    assertThat(((Outcome.Unknown) o).cause()).isEqualTo(Outcome.UnknownCause.TIMEOUT);
    assertThatThrownBy(o::orThrow).satisfies(e ->
        assertThat(((PatroniException) e).delivery()).isEqualTo(PatroniException.Delivery.POSSIBLY_SENT));
  }

  @Test
  void connectionResetAfterTheRequestIsUnknownAndNotRetried() throws Exception {
    server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));
    server.enqueue(patroni(200, "Successfully switched over to \"pg2\""));
    Outcome o = member.switchover(SwitchoverRequest.from("pg1").to("pg2"));
    assertThat(o).isInstanceOf(Outcome.Unknown.class);
    assertThat(((Outcome.Unknown) o).cause()).isEqualTo(Outcome.UnknownCause.CONNECTION_LOST);
    assertThat(server.getRequestCount()).as("the write was sent exactly once").isEqualTo(1);
  }

  @Test
  void refusedConnectionIsNotSentAndThrows() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    MemberClient dead = client().memberAt(URI.create("http://127.0.0.1:" + port));
    assertThatThrownBy(() -> dead.switchover(SwitchoverRequest.from("pg1")))
        .isInstanceOf(PatroniException.class)
        .satisfies(e -> assertThat(((PatroniException) e).delivery()).isEqualTo(PatroniException.Delivery.NOT_SENT))
        .hasMessageContaining("not sent");
  }

  @Test
  void cancelScheduledSwitchoverMapsNothingScheduled() {
    server.enqueue(patroni(200, "scheduled switchover deleted"));
    server.enqueue(patroni(404, "no switchover is scheduled"));
    assertThat(member.cancelScheduledSwitchover().kind()).isEqualTo(Outcome.Kind.DONE);
    assertRefused(member.cancelScheduledSwitchover(), Outcome.Refusal.NOTHING_SCHEDULED, "no switchover");
  }

  @Test
  void restartSendsOnlyTheFieldsSet() throws Exception {
    server.enqueue(patroni(200, "restarted successfully"));
    server.enqueue(patroni(202, "Restart scheduled"));
    server.enqueue(patroni(503, "restart conditions are not satisfied"));
    server.enqueue(patroni(409, "Another restart is already scheduled"));
    assertThat(member.restart(RestartRequest.now()).kind()).isEqualTo(Outcome.Kind.DONE);
    assertThat(server.takeRequest().getBody().readUtf8()).isEqualTo("{}");
    Outcome scheduled = member.restart(RestartRequest.at(OffsetDateTime.of(2030, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC))
        .onlyIfPendingRestart().onlyRole("replica").onlyIfPostgresVersionBelow("16.0").startTimeout(Duration.ofSeconds(60)));
    assertThat(scheduled.kind()).isEqualTo(Outcome.Kind.SCHEDULED);
    assertThat(server.takeRequest().getBody().readUtf8()).isEqualTo(
        "{\"schedule\":\"2030-01-01T00:00:00Z\",\"restart_pending\":true,\"role\":\"replica\",\"postgres_version\":\"16.0\",\"timeout\":60}");
    assertRefused(member.restart(RestartRequest.now().onlyIfPendingRestart()), Outcome.Refusal.CONDITIONS_NOT_MET, "conditions");
    assertRefused(member.restart(RestartRequest.at(OffsetDateTime.now(ZoneOffset.UTC).plusHours(1))), Outcome.Refusal.CONFLICT, "already scheduled");
  }

  @Test
  void restartRoleIsSpelledForTheServersVersion() {
    assertThat(RestartRequest.now().onlyRole(Role.Kind.PRIMARY, dev.patroni4j.client.model.PatroniVersion.parse("3.0.2")).role())
        .isEqualTo("master");
    assertThat(RestartRequest.now().onlyRole(Role.Kind.PRIMARY, dev.patroni4j.client.model.PatroniVersion.parse("4.0.0")).role())
        .isEqualTo("primary");
    assertThatThrownBy(() -> RestartRequest.now().onlyRole(Role.Kind.SYNC_STANDBY, dev.patroni4j.client.model.PatroniVersion.parse("4.0.0")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void restartFailedIsFailedAndBusyIsRefused() {
    server.enqueue(patroni(503, "restart failed"));
    server.enqueue(patroni(503, "restart already in progress"));
    assertThat(member.restart(RestartRequest.now())).isInstanceOf(Outcome.Failed.class);
    assertRefused(member.restart(RestartRequest.now()), Outcome.Refusal.BUSY, "in progress");
  }

  @Test
  void reloadAndReinitialize() throws Exception {
    server.enqueue(patroni(202, "reload scheduled"));
    server.enqueue(patroni(200, "reinitialize started"));
    server.enqueue(patroni(503, "I am the leader, can not reinitialize"));
    assertThat(member.reload().kind()).isEqualTo(Outcome.Kind.DONE);
    RecordedRequest reload = server.takeRequest();
    assertThat(reload.getHeader("Content-Length")).isEqualTo("0");
    assertThat(member.reinitialize(ReinitializeRequest.standard().force(true)).kind()).isEqualTo(Outcome.Kind.DONE);
    assertThat(server.takeRequest().getBody().readUtf8()).isEqualTo("{\"force\":true}");
    assertRefused(member.reinitialize(ReinitializeRequest.standard().fromLeader(true)), Outcome.Refusal.CONDITIONS_NOT_MET, "leader");
    assertThat(server.takeRequest().getBody().readUtf8()).isEqualTo("{\"force\":false,\"from_leader\":true}");
  }

  @Test
  void patchConfigReturnsNewConfigAndVersionRaceIsConflict() throws Exception {
    server.enqueue(patroni(200, Fixtures.read("config-3.0.2.json")));
    server.enqueue(patroniError(409, "Conflict"));
    Outcome o = member.patchConfig(ConfigPatch.builder().set("loop_wait", 2).removePostgresqlParameter("work_mem").build());
    assertThat(((Outcome.Done) o).newConfig().orElseThrow().loopWait()).hasValue(2);
    RecordedRequest r = server.takeRequest();
    assertThat(r.getMethod()).isEqualTo("PATCH");
    assertThat(r.getBody().readUtf8()).isEqualTo("{\"loop_wait\":2,\"postgresql\":{\"parameters\":{\"work_mem\":null}}}");
    assertRefused(member.patchConfig(ConfigPatch.pause()), Outcome.Refusal.CONFLICT, "Conflict");
  }

  @Test
  void putConfigFailureFromPatronisOwnErrorPageIsFailed() {
    server.enqueue(patroniError(502, "Failed to write config"));
    Outcome o = member.putConfig(java.util.Map.of("ttl", 30));
    assertThat(o).isInstanceOf(Outcome.Failed.class);
    assertThat(o.message()).isEqualTo("Failed to write config");
  }

  @Test
  void unauthenticatedAndUnsupportedAreRefusals() {
    server.enqueue(patroni(401, "not authenticated"));
    server.enqueue(patroniError(501, "Unsupported method ('POST')"));
    assertRefused(member.reload(), Outcome.Refusal.NOT_AUTHORIZED, "not authenticated");
    assertRefused(member.reinitialize(ReinitializeRequest.standard()), Outcome.Refusal.NOT_SUPPORTED, "Unsupported");
  }

  @Test
  void readsClusterHistoryConfigMetricsAndFailsafe() {
    server.enqueue(patroni(200, Fixtures.read("recorded/4.1.5/cluster.json")));
    server.enqueue(patroni(200, Fixtures.read("history-3.0.2.json")));
    server.enqueue(patroni(200, Fixtures.read("config-3.0.2.json")));
    server.enqueue(patroni(200, Fixtures.read("metrics-3.0.2.txt")).setHeader("Content-Type", "text/plain"));
    server.enqueue(patroni(200, "{\"pg1\": \"http://127.0.0.1:8008/patroni\"}"));
    server.enqueue(patroniError(502, "Bad Gateway"));
    ClusterView v = member.cluster();
    assertThat(v.memberNames()).containsExactly("pg1", "pg2", "pg3");
    assertThat(member.history()).hasSize(1);
    assertThat(member.config().ttl()).hasValue(10);
    Metrics m = member.metrics();
    assertThat(m.value("patroni_postgres_server_version")).hasValue(150018);
    assertThat(m.find("patroni_primary").orElseThrow().labels()).containsEntry("scope", "demo");
    assertThat(member.failsafe()).hasValue(java.util.Map.of("pg1", "http://127.0.0.1:8008/patroni"));
    assertThat(member.failsafe()).isEmpty();
  }

  @Test
  void readAnsweredWithErrorCarriesCodeAndBody() {
    server.enqueue(patroniError(502, "Bad Gateway"));
    assertThatThrownBy(() -> member.config())
        .isInstanceOf(PatroniException.class)
        .satisfies(e -> {
          PatroniException p = (PatroniException) e;
          assertThat(p.delivery()).isEqualTo(PatroniException.Delivery.ANSWERED);
          assertThat(p.statusCode()).hasValue(502);
          assertThat(p.responseBody()).hasValueSatisfying(b -> assertThat(b).contains("Error code: 502"));
        });
  }

  @Test
  void wrongTypeInAnAnswerIsAParseErrorWithPathAndTarget() {
    server.enqueue(patroni(200, "{\"members\": [{\"name\": \"a\", \"role\": \"leader\", \"state\": \"running\", \"port\": \"fivefour\"}]}"));
    assertThatThrownBy(() -> member.cluster())
        .isInstanceOf(PatroniParseException.class)
        .hasMessageContaining("GET " + server.url("/cluster"))
        .hasMessageContaining("$.members[0].port")
        .satisfies(e -> assertThat(((PatroniParseException) e).statusCode()).hasValue(200));
  }

  @Test
  void bodyCutShortByTheServerIsAnAnsweredError() {
    String full = Fixtures.read("recorded/4.1.5/cluster.json");
    server.enqueue(new MockResponse().setStatus("HTTP/1.0 200 OK").setBody(full)
        .setHeader("Content-Length", full.length() + 500));
    assertThatThrownBy(() -> member.withTimeout(Duration.ofMillis(500)).cluster())
        .isInstanceOf(PatroniException.class)
        .satisfies(e -> assertThat(((PatroniException) e).delivery()).isEqualTo(PatroniException.Delivery.ANSWERED));
  }

  @Test
  void bodyOverTheSizeCapIsRefusedWithoutBufferingIt() {
    Buffer tenMegabytes = new Buffer();
    byte[] chunk = new byte[1 << 20];
    java.util.Arrays.fill(chunk, (byte) ' ');
    for (int i = 0; i < 10; i++) {
      tenMegabytes.write(chunk);
    }
    server.enqueue(new MockResponse().setStatus("HTTP/1.0 200 OK").setBody(tenMegabytes).removeHeader("Content-Length")
        .setSocketPolicy(SocketPolicy.DISCONNECT_AT_END));
    assertThatThrownBy(() -> member.cluster())
        .isInstanceOf(PatroniException.class)
        .hasMessageContaining("larger than the 4194304-byte limit")
        .satisfies(e -> assertThat(((PatroniException) e).delivery()).isEqualTo(PatroniException.Delivery.ANSWERED));
  }

  @Test
  void slowReadTimesOutAsPossiblySent() {
    server.enqueue(patroni(200, "{}").setHeadersDelay(2, TimeUnit.SECONDS));
    assertThatThrownBy(() -> member.withTimeout(Duration.ofMillis(200)).status())
        .isInstanceOf(PatroniException.class)
        .hasMessageContaining("no answer within 200 ms")
        .satisfies(e -> assertThat(((PatroniException) e).delivery()).isEqualTo(PatroniException.Delivery.POSSIBLY_SENT));
  }

  @Test
  void recordedQuorumModeBodiesOf415ServedOverHttpMapToTheModel() {
    server.enqueue(patroni(200, Fixtures.read("recorded/4.1.5/quorum-patroni-primary.json")));
    server.enqueue(patroni(200, Fixtures.read("recorded/4.1.5/quorum-patroni-standby.json")));
    server.enqueue(patroni(200, Fixtures.read("recorded/4.1.5/quorum-cluster.json")));
    server.enqueue(patroni(200, Fixtures.read("recorded/4.1.5/quorum-metrics-standby.txt")).setHeader("Content-Type", "text/plain"));
    dev.patroni4j.client.model.MemberStatus primary = member.status();
    assertThat(primary.role().kind()).isEqualTo(Role.Kind.PRIMARY);
    assertThat(primary.replication()).extracting(r -> r.syncState()).containsOnly("quorum");
    dev.patroni4j.client.model.MemberStatus standby = member.status();
    assertThat(standby.quorumStandby()).isTrue();
    assertThat(requireNonNull(standby.replicationState()).isStreaming()).isTrue();
    ClusterView v = member.cluster();
    assertThat(v.member("pg2").role().kind()).isEqualTo(Role.Kind.QUORUM_STANDBY);
    assertThat(v.member("pg3").replayLsn()).isNotNull();
    Metrics m = member.metrics();
    assertThat(m.value("patroni_quorum_standby")).hasValue(1);
    assertThat(m.value("patroni_postgres_state")).hasValue(5);
    assertThat(m.find("patroni_version").orElseThrow().labels()).containsEntry("name", "pg2");
  }

  @Test
  void syntheticEdgeCasesServedOverHttpMapToTheSameModel() {
    server.enqueue(patroni(200, Fixtures.read("synthetic-status-edge-cases.json")));
    server.enqueue(patroni(200, Fixtures.read("synthetic-cluster-edge-cases.json")));
    server.enqueue(patroni(200, Fixtures.read("synthetic-metrics-edge-cases.txt")).setHeader("Content-Type", "text/plain"));
    dev.patroni4j.client.model.MemberStatus replica = member.status();
    assertThat(replica.quorumStandby()).isTrue();
    assertThat(replica.pendingRestartReason()).containsKey("max_connections");
    assertThat(requireNonNull(replica.receivedLocation()).value()).as("2^64-1 kept bit for bit").isEqualTo(-1L);
    ClusterView v = member.cluster();
    assertThat(v.member("b").role().kind()).isEqualTo(Role.Kind.SYNC_STANDBY);
    assertThat(v.member("d").role().raw()).isEqualTo("witness");
    Metrics m = member.metrics();
    assertThat(m.value("patroni_postgres_state")).hasValue(5);
    assertThat(m.find("patroni_version").orElseThrow().labels()).containsEntry("name", "patroni1");
  }
}
