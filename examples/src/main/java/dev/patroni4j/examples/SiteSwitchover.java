package dev.patroni4j.examples;

import dev.patroni4j.client.model.StandbyClusterConfig;
import dev.patroni4j.runbooks.FileJournal;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
import dev.patroni4j.runbooks.catalogue.StandbySites;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The README's standby-site example: a planned switchover between two sites, each its own Patroni
 * cluster, site B a standby cluster of site A. runbooks' {@code StandbySitesTest} runs the same
 * runbook on two real test-kit sites, there and back, under a writer.
 */
public final class SiteSwitchover {
  private SiteSwitchover() {}

  /** Makes site B the primary site and site A its standby, losing no transaction; {@code journal} resumes it. */
  public static RunbookResult switchToSiteB(PatroniRunbooks siteA, PatroniRunbooks siteB, String siteBLeaderHost,
      int siteBLeaderPort, Path journal) throws java.io.IOException {
    // tag::sites[]
    // Site A stops taking writes (its leader becomes a standby_leader following site B's leader); site B is
    // promoted only once it has replayed everything A wrote and A is seen fenced.
    StandbyClusterConfig followB =
        new StandbyClusterConfig(List.of(siteBLeaderHost), siteBLeaderPort, null, null, null, List.of());
    return siteA.runner().build().execute(
        StandbySites.of(siteA).switchoverTo(siteB, followB, Duration.ofMinutes(3)), FileJournal.at(journal));
    // end::sites[]
  }
}
