package dev.patroni4j.dcs.consul;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.ConfirmationRefusedException;
import dev.patroni4j.client.PatroniException.Delivery;
import dev.patroni4j.client.dcs.CasResult;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsAuthenticationException;
import dev.patroni4j.client.dcs.DcsClient;
import dev.patroni4j.client.dcs.DcsEvent;
import dev.patroni4j.client.dcs.DcsException;
import dev.patroni4j.client.dcs.DcsKey;
import dev.patroni4j.client.dcs.DcsListener;
import dev.patroni4j.client.dcs.DcsTimeoutException;
import dev.patroni4j.client.dcs.DcsUnavailableException;
import dev.patroni4j.client.dcs.DcsWatch;
import dev.patroni4j.client.dcs.FleetSnapshot;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.testkit.consul.ConsulTestServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client against the testkit's Consul server alone: the paths a running Patroni cluster cannot provoke. */
class ConsulDcsClientTest {
  static final String ROOT_TOKEN = "b0d5e2b4-root-secret";
  static ConsulTestServer server;
  static ConsulTestServer aclServer;
  static ConsulDcsClient dcs;
  static RawConsul raw;

  @BeforeAll
  static void start() {
    server = ConsulTestServer.builder().start();
    aclServer = ConsulTestServer.builder().aclMasterToken(ROOT_TOKEN).start();
    dcs = client(server).build();
    raw = new RawConsul(server.uri());
  }

  @AfterAll
  static void stop() {
    dcs.close();
    server.close();
    aclServer.close();
  }

  @AfterEach
  void thaw() {
    server.thaw();
    server.delayResponses(Duration.ZERO);
    server.failNextRequests(0);
  }

  static ConsulDcsClient.Builder client(ConsulTestServer on) {
    return ConsulDcsClient.builder().endpoint(on.uri()).requestTimeout(Duration.ofSeconds(2))
        .watchWait(Duration.ofSeconds(5));
  }

  /** A cluster as Patroni 3.0.2 leaves it: leader, two members, config, initialize, failover, status. */
  static ClusterRef fakeCluster(RawConsul consul, String scope, String sysid) {
    ClusterRef c = ClusterRef.of(scope);
    consul.put(c.key(DcsKey.INITIALIZE), sysid);
    consul.put(c.key(DcsKey.CONFIG), "{\"ttl\":30,\"loop_wait\":10}");
    consul.put(c.key(DcsKey.LEADER), "a1");
    consul.put(c.memberKey("a1"), "{\"conn_url\":\"postgres://127.0.0.1:1/postgres\",\"api_url\":"
        + "\"http://127.0.0.1:2/patroni\",\"state\":\"running\",\"role\":\"master\",\"version\":\"3.0.2\"}");
    consul.put(c.memberKey("a2"), "{\"conn_url\":\"postgres://127.0.0.1:3/postgres\",\"api_url\":"
        + "\"http://127.0.0.1:4/patroni\",\"state\":\"running\",\"role\":\"replica\",\"version\":\"3.0.2\"}");
    consul.put(c.key(DcsKey.FAILOVER), "{}");
    consul.put(c.key(DcsKey.STATUS), "{\"optime\":1234}");
    return c;
  }

  @Test
  void aFleetReadOfManyClustersIsOneRecursiveReadAndLookingAtEveryClusterSendsNoOther() {
    String namespace = "/fleet-one-read";
    int clusters = 30;
    for (int i = 0; i < clusters; i++) {
      ClusterRef c = ClusterRef.of(namespace, "c" + i);
      raw.put(c.key(DcsKey.INITIALIZE), Long.toString(7000000000000000100L + i));
      raw.put(c.key(DcsKey.LEADER), "a1");
      raw.put(c.memberKey("a1"), "{\"conn_url\":\"postgres://127.0.0.1:1/postgres\",\"api_url\":"
          + "\"http://127.0.0.1:2/patroni\",\"state\":\"running\",\"role\":\"master\",\"version\":\"3.0.2\"}");
      raw.put(c.key(DcsKey.STATUS), "{\"optime\":" + (1234 + i) + "}");
    }

    FleetSnapshot fleet = dcs.fleet(namespace);
    List<String> afterRead = readsOf(namespace);
    assertThat(fleet.clusters()).hasSize(clusters);
    for (int i = 0; i < clusters; i++) {
      ClusterSnapshot c = fleet.find("c" + i).orElseThrow();
      assertThat(c.problems()).isEmpty();
      assertThat(c.leaderName()).hasValue("a1");
      assertThat(c.systemIdentifier()).hasValue(Long.toString(7000000000000000100L + i));
      assertThat(c.revision()).isEqualTo(fleet.revision());
    }

    assertThat(afterRead).hasSize(1).allSatisfy(line -> assertThat(line).contains("recurse"));
    assertThat(readsOf(namespace)).isEqualTo(afterRead);
  }

