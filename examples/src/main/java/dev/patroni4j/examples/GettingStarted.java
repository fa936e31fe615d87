package dev.patroni4j.examples;

import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.Outcome;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.SwitchoverRequest;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Member;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The README's first steps with the REST client, as compiled code; {@code GettingStartedTest}
 * runs them against a real cluster.
 */
public final class GettingStarted {
  private GettingStarted() {}

  /** Builds one client for a cluster; share it, it is thread-safe. */
  public static PatroniClient connect(List<URI> memberUrls) {
    // tag::connect[]
    PatroniClient client = PatroniClient.builder()
        .members(memberUrls)                 // any members; the rest are discovered
        .readTimeout(Duration.ofSeconds(5))
        .build();
    // end::connect[]
    return client;
  }

  /** Prints who leads and how far each replica lags. */
  public static String describe(PatroniClient client) {
    StringBuilder out = new StringBuilder();
    // tag::status[]
    ClusterView view = client.cluster();
    out.append("leader: ").append(view.leader().name()).append('\n');
    for (Member replica : view.replicas()) {
      out.append(replica.name()).append(' ').append(replica.state().kind())
          .append(" lag=").append(replica.lag()).append('\n');
    }
    // end::status[]
    return out.toString();
  }

  /** A planned switchover with a typed outcome, then a wait on the observed cluster. */
  public static Outcome switchOver(PatroniClient client, String candidate) {
    // tag::switchover[]
    String leader = client.cluster().leader().name();
    Outcome outcome = client.switchover(SwitchoverRequest.from(leader).to(candidate));
    switch (outcome.kind()) {
      case DONE, DONE_WITH_OTHER_MEMBER, UNKNOWN ->
          // UNKNOWN (e.g. 503 "status unknown") is settled by watching, never by sending again.
          client.waitUntil(Conditions.leaderIs(candidate), Duration.ofMinutes(1));
      case REFUSED -> System.err.println("Patroni refused: " + outcome.message());
      default -> outcome.orThrow();
    }
    // end::switchover[]
    return outcome;
  }
}
