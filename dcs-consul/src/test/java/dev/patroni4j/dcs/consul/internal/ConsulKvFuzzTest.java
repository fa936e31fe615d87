package dev.patroni4j.dcs.consul.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsEntry;
import dev.patroni4j.client.dcs.DcsException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/** Whatever Consul (or something pretending to be it) answers, reading it fails only with a DcsException. */
class ConsulKvFuzzTest {
  private static final String VALID = "[{\"LockIndex\":1,\"Key\":\"service/demo/leader\",\"Flags\":0,"
      + "\"Value\":\"cGcx\",\"Session\":\"fd4f44fe-2cac-bba5-a60b-304b51ff39b7\",\"CreateIndex\":2621,"
      + "\"ModifyIndex\":2621},{\"LockIndex\":0,\"Key\":\"service/demo/initialize\",\"Flags\":0,\"Value\":null,"
      + "\"CreateIndex\":5,\"ModifyIndex\":5}]";

  private final ConsulKv kv = new ConsulKv(new ConsulTransport(new OkHttpClient(),
      HttpUrl.get("http://127.0.0.1:1"), null, null, Duration.ofSeconds(1), Duration.ofMillis(1),
      Duration.ofMillis(1), java.time.Clock.systemUTC(), d -> { }));

  private List<DcsEntry> read(String body) {
    return kv.entries("snapshot", "service/demo/",
        new ConsulTransport.Reply(200, body.getBytes(StandardCharsets.UTF_8), 7, false));
  }

  @Test
  void aValidAnswerReadsKeysValuesVersionsAndSessions() {
    List<DcsEntry> entries = read(VALID);
    assertThat(entries).containsExactly(
        new DcsEntry("service/demo/leader", "pg1", 2621, "fd4f44fe-2cac-bba5-a60b-304b51ff39b7"),
        new DcsEntry("service/demo/initialize", "", 5, null));
    ClusterSnapshot s = ClusterSnapshot.fromEntries(ClusterRef.of("demo"), 7, entries);
    assertThat(s.leaderName()).contains("pg1");
    assertThat(s.problems()).isEmpty();
  }

  @Test
  void mutatedAnswersFailOnlyWithADcsException() {
    Random random = new Random(20261122L);
    String alphabet = "[]{}\":,0123456789abcdefKeyValueModifyIndexSessionnull-=/ \\";
    int parsed = 0;
    for (int round = 0; round < 5000; round++) {
      StringBuilder body = new StringBuilder(VALID);
      int edits = 1 + random.nextInt(4);
      for (int i = 0; i < edits && body.length() > 0; i++) {
        int at = random.nextInt(body.length());
        switch (random.nextInt(3)) {
          case 0 -> body.deleteCharAt(at);
          case 1 -> body.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          default -> body.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      try {
        List<DcsEntry> entries = read(body.toString());
        ClusterSnapshot.fromEntries(ClusterRef.of("demo"), 7, entries);
        parsed++;
      } catch (DcsException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
    assertThat(parsed).as("some mutations still parse").isPositive();
  }
}
