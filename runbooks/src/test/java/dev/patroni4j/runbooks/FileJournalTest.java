package dev.patroni4j.runbooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import dev.patroni4j.client.model.Timeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileJournalTest {
  @TempDir Path dir;

  private static JournalEntry entry(long seq, JournalEntry.Kind kind) {
    return new JournalEntry("run-1", seq, Instant.parse("2026-11-22T04:00:00Z"), "switchover", kind,
        "leader is pg1 \"quoted\"\nnewline", Facts.of(Fact.text("leader"), "pg1", Fact.timeline("timeline"), Timeline.of(3)), null);
  }

  @Test
  void entriesRoundTripInAppendOrder() {
    FileJournal j = FileJournal.at(dir.resolve("j.jsonl"));
    j.append(entry(1, JournalEntry.Kind.INTENT));
    j.append(entry(2, JournalEntry.Kind.ACTED));

    assertThat(j.read()).containsExactly(entry(1, JournalEntry.Kind.INTENT), entry(2, JournalEntry.Kind.ACTED));
  }

  @Test
  void missingFileIsAnEmptyJournal() {
    assertThat(FileJournal.at(dir.resolve("none.jsonl")).read()).isEmpty();
  }

  @Test
  void tornFinalRecordFromACrashMidWriteIsIgnored() throws Exception {
    Path p = dir.resolve("torn.jsonl");
    FileJournal j = FileJournal.at(p);
    j.append(entry(1, JournalEntry.Kind.INTENT));
    Files.writeString(p, "{\"runId\":\"run-1\",\"seq\":2,\"at\":\"2026-", StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);

    assertThat(j.read()).containsExactly(entry(1, JournalEntry.Kind.INTENT));
  }

  @Test
  void corruptCompleteLineIsAnErrorNamingTheLine() throws Exception {
    Path p = dir.resolve("corrupt.jsonl");
    Files.writeString(p, "{\"runId\":\"r\"}\n");

    assertThatThrownBy(() -> FileJournal.at(p).read())
        .isInstanceOf(JournalException.class)
        .hasMessageContaining("line 1 is corrupt")
        .hasMessageContaining("journal entry.kind must be a string");
  }
}
