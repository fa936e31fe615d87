package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsClient;
import dev.patroni4j.client.dcs.DcsMember;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.Impact;
import dev.patroni4j.runbooks.Step;
import dev.patroni4j.runbooks.Steps;
import dev.patroni4j.runbooks.Verification;
import java.util.stream.Collectors;

/**
 * Removes every key of the cluster from the DCS, as {@code patronictl remove} does. Refused while members are still
 * registered (their Patroni runs and would rewrite its keys); destructive, so the runner demands the confirmation
 * token, and the DCS write itself is guarded by the scope and system identifier the step decided on.
 */
final class RemoveClusterStep {
  private RemoveClusterStep() {}

  static Step create(DcsClient dcs, ClusterRef ref) {
    return Steps.named("remove-cluster").impact(Impact.DESTRUCTIVE)
        .decide(ctx -> {
          ClusterSnapshot s = dcs.snapshot(ref);
          if (s.isEmpty()) {
            return Decision.satisfied("the DCS holds no key of " + ref);
          }
          if (!s.members().isEmpty()) {
            return Decision.blocked("members still registered (stop their Patroni first): "
                + s.members().stream().map(DcsMember::name).collect(Collectors.joining(", ")),
                Facts.of(Keys.REGISTERED, s.members().stream().map(DcsMember::name).toList()));
          }
          return Decision.needsAction("remove every key of " + ref,
              Facts.of(Keys.SYSTEM_IDENTIFIER, s.systemIdentifier().orElse(""), Keys.REVISION, s.revision()));
        })
        .act((ctx, intent) -> dcs.removeCluster(ref,
            Confirmation.forCluster(ref.scope(), intent.facts().get(Keys.SYSTEM_IDENTIFIER))))
        .verify((ctx, intent) -> dcs.snapshot(ref).isEmpty() ? Verification.done("no key of " + ref + " left")
            : Verification.pending("keys of " + ref + " remain"))
        .build();
  }
}
