package dev.patroni4j.runbooks.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.client.model.Lag;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberState;
import dev.patroni4j.client.model.Role;
import dev.patroni4j.client.model.Timeline;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.catalogue.GuardrailChecks.Observed;
import dev.patroni4j.runbooks.catalogue.GuardrailChecks.Scope;
import dev.patroni4j.runbooks.catalogue.GuardrailChecks.Transactions;
import dev.patroni4j.runbooks.catalogue.GuardrailVerdict.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The guardrails' verdict logic on fixtures: every check passes, refuses or says it was not made. */
class GuardrailVerdictTest {
  private static final long MIB = 1L << 20;

  private static Member member(String name, String role, String state, Lag lag) {
    return Member.builder(name, Role.of(role), MemberState.of(state)).timeline(Timeline.of(3)).lag(lag).build();
  }

  private static final Member LEADER = member("pg1", "leader", "running", Lag.absent());

  private static ClusterView view(Member... replicas) {
    List<Member> all = new java.util.ArrayList<>(List.of(LEADER));
    all.addAll(List.of(replicas));
    return ClusterView.of("demo", all, false, null);
  }

  private static final DynamicConfig ASYNC = DynamicConfig.of(Map.of("loop_wait", 10));
  private static final DynamicConfig SYNC = DynamicConfig.of(Map.of("synchronous_mode", true));

  private static Observed observed(ClusterView view, DynamicConfig config, Map<String, Transactions> txns) {
    return new Observed(view, config, Map.of(), Map.of(), txns);
  }

  private static final Scope SWITCH_TO_PG2 = new Scope(List.of("pg2"), List.of("pg1"));

  @Test
  void theDefaultsAreTheAnsibleFigures() {
    Guardrails g = Guardrails.defaults();

    assertThat(g.maxReplayLagBytes()).isEqualTo(OptionalLong.of(100 * MIB));
    assertThat(g.maxTransactionAge()).contains(Duration.ofSeconds(15));
    assertThat(g.syncStandbyRequired()).isTrue();
    assertThat(g.expectedPatroniVersions()).isEmpty();
    assertThat(g.refuseUnchecked()).isFalse();
    assertThat(g.describe()).isEqualTo("replay lag <= 104857600 bytes (100.0 MiB); transaction age <= 15 s;"
        + " sync standby required in synchronous mode; Patroni version any");
    assertThat(Guardrails.none().isNone()).isTrue();
    assertThat(g.toBuilder().build()).isEqualTo(g);
  }

  @Test
  void theBuilderRejectsNonsense() {
    assertThatThrownBy(() -> Guardrails.builder().maxReplayLagBytes(-1)).hasMessageContaining("maxReplayLagBytes < 0");
    assertThatThrownBy(() -> Guardrails.builder().maxTransactionAge(Duration.ofSeconds(-1)))
        .hasMessageContaining("maxTransactionAge < 0");
    assertThatThrownBy(() -> Guardrails.builder().expectPatroniVersions(List.of("4.x")))
        .hasMessageContaining("'4.x' is not like 4.1.5 or 4.1");
  }

  @Test
  void aCandidateLaggingMoreThanTheLimitRefusesNamingTheLimitAndTheLag() {
    ClusterView v = view(member("pg2", "replica", "streaming", Lag.ofBytes(200 * MIB)));

    GuardrailReport r = GuardrailChecks.evaluate(Guardrails.builder().noTransactionAgeLimit().build(), SWITCH_TO_PG2,
        observed(v, ASYNC, Map.of()));

    assertThat(r.refuses()).isTrue();
    GuardrailVerdict.ReplayLag lag = (GuardrailVerdict.ReplayLag) r.violations().get(0);
    assertThat(lag.member()).isEqualTo("pg2");
    assertThat(lag.maxBytes()).isEqualTo(100 * MIB);
    assertThat(lag.observedBytes()).isEqualTo(200 * MIB);
    assertThat(lag.describe()).isEqualTo("replay-lag: pg2 lags 209715200 bytes (200.0 MiB), above the limit of"
        + " 104857600 bytes (100.0 MiB) (patroni lag)");
  }