  /** The GET requests the server logged for keys under {@code namespace}. */
  private static List<String> readsOf(String namespace) {
    return server.requestLog().stream().filter(l -> l.startsWith("GET /v1/kv" + namespace + "/")).toList();
  }

  @Test
  void snapshotReadsPatronisKeysInConsulsForm() {
    ClusterRef c = fakeCluster(raw, "snap", "7000000000000000001");
    ClusterSnapshot s = dcs.snapshot(c);
    assertThat(s.problems()).isEmpty();
    assertThat(s.leaderName()).contains("a1");
    assertThat(s.members()).extracting(m -> m.name()).containsExactly("a1", "a2");
    assertThat(s.systemIdentifier()).contains("7000000000000000001");
    assertThat(s.revision()).isPositive();
    assertThat(dcs.snapshot(ClusterRef.of("nothing-here")).isEmpty()).isTrue();
    assertThat(dcs.clusters("/service")).contains("snap").doesNotContain("nothing-here");
  }

  @Test
  void compareAndSetReportsTheVersionItWroteAndTheVersionItLostTo() {
    ClusterRef c = ClusterRef.of("cas");
    DynamicConfig first = DynamicConfig.of(Map.of("loop_wait", 10));
    CasResult created = dcs.setConfig(c, first, DcsClient.ABSENT);
    assertThat(created).isInstanceOf(CasResult.Written.class);
    long v1 = ((CasResult.Written) created).version();
    assertThat(requireNonNull(dcs.snapshot(c).config()).version()).isEqualTo(v1);

    assertThat(dcs.setConfig(c, first, DcsClient.ABSENT)).isEqualTo(new CasResult.Conflict(DcsClient.ABSENT, v1));
    CasResult second = dcs.setConfig(c, DynamicConfig.of(Map.of("loop_wait", 5)), v1);
    long v2 = ((CasResult.Written) second).version();
    assertThat(v2).isGreaterThan(v1);
    assertThat(dcs.setConfig(c, first, v1)).isEqualTo(new CasResult.Conflict(v1, v2));
    assertThat(requireNonNull(dcs.snapshot(c).config()).config().loopWait()).hasValue(5);
  }

  @Test
  void aMissingTokenIsAPermissionErrorNotAnEmptyCluster() {
    RawConsul root = new RawConsul(aclServer.uri(), ROOT_TOKEN);
    ClusterRef c = fakeCluster(root, "acl", "1");
    try (ConsulDcsClient anonymous = client(aclServer).build()) {
      assertThatThrownBy(() -> anonymous.snapshot(c)).isInstanceOf(DcsAuthenticationException.class)
          .hasMessageContaining("may not read");
      assertThatThrownBy(() -> anonymous.setConfig(c, DynamicConfig.of(Map.of("ttl", 20)), 1))
          .isInstanceOf(DcsAuthenticationException.class).hasMessageContaining("Permission denied");
    }
    try (ConsulDcsClient rooted = client(aclServer).token(ROOT_TOKEN).build()) {
      assertThat(requireNonNull(rooted.snapshot(c).config()).config().loopWait()).hasValue(10);
    }
  }

