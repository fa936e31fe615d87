package dev.patroni4j.runbooks.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Timeline;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Reading pgBackRest's JSON: real output of pgBackRest 2.45 on this machine, and garbage of every kind. */
class PgBackRestInfoTest {
  /** {@code pgbackrest --stanza=demo --output=json info}, captured from pgBackRest 2.45 (one full, one incremental). */
  static final String REAL = "[{\"archive\":[{\"database\":{\"id\":1,\"repo-key\":1},\"id\":\"15-1\","
      + "\"max\":\"000000010000000000000010\",\"min\":\"000000010000000000000004\"}],\"backup\":[{\"archive\":"
      + "{\"start\":\"000000010000000000000004\",\"stop\":\"000000010000000000000004\"},\"backrest\":{\"format\":5,"
      + "\"version\":\"2.45\"},\"database\":{\"id\":1,\"repo-key\":1},\"error\":false,\"info\":{\"delta\":23066276,"
      + "\"repository\":{\"delta\":3071174,\"size\":3071174},\"size\":23066276},\"label\":\"20261203-093220F\","
      + "\"lsn\":{\"start\":\"0/4000028\",\"stop\":\"0/4000100\"},\"prior\":null,\"reference\":null,\"timestamp\":"
      + "{\"start\":1796290340,\"stop\":1796290345},\"type\":\"full\"},{\"archive\":{\"start\":"
      + "\"00000001000000000000000C\",\"stop\":\"00000001000000000000000C\"},\"backrest\":{\"format\":5,\"version\":"
      + "\"2.45\"},\"database\":{\"id\":1,\"repo-key\":1},\"error\":true,\"info\":{\"delta\":8192,\"repository\":"
      + "{\"delta\":420,\"size\":3071594},\"size\":23066276},\"label\":\"20261203-093220F_20261203-093522I\","
      + "\"lsn\":{\"start\":\"0/C000028\",\"stop\":\"0/C000100\"},\"prior\":\"20261203-093220F\",\"reference\":"
      + "[\"20261203-093220F\"],\"timestamp\":{\"start\":1796290522,\"stop\":1796290524},\"type\":\"incr\"}],"
      + "\"cipher\":\"none\",\"db\":[{\"id\":1,\"repo-key\":1,\"system-id\":7715007710778156022,\"version\":\"15\"}],"
      + "\"name\":\"demo\",\"repo\":[{\"cipher\":\"none\",\"key\":1,\"status\":{\"code\":0,\"message\":\"ok\"}}],"
      + "\"status\":{\"code\":0,\"lock\":{\"backup\":{\"held\":false}},\"message\":\"ok\"}}]";

  @Test
  void realOutputIsReadIntoTypedBackups() throws Exception {
    PgBackRestInfo info = PgBackRestInfo.parse(REAL, "demo");
    assertThat(info.statusCode()).isZero();
    assertThat(info.archiveId()).isEqualTo("15-1");
    assertThat(info.archiveMin()).isEqualTo("000000010000000000000004");
    assertThat(info.backups()).hasSize(2);
    BackupInfo full = info.backups().get(0);
    assertThat(full.label()).isEqualTo("20261203-093220F");
    assertThat(full.type()).isEqualTo(BackupType.FULL);
    assertThat(full.started()).isEqualTo(Instant.ofEpochSecond(1796290340));
    assertThat(full.duration().toSeconds()).isEqualTo(5);
    assertThat(full.startLsn()).isEqualTo(Lsn.parse("0/4000028"));
    assertThat(full.timeline()).isEqualTo(Timeline.of(1));
    assertThat(full.size()).isEqualTo(23066276L);
    assertThat(full.storedSize()).isEqualTo(3071174L);
    assertThat(full.findPrior()).isEmpty();
    assertThat(full.pageErrors()).isFalse();
    BackupInfo incr = info.backups().get(1);
    assertThat(incr.type()).isEqualTo(BackupType.INCREMENTAL);
    assertThat(incr.findPrior()).contains("20261203-093220F");
    assertThat(incr.pageErrors()).as("pgBackRest's error flag: page checksum errors while copying").isTrue();
  }

  @Test
  void anEmptyStanzaHasNoBackupsAndAnotherStanzaIsNotThisOne() throws Exception {
    String empty = "[{\"archive\":[],\"backup\":[],\"cipher\":\"none\",\"db\":[],\"name\":\"p4j\",\"repo\":[],"
        + "\"status\":{\"code\":2,\"message\":\"no valid backups\"}}]";
    assertThat(PgBackRestInfo.parse(empty, "p4j").backups()).isEmpty();
    assertThat(PgBackRestInfo.parse(empty, "p4j").statusCode()).isEqualTo(2);
    assertThatThrownBy(() -> PgBackRestInfo.parse(empty, "other")).isInstanceOf(PgBackRestInfo.BadOutput.class)
        .hasMessageContaining("no stanza 'other'");
  }

