package dev.patroni4j.runbooks;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.ManualTime;
import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Timeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bindings and facts are journaled as JSON and come back as the same typed values when a run resumes. */
class TypedFactsTest {
  private static final Fact<Timeline> TIMELINE = Fact.timeline("timeline");
  private static final Fact<Lsn> LSN = Fact.lsn("lsn");
  private static final Fact<Instant> AT = Fact.instant("at");
  private static final Fact<Boolean> PAUSED = Fact.flag("paused");
  private static final Fact<List<String>> ORDER = Fact.texts("order");
  private static final Fact<Map<String, String>> ADDRESSES = Fact.textMap("addresses");

  @TempDir Path dir;

  @Test
  void factsAndBindingsComeBackTypedWhenAnInterruptedRunResumes() throws Exception {
    ScriptedCluster cluster = new ScriptedCluster();
    ManualTime time = ManualTime.startingAt(Instant.parse("2026-11-22T04:00:00Z")).onSleep(cluster::tick);
    Instant at = Instant.parse("2026-11-22T04:00:00Z");
    Facts decided = Facts.of(TIMELINE, Timeline.of(7), LSN, Lsn.parse("0/3000060"), AT, at).with(PAUSED, false);
    List<Facts> resumedWith = new ArrayList<>();
    List<List<String>> orderOnResume = new ArrayList<>();
    boolean[] crash = {true};
    Runbook rb = Runbook.named("typed")
        .bind(ORDER, ctx -> List.of("pg2", "pg1"))
        .bind(ADDRESSES, ctx -> Map.of("pg1", "10.0.0.1:5432", "pg2", "[::1]:5433"))
        .step(Steps.named("act").impact(Impact.DISRUPTIVE)
            .decide(ctx -> Decision.needsAction("go", decided))
            .act((ctx, intent) -> {
              if (crash[0]) {
                crash[0] = false;
                throw new SimulatedCrash();
              }
            })
            .afterInterruption((ctx, intent) -> {
              resumedWith.add(intent.facts());
              orderOnResume.add(ctx.binding(ORDER));
              return Verification.done("took effect", Facts.of(TIMELINE, intent.facts().get(TIMELINE)));
            })
            .build())
        .build();
    RunbookRunner runner = RunbookRunner.builder().identity(cluster::identity).clock(time).sleeper(time)
        .defaultPolicy(StepPolicy.custom().verifyTimeout(Duration.ofSeconds(5)).build()).build();
    Path path = dir.resolve("typed.jsonl");
    try {
      runner.execute(rb, FileJournal.at(path));
    } catch (SimulatedCrash expected) {
      // the process "died" after the intent was journaled
    }

    RunbookResult r = runner.execute(rb, FileJournal.at(path));

    assertThat(r.succeeded()).as(r.toString()).isTrue();
    assertThat(resumedWith).containsExactly(decided);
    Facts back = resumedWith.get(0);
    assertThat(back.get(TIMELINE)).isEqualTo(Timeline.of(7));
    assertThat(back.get(LSN)).isEqualTo(Lsn.of(0x3000060L));
    assertThat(back.get(AT)).isEqualTo(at);
    assertThat(back.get(PAUSED)).isFalse();
    assertThat(orderOnResume).containsExactly(List.of("pg2", "pg1"));
    String journal = Files.readString(path);
    assertThat(journal).contains("\"timeline\":7").contains("\"lsn\":\"0/3000060\"").contains("\"paused\":false")
        .contains("\"kind\":\"INTENT\"");
    Plan plan = Plan.fromJson(requireNonNull(FileJournal.at(path).read().get(0).payload()));
    assertThat(plan.bindings().get(ADDRESSES)).containsEntry("pg2", "[::1]:5433");
    assertThat(plan.bindings().get(ORDER)).containsExactly("pg2", "pg1");
    assertThat(plan.steps().get(0).decision()).isEqualTo(Decision.Kind.NEEDS_ACTION);
  }

  @Test
  void aFactReadWithTheWrongTypeIsATypedErrorNamingIt() {
    Facts f = Facts.of(Fact.text("timeline"), "three");

    assertThatThrownBy(() -> f.get(TIMELINE)).isInstanceOf(PlanFormatException.class)
        .hasMessageContaining("fact 'timeline' is not a timeline");
    assertThatThrownBy(() -> Facts.of().get(TIMELINE)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no fact 'timeline'");
  }

  @Test
  void anEnumFactComesBackAsTheConstantAndAnUnknownNameIsATypedError() {
    Fact<Decision.Kind> kind = Fact.constant("kind", Decision.Kind.class);
    Facts f = Facts.of(kind, Decision.Kind.BLOCKED);

    assertThat(Facts.fromPlain(f.toPlain()).get(kind)).isEqualTo(Decision.Kind.BLOCKED);
    assertThatThrownBy(() -> Facts.of(Fact.text("kind"), "EXPLODED").get(kind)).isInstanceOf(PlanFormatException.class)
        .hasMessageContaining("kind");
  }
}
