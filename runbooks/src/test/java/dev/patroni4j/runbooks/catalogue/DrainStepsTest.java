package dev.patroni4j.runbooks.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.HealthCheck;
import dev.patroni4j.client.model.Tags;
import dev.patroni4j.config.ConfigDocument;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DrainStepsTest {
  private static final String WITHOUT_TAGS = "# pg2, managed by hand\n"
      + "scope: demo\n"
      + "name: pg2\n"
      + "restapi:\n"
      + "  listen: 10.0.0.2:8008   # the REST API\n"
      + "  connect_address: 10.0.0.2:8008\n"
      + "postgresql:\n"
      + "  data_dir: /var/lib/postgresql/15/main\n";
  private static final DrainOptions ALL = DrainOptions.builder("pg2", Path.of("/etc/patroni/patroni.yml")).build();

  @Test
  void drainSetsEveryTagAndKeepsTheRestOfTheFileAndUndrainGivesTheFileBackExactly() {
    ConfigDocument drained = DrainSteps.edit(ConfigDocument.parse(WITHOUT_TAGS), ALL, true);
    assertThat(drained.text()).startsWith(WITHOUT_TAGS);
    assertThat(drained.config().tags().nofailover()).contains(true);
    assertThat(drained.config().tags().noloadbalance()).contains(true);
    assertThat(drained.config().tags().nosync()).contains(true);
    assertThat(DrainSteps.edit(drained, ALL, true).text()).as("drain twice: same text").isEqualTo(drained.text());

    assertThat(DrainSteps.edit(drained, ALL, false).text()).isEqualTo(WITHOUT_TAGS);
  }

  @Test
  void undrainRemovesOnlyTheDrainTagsAndKeepsAMembersOtherTags() {
    String withClonefrom = WITHOUT_TAGS + "tags:\n  clonefrom: true\n";
    ConfigDocument drained = DrainSteps.edit(ConfigDocument.parse(withClonefrom), ALL, true);
    ConfigDocument undrained = DrainSteps.edit(drained, ALL, false);
    assertThat(undrained.text()).isEqualTo(withClonefrom);
    assertThat(undrained.config().tags().clonefrom()).contains(true);
  }

  @Test
  void mismatchesNameTheTagsThatAreNotAsWanted() {
    DrainOptions two = DrainOptions.builder("pg2", Path.of("/p.yml"))
        .tags(EnumSet.of(DrainOptions.Tag.NOFAILOVER, DrainOptions.Tag.NOSYNC)).build();
    Tags half = Tags.of(Map.of("nofailover", true, "nosync", false));
    assertThat(DrainSteps.mismatches(half, two, true)).containsExactly("nosync");
    assertThat(DrainSteps.mismatches(half, two, false)).containsExactly("nofailover");
    assertThat(DrainSteps.mismatches(Tags.of(Map.of("nofailover", "true", "nosync", true)), two, true)).isEmpty();
    assertThat(DrainSteps.mismatches(Tags.empty(), two, false)).isEmpty();
  }

  @Test
  void theHealthChecksExpectedFollowTheTags() {
    assertThat(DrainSteps.expectedHealth(ALL, true)).containsExactly(Map.entry(HealthCheck.health(), 200),
        Map.entry(HealthCheck.replica(), 503), Map.entry(HealthCheck.async(), 503));
    DrainOptions readable = DrainOptions.builder("pg2", Path.of("/p.yml"))
        .tags(EnumSet.of(DrainOptions.Tag.NOFAILOVER, DrainOptions.Tag.NOSYNC)).build();
    assertThat(DrainSteps.expectedHealth(readable, true)).containsExactly(Map.entry(HealthCheck.health(), 200),
        Map.entry(HealthCheck.replica().tag("nofailover", "true"), 200), Map.entry(HealthCheck.async(), 200));
    assertThat(DrainSteps.expectedHealth(ALL, false)).containsExactly(Map.entry(HealthCheck.replica(), 200),
        Map.entry(HealthCheck.replica().tag("nofailover", "true"), 503));
  }
}
