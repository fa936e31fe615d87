package dev.patroni4j.runbooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.model.Lsn;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanJsonTest {
  private final Plan plan = new Plan("p-1", "planned-switchover", Instant.parse("2026-11-22T04:00:00Z"),
      new ClusterIdentity("demo", "77", "pg1", 3, List.of("pg2", "pg1")), Facts.of(Fact.text("from"), "pg1"),
      List.of(new PlannedStep("switchover", Impact.DISRUPTIVE, Decision.Kind.NEEDS_ACTION, "leader is pg1",
          Facts.of(Fact.lsn("lsn"), Lsn.parse("0/3000060")))),
      null);

  @Test
  void planRoundTripsAndNamesItsDestructiveNeeds() {
    assertThat(Plan.fromJson(plan.toJson())).isEqualTo(plan);
    assertThat(plan.requiresConfirmation()).isFalse();
    assertThat(plan.confirmationToken()).isEqualTo("demo:77:pg1");
  }

  @Test
  void malformedPlansFailWithTheFieldPath() {
    assertThatThrownBy(() -> Plan.fromJson("[]")).isInstanceOf(PlanFormatException.class)
        .hasMessage("plan JSON must be an object");
    assertThatThrownBy(() -> Plan.fromJson("{")).isInstanceOf(PlanFormatException.class)
        .hasMessageContaining("plan is not valid JSON");
    String noTimeline = plan.toJson().replace("\"timeline\":3", "\"timeline\":\"x\"");
    assertThatThrownBy(() -> Plan.fromJson(noTimeline)).hasMessage("plan.cluster.timeline must be an integer");
    String badImpact = plan.toJson().replace("DISRUPTIVE", "NUCLEAR");
    assertThatThrownBy(() -> Plan.fromJson(badImpact)).hasMessageContaining("plan.steps[0].impact");
    String future = plan.toJson().replace("\"format\":2", "\"format\":9");
    assertThatThrownBy(() -> Plan.fromJson(future)).hasMessageContaining("plan format 9 is not supported");
  }

  @Test
  void confirmationsAreBoundToTheClusterAndCheckedStrictly() {
    ClusterIdentity leaderless = new ClusterIdentity("demo", "77", null, 3, List.of("pg1"));
    assertThat(leaderless.confirmationToken()).isEqualTo("demo:77:-");
    assertThat(Confirmation.of("demo:77:-").confirms(leaderless)).isTrue();
    assertThat(Confirmation.of("demo:77").confirms(leaderless)).isFalse();
    assertThat(Confirmation.of("demo:77:pg1").confirms(leaderless)).isFalse();
    assertThatThrownBy(() -> Confirmation.of(" demo:77:-")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Confirmation.of("")).isInstanceOf(IllegalArgumentException.class);
  }
}