  @Test
  void aWrongTokenIsAPermissionErrorThatDoesNotShowTheToken() {
    String wrong = "not-the-token-4711";
    try (ConsulDcsClient client = client(aclServer).token(wrong).build()) {
      assertThatThrownBy(() -> client.snapshot(ClusterRef.of("acl")))
          .isInstanceOf(DcsAuthenticationException.class)
          .hasMessageContaining("ACL not found")
          .satisfies(e -> assertThat(((DcsException) e).delivery()).isEqualTo(Delivery.ANSWERED))
          .hasMessageNotContaining(wrong);
      assertThatThrownBy(() -> client.removeCluster(ClusterRef.of("acl"), Confirmation.forCluster("acl", "1")))
          .isInstanceOf(DcsAuthenticationException.class);
      assertThat(client.toString()).doesNotContain(wrong);
    }
    assertThat(aclServer.requestLog()).noneMatch(line -> line.contains(wrong));
  }

  @Test
  void aFrozenConsulTimesOutWithinTheDeadline() {
    try (ConsulDcsClient quick = client(server).requestTimeout(Duration.ofMillis(500)).build()) {
      server.freeze();
      long started = System.nanoTime();
      assertThatThrownBy(() -> quick.snapshot(ClusterRef.of("frozen"))).isInstanceOf(DcsTimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1500));
    }
  }

  @Test
  void aWriteWhoseAnswerIsLostIsReportedAsPossiblySentAndMayHaveLanded() {
    ClusterRef c = ClusterRef.of("lost");
    try (ConsulDcsClient quick = client(server).requestTimeout(Duration.ofMillis(400)).build()) {
      server.delayResponses(Duration.ofSeconds(1));
      assertThatThrownBy(() -> quick.setConfig(c, DynamicConfig.of(Map.of("ttl", 42)), DcsClient.ABSENT))
          .isInstanceOf(DcsTimeoutException.class)
          .satisfies(e -> assertThat(((DcsException) e).delivery()).isEqualTo(Delivery.POSSIBLY_SENT));
    }
    server.delayResponses(Duration.ZERO);
    assertThat(requireNonNull(dcs.snapshot(c).config()).config().values()).as("it did land").containsEntry("ttl", 42L);
  }

  @Test
  void readsRideOutALeaderElectionButWritesAreNotRetried() {
    ClusterRef c = fakeCluster(raw, "election", "1");
    server.failNextRequests(2);
    assertThat(dcs.snapshot(c).leaderName()).contains("a1");

    long version = requireNonNull(dcs.snapshot(c).config()).version();
    server.failNextRequests(1);
    assertThatThrownBy(() -> dcs.setConfig(c, DynamicConfig.of(Map.of("ttl", 99)), version))
        .isInstanceOf(DcsUnavailableException.class).hasMessageContaining("No cluster leader")
        .satisfies(e -> assertThat(((DcsException) e).delivery()).isEqualTo(Delivery.ANSWERED));
    assertThat(requireNonNull(dcs.snapshot(c).config()).version()).isEqualTo(version);
  }

  @Test
  void anUnreachableConsulIsUnavailableAndNothingWasSent() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (ConsulDcsClient nowhere = ConsulDcsClient.builder().endpoint(URI.create("http://127.0.0.1:" + port))
        .requestTimeout(Duration.ofMillis(500)).build()) {
      assertThatThrownBy(() -> nowhere.snapshot(ClusterRef.of("x"))).isInstanceOf(DcsUnavailableException.class)
          .satisfies(e -> assertThat(((DcsException) e).delivery()).isEqualTo(Delivery.NOT_SENT));
    }
  }

  @Test
  void removalChecksItsConfirmationInTheSameTransactionAsTheDelete() {
    ClusterRef c = fakeCluster(raw, "race", "7000000000000000009");
    AtomicBoolean raced = new AtomicBoolean();
    // Between the client's check of the initialize key and its delete, another cluster is bootstrapped there.
    OkHttpClient racing = new OkHttpClient.Builder().addInterceptor(chain -> {
      if (chain.request().url().encodedPath().equals("/v1/txn") && raced.compareAndSet(false, true)) {
        raw.put(c.key(DcsKey.INITIALIZE), "7999999999999999999");
      }
      return chain.proceed(chain.request());
    }).build();
    try (ConsulDcsClient client = client(server).okHttpBase(racing).build()) {
      assertThatThrownBy(() -> client.removeCluster(c, Confirmation.forCluster("race", "7000000000000000009")))
          .isInstanceOf(ConfirmationRefusedException.class);
    }
    assertThat(raced).isTrue();
    ClusterSnapshot after = dcs.snapshot(c);
    assertThat(after.members()).hasSize(2);
    assertThat(after.systemIdentifier()).contains("7999999999999999999");
    assertThat(dcs.removeCluster(c, Confirmation.forCluster("race", "7999999999999999999"))).isEqualTo(7);
    assertThat(dcs.snapshot(c).isEmpty()).isTrue();
  }

  @Test
  void aDerivedClientKeepsTheSettingsSharesThePoolAndTheLastCloseReleasesIt() {
    ConsulDcsClient original = client(aclServer).token(ROOT_TOKEN).build();
    ConsulDcsClient.Builder derivedBuilder = original.newBuilder().requestTimeout(Duration.ofSeconds(3));
    ConsulDcsClient derived = derivedBuilder.build();
    ConsulDcsClient wrongToken = original.newBuilder().token("not-the-root-token").build();
    ClusterRef c = fakeCluster(new RawConsul(aclServer.uri(), ROOT_TOKEN), "derived", "7000000000000000042");

    assertThat(derived.okHttp().connectionPool()).isSameAs(original.okHttp().connectionPool());
    assertThat(derived.okHttp().dispatcher()).isSameAs(original.okHttp().dispatcher());
    assertThat(derived.okHttp().connectionPool()).isNotSameAs(dcs.okHttp().connectionPool());
    // The token came along (the ACL server refuses reads without it); a derived client's own token is its own.
    assertThat(derived.snapshot(c).systemIdentifier()).contains("7000000000000000042");
    assertThatThrownBy(() -> wrongToken.snapshot(c)).isInstanceOf(DcsAuthenticationException.class);
    assertThat(original.snapshot(c).systemIdentifier()).contains("7000000000000000042");
    assertThat(List.of(derivedBuilder.toString(), derived.toString(), original.newBuilder().toString()))
        .allSatisfy(text -> assertThat(text).doesNotContain(ROOT_TOKEN));

    original.close();
    wrongToken.close();
    assertThatThrownBy(original::newBuilder).isInstanceOf(IllegalStateException.class);
    assertThat(derived.snapshot(c).systemIdentifier()).as("still served after the original closed")
        .contains("7000000000000000042");
    assertThat(derived.okHttp().dispatcher().executorService().isShutdown()).isFalse();

    derived.close();
    assertThat(derived.okHttp().dispatcher().executorService().isShutdown()).as("released by the last close").isTrue();
    assertThatThrownBy(derivedBuilder::build).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void removingAnInitializeKeyThatIsAbsentNeedsAnEmptyConfirmationAndRemovesNothing() {
    ClusterRef c = ClusterRef.of("noinit");
    raw.put(c.key(DcsKey.CONFIG), "{}");
    assertThat(dcs.removeInitialize(c, Confirmation.forCluster("noinit", ""))).isFalse();
    assertThatThrownBy(() -> dcs.removeInitialize(c, Confirmation.forCluster("noinit", "1")))
        .isInstanceOf(ConfirmationRefusedException.class);
    assertThat(dcs.removeCluster(c, Confirmation.forCluster("noinit", ""))).isEqualTo(1);
  }

  @Test
  void aWatchReportsAFailedQueryAndResynchronizesWhenConsulAnswersAgain() throws Exception {
    ClusterRef c = fakeCluster(raw, "watcherr", "1");
    BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
    DcsListener listener = new DcsListener() {
      @Override
      public void onEvent(DcsEvent event) {
        seen.add(event);
      }

      @Override
      public void onError(DcsException error) {
        seen.add(error);
      }
    };
    try (ConsulDcsClient quick = client(server).requestTimeout(Duration.ofMillis(300))
        .watchWait(Duration.ofMillis(500)).build();
        DcsWatch watch = quick.watch(c, listener)) {
      awaitBlockingQuery("/v1/kv/service/watcherr/?recurse&index=");
      server.freeze();
      assertThat(poll(seen)).as("the blocking query times out").isInstanceOf(DcsTimeoutException.class);
      server.thaw();
      assertThat(poll(seen)).isInstanceOf(DcsEvent.Resynchronized.class);
      raw.put(c.key(DcsKey.LEADER), "a2");
      assertThat(poll(seen)).isInstanceOfSatisfying(DcsEvent.LeaderChanged.class,
          e -> assertThat(e.current()).isEqualTo("a2"));
      assertThat(watch.current().leaderName()).contains("a2");
    }
  }

  @Test
  void aClosedWatchCallsItsListenerNoMore() throws Exception {
    ClusterRef c = fakeCluster(raw, "watchclose", "1");
    BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
    DcsWatch watch = dcs.watch(c, seen::add);
    raw.put(c.key(DcsKey.LEADER), "a2");
    assertThat(poll(seen)).isInstanceOf(DcsEvent.LeaderChanged.class);
    watch.close();
    raw.put(c.key(DcsKey.LEADER), "a1");
    assertThat(seen.poll(500, TimeUnit.MILLISECONDS)).isNull();
    watch.close();
  }

  @Test
  void serviceNamesAreMadeDnsSafeAsPatroniDoes() {
    assertThat(ConsulDcsClient.serviceName("Demo_Cluster.1 x")).isEqualTo("demo-cluster-1-x");
    assertThat(ConsulDcsClient.serviceName("bätman")).isEqualTo("bu0228tman");
    assertThat(ConsulDcsClient.serviceName("a".repeat(300))).hasSize(230);
  }

  @Test
  void registeredServicesAreReadWithTheirRolesAndDnsSkipsMembersWhoseCheckFails() throws Exception {
    HttpServer rest = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    rest.createContext("/", exchange -> {
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    rest.start();
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      deadPort = socket.getLocalPort();
    }
    try {
      register("pg1", 5431, "http://127.0.0.1:" + rest.getAddress().getPort() + "/master", "master", "primary");
      register("pg2", 5432, "http://127.0.0.1:" + rest.getAddress().getPort() + "/replica", "replica");
      // A member whose Patroni died while leader: still registered as master, its REST API gone.
      register("pg9", 5439, "http://127.0.0.1:" + deadPort + "/master", "master", "primary");
      ClusterRef c = ClusterRef.of("Svc.Demo");

      List<ConsulServiceInstance> registered = dcs.serviceInstances(c);
      assertThat(registered).extracting(ConsulServiceInstance::member).containsExactly("pg1", "pg2", "pg9");
      assertThat(registered.get(0).role().kind()).isEqualTo(Role.Kind.PRIMARY);
      assertThat(registered.get(1).role().kind()).isEqualTo(Role.Kind.REPLICA);

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (dcs.healthyInstances(c).size() != 2) {
        assertThat(System.nanoTime()).as("checks never settled").isLessThan(deadline);
        Thread.sleep(50);
      }
      assertThat(dcs.healthyInstances(c)).extracting(ConsulServiceInstance::member).containsExactly("pg1", "pg2");
      assertThat(dcs.primaryInstance(c)).hasValueSatisfying(p -> {
        assertThat(p.member()).isEqualTo("pg1");
        assertThat(p.port()).isEqualTo(5431);
      });
      assertThat(dcs.serviceInstances(ClusterRef.of("unregistered"))).isEmpty();
    } finally {
      rest.stop(0);
    }
  }

  private static void register(String member, int port, String check, String... tags) {
    raw.send("PUT", "/v1/agent/service/register", "{\"name\": \"svc-demo\", \"enabletagoverride\": true, "
        + "\"id\": \"Svc.Demo/" + member + "\", \"address\": \"127.0.0.1\", \"port\": " + port
        + ", \"tags\": [\"" + String.join("\", \"", tags) + "\"], \"check\": {\"http\": \"" + check
        + "\", \"interval\": \"1s\"}}");
  }

  private static void awaitBlockingQuery(String pathStart) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (server.requestLog().stream().noneMatch(line -> line.startsWith("GET " + pathStart))) {
      assertThat(System.nanoTime()).as("the watch's blocking query never arrived").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static Object poll(BlockingQueue<Object> queue) throws InterruptedException {
    Object next = queue.poll(10, TimeUnit.SECONDS);
    assertThat(next).as("nothing seen within 10 s").isNotNull();
    return next;
  }
}
