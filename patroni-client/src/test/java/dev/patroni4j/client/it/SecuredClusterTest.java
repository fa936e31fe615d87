package dev.patroni4j.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.HealthCheck;
import dev.patroni4j.client.MemberClient;
import dev.patroni4j.client.Outcome;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.PatroniException;
import dev.patroni4j.client.RestartRequest;
import dev.patroni4j.client.SwitchoverRequest;
import dev.patroni4j.client.TlsConfig;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.testkit.CommandResult;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import dev.patroni4j.testkit.TlsFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A real cluster with HTTPS, {@code verify_client: required} and basic auth on unsafe methods. */
class SecuredClusterTest {
  @RegisterExtension static final LocalPatroniClusterExtension CLUSTER = TestClusters.secured();

  private static LocalPatroniCluster cluster;
  private static PatroniClient client;
  private static TlsFiles tls;

  @BeforeAll
  static void connect() {
    cluster = CLUSTER.cluster();
    tls = cluster.tls().orElseThrow();
    client = TestClusters.clientFor(cluster);
  }

  private static PatroniClient.Builder base() {
    PatroniClient.Builder b = PatroniClient.builder().readTimeout(Duration.ofSeconds(10));
    cluster.nodes().forEach(n -> b.member(n.restUrl()));
    return b;
  }

  @Test
  void readsOverTlsWithAClientCertificateMatchPatronictl() throws Exception {
    assertThat(client.knownMembers()).allSatisfy(u -> assertThat(u.getScheme()).isEqualTo("https"));
    CommandResult list = cluster.patronictl("list", "-f", "json");
    assertThat(list.exitCode()).as(list.stderr()).isZero();
    assertThat(PatronictlComparison.rows(client.cluster())).isEqualTo(PatronictlComparison.rows(list.stdout()));
    MemberClient pg1 = client.memberAt(cluster.node("pg1").restUrl());
    assertThat(pg1.status().role().kind()).isEqualTo(Role.Kind.PRIMARY);
    assertThat(pg1.check(HealthCheck.primary()).healthy()).isTrue();
    assertThat(pg1.checkHead(HealthCheck.primary()).healthy()).isTrue();
    assertThat(pg1.metrics().value("patroni_primary")).hasValue(1);
    assertThat(client.history()).isNotNull();
  }

  @Test
  void withoutAClientCertificateNothingIsRead() {
    PatroniClient noCert = base().tls(TlsConfig.builder().caFile(tls.caCert()).build()).build();
    assertThatThrownBy(noCert::cluster).isInstanceOf(PatroniException.class)
        // The alert, unless (TLS 1.3) our request was written before it arrived and the write broke.
        .hasMessageMatching("(?s)GET /cluster failed on all 2 members tried .*(TLS: the server ended the handshake with alert "
            + "(bad_certificate|certificate_required) \\(it requires a client certificate it trusts\\)|Broken pipe|Connection reset).*")
        .satisfies(e -> assertThat(((PatroniException) e).delivery()).isNotEqualTo(PatroniException.Delivery.ANSWERED));
  }

  @Test
  void anUntrustedServerIsNeverSentAnything() {
    PatroniClient defaultTrust = base().basicAuth(TestClusters.REST_USER, TestClusters.REST_PASSWORD).build();
    MemberClient pg2 = defaultTrust.memberAt(cluster.node("pg2").restUrl());
    assertThatThrownBy(pg2::reload).isInstanceOf(PatroniException.class)
        .hasMessageContaining("not sent (TLS: the server's certificate chain is not trusted")
        .satisfies(e -> assertThat(((PatroniException) e).delivery()).isEqualTo(PatroniException.Delivery.NOT_SENT));
  }

  @Test
  void unsafeCallsNeedTheRightPassword() {
    PatroniClient wrong = base().tls(TestClusters.tls(tls).build()).basicAuth(TestClusters.REST_USER, "wrong").build();
    Outcome refused = wrong.memberAt(cluster.node("pg2").restUrl()).reload();
    assertThat(refused).isInstanceOf(Outcome.Refused.class);
    assertThat(((Outcome.Refused) refused).reason()).isEqualTo(Outcome.Refusal.NOT_AUTHORIZED);
    PatroniClient none = base().tls(TestClusters.tls(tls).build()).build();
    assertThat(none.memberAt(cluster.node("pg2").restUrl()).reload().statusCode()).hasValue(401);
    assertThat(client.memberAt(cluster.node("pg2").restUrl()).reload().kind()).isEqualTo(Outcome.Kind.DONE);
  }

