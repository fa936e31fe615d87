package dev.patroni4j.runbooks.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patroni4j.client.HealthCheck;
import dev.patroni4j.client.MemberClient;
import dev.patroni4j.client.Outcome;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.SwitchoverRequest;
import dev.patroni4j.client.model.Tags;
import dev.patroni4j.config.PatroniConfig;
import dev.patroni4j.runbooks.FileJournal;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.RunbookRunner;
import dev.patroni4j.runbooks.catalogue.DrainOptions;
import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
import dev.patroni4j.testkit.LocalPatroniCluster;
import dev.patroni4j.testkit.LocalPatroniClusterExtension;
import dev.patroni4j.testkit.PatroniNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drain and undrain on a real test kit cluster: the tags in pg2's own patroni.yml, a reload, what readers see; a drain
 * of the leader is refused.
 */
class DrainTest {
  @RegisterExtension
  static final LocalPatroniClusterExtension CLUSTER = LocalPatroniClusterExtension.of(LocalPatroniCluster.builder()
      .members(2));

  @TempDir Path dir;

  @Test
  void aDrainedReplicaIsTaggedWithoutRestartTurnsReadersAwayCannotBePromotedAndUndrainGivesItsFileBack()
      throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode pg2 = cluster.node("pg2");
    PatroniRunbooks catalogue = catalogue(cluster);
    RunbookRunner runner = catalogue.runner().build();
    DrainOptions options = DrainOptions.builder("pg2", pg2.configFile()).build();
    String original = Files.readString(pg2.configFile());
    OffsetDateTime postmaster = member(catalogue).status().postmasterStartTime();

