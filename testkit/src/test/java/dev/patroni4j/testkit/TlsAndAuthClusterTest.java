package dev.patroni4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patroni4j.config.PatroniConfig;
import dev.patroni4j.config.Secret;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import javax.net.ssl.HttpsURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A cluster whose REST API wants a client certificate and basic auth, on an etcd with auth on. */
class TlsAndAuthClusterTest {
  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = LocalPatroniClusterExtension.of(LocalPatroniCluster.builder()
      .members(1)
      .restTls(true)
      .restBasicAuth("patroni", "rest-canary-pw")
      .etcdAuth("root", "etcd-canary-pw"));

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void httpsWithClientCertificateIsServed() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode pg1 = cluster.node("pg1");
    assertThat(pg1.restUrl().getScheme()).isEqualTo("https");

    HttpsURLConnection get = open(pg1.restUrl().resolve("/patroni"), true);

    assertThat(get.getResponseCode()).isEqualTo(200);
    try (InputStream body = get.getInputStream()) {
      assertThat(JSON.readTree(body).path("role").asText()).isIn("master", "primary");
    }
  }

  @Test
  void httpsWithoutClientCertificateIsRefused() {
    PatroniNode pg1 = CLUSTER.cluster().node("pg1");
    assertThatThrownBy(() -> open(pg1.restUrl().resolve("/patroni"), false).getResponseCode())
        .isInstanceOf(IOException.class);
  }

  @Test
  void unsafeMethodWithoutBasicAuthIsRefusedAndWithItAccepted() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    URI reload = cluster.node("pg1").restUrl().resolve("/reload");

    assertThat(post(reload, null).getResponseCode()).isEqualTo(401);

    Credentials auth = cluster.restAuth().orElseThrow();
    String basic = Base64.getEncoder().encodeToString(
        (auth.username() + ":" + auth.password()).getBytes(StandardCharsets.UTF_8));
    assertThat(post(reload, "Basic " + basic).getResponseCode()).isEqualTo(202);
  }

  @Test
  void etcdRefusesReadsWithoutCredentials() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    String key = Base64.getEncoder().encodeToString("/service/".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(cluster.etcdEndpoint().resolve("/v3/kv/range"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"" + key + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isNotEqualTo(200);
    assertThat(r.body()).contains("user name is empty");
  }

  @Test
  void patronictlWorksThroughTlsAndEtcdAuth() throws Exception {
    CommandResult r = CLUSTER.cluster().patronictl("list", "-f", "json");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    JsonNode members = JSON.readTree(r.stdout());
    assertThat(members).hasSize(CLUSTER.cluster().nodes().size());
    assertThat(members.get(0).path("Member").asText()).isEqualTo("pg1");
    assertThat(members.get(0).path("Role").asText()).isEqualTo("Leader");
  }

  @Test
  void addedNodeClonesFromTheLeaderAndStreams() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode added = cluster.nodes().size() > 1 ? cluster.node("pg2") : cluster.addNode();
    try (var c = cluster.connect(cluster.leader());
        var s = c.createStatement();
        var rs = s.executeQuery("select count(*) from pg_stat_replication where application_name = '"
            + added.name() + "' and state = 'streaming'")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }
  }

  @Test
  void theMembersConfigIsWrittenThroughTheConfigModelWithEveryFeature() {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode pg1 = cluster.node("pg1");
    PatroniConfig config = PatroniConfig.read(pg1.configFile());
    TlsFiles tls = cluster.tls().orElseThrow();
    assertThat(config.scope()).contains(cluster.scope());
    assertThat(config.restApi().certfile()).contains(tls.serverCert().toString());
    assertThat(config.restApi().verifyClient()).contains("required");
    assertThat(config.ctl().certfile()).contains(tls.clientCert().toString());
    assertThat(config.restApi().authentication().orElseThrow().password()).contains(Secret.of("rest-canary-pw"));
    PatroniConfig.Dcs dcs = config.dcs().orElseThrow();
    assertThat(dcs.type()).isEqualTo(PatroniConfig.DcsType.ETCD3);
    assertThat(dcs.password()).contains(Secret.of("etcd-canary-pw"));
    assertThat(config.postgresql().authentication().superuser().orElseThrow().password())
        .contains(Secret.of(cluster.superuserPassword()));
    assertThat(config.postgresql().dataDir()).contains(pg1.dataDir().toString());
    assertThat(config.watchdog().mode()).contains("off");
    // what Patroni reads is YAML as patroni-config writes it: a round trip changes nothing
    assertThat(config.toYaml()).isEqualTo(PatroniConfig.parse(config.toYaml()).toYaml());
  }

  @Test
  void secretsStayOutOfToString() {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    String all = cluster + " " + cluster.restAuth() + " " + cluster.etcdAuth() + " " + cluster.tls() + " "
        + cluster.nodes();
    assertThat(all).doesNotContain("rest-canary-pw", "etcd-canary-pw", cluster.superuserPassword(),
        cluster.tls().orElseThrow().keyStorePassword());
  }

  private static HttpsURLConnection post(URI url, @Nullable String authorization) throws Exception {
    HttpsURLConnection c = open(url, true);
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    if (authorization != null) {
      c.setRequestProperty("Authorization", authorization);
    }
    c.setFixedLengthStreamingMode(0);
    c.getOutputStream().close();
    return c;
  }

  private static HttpsURLConnection open(URI url, boolean withClientCertificate) throws Exception {
    TlsFiles tls = CLUSTER.cluster().tls().orElseThrow();
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(tls.caCert())) {
      trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    KeyManagerFactory kmf = null;
    if (withClientCertificate) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(tls.clientKeyStore())) {
        keys.load(in, tls.keyStorePassword().toCharArray());
      }
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, tls.keyStorePassword().toCharArray());
    }
    ssl.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    // HttpsURLConnection, not HttpClient: Patroni ends TLS bodies by closing the connection.
    HttpsURLConnection c = (HttpsURLConnection) url.toURL().openConnection();
    c.setSSLSocketFactory(ssl.getSocketFactory());
    c.setConnectTimeout(5000);
    c.setReadTimeout(10000);
    return c;
  }
}
