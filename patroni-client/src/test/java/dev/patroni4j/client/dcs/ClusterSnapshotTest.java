package dev.patroni4j.client.dcs;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.model.Lag;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Reading Patroni's values into a snapshot, without a store: the parsing every DCS implementation shares. */
class ClusterSnapshotTest {

  private static final ClusterRef DEMO = ClusterRef.of("demo");

  private static DcsEntry entry(String relative, String value, long version) {
    return new DcsEntry(DEMO.keyPrefix() + relative, value, version, null);
  }

  private static List<DcsEntry> healthy() {
    return List.of(
        entry("leader", "n2", 10),
        entry("members/n1", "{\"conn_url\":\"postgres://127.0.0.1:5431/postgres\",\"api_url\":"
            + "\"http://127.0.0.1:8001/patroni\",\"state\":\"running\",\"role\":\"replica\",\"version\":\"3.0.2\","
            + "\"xlog_location\":67100000,\"timeline\":2}", 11),
        entry("members/n2", "{\"conn_url\":\"postgres://127.0.0.1:5432/postgres\",\"api_url\":"
            + "\"http://127.0.0.1:8002/patroni\",\"state\":\"running\",\"role\":\"master\",\"version\":\"3.0.2\","
            + "\"xlog_location\":67109536,\"timeline\":2}", 12),
        entry("status", "{\"optime\":67109536}", 13),
        entry("config", "{\"ttl\":10,\"loop_wait\":2}", 3),
        entry("initialize", "7710832286115904311", 2));
  }

