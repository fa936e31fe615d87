package dev.patroni4j.client.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LsnTest {

  @Test
  void parsesPostgresTextFormIntoByteOffset() {
    assertThat(Lsn.parse("0/4000060").value()).isEqualTo(0x4000060L);
    assertThat(Lsn.parse("16/B374D848").value()).isEqualTo(0x16B374D848L);
  }

  @Test
  void printsPostgresTextForm() {
    assertThat(Lsn.of(67109536L)).hasToString("0/40002A0");
    assertThat(Lsn.of(0x16B374D848L)).hasToString("16/B374D848");
  }

  @Test
  void keepsLsnsAboveLongMaxValueAndComparesThemUnsigned() {
    Lsn huge = Lsn.parse("FFFFFFFF/FFFFFFFF");
    assertThat(huge.value()).isEqualTo(-1L);
    assertThat(huge).hasToString("FFFFFFFF/FFFFFFFF");
    assertThat(huge).isGreaterThan(Lsn.parse("7FFFFFFF/FFFFFFFF"));
    assertThat(huge.bytesAfter(Lsn.parse("FFFFFFFF/FFFFFF00"))).isEqualTo(0xFF);
  }

  @Test
  void lagIsNeverNegative() {
    assertThat(Lsn.of(10).bytesAfter(Lsn.of(20))).isZero();
  }

  @Test
  void rejectsMalformedTextWithTheText() {
    for (String bad : new String[] {"", "/", "0/", "/1", "x/1", "1/123456789", "123456789/1", "0-1", "0/1/2"}) {
      assertThat(Lsn.tryParse(bad)).as(bad).isEmpty();
    }
    assertThatThrownBy(() -> Lsn.parse("12/xyz")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("12/xyz");
  }
}
