package dev.patroni4j.testkit.internal.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {
  @Test
  void parsesWhatPatroniAndConsulClientsSend() {
    assertThat(GoDuration.parse("15.0s")).isEqualTo(Duration.ofSeconds(15));
    assertThat(GoDuration.parse("0.001s")).isEqualTo(Duration.ofMillis(1));
    assertThat(GoDuration.parse("9.98734s")).isEqualTo(Duration.ofNanos(9_987_340_000L));
    assertThat(GoDuration.parse("1h2m3.5s")).isEqualTo(Duration.ofSeconds(3723, 500_000_000));
    assertThat(GoDuration.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
    assertThat(GoDuration.parse(".5s")).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void refusesTextThatGoRefuses() {
    assertThatThrownBy(() -> GoDuration.parse("15")).hasMessage("time: missing unit in duration \"15\"");
    assertThatThrownBy(() -> GoDuration.parse("5 s")).hasMessageContaining("unknown unit");
    assertThatThrownBy(() -> GoDuration.parse("")).hasMessage("time: invalid duration \"\"");
    assertThatThrownBy(() -> GoDuration.parse("s")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GoDuration.parse("1.2.3s")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void formatsLikeGo() {
    assertThat(GoDuration.format(Duration.ofSeconds(10))).isEqualTo("10s");
    assertThat(GoDuration.format(Duration.ofHours(24))).isEqualTo("24h0m0s");
    assertThat(GoDuration.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(GoDuration.format(Duration.ofMillis(500))).isEqualTo("500ms");
    assertThat(GoDuration.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(GoDuration.format(Duration.ZERO)).isEqualTo("0s");
  }
}
