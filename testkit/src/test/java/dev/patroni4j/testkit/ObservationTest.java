package dev.patroni4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which Patroni releases say "streaming" for a replica, so a healthy cluster waits for it. */
class ObservationTest {
  @Test
  void releasesFrom304OnReportReplicationState() {
    assertThat(Observation.reportsReplicationState("3.0.2")).isFalse();
    assertThat(Observation.reportsReplicationState("3.0.3")).isFalse();
    assertThat(Observation.reportsReplicationState("2.1.7")).isFalse();
    assertThat(Observation.reportsReplicationState("3.0.4")).isTrue();
    assertThat(Observation.reportsReplicationState("3.1.0")).isTrue();
    assertThat(Observation.reportsReplicationState("4.0.7")).isTrue();
    assertThat(Observation.reportsReplicationState("4.1.5")).isTrue();
    assertThat(Observation.reportsReplicationState("5.0.0rc1")).isTrue();
  }
}