  @Test
  void namespacesAreNormalisedLikePatroni() {
    assertThat(ClusterRef.of("service//", "demo").keyPrefix()).isEqualTo("/service/demo/");
    assertThat(ClusterRef.of("", "demo").keyPrefix()).isEqualTo("/demo/");
    assertThatThrownBy(() -> ClusterRef.of("a/b")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void leaseKeysAreSkippedNotReportedAndLeaseNamesAreChecked() {
    assertThat(DEMO.leaseKey("runbook")).isEqualTo("/service/demo/patroni4j-lease/runbook");
    assertThatThrownBy(() -> DEMO.leaseKey("a/b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DEMO.leaseKey(" ")).isInstanceOf(IllegalArgumentException.class);
    List<DcsEntry> entries = new ArrayList<>(healthy());
    entries.add(new DcsEntry(DEMO.leaseKey("runbook"), "run-1", 50, "7587"));
    entries.add(new DcsEntry("service/demo/patroni4j-lease/other", "run-2", 51, "session-1"));
    entries.add(entry("patroni4j-leases", "not a lease directory", 52));

    ClusterSnapshot s = ClusterSnapshot.fromEntries(DEMO, 52, entries);

    assertThat(s.problems()).extracting(DcsProblem::key).containsExactly("/service/demo/patroni4j-leases");
    assertThat(s.leaderName()).contains("n2");
  }

  @Test
  void consulKeysWithoutTheLeadingSlashAreReadToo() {
    ClusterSnapshot s = ClusterSnapshot.fromEntries(DEMO, 5,
        List.of(new DcsEntry("service/demo/leader", "n1", 5, "session-1")));
    assertThat(s.leader()).isEqualTo(new DcsLeader("n1", 5, "session-1"));
    assertThat(s.problems()).isEmpty();
  }

  @Test
  void clusterViewHasLeaderRoleAndReplicaLagLikeGetCluster() {
    ClusterSnapshot s = ClusterSnapshot.fromEntries(DEMO, 20, healthy());
    var view = s.toClusterView();
    assertThat(view.leader().name()).isEqualTo("n2");
    assertThat(view.member("n1").role().is(Role.Kind.REPLICA)).isTrue();
    assertThat(view.member("n1").lag()).isEqualTo(Lag.ofBytes(67109536 - 67100000));
    assertThat(view.member("n2").lag()).isEqualTo(Lag.absent());
    assertThat(view.scope()).isEqualTo("demo");
  }

  @Test
  void clusterViewNamesSyncAndQuorumStandbysAndAStandbyLeader() {
    List<DcsEntry> sync = new ArrayList<>(healthy());
    sync.add(entry("sync", "{\"leader\":\"n2\",\"sync_standby\":\"n1\"}", 40));
    assertThat(ClusterSnapshot.fromEntries(DEMO, 40, sync).toClusterView().member("n1").role().kind())
        .isEqualTo(Role.Kind.SYNC_STANDBY);

    List<DcsEntry> quorum = new ArrayList<>(sync);
    quorum.removeIf(e -> e.key().endsWith("/config"));
    quorum.add(entry("config", "{\"synchronous_mode\":\"quorum\"}", 41));
    assertThat(ClusterSnapshot.fromEntries(DEMO, 41, quorum).toClusterView().member("n1").role().kind())
        .isEqualTo(Role.Kind.QUORUM_STANDBY);

    List<DcsEntry> standby = new ArrayList<>(healthy());
    standby.removeIf(e -> e.key().endsWith("/config"));
    standby.add(entry("config", "{\"standby_cluster\":{\"host\":\"10.0.0.9\",\"port\":5432}}", 42));
    assertThat(ClusterSnapshot.fromEntries(DEMO, 42, standby).toClusterView().leader().role().kind())
        .isEqualTo(Role.Kind.STANDBY_LEADER);

    // What a demoted-then-promoted cluster often keeps: the section, emptied. Patroni treats it as a primary.
    standby.removeIf(e -> e.key().endsWith("/config"));
    standby.add(entry("config", "{\"standby_cluster\":{\"host\":\"\",\"port\":\"\",\"primary_slot_name\":\"b\"}}", 43));
    assertThat(ClusterSnapshot.fromEntries(DEMO, 43, standby).toClusterView().leader().role().kind())
        .isEqualTo(Role.Kind.PRIMARY);
  }

  @Test
  void aMemberThatIsNotJsonIsReportedAndTheOthersAreKept() {
    List<DcsEntry> entries = new ArrayList<>(healthy());
    entries.add(entry("members/bad", "{\"role\":", 14));
    entries.add(entry("members/wrong-type", "{\"role\":\"replica\",\"state\":\"running\",\"timeline\":\"two\"}", 15));
    ClusterSnapshot s = ClusterSnapshot.fromEntries(DEMO, 20, entries);
    assertThat(s.members()).extracting(DcsMember::name).containsExactly("n1", "n2");
    assertThat(s.problems()).extracting(DcsProblem::key)
        .containsExactlyInAnyOrder("/service/demo/members/bad", "/service/demo/members/wrong-type");
    assertThat(s.problems()).allSatisfy(p -> assertThat(p.detail()).isNotBlank());
  }

  @Test
  void legacyFailoverTextAndPlainOptimeAreRead() {
    ClusterSnapshot s = ClusterSnapshot.fromEntries(DEMO, 20, List.of(
        entry("failover", "n1:n2", 4), entry("optime/leader", "4496294792", 5)));
    assertThat(requireNonNull(s.failover()).leader()).isEqualTo("n1");
    assertThat(s.failover().candidate()).isEqualTo("n2");
    assertThat(s.status()).isEqualTo(new DcsStatus(Lsn.of(4496294792L), java.util.Map.of(), List.of(), 5, true));
  }

  @Test
  void statusWinsOverTheLegacyOptime() {
    ClusterSnapshot s = ClusterSnapshot.fromEntries(DEMO, 20, List.of(
        entry("optime/leader", "1", 5), entry("status", "{\"optime\":2,\"retain_slots\":[\"n1\"]}", 6)));
    assertThat(requireNonNull(s.status()).optime()).isEqualTo(Lsn.of(2));
    assertThat(s.status().retainSlots()).containsExactly("n1");
  }

  @Test
  void syncStateReadsCommaSeparatedStandbysAndQuorum() {
    ClusterSnapshot s = ClusterSnapshot.fromEntries(DEMO, 20, List.of(
        entry("sync", "{\"leader\":\"n1\",\"quorum\":1,\"sync_standby\":\"n2, n3\"}", 7)));
    assertThat(s.sync()).isEqualTo(new DcsSync("n1", List.of("n2", "n3"), 1, 7));
  }

  @Test
  void changesSinceReportsLeaderLossAndMembersAndConfig() {
    ClusterSnapshot before = ClusterSnapshot.fromEntries(DEMO, 20, healthy());
    List<DcsEntry> later = new ArrayList<>(healthy());
    later.removeIf(e -> e.key().endsWith("/leader") || e.key().endsWith("/config") || e.key().endsWith("/n1"));
    later.add(entry("config", "{\"ttl\":10,\"loop_wait\":3}", 30));
    later.add(entry("members/n3", "{\"role\":\"replica\",\"state\":\"running\"}", 31));
    ClusterSnapshot after = ClusterSnapshot.fromEntries(DEMO, 31, later);

    List<DcsEvent> events = after.changesSince(before);

    assertThat(events).hasSize(4);
    assertThat(events.get(0)).isEqualTo(new DcsEvent.LeaderLost(31, "n2"));
    assertThat(events.get(1)).isInstanceOfSatisfying(DcsEvent.MemberAdded.class,
        e -> assertThat(e.member().name()).isEqualTo("n3"));
    assertThat(events.get(2)).isInstanceOfSatisfying(DcsEvent.MemberRemoved.class,
        e -> assertThat(e.previous().name()).isEqualTo("n1"));
    assertThat(events.get(3)).isInstanceOf(DcsEvent.ConfigChanged.class);
    assertThat(before.changesSince(before)).isEmpty();
  }

  /** Random bytes, truncated JSON and wrong types under every key: parsing reports, never throws. */
  @Test
  void arbitraryValuesNeverBreakTheSnapshot() {
    Random random = new Random(42);
    String[] keys = {"leader", "members/x", "config", "initialize", "failover", "sync", "history", "status",
        "optime/leader", "failsafe", "other/thing"};
    List<String> samples = new ArrayList<>(List.of("", "null", "[]", "{}", "1", "-5", "\"s\"", "[[1]]",
        "[[\"a\",\"b\",\"c\"]]", "{\"optime\":\"x\"}", "{\"slots\":{\"a\":-1}}", "{\"sync_standby\":5}",
        "{\"role\":[],\"state\":{}}", "postgres://[bad", "{\"scheduled_at\":\"yesterday\"}", "9".repeat(40)));
    for (DcsEntry e : healthy()) {
      String v = e.value();
      for (int cut = 0; cut < v.length(); cut += 7) {
        samples.add(v.substring(0, cut));
      }
    }
    for (int i = 0; i < 300; i++) {
      byte[] bytes = new byte[random.nextInt(40)];
      random.nextBytes(bytes);
      samples.add(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1));
    }
    for (String key : keys) {
      for (String sample : samples) {
        assertThatCode(() -> ClusterSnapshot.fromEntries(DEMO, 1, List.of(entry(key, sample, 1))).toClusterView())
            .as("%s = %s", key, sample).doesNotThrowAnyException();
      }
    }
  }
}