  @Test
  void malformedFieldsAreNamedNotGuessed() {
    for (String[] bad : new String[][] {
        {"\"type\":\"full\"", "\"type\":\"weekly\"", "unknown type"},
        {"\"label\":\"20261203-093220F\"", "\"label\":\"../../etc\"", "not pgBackRest's format"},
        {"\"start\":\"0/4000028\"", "\"start\":\"zz\"", "not an LSN"},
        {"\"start\":1796290340", "\"start\":-1", "'start'"},
        {"\"start\":\"000000010000000000000004\",\"stop\"", "\"start\":\"0000000100\",\"stop\"", "WAL segment"},
        {"\"prior\":\"20261203-093220F\"", "\"prior\":null", "without 'prior'"},
        {"\"size\":3071174}", "\"size\":\"big\"}", "'size'"}}) {
      String json = REAL.replaceFirst(java.util.regex.Pattern.quote(bad[0]), bad[1]);
      assertThat(json).as("the replacement applies").isNotEqualTo(REAL);
      assertThatThrownBy(() -> PgBackRestInfo.parse(json, "demo")).as(bad[1])
          .isInstanceOf(PgBackRestInfo.BadOutput.class).hasMessageContaining(bad[2]);
    }
  }

  private static final String NOISE = "{}[],:\"0a\u0000-";

  @Test
  void garbageNeverEscapesAsAnythingButBadOutput() {
    List<String> inputs = new ArrayList<>(List.of("", "null", "{}", "[]", "[1]", "[null]", "\"x\"", "[{}]",
        "[{\"name\":\"demo\"}]", "[{\"name\":\"demo\",\"status\":{}}]",
        "[{\"name\":\"demo\",\"status\":{\"code\":0},\"backup\":{}}]",
        "[{\"name\":\"demo\",\"status\":{\"code\":0},\"backup\":[null]}]", "ERROR: [055]: unable to load info file",
        "[{\"name\":\"demo\",\"status\":{\"code\":0},\"archive\":\"x\"}]"));
    Random random = new Random(17);
    for (int i = 0; i < 2000; i++) {
      StringBuilder s = new StringBuilder(REAL);
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits; e++) {
        if (s.length() == 0) {
          break;
        }
        int at = random.nextInt(s.length());
        switch (random.nextInt(3)) {
          case 0 -> s.deleteCharAt(at);
          case 1 -> s.insert(at, NOISE.charAt(random.nextInt(NOISE.length())));
          default -> s.setLength(at);
        }
      }
      inputs.add(s.toString());
    }
    int parsed = 0;
    for (String input : inputs) {
      try {
        PgBackRestInfo info = PgBackRestInfo.parse(input, "demo");
        info.backups().forEach(b -> assertThat(b.label()).isNotBlank());
        parsed++;
      } catch (PgBackRestInfo.BadOutput e) {
        assertThat(e.getMessage()).as("a short message, not the output").hasSizeLessThan(200);
      }
    }
    assertThat(parsed).as("some mutations stay valid JSON of the right shape").isPositive().isLessThan(inputs.size());
  }

  @Test
  void archivedSegmentsAreReadFromTheRepositoryListing() throws Exception {
    String listing = "{\".\":{\"type\":\"path\"},\"15-1\":{\"type\":\"path\"},\"15-1/0000000100000000\":{\"type\":"
        + "\"path\"},\"15-1/0000000100000000/000000010000000000000001-906aeace46c6440849b465de5aef954429d74489.gz\":"
        + "{\"type\":\"file\",\"size\":1590762,\"time\":1796290337},\"15-1/0000000100000000/"
        + "000000010000000000000002-968ca55147887c6d479b31b66f16a8bb6fa2edf8.gz\":{\"type\":\"file\",\"size\":92869,"
        + "\"time\":1796290339},\"15-1/0000000100000000/000000010000000000000004.00000028.backup\":{\"type\":"
        + "\"file\",\"size\":371,\"time\":1796290345},\"14-1/0000000100000000/"
        + "000000010000000000000009-968ca55147887c6d479b31b66f16a8bb6fa2edf8\":{\"type\":\"file\"},"
        + "\"archive.info\":{\"type\":\"file\",\"size\":253,\"time\":1796290346}}";
    assertThat(PgBackRestInfo.archivedSegments(listing, "15-1"))
        .containsExactly("000000010000000000000001", "000000010000000000000002");
    assertThatThrownBy(() -> PgBackRestInfo.archivedSegments("[]", "15-1"))
        .isInstanceOf(PgBackRestInfo.BadOutput.class);
    assertThatThrownBy(() -> PgBackRestInfo.archivedSegments("{", "15-1"))
        .isInstanceOf(PgBackRestInfo.BadOutput.class);
  }
}
