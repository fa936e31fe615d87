package dev.patroni4j.client.dcs;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.ConfirmationRefusedException;
import dev.patroni4j.client.PatroniJson;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.client.model.Timeline;
import dev.patroni4j.testkit.CommandResult;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.PatroniNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link DcsClient} must have, checked against a real Patroni cluster. A DCS module extends
 * this class (from patroni-client's test jar) and supplies the client, the testkit cluster it runs against and
 * raw access to its store:
 *
 * <pre>{@code
 * class EtcdDcsContractTest extends DcsContractTest {
 *   @RegisterExtension static final LocalPatroniClusterExtension CLUSTER = ...;
 *   protected DcsClient dcs() { ... }
 *   protected ClusterRef cluster() { return ClusterRef.of(CLUSTER.cluster().namespace(), CLUSTER.cluster().scope()); }
 *   protected LocalPatroniCluster patroniCluster() { return CLUSTER.cluster(); }
 *   protected void putRaw(String key, String value) { ... }
 *   protected void deleteRaw(String key) { ... }
 * }
 * }</pre>
 *
 * <p>Requirements on the cluster: at least two members that may become leader, {@code loop_wait} of a few
 * seconds, every member running. Tests may switch the leader over; the implementation restores whatever state its
 * other tests need (the testkit's extension does so before each test). Other clusters the tests need are written as
 * raw keys next to it, in the same namespace, under scopes that start with the cluster's scope and a dash.
 */
public abstract class DcsContractTest {

  private static final HttpClient REST = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** The client under test, connected to the store that holds {@link #cluster()}. */
  protected abstract DcsClient dcs();

  /** A running Patroni cluster in the store. */
  protected abstract ClusterRef cluster();

  /** The testkit cluster behind {@link #cluster()}: the kit runs {@code patronictl} and kills Patroni with it. */
  protected abstract LocalPatroniCluster patroniCluster();

  /** The body of a {@code GET} of {@code path} (e.g. {@code /cluster}) on the leader's REST API. */
  protected String restGet(String path) {
    URI url = patroniCluster().leader().restUrl().resolve(path);
    try {
      return REST.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new IllegalStateException("GET " + url + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Writes a raw value at {@code key}, given in etcd form ({@code /service/demo/leader}); an implementation whose
   * store has no leading {@code /} (Consul) drops it.
   */
  protected abstract void putRaw(String key, String value);

  /** Deletes the raw key {@code key} (etcd form, as in {@link #putRaw}). */
  protected abstract void deleteRaw(String key);

  /**
   * A key (etcd form) as the store spells it in {@link DcsEntry#key()}: unchanged for etcd; Consul drops the
   * leading {@code /}.
   */
  protected String storeKey(String key) {
    return key;
  }

  /** How long Patroni may take to act on a DCS change (default: 3 × loop_wait + 20 s, for a switchover). */
  protected Duration patroniReactionTime() {
    long loopWait = requireNonNull(dcs().snapshot(cluster()).config()).config().loopWait().orElse(10);
    return Duration.ofSeconds(3 * loopWait + 20);
  }

  private ClusterRef sibling(String suffix) {
    return ClusterRef.of(cluster().namespace(), cluster().scope() + "-" + suffix);
  }

  /** Raw keys for a cluster that looks like one Patroni wrote, for tests that must not disturb the real one. */
  protected void putFakeCluster(ClusterRef c, String systemIdentifier) {
    putRaw(c.key(DcsKey.INITIALIZE), systemIdentifier);
    putRaw(c.key(DcsKey.CONFIG), "{\"ttl\":30,\"loop_wait\":10}");
    putRaw(c.key(DcsKey.LEADER), "a1");
    putRaw(c.memberKey("a1"), "{\"conn_url\":\"postgres://127.0.0.1:1/postgres\",\"api_url\":"
        + "\"http://127.0.0.1:2/patroni\",\"state\":\"running\",\"role\":\"master\",\"version\":\"3.0.2\"}");
    putRaw(c.memberKey("a2"), "{\"conn_url\":\"postgres://127.0.0.1:3/postgres\",\"api_url\":"
        + "\"http://127.0.0.1:4/patroni\",\"state\":\"running\",\"role\":\"replica\",\"version\":\"3.0.2\"}");
    putRaw(c.key(DcsKey.FAILOVER), "{}");
    putRaw(c.key(DcsKey.STATUS), "{\"optime\":1234}");
  }

  @Test
  @DisplayName("the snapshot of a running cluster agrees with GET /cluster: members, roles, states, timelines, leader")
  void snapshotAgreesWithRestCluster() {
    eventually(Duration.ofSeconds(15), () -> {
      ClusterView fromDcs = dcs().snapshot(cluster()).toClusterView();
      ClusterView fromRest = PatroniJson.clusterView(restGet("/cluster"));
      assertThat(fromDcs.memberNames()).isEqualTo(fromRest.memberNames());
      assertThat(fromDcs.leader().name()).isEqualTo(fromRest.leader().name());
      for (Member rest : fromRest.members()) {
        Member dcs = fromDcs.member(rest.name());
        assertThat(dcs.role()).as("role of %s", rest.name()).isEqualTo(rest.role());
        assertThat(dcs.state()).as("state of %s", rest.name()).isEqualTo(rest.state());
        assertThat(dcs.timeline()).as("timeline of %s", rest.name()).isEqualTo(rest.timeline());
        assertThat(dcs.host()).isEqualTo(rest.host());
        assertThat(dcs.port()).isEqualTo(rest.port());
        assertThat(dcs.apiUrl()).isEqualTo(rest.apiUrl());
        assertThat(dcs.tags()).isEqualTo(rest.tags());
      }
    });
  }

  @Test
  @DisplayName("the snapshot of a running cluster has every key Patroni keeps, without problems")
  void snapshotOfARunningClusterReadsEveryKey() {
    ClusterSnapshot s = dcs().snapshot(cluster());

    assertThat(s.problems()).isEmpty();
    assertThat(s.cluster()).isEqualTo(cluster());
    assertThat(s.systemIdentifier()).hasValueSatisfying(id -> assertThat(id).containsOnlyDigits());
    assertThat(s.leader()).isNotNull();
    assertThat(requireNonNull(s.leader()).owner()).as("the leader key is bound to a lease or session").isNotNull();
    assertThat(s.leaderMember()).isPresent();
    assertThat(s.members()).hasSizeGreaterThanOrEqualTo(2).allSatisfy(m -> {
      assertThat(m.member().connUrl()).startsWith("postgres://");
      assertThat(m.member().apiUrl()).startsWith("http");
      assertThat(m.member().patroniVersion()).isNotNull();
      assertThat(m.owner()).isNotNull();
      assertThat(m.version()).isPositive().isLessThanOrEqualTo(s.revision());
    });
    assertThat(requireNonNull(s.config()).config().loopWait()).isPresent();
    assertThat(requireNonNull(s.status()).optime().value()).isPositive();
    assertThat(dcs().clusters(cluster().namespace())).contains(cluster().scope());
  }

  @Test
  @DisplayName("a config written with compare-and-set reaches Patroni; a stale version conflicts and changes nothing")
  void configCompareAndSetReachesPatroniAndAStaleVersionConflicts() {
    ClusterSnapshot before = dcs().snapshot(cluster());
    DynamicConfig original = requireNonNull(before.config()).config();
    long lag = original.maximumLagOnFailover().orElse(1048576) + 4096;
    long loopWait = original.loopWait().orElse(10);

    CasResult written = dcs().setConfig(cluster(), with(original, "maximum_lag_on_failover", lag),
        before.config().version());
    try {
      assertThat(written).isInstanceOf(CasResult.Written.class);
      long writtenAt = System.nanoTime();
      eventually(Duration.ofSeconds(loopWait + 1), () ->
          assertThat(PatroniJson.dynamicConfig(restGet("/config")).maximumLagOnFailover()).hasValue(lag));
      assertThat(Duration.ofNanos(System.nanoTime() - writtenAt)).isLessThanOrEqualTo(Duration.ofSeconds(loopWait + 1));

      CasResult stale = dcs().setConfig(cluster(), with(original, "maximum_lag_on_failover", lag + 1),
          before.config().version());

      long current = ((CasResult.Written) written).version();
      assertThat(stale).isEqualTo(new CasResult.Conflict(before.config().version(), current));
      assertThat(requireNonNull(dcs().snapshot(cluster()).config()).config().maximumLagOnFailover()).hasValue(lag);
      assertThat(dcs().setConfig(cluster(), original, DcsClient.ABSENT)).isInstanceOf(CasResult.Conflict.class);
    } finally {
      dcs().setConfig(cluster(), original, requireNonNull(dcs().snapshot(cluster()).config()).version());
    }
  }

  @Test
  @DisplayName("a switchover asked for in the failover key happens, and a watch reports the new leader by name")
  void watchSeesTheLeaderChangeOfASwitchoverRequestedThroughTheFailoverKey() throws InterruptedException {
    ClusterSnapshot before = dcs().snapshot(cluster());
    String leader = before.leaderName().orElseThrow();
    String candidate = before.members().stream()
        .map(DcsMember::member)
        .filter(m -> !m.name().equals(leader) && !m.tags().noFailover() && m.state().isRunning())
        .map(Member::name)
        .findFirst().orElseThrow(() -> new AssertionError("no switchover candidate in " + before.members()));
    BlockingQueue<DcsEvent> events = new LinkedBlockingQueue<>();
    try (DcsWatch watch = dcs().watch(before, events::add)) {
      long version = before.failover() == null ? DcsClient.ABSENT : before.failover().version();

      assertThat(dcs().setFailover(cluster(), FailoverRequest.switchover(leader, candidate), version))
          .isInstanceOf(CasResult.Written.class);

      DcsEvent.FailoverSet set = awaitEvent(events, DcsEvent.FailoverSet.class, e -> true, Duration.ofSeconds(10));
      assertThat(set.failover().candidate()).isEqualTo(candidate);
      DcsEvent.LeaderChanged changed = awaitEvent(events, DcsEvent.LeaderChanged.class,
          e -> !leader.equals(e.current()), patroniReactionTime());
      assertThat(changed.current()).isEqualTo(candidate);
      awaitEvent(events, DcsEvent.FailoverCleared.class, e -> true, patroniReactionTime());
      assertThat(watch.current().leaderName()).contains(candidate);
    }
  }

  @Test
  @DisplayName("a watch from an older snapshot first delivers every change made since")
  void watchFromAnOlderSnapshotDeliversTheChangesMadeSince() throws InterruptedException {
    ClusterRef c = sibling("watch");
    putFakeCluster(c, "100");
    try {
      ClusterSnapshot since = dcs().snapshot(c);
      deleteRaw(c.key(DcsKey.LEADER));
      putRaw(c.memberKey("a3"), "{\"state\":\"running\",\"role\":\"replica\"}");
      putRaw(c.key(DcsKey.FAILOVER), "{\"leader\":\"a1\",\"member\":\"a2\"}");

      BlockingQueue<DcsEvent> events = new LinkedBlockingQueue<>();
      try (DcsWatch watch = dcs().watch(since, events::add)) {
        awaitEvent(events, DcsEvent.LeaderLost.class, e -> e.previous().equals("a1"), Duration.ofSeconds(10));
        awaitEvent(events, DcsEvent.MemberAdded.class, e -> e.member().name().equals("a3"), Duration.ofSeconds(10));
        awaitEvent(events, DcsEvent.FailoverSet.class, e -> "a2".equals(e.failover().candidate()),
            Duration.ofSeconds(10));

        putRaw(c.key(DcsKey.LEADER), "a2");
        awaitEvent(events, DcsEvent.LeaderChanged.class, e -> e.current().equals("a2"), Duration.ofSeconds(10));
        deleteRaw(c.memberKey("a1"));
        awaitEvent(events, DcsEvent.MemberRemoved.class, e -> e.previous().name().equals("a1"),
            Duration.ofSeconds(10));
        assertThat(watch.current().leaderName()).contains("a2");
      }
    } finally {
      dcs().removeCluster(c, Confirmation.forCluster(c.scope(), "100"));
    }
  }

  @Test
  @DisplayName("values that do not parse and unknown keys are reported with their key; the rest is read")
  void garbageValuesAreReportedAndTheRestOfTheSnapshotIsRead() {
    String garbageMember = cluster().memberKey("zz-garbage");
    String unknown = cluster().keyPrefix() + "zz-unknown";
    List<String> realMembers = dcs().snapshot(cluster()).members().stream().map(DcsMember::name).toList();
    putRaw(garbageMember, "{this is not json");
    putRaw(unknown, "whatever");
    try {
      ClusterSnapshot s = dcs().snapshot(cluster());

      assertThat(s.problems()).anySatisfy(p -> {
        assertThat(p.key()).isEqualTo(storeKey(garbageMember));
        assertThat(p.kind()).isEqualTo(DcsProblem.Kind.UNPARSABLE);
      });
      assertThat(s.problems()).anySatisfy(p -> {
        assertThat(p.key()).isEqualTo(storeKey(unknown));
        assertThat(p.kind()).isEqualTo(DcsProblem.Kind.UNKNOWN_KEY);
      });
      assertThat(s.members()).extracting(DcsMember::name).containsAll(realMembers).doesNotContain("zz-garbage");
      assertThat(s.leaderMember()).isPresent();
      assertThat(s.config()).isNotNull();
      assertThat(s.systemIdentifier()).isPresent();
    } finally {
      deleteRaw(garbageMember);
      deleteRaw(unknown);
    }
  }

  @Test
  @DisplayName("a lease is exclusive until released, names its holder, is taken over by the same holder")
  void leaseIsExclusiveUntilReleasedAndNamesItsHolder() {
    String name = "contract-" + System.nanoTime();
    DcsLease first = dcs().acquireLease(cluster(), name, "run-a", Duration.ofSeconds(30)).orElseThrow();
    try {
      assertThat(first.holder()).isEqualTo("run-a");
      assertThat(first.expiresAfter()).isEqualTo(Duration.ofSeconds(30));
      assertThat(dcs().leaseHolder(cluster(), name)).contains("run-a");
      assertThat(dcs().snapshot(cluster()).problems()).as("a lease key is not garbage")
          .noneSatisfy(p -> assertThat(p.key()).contains(ClusterRef.LEASE_DIRECTORY));

      assertThat(dcs().acquireLease(cluster(), name, "run-b", Duration.ofSeconds(30))).isEmpty();
      assertThat(dcs().leaseHolder(cluster(), name)).contains("run-a");
      first.renew();
    } finally {
      first.release();
    }
    assertThat(dcs().leaseHolder(cluster(), name)).as("released at once, not after the TTL").isEmpty();
    first.release(); // releasing again does nothing
    assertThatThrownBy(first::renew).isInstanceOf(DcsLeaseLostException.class);

    DcsLease second = dcs().acquireLease(cluster(), name, "run-b", Duration.ofSeconds(30)).orElseThrow();
    try (DcsLease resumed = dcs().acquireLease(cluster(), name, "run-b", Duration.ofSeconds(30)).orElseThrow()) {
      assertThat(dcs().leaseHolder(cluster(), name)).contains("run-b");
      assertThatThrownBy(second::renew).as("the resumed run took the lease over")
          .isInstanceOf(DcsLeaseLostException.class);
      resumed.renew();
    } finally {
      second.release();
    }
    assertThat(dcs().leaseHolder(cluster(), name)).isEmpty();
  }

  @Test
  @DisplayName("a lease that is not renewed expires after its TTL and can be taken by another holder")
  void unrenewedLeaseExpiresAfterItsTtl() {
    String name = "contract-" + System.nanoTime();
    DcsLease crashed = dcs().acquireLease(cluster(), name, "crashed-run", Duration.ofSeconds(2)).orElseThrow();
    assertThat(crashed.expiresAfter()).isEqualTo(Duration.ofSeconds(2));
    assertThat(dcs().acquireLease(cluster(), name, "next-run", Duration.ofSeconds(10))).isEmpty();

    eventually(Duration.ofSeconds(15), () -> assertThat(dcs().leaseHolder(cluster(), name)).isEmpty());

    try (DcsLease next = dcs().acquireLease(cluster(), name, "next-run", Duration.ofSeconds(10)).orElseThrow()) {
      assertThat(dcs().leaseHolder(cluster(), name)).contains("next-run");
      assertThatThrownBy(crashed::renew).isInstanceOf(DcsLeaseLostException.class);
    }
  }

  @Test
  @DisplayName("removing a cluster removes exactly its keys, and only with a confirmation naming scope and sysid")
  void removeClusterRemovesExactlyItsKeysAndOnlyWhenConfirmed() {
    ClusterRef victim = sibling("rm");
    ClusterRef lookalike = sibling("rm2");
    putFakeCluster(victim, "7000000000000000001");
    putFakeCluster(lookalike, "7000000000000000001");
    try {
      ClusterSnapshot victimBefore = dcs().snapshot(victim);
      ClusterSnapshot lookalikeBefore = dcs().snapshot(lookalike);
      ClusterSnapshot realBefore = dcs().snapshot(cluster());

      assertThatThrownBy(() -> dcs().removeCluster(victim, Confirmation.of(lookalikeBefore)))
          .isInstanceOfSatisfying(ConfirmationRefusedException.class, e -> {
            assertThat(e.action()).isEqualTo("removeCluster");
            assertThat(e.given()).isEqualTo(Confirmation.of(lookalikeBefore));
          });
      assertThatThrownBy(() -> dcs().removeCluster(victim, Confirmation.forCluster(victim.scope(), "123")))
          .isInstanceOf(ConfirmationRefusedException.class);
      assertThatThrownBy(() -> dcs().removeCluster(victim, Confirmation.forCluster(victim.scope(), "")))
          .isInstanceOf(ConfirmationRefusedException.class);
      assertThat(sameKeys(dcs().snapshot(victim), victimBefore)).isTrue();

      long removed = dcs().removeCluster(victim, Confirmation.forCluster(victim.scope(), "7000000000000000001"));

      assertThat(removed).isEqualTo(7);
      assertThat(dcs().snapshot(victim).isEmpty()).isTrue();
      assertThat(sameKeys(dcs().snapshot(lookalike), lookalikeBefore)).isTrue();
      ClusterSnapshot realAfter = dcs().snapshot(cluster());
      assertThat(realAfter.initialize()).isEqualTo(realBefore.initialize());
      assertThat(realAfter.config()).isEqualTo(realBefore.config());
      assertThat(realAfter.leaderName()).isPresent();
      assertThat(dcs().clusters(cluster().namespace())).contains(cluster().scope(), lookalike.scope())
          .doesNotContain(victim.scope());
    } finally {
      dcs().removeCluster(lookalike, Confirmation.forCluster(lookalike.scope(), "7000000000000000001"));
    }
  }

  @Test
  @DisplayName("a fleet read has every cluster of the namespace at one revision, each as its own snapshot reads it")
  void fleetReadsEveryClusterOfTheNamespaceAtOneRevision() {
    ClusterRef first = sibling("fleet1");
    ClusterRef second = sibling("fleet2");
    ClusterRef elsewhere = ClusterRef.of(cluster().namespace() + "-other", first.scope());
    putFakeCluster(first, "7000000000000000011");
    putFakeCluster(second, "7000000000000000012");
    putFakeCluster(elsewhere, "7000000000000000013");
    try {
      FleetSnapshot fleet = dcs().fleet(cluster().namespace());

      assertThat(fleet.namespace()).isEqualTo(cluster().namespace());
      assertThat(fleet.clusters()).containsKeys(cluster().scope(), first.scope(), second.scope());
      assertThat(fleet.clusters().keySet()).isSubsetOf(dcs().clusters(cluster().namespace()));
      for (ClusterRef fake : List.of(first, second)) {
        ClusterSnapshot inFleet = fleet.find(fake.scope()).orElseThrow();
        assertThat(inFleet.cluster()).isEqualTo(fake);
        assertThat(inFleet.revision()).isEqualTo(fleet.revision());
        assertThat(sameKeys(inFleet, dcs().snapshot(fake))).isTrue();
        assertThat(inFleet.problems()).isEmpty();
        assertThat(inFleet.leaderName()).hasValue("a1");
      }
      assertThat(fleet.find(first.scope()).orElseThrow().systemIdentifier())
          .as("not the cluster of that name in another namespace").hasValue("7000000000000000011");
      assertThat(fleet.find(second.scope()).orElseThrow().systemIdentifier()).hasValue("7000000000000000012");
      ClusterSnapshot real = fleet.find(cluster().scope()).orElseThrow();
      assertThat(real.leaderName()).isPresent();
      assertThat(real.members()).hasSizeGreaterThanOrEqualTo(2);
      assertThat(fleet.clusters().values()).allSatisfy(c -> assertThat(c.revision()).isEqualTo(fleet.revision()));
      assertThat(dcs().fleet(cluster().namespace() + "-nothing-here").clusters()).isEmpty();
    } finally {
      dcs().removeCluster(first, Confirmation.forCluster(first.scope(), "7000000000000000011"));
      dcs().removeCluster(second, Confirmation.forCluster(second.scope(), "7000000000000000012"));
      dcs().removeCluster(elsewhere, Confirmation.forCluster(elsewhere.scope(), "7000000000000000013"));
    }
  }

  /** A change a fleet watch reported, with its cluster. */
  private record FleetEvent(ClusterRef cluster, DcsEvent event) {}

  @Test
  @DisplayName("a fleet watch follows every cluster of the namespace in one stream: replayed, changed, new, removed")
  void fleetWatchFollowsEveryClusterOfTheNamespace() {
    ClusterRef first = sibling("fw1");
    ClusterRef second = sibling("fw2");
    ClusterRef third = sibling("fw3");
    ClusterRef elsewhere = ClusterRef.of(cluster().namespace() + "-other", "fw");
    putFakeCluster(first, "7000000000000000021");
    try {
      FleetSnapshot since = dcs().fleet(cluster().namespace());
      assertThat(since.find(first.scope())).isPresent();
      putFakeCluster(second, "7000000000000000022");

      List<FleetEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
      List<FleetSnapshot> snapshots = new java.util.concurrent.CopyOnWriteArrayList<>();
      try (FleetWatch watch = dcs().watchFleet(since, new FleetListener() {
        @Override
        public void onEvent(ClusterRef cluster, DcsEvent event) {
          events.add(new FleetEvent(cluster, event));
        }

        @Override
        public void onSnapshot(FleetSnapshot fleet) {
          snapshots.add(fleet);
        }
      })) {
        // Made between the fleet read and the watch: replayed as a cluster that appears.
        awaitFleetEvent(events, second, DcsEvent.MemberAdded.class, e -> e.member().name().equals("a2"));
        awaitFleetEvent(events, second, DcsEvent.LeaderChanged.class, e -> e.current().equals("a1"));

        putRaw(first.key(DcsKey.LEADER), "a2");
        awaitFleetEvent(events, first, DcsEvent.LeaderChanged.class, e -> e.current().equals("a2"));
        putRaw(elsewhere.key(DcsKey.LEADER), "a9");
        putFakeCluster(third, "7000000000000000023");
        awaitFleetEvent(events, third, DcsEvent.MemberAdded.class, e -> e.member().name().equals("a1"));
        dcs().removeCluster(second, Confirmation.forCluster(second.scope(), "7000000000000000022"));
        awaitFleetEvent(events, second, DcsEvent.LeaderLost.class, e -> e.previous().equals("a1"));

        eventually(Duration.ofSeconds(10), () -> {
          FleetSnapshot now = watch.current();
          assertThat(now.namespace()).isEqualTo(cluster().namespace());
          assertThat(now.clusters()).containsKeys(cluster().scope(), first.scope(), third.scope())
              .doesNotContainKey(second.scope());
          assertThat(now.find(first.scope()).orElseThrow().leaderName()).hasValue("a2");
          assertThat(now.clusters().values()).allSatisfy(c -> assertThat(c.revision()).isEqualTo(now.revision()));
          assertThat(sameKeys(now.find(third.scope()).orElseThrow(), dcs().snapshot(third))).isTrue();
        });
        assertThat(snapshots).isNotEmpty();
        assertThat(events).noneMatch(e -> e.cluster().namespace().equals(elsewhere.namespace()));
      }
    } finally {
      removeIfPresent(first, "7000000000000000021");
      removeIfPresent(second, "7000000000000000022");
      removeIfPresent(third, "7000000000000000023");
      removeIfPresent(elsewhere, "");
    }
  }

  /** Waits until {@code seen} holds an event of {@code cluster} of {@code type} that matches, in any order. */
  private static <E extends DcsEvent> void awaitFleetEvent(List<FleetEvent> seen, ClusterRef cluster,
      Class<E> type, Predicate<E> matches) {
    eventually(Duration.ofSeconds(15), () -> assertThat(List.copyOf(seen))
        .as("an event %s of %s", type.getSimpleName(), cluster)
        .anyMatch(e -> e.cluster().equals(cluster) && type.isInstance(e.event()) && matches.test(type.cast(e.event()))));
  }

  /** Removes a cluster the test made, if it still has keys. */
  private void removeIfPresent(ClusterRef c, String systemIdentifier) {
    ClusterSnapshot s = dcs().snapshot(c);
    if (s.initialize() != null || s.leader() != null || !s.members().isEmpty()) {
      dcs().removeCluster(c, Confirmation.forCluster(c.scope(), s.initialize() == null ? "" : systemIdentifier));
    }
  }

  @Test
  @DisplayName("removing the initialize key needs the same confirmation and leaves every other key")
  void removeInitializeRemovesOnlyThatKeyAndOnlyWhenConfirmed() {
    ClusterRef c = sibling("init");
    putFakeCluster(c, "7000000000000000002");
    try {
      assertThatThrownBy(() -> dcs().removeInitialize(c, Confirmation.forCluster(c.scope(), "7000000000000000003")))
          .isInstanceOf(ConfirmationRefusedException.class);
      assertThat(dcs().snapshot(c).systemIdentifier()).contains("7000000000000000002");
      ClusterSnapshot before = dcs().snapshot(c);

      assertThat(dcs().removeInitialize(c, Confirmation.forCluster(c.scope(), "7000000000000000002"))).isTrue();

      ClusterSnapshot after = dcs().snapshot(c);
      assertThat(after.initialize()).isNull();
      assertThat(after.members()).isEqualTo(before.members());
      assertThat(after.config()).isEqualTo(before.config());
      assertThat(after.leader()).isEqualTo(before.leader());
    } finally {
      dcs().removeCluster(c, Confirmation.forCluster(c.scope(), ""));
    }
  }

  @Test
  @DisplayName("the snapshot agrees with patronictl list: members, roles, states, timelines")
  void snapshotAgreesWithPatronictlList() {
    eventually(Duration.ofSeconds(15), () -> {
      CommandResult list = patroniCluster().patronictl("list", "-f", "json");
      assertThat(list.succeeded()).as(list.stderr()).isTrue();
      ClusterView view = dcs().snapshot(cluster()).toClusterView();
      JsonNode rows = readJson(list.stdout());
      assertThat(rows).hasSize(view.members().size());
      for (JsonNode row : rows) {
        Member member = view.member(row.get("Member").asText());
        String role = row.get("Role").asText().toLowerCase(Locale.ROOT).replace(' ', '_');
        assertThat(member.role().kind()).as("role of %s", member.name()).isEqualTo(Role.of(role).kind());
        assertThat(member.state().raw()).isEqualTo(row.get("State").asText());
        assertThat(member.timeline()).isEqualTo(Timeline.of(row.get("TL").asLong()));
        assertThat(row.get("Cluster").asText()).isEqualTo(cluster().scope());
      }
    });
  }

  @Test
  @DisplayName("a watch sees a SIGKILLed leader lose the lock (lease or session expiry) and names the new leader")
  void watchSeesASigkilledLeaderLoseTheLockAndNamesTheNewLeader() throws InterruptedException {
    LocalPatroniCluster cluster = patroniCluster();
    PatroniNode old = cluster.leader();
    BlockingQueue<DcsEvent> events = new LinkedBlockingQueue<>();
    try (DcsWatch watch = dcs().watch(cluster(), events::add)) {
      cluster.killPatroni(old);

      awaitEvent(events, DcsEvent.LeaderLost.class, e -> e.previous().equals(old.name()), Duration.ofSeconds(25));
      DcsEvent.LeaderChanged changed = awaitEvent(events, DcsEvent.LeaderChanged.class,
          e -> !e.current().equals(old.name()), Duration.ofSeconds(25));

      PatroniNode newLeader = cluster.awaitLeader(name -> !name.equals(old.name()), Duration.ofSeconds(10));
      assertThat(changed.current()).isEqualTo(newLeader.name());
      assertThat(watch.current().leaderName()).contains(newLeader.name());
      assertThat(watch.current().findMember(old.name())).as("its member key went with the lock").isEmpty();
    } finally {
      cluster.startPatroni(old);
    }
  }

  private static JsonNode readJson(String text) {
    try {
      return new ObjectMapper().readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + text, e);
    }
  }

  /** True if both snapshots hold the same keys with the same values and versions (revisions aside). */
  protected static boolean sameKeys(ClusterSnapshot a, ClusterSnapshot b) {
    return a.cluster().equals(b.cluster()) && java.util.Objects.equals(a.leader(), b.leader())
        && a.members().equals(b.members()) && java.util.Objects.equals(a.config(), b.config())
        && java.util.Objects.equals(a.initialize(), b.initialize())
        && java.util.Objects.equals(a.failover(), b.failover()) && java.util.Objects.equals(a.sync(), b.sync())
        && java.util.Objects.equals(a.history(), b.history()) && java.util.Objects.equals(a.status(), b.status())
        && java.util.Objects.equals(a.failsafe(), b.failsafe()) && a.problems().equals(b.problems());
  }

  protected static DynamicConfig with(DynamicConfig config, String key, Object value) {
    Map<String, Object> values = new LinkedHashMap<>(config.values());
    values.put(key, value);
    return DynamicConfig.of(values);
  }

  /** The first event of {@code type} that matches, skipping others, within {@code timeout}. */
  protected static <E extends DcsEvent> E awaitEvent(BlockingQueue<DcsEvent> events, Class<E> type,
      Predicate<E> matches, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<DcsEvent> skipped = new java.util.ArrayList<>();
    while (true) {
      DcsEvent event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (event == null) {
        throw new AssertionError("no " + type.getSimpleName() + " within " + timeout + "; saw " + skipped);
      }
      if (type.isInstance(event) && matches.test(type.cast(event))) {
        return type.cast(event);
      }
      skipped.add(event);
    }
  }

  /** Runs {@code check} until it passes or {@code timeout} is over (then its last failure is thrown). */
  protected static void eventually(Duration timeout, Runnable check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        check.run();
        return;
      } catch (AssertionError | RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }
}