  @Test
  void switchoverScheduledCancelledAndImmediateOverTls() {
    OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC).plusHours(2).withNano(0);
    assertThat(client.switchover(SwitchoverRequest.from("pg1").to("pg2").at(at)).kind()).isEqualTo(Outcome.Kind.SCHEDULED);
    assertThat(client.cluster().scheduledSwitchover()).isNotNull();
    assertThat(client.cancelScheduledSwitchover().kind()).isEqualTo(Outcome.Kind.DONE);
    Outcome now = client.switchover(SwitchoverRequest.from("pg1").to("pg2"));
    assertThat(now.kind()).as(now.toString()).isEqualTo(Outcome.Kind.DONE);
    client.waitUntil(Conditions.leaderIs("pg2"), Duration.ofSeconds(60));
  }

  @Test
  void scheduledRestartAndItsCancellationOverTls() {
    MemberClient pg2 = client.memberAt(cluster.node("pg2").restUrl());
    Outcome o = pg2.restart(RestartRequest.at(OffsetDateTime.now(ZoneOffset.UTC).plusHours(1)));
    assertThat(o.kind()).as(o.toString()).isEqualTo(Outcome.Kind.SCHEDULED);
    assertThat(pg2.cancelScheduledRestart().kind()).isEqualTo(Outcome.Kind.DONE);
  }

  @Test
  void configPauseResumeAndReinitializeOverTls() {
    assertThat(client.config().loopWait()).hasValue(2);
    assertThat(client.memberAt(cluster.node("pg1").restUrl()).failsafe()).isEmpty();
    assertThat(client.pause().kind()).isEqualTo(Outcome.Kind.DONE);
    client.waitUntil(Conditions.allMembersPaused(), Duration.ofSeconds(60));
    assertThat(client.resume().kind()).isEqualTo(Outcome.Kind.DONE);
    client.waitUntil(Conditions.allMembersResumed(), Duration.ofSeconds(60));
    dev.patroni4j.client.model.Timeline tl = client.cluster().timeline().orElseThrow();
    Outcome reinit = client.memberAt(cluster.node("pg2").restUrl()).reinitialize(dev.patroni4j.client.ReinitializeRequest.standard());
    assertThat(reinit.kind()).as(reinit.toString()).isEqualTo(Outcome.Kind.DONE);
    client.waitUntil(Conditions.allMembersStreamingOn(tl), Duration.ofSeconds(90));
  }

  @Test
  void thePasswordNeverAppearsInLogsMessagesOrToString() {
    String canary = TestClusters.REST_PASSWORD;
    String canaryBase64 = Base64.getEncoder().encodeToString((TestClusters.REST_USER + ":" + canary).getBytes(StandardCharsets.UTF_8));
    List<String> seen = new ArrayList<>();
    Handler capture = new Handler() {
      @Override public void publish(LogRecord r) { seen.add(new SimpleFormatter().format(r)); }
      @Override public void flush() {}
      @Override public void close() {}
    };
    Logger root = Logger.getLogger("");
    Level oldLevel = root.getLevel();
    root.addHandler(capture);
    root.setLevel(Level.ALL);
    Logger ours = Logger.getLogger("dev.patroni4j");
    Logger okhttp = Logger.getLogger("okhttp3");
    ours.setLevel(Level.ALL);
    okhttp.setLevel(Level.ALL);
    try {
      PatroniClient.Builder builder = base().tls(TestClusters.tls(tls).keyPassword("unused".toCharArray()).build())
          .basicAuth(TestClusters.REST_USER, canary.toCharArray());
      seen.add(builder.toString());
      PatroniClient c = builder.build();
      seen.add(c.toString());
      seen.add(TestClusters.tls(tls).keyPassword(canary.toCharArray()).build().toString());
      PatroniNode pg2 = cluster.node("pg2");
      MemberClient m = c.memberAt(pg2.restUrl());
      seen.add(m.toString());
      seen.add(m.reload().toString());
      seen.add(m.restart(RestartRequest.now().onlyIfPendingRestart()).toString());
      seen.add(c.switchover(SwitchoverRequest.from("pg2").to("pg1")).toString());
      List<Throwable> errors = new ArrayList<>();
      try {
        c.switchover(SwitchoverRequest.from("pg2").to("pg1")).orThrow();
      } catch (PatroniException e) {
        errors.add(e);
      }
      try {
        base().basicAuth(TestClusters.REST_USER, canary).build().memberAt(pg2.restUrl()).reload();
      } catch (PatroniException e) {
        errors.add(e);
      }
      try {
        c.memberAt(java.net.URI.create("https://127.0.0.1:9")).reload();
      } catch (PatroniException e) {
        errors.add(e);
      }
      try {
        c.withTimeout(Duration.ofMillis(1)).memberAt(pg2.restUrl()).reload().orThrow();
      } catch (PatroniException e) {
        errors.add(e);
      }
      assertThat(errors).hasSizeGreaterThanOrEqualTo(3);
      for (Throwable t : errors) {
        StringWriter sw = new StringWriter();
        t.printStackTrace(new PrintWriter(sw));
        seen.add(sw.toString());
      }
    } finally {
      root.removeHandler(capture);
      root.setLevel(oldLevel);
      ours.setLevel(null);
      okhttp.setLevel(null);
    }
    assertThat(String.join("\n", seen))
        .as("debug logs and outcomes were captured")
        .contains("/reload -> 202").contains("basicAuth=patroni:***").contains("leader name does not match")
        .doesNotContain(canary).doesNotContain(canaryBase64);
  }
}