    RunbookResult drained = runner.execute(catalogue.drain(options), journal());
    assertThat(drained).as(drained.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(drained.actedSteps()).contains("local-config[pg2]", "reload[pg2]");
    Tags shown = catalogue.client().cluster().member("pg2").tags();
    assertThat(shown.noFailover()).isTrue();
    assertThat(shown.noLoadBalance()).isTrue();
    assertThat(shown.noSync()).isTrue();
    assertThat(member(catalogue).check(HealthCheck.replica()).statusCode()).isEqualTo(503);
    assertThat(member(catalogue).check(HealthCheck.async()).statusCode()).isEqualTo(503);
    assertThat(member(catalogue).check(HealthCheck.health()).statusCode()).as("still running").isEqualTo(200);
    Outcome toDrained = catalogue.client().switchover(SwitchoverRequest.from("pg1").to("pg2"));
    assertThat(toDrained.kind()).as(toDrained.toString()).isEqualTo(Outcome.Kind.REFUSED);
    assertThat(cluster.leader().name()).isEqualTo("pg1");
    String drainedFile = Files.readString(pg2.configFile());
    assertThat(drainedFile).as("the rest of the file as it was").startsWith(original);
    assertThat(PatroniConfig.parse(drainedFile).tags().nofailover()).contains(true);
    assertThat(member(catalogue).status().postmasterStartTime()).as("reloaded, not restarted").isEqualTo(postmaster);

    RunbookResult drainedAgain = runner.execute(catalogue.drain(options), journal());
    assertThat(drainedAgain.succeeded()).as(drainedAgain.toString()).isTrue();
    assertThat(drainedAgain.actedSteps()).isEmpty();

    RunbookResult undrained = runner.execute(catalogue.undrain(options), journal());
    assertThat(undrained).as(undrained.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(Files.readString(pg2.configFile())).isEqualTo(original);
    Tags after = catalogue.client().cluster().member("pg2").tags();
    assertThat(after.noFailover() || after.noLoadBalance() || after.noSync()).as(after.toString()).isFalse();
    assertThat(member(catalogue).check(HealthCheck.replica()).statusCode()).isEqualTo(200);
    assertThat(member(catalogue).check(HealthCheck.replica().tag("nofailover", "true")).statusCode()).isEqualTo(503);
    assertThat(member(catalogue).status().postmasterStartTime()).isEqualTo(postmaster);

    RunbookResult undrainedAgain = runner.execute(catalogue.undrain(options), journal());
    assertThat(undrainedAgain.succeeded()).as(undrainedAgain.toString()).isTrue();
    assertThat(undrainedAgain.actedSteps()).isEmpty();
  }

  @Test
  void aDrainWithoutNoloadbalanceKeepsTheReplicaReadableAndTheTaggedChecksFindIt() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode pg2 = cluster.node("pg2");
    PatroniRunbooks catalogue = catalogue(cluster);
    RunbookRunner runner = catalogue.runner().build();
    DrainOptions options = DrainOptions.builder("pg2", pg2.configFile())
        .tags(EnumSet.of(DrainOptions.Tag.NOFAILOVER, DrainOptions.Tag.NOSYNC)).build();
    assertThat(member(catalogue).check(HealthCheck.replica().tag("nofailover", "true")).statusCode())
        .as("not tagged before").isEqualTo(503);

    RunbookResult drained = runner.execute(catalogue.drain(options), journal());
    assertThat(drained).as(drained.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(member(catalogue).check(HealthCheck.replica().tag("nofailover", "true")).statusCode()).isEqualTo(200);
    assertThat(member(catalogue).check(HealthCheck.async()).statusCode()).isEqualTo(200);
    assertThat(member(catalogue).check(HealthCheck.replica()).statusCode()).as("still takes reads").isEqualTo(200);
    assertThat(catalogue.client().cluster().member("pg2").tags().noLoadBalance()).isFalse();

    RunbookResult undrained = runner.execute(catalogue.undrain(options), journal());
    assertThat(undrained).as(undrained.toString()).isInstanceOf(RunbookResult.Succeeded.class);
    assertThat(member(catalogue).check(HealthCheck.replica().tag("nofailover", "true")).statusCode()).isEqualTo(503);
  }

  @Test
  void aDrainOfTheLeaderIsRefusedWithItsFileAndTagsUntouched() throws Exception {
    LocalPatroniCluster cluster = CLUSTER.cluster();
    PatroniNode leader = cluster.leader();
    PatroniRunbooks catalogue = catalogue(cluster);
    RunbookRunner runner = catalogue.runner().build();
    DrainOptions options = DrainOptions.builder(leader.name(), leader.configFile()).build();
    String original = Files.readString(leader.configFile());

    RunbookResult refused = runner.execute(catalogue.drain(options), journal());

    assertThat(refused).as(refused.toString()).isInstanceOfSatisfying(RunbookResult.Refused.class, r -> {
      assertThat(r.stepId()).isEqualTo("local-config[" + leader.name() + "]");
      assertThat(r.reason()).contains(leader.name() + " is the leader", "switch over first");
    });
    assertThat(refused.actedSteps()).isEmpty();
    assertThat(Files.readString(leader.configFile())).as("its file as it was").isEqualTo(original);
    Tags shown = catalogue.client().cluster().member(leader.name()).tags();
    assertThat(shown.noFailover() || shown.noLoadBalance() || shown.noSync()).as(shown.toString()).isFalse();
    assertThat(cluster.leader().name()).isEqualTo(leader.name());
  }

  private static MemberClient member(PatroniRunbooks catalogue) {
    return catalogue.client().member("pg2");
  }

  private static PatroniRunbooks catalogue(LocalPatroniCluster cluster) {
    PatroniClient client = PatroniClient.builder().members(cluster.nodes().stream().map(PatroniNode::restUrl).toList())
        .build();
    return PatroniRunbooks.builder(client).scope(cluster.scope()).hostActions(LocalClusterHostActions.of(cluster))
        .build();
  }

  private FileJournal journal() throws IOException {
    return FileJournal.at(Files.createTempFile(dir, "journal", ".jsonl"));
  }
}