  @Test
  void lagIsTheLargerOfPatronisReplayLagAndPgStatReplicationAndUnknownLagRefuses() {
    Member pg2 = Member.builder("pg2", Role.of("replica"), MemberState.of("streaming")).timeline(Timeline.of(3))
        .lag(Lag.ofBytes(10)).replayLag(Lag.ofBytes(500)).build();
    Guardrails g = Guardrails.builder().maxReplayLagBytes(1000).build();

    GuardrailVerdict byReplay = GuardrailChecks.evaluate(g, SWITCH_TO_PG2, observed(view(pg2), ASYNC,
        Map.of("pg1", Transactions.none()))).verdicts().get(0);
    GuardrailVerdict bySql = GuardrailChecks.evaluate(g, SWITCH_TO_PG2, new Observed(view(pg2), ASYNC,
        Map.of("pg2", 4096L), Map.of(), Map.of("pg1", Transactions.none()))).verdicts().get(0);
    GuardrailVerdict unknown = GuardrailChecks.evaluate(g, SWITCH_TO_PG2, observed(view(
        member("pg2", "replica", "streaming", Lag.unknown())), ASYNC, Map.of())).verdicts().get(0);
    GuardrailVerdict gone = GuardrailChecks.evaluate(g, SWITCH_TO_PG2, observed(view(), ASYNC, Map.of()))
        .verdicts().get(0);

    assertThat(byReplay.status()).isEqualTo(Status.PASSED);
    assertThat(((GuardrailVerdict.ReplayLag) byReplay).observedBytes()).isEqualTo(500L);
    assertThat(((GuardrailVerdict.ReplayLag) byReplay).source()).isEqualTo("patroni replay_lag");
    assertThat(bySql.status()).isEqualTo(Status.VIOLATED);
    assertThat(((GuardrailVerdict.ReplayLag) bySql).observedBytes()).isEqualTo(4096L);
    assertThat(((GuardrailVerdict.ReplayLag) bySql).source()).isEqualTo("pg_stat_replication, patroni replay_lag");
    assertThat(unknown.status()).isEqualTo(Status.VIOLATED);
    assertThat(unknown.describe()).isEqualTo("replay-lag: pg2 reports no known lag, above the limit of 1000 bytes");
    assertThat(gone.status()).isEqualTo(Status.VIOLATED);
    assertThat(gone.note()).isEqualTo("pg2 is not a member of the cluster");
  }

  @Test
  void aTransactionOlderThanTheLimitRefusesWithItsAgeAndBackend() {
    ClusterView v = view(member("pg2", "replica", "streaming", Lag.ofBytes(0)));
    Transactions old = new Transactions(Duration.ofMillis(20_400), 4242L, "idle in transaction", null);

    GuardrailReport r = GuardrailChecks.evaluate(Guardrails.defaults(), SWITCH_TO_PG2,
        observed(v, ASYNC, Map.of("pg1", old)));
    GuardrailReport young = GuardrailChecks.evaluate(Guardrails.defaults(), SWITCH_TO_PG2,
        observed(v, ASYNC, Map.of("pg1", new Transactions(Duration.ofSeconds(15), 1L, "active", null))));
    GuardrailReport none = GuardrailChecks.evaluate(Guardrails.defaults(), SWITCH_TO_PG2,
        observed(v, ASYNC, Map.of("pg1", Transactions.none())));

    assertThat(r.violations()).singleElement().satisfies(t -> {
      assertThat(t).isEqualTo(new GuardrailVerdict.TransactionAge(Status.VIOLATED, "pg1", Duration.ofSeconds(15),
          Duration.ofMillis(20_400), 4242L, "idle in transaction", ""));
      assertThat(t.describe()).isEqualTo("transaction-age: the longest transaction on pg1 (pid 4242, idle in"
          + " transaction) is 20.4 s old, above the limit of 15 s");
    });
    assertThat(r.describe()).startsWith("guardrails refused: transaction-age: the longest transaction on pg1");
    assertThat(young.refuses()).as("at the limit is within it").isFalse();
    assertThat(none.describe()).isEqualTo("guardrails passed: replay-lag: pg2 lags 0 bytes, within"
        + " 104857600 bytes (100.0 MiB); transaction-age: no open transaction on pg1, within 15 s; sync-standby:"
        + " synchronous_mode is off: no synchronous standby needed");
  }

  @Test
  void aCheckThatCouldNotBeMadeIsSaidSoAndRefusesOnlyWhenAskedTo() {
    ClusterView v = view(member("pg2", "replica", "streaming", Lag.ofBytes(0)));
    Observed noSql = observed(v, ASYNC, Map.of("pg1", Transactions.notChecked("no PostgresConnector configured")));

    GuardrailReport lenient = GuardrailChecks.evaluate(Guardrails.defaults(), SWITCH_TO_PG2, noSql);
    GuardrailReport strict = GuardrailChecks.evaluate(Guardrails.builder().refuseUnchecked(true).build(),
        SWITCH_TO_PG2, noSql);

    assertThat(lenient.refuses()).isFalse();
    assertThat(lenient.notChecked()).hasSize(1);
    assertThat(lenient.describe()).contains("; NOT CHECKED: transaction-age: transactions on pg1 not checked: no"
        + " PostgresConnector configured");
    assertThat(strict.refuses()).isTrue();
    assertThat(strict.describe()).startsWith("guardrails refused: transaction-age: transactions on pg1 not checked");
  }

