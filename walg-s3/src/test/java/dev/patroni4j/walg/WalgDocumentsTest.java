package dev.patroni4j.walg;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.walg.internal.InvalidDocumentException;
import dev.patroni4j.walg.internal.Lz4Frames;
import dev.patroni4j.walg.internal.WalgDocuments;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Sentinel and metadata parsing on WAL-G's documented shapes, plus fuzzing. */
class WalgDocumentsTest {
  /** [derived] in reference/walg.md 1.4 from the struct order with real values (exporter testdata). */
  static final String SENTINEL = "{\"LSN\":3325915299880,\"PgVersion\":150015,\"FinishLSN\":3325916080832,\"SystemIdentifier\":7507672962298572862,"
      + "\"UncompressedSize\":2604967632,\"CompressedSize\":858502390,\"ChkpNum\":null,\"Version\":2,\"StartTime\":\"2025-12-20T02:00:01.793015Z\","
      + "\"FinishTime\":\"2025-12-20T02:00:18.538578Z\",\"DateFmt\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"Hostname\":\"superpg\",\"DataDir\":\"/pgroot/data\",\"IsPermanent\":false}";

  static final String JSON_CHARS = "{}[]\",:-.0123456789eE tfn";

  static BackupSentinel parse(String json) throws InvalidDocumentException {
    return WalgDocuments.sentinel(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void v2SentinelWithSpecUserDataAndAnUnsignedSystemIdentifier() throws Exception {
    BackupSentinel s = parse(SENTINEL);
    assertThat(s.startLsn()).isEqualTo(Lsn.parse("306/60000028"));
    assertThat(WalSegment.containing(0x43, s.startLsn(), WalSegment.DEFAULT_SIZE).fileName(WalSegment.DEFAULT_SIZE))
        .isEqualTo("000000430000030600000060");
    BackupSentinel withSpec = parse(SENTINEL.replace("\"IsPermanent\":false", "\"IsPermanent\":true,\"UserData\":{\"backup_id\":\"man01\"},"
        + "\"Spec\":{\"base_prefix\":\"/pgdata\",\"tablespaces\":[\"16451\"],\"16451\":{\"loc\":\"/ts1\",\"link\":\"pg_tblspc/16451\"}}")
        .replace("7507672962298572862", "18446744073709551615"));
    assertThat(withSpec.systemIdentifier()).isEqualTo(-1L); // 2^64-1, unsigned in a long
    assertThat(Long.toUnsignedString(requireNonNull(withSpec.systemIdentifier()))).isEqualTo("18446744073709551615");
    assertThat(requireNonNull(withSpec.spec()).basePrefix()).isEqualTo("/pgdata");
    assertThat(withSpec.spec().tablespaces()).containsEntry("16451", new BackupSentinel.Tablespace("/ts1", "pg_tblspc/16451"));
    assertThat(withSpec.findUserData().flatMap(u -> u.find("backup_id")).flatMap(JsonValue::asString)).contains("man01");
    assertThat(withSpec.isPermanentAtPush()).isTrue();
    assertThat(parse(SENTINEL).findUserData()).isEmpty();
  }

  @Test
  void fieldsThisLibraryDoesNotModelStayReadableInRaw() throws Exception {
    BackupSentinel s = parse(SENTINEL.replace("\"IsPermanent\":false",
        "\"IsPermanent\":false,\"NewInWalg9\":{\"ratio\":0.25,\"big\":123456789012345678901234567890},\"Files\":{\"a\":{}}"));
    JsonValue added = s.raw().find("NewInWalg9").orElseThrow();
    assertThat(added.find("ratio")).contains(new JsonValue.JsonNumber(new BigDecimal("0.25")));
    assertThat(added.find("big")).contains(new JsonValue.JsonNumber(new BigDecimal("123456789012345678901234567890")));
    assertThat(s.raw().find("Hostname").flatMap(JsonValue::asString)).contains("superpg");
    // v1.x's inline file list is skipped while reading, never materialised
    assertThat(s.raw().find("Files")).contains(JsonValue.JsonNull.INSTANCE);
  }

  @Test
  void metadataUserDataIsTyped() throws Exception {
    BackupMetadata m = WalgDocuments.metadata(new ByteArrayInputStream(
        "{\"start_lsn\":1,\"finish_lsn\":2,\"is_permanent\":true,\"user_data\":[\"x\",1,null,false]}".getBytes(StandardCharsets.UTF_8)));
    assertThat(m.findUserData()).contains(JsonValue.of(java.util.Arrays.asList("x", 1, null, false)));
    assertThat(requireNonNull(m.userData()).toJson()).isEqualTo("[\"x\",1,null,false]");
  }

  @Test
  void walgUnitTestSentinelWithEmptyDeltaFromIsAFullBackup() throws Exception {
    // [src] testtools/util.go
    BackupSentinel s = parse("{\"LSN\":1,\"DeltaFrom\":\"\",\"DeltaFullName\":\"base_000000010000000000000007\",\"DeltaFromLSN\":0,\"DeltaCount\":0}");
    assertThat(s.isDelta()).isFalse();
  }

  @Test
  void wrongTypesAndRangesAreInvalid() throws Exception {
    assertThatThrownBy(() -> parse("{\"LSN\":-1}")).isInstanceOf(InvalidDocumentException.class).hasMessageContaining("LSN");
    assertThatThrownBy(() -> parse("{\"LSN\":18446744073709551616}")).hasMessageContaining("unsigned 64-bit");
    assertThatThrownBy(() -> parse("{\"LSN\":1,\"StartTime\":\"yesterday\"}")).hasMessageContaining("StartTime");
    assertThatThrownBy(() -> parse("{\"LSN\":1,\"DeltaFrom\":\"base_000000010000000000000002\"}")).hasMessageContaining("DeltaFullName");
    assertThatThrownBy(() -> parse("[1]")).hasMessageContaining("object");
    assertThatThrownBy(() -> parse(SENTINEL + "{}")).hasMessageContaining("trailing");
    assertThatThrownBy(() -> parse("{\"LSN\":1,\"UserData\":{\"x\":1e2147483648}}")).isInstanceOf(InvalidDocumentException.class)
        .hasMessageContaining("malformed");
    assertThat(parse("{\"LSN\":1,\"UserData\":{\"x\":1e400}}").findUserData().flatMap(u -> u.find("x")))
        .contains(new JsonValue.JsonNumber(new BigDecimal("1e400")));
  }

  @Test
  void fuzzedSentinelsOnlyEverFailAsInvalidDocuments() {
    Random random = new Random(11);
    for (int i = 0; i < 5000; i++) {
      StringBuilder s = new StringBuilder(SENTINEL);
      for (int e = 0; e < 1 + random.nextInt(3) && s.length() > 0; e++) {
        int at = random.nextInt(s.length());
        switch (random.nextInt(3)) {
          case 0 -> s.deleteCharAt(at);
          case 1 -> s.setCharAt(at, JSON_CHARS.charAt(random.nextInt(JSON_CHARS.length())));
          default -> s.setLength(at);
        }
      }
      try {
        parse(s.toString());
      } catch (InvalidDocumentException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
  }

  @Test
  void lz4DecoderRejectsCorruptFramesWithIoErrors() {
    byte[] frame = MainRepository.HISTORY_3;
    Random random = new Random(3);
    for (int i = 0; i < 2000; i++) {
      byte[] mutated = frame.clone();
      mutated[random.nextInt(mutated.length)] ^= (byte) (1 << random.nextInt(8));
      byte[] input = random.nextBoolean() ? mutated : java.util.Arrays.copyOf(mutated, random.nextInt(mutated.length));
      // a corrupt frame is an IOException, never an index or state error
      try {
        Lz4Frames.decode(input, 1 << 16);
      } catch (IOException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
  }
}