  @Test
  void synchronousModeWithoutARunningSyncStandbyRefuses() {
    Scope scope = new Scope(List.of(), List.of());
    Guardrails g = Guardrails.builder().noTransactionAgeLimit().build();

    GuardrailReport none = GuardrailChecks.evaluate(g, scope, observed(view(
        member("pg2", "replica", "streaming", Lag.ofBytes(0))), SYNC, Map.of()));
    GuardrailReport stopped = GuardrailChecks.evaluate(g, scope, observed(view(
        member("pg2", "sync_standby", "stopped", Lag.unknown())), SYNC, Map.of()));
    GuardrailReport present = GuardrailChecks.evaluate(g, scope, observed(view(
        member("pg2", "replica", "streaming", Lag.ofBytes(0)), member("pg3", "sync_standby", "streaming",
            Lag.ofBytes(0))), SYNC, Map.of()));
    GuardrailReport quorum = GuardrailChecks.evaluate(g, scope, observed(view(
        member("pg3", "quorum_standby", "streaming", Lag.ofBytes(0))),
        DynamicConfig.of(Map.of("synchronous_mode", "quorum")), Map.of()));

    assertThat(none.violations()).singleElement().satisfies(s -> assertThat(s.describe())
        .isEqualTo("sync-standby: synchronous_mode is true and needs at least 1 synchronous standby; observed 0"));
    assertThat(stopped.refuses()).isTrue();
    assertThat(present.refuses()).isFalse();
    assertThat(((GuardrailVerdict.SyncStandby) present.verdicts().get(0)).syncStandbys()).containsExactly("pg3");
    assertThat(quorum.refuses()).isFalse();
    assertThat(GuardrailChecks.evaluate(Guardrails.none(), scope, observed(view(), SYNC, Map.of())).verdicts())
        .isEmpty();
  }

  @Test
  void everyMemberMustRunAnExpectedPatroniVersion() {
    ClusterView v = view(member("pg2", "replica", "streaming", Lag.ofBytes(0)),
        member("pg3", "replica", "streaming", Lag.ofBytes(0)));
    Guardrails g = Guardrails.builder().noReplayLagLimit().noTransactionAgeLimit().syncStandbyRequired(false)
        .expectPatroniVersions(List.of("4.1")).build();

    GuardrailReport r = GuardrailChecks.evaluate(g, SWITCH_TO_PG2, new Observed(v, null, Map.of(),
        Map.of("pg1", "4.1.5", "pg2", "4.0.7"), Map.of()));

    assertThat(r.verdicts()).extracting(GuardrailVerdict::status)
        .containsExactly(Status.PASSED, Status.VIOLATED, Status.NOT_CHECKED);
    assertThat(r.violations()).singleElement().satisfies(p -> assertThat(p.describe())
        .isEqualTo("patroni-version: pg2 runs Patroni 4.0.7, expected 4.1"));
    assertThat(r.notChecked().get(0).describe())
        .isEqualTo("patroni-version: version of pg3 not checked: pg3 did not report its version (GET /patroni)");
    assertThat(GuardrailChecks.evaluate(g.toBuilder().expectPatroniVersions(List.of("4.1.5", "4.0.7")).build(),
        SWITCH_TO_PG2, new Observed(v, null, Map.of(), Map.of("pg1", "4.1.5", "pg2", "4.0.7", "pg3", "4.0.7"),
            Map.of())).refuses()).isFalse();
    assertThat(GuardrailChecks.evaluate(g.toBuilder().expectPatroniVersions(List.of("4.1.5")).build(),
        SWITCH_TO_PG2, new Observed(v, null, Map.of(), Map.of("pg1", "4.1.50", "pg2", "4.1.5", "pg3", "4.1.5"),
            Map.of())).violations()).as("4.1.5 does not match 4.1.50").hasSize(1);
  }

  @Test
  void verdictsTravelAsTypedFactsAndReadBackEqual() {
    ClusterView v = view(member("pg2", "replica", "streaming", Lag.unknown()),
        member("pg3", "replica", "streaming", Lag.ofBytes(7)));
    Guardrails g = Guardrails.builder().expectPatroniVersions(List.of("4.1.5", "4.0")).build();
    GuardrailReport r = GuardrailChecks.evaluate(g, new Scope(List.of("pg2", "pg3"), List.of("pg1", "pg2")),
        new Observed(v, SYNC, Map.of("pg3", 9L), Map.of("pg1", "4.1.5", "pg2", "3.0.2"), Map.of(
            "pg1", new Transactions(Duration.ofMillis(1500), 77L, "active", null),
            "pg2", Transactions.notChecked("cannot read pg_stat_activity on pg2: refused"))));

    Facts facts = r.toFacts();

    assertThat(facts.get(GuardrailReport.SUMMARY)).isEqualTo(r.describe());
    assertThat(facts.names()).contains("guardrail.replay-lag[pg2]", "guardrail.transaction-age[pg1]",
        "guardrail.sync-standby", "guardrail.patroni-version[pg3]");
    assertThat(GuardrailReport.verdictsIn(Facts.fromPlain(facts.toPlain())))
        .containsExactlyInAnyOrderElementsOf(r.verdicts());
    assertThat(GuardrailReport.verdictsIn(Facts.of())).isEmpty();
  }
}
