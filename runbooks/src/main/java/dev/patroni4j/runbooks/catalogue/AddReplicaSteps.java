package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.HistoryEntry;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberStatus;
import dev.patroni4j.client.model.Timeline;
import dev.patroni4j.config.MemberHost;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Fact;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.Impact;
import dev.patroni4j.runbooks.Step;
import dev.patroni4j.runbooks.StepRefusedException;
import dev.patroni4j.runbooks.Steps;
import dev.patroni4j.runbooks.Verification;
import dev.patroni4j.runbooks.host.DataDirectory;
import dev.patroni4j.runbooks.host.HostActions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/** The steps of {@link PatroniRunbooks#addReplica}: check the target, judge the data directory, write, start. */
final class AddReplicaSteps {
  static final Fact<String> DIRECTORY = Fact.text("dataDirectory");
  static final Fact<String> VERDICT = Fact.text("verdict");
  static final Fact<String> CLUSTER_SYSTEM_IDENTIFIER = Fact.text("clusterSystemIdentifier");
  static final Fact<String> CONFIG_FILE = Fact.text("configFile");

  private AddReplicaSteps() {}

  /**
   * Observes only: the options are for this cluster, a running leader exists to clone from, and the name is free or
   * already this host's (a member registered from the host's REST address: a repeated run).
   */
  static Step target(Env env, String scope, AddReplicaOptions o) {
    String member = o.member();
    return Steps.named("target[" + member + "]").impact(Impact.NONE)
        .decide(ctx -> {
          if (!o.cluster().scope().equals(scope)) {
            return Decision.blocked("the options describe cluster '" + o.cluster().scope() + "', not '" + scope + "'");
          }
          ClusterView view = env.client.cluster();
          Optional<Member> leader = view.findLeader().filter(l -> l.state().isRunning());
          if (leader.isEmpty()) {
            return Decision.blocked("the cluster has no running leader for " + member + " to clone from");
          }
          Optional<Member> existing = view.findMember(member);
          if (existing.isPresent() && !isHost(existing.get(), o.host())) {
            return Decision.blocked("cluster " + scope + " has a member named " + member + " at "
                + existing.get().apiUrl() + " already, not at " + o.host().restApiConnectAddress());
          }
          return Decision.satisfied(existing.isPresent()
              ? member + " is a member already (" + existing.get().state().raw() + ")"
              : member + " is not a member yet; " + leader.get().name() + " leads", Facts.of(Keys.LEADER,
                  leader.get().name()));
        })
        .build();
  }

  /**
   * Keeps a missing or empty data directory, or one of this cluster on a timeline it can follow; wipes any other
   * (another system identifier, a diverged timeline, not a data directory) only with the run's confirmation token:
   * without one the runner refuses the run before any step acts. Blocked while the member's Patroni runs on it.
   */
  static Step dataDirectory(Env env, AddReplicaOptions o) {
    String member = o.member();
    String dir = o.dataDirectory().toString();
    return Steps.named("data-directory[" + member + "]").impact(Impact.DESTRUCTIVE)
        .decide(ctx -> {
          HostActions hosts = hosts(env);
          HostActions.CommandResult listing = hosts.run(member, List.of("ls", "-A", "--", dir));
          if (!listing.succeeded()) {
            if (listing.stderr().contains("No such file or directory")) {
              return Decision.satisfied(dir + " does not exist: Patroni creates it and clones into it",
                  Facts.of(DIRECTORY, dir, VERDICT, DataDirectoryCheck.Kind.EMPTY.name()));
            }
            return Decision.blocked("cannot list " + dir + " on " + member + ": " + listing.stderr().strip());
          }
          if (listing.stdout().isBlank()) {
            return Decision.satisfied(dir + " is empty: Patroni clones into it",
                Facts.of(DIRECTORY, dir, VERDICT, DataDirectoryCheck.Kind.EMPTY.name()));
          }
          ClusterView view = env.client.cluster();
          Optional<Member> found = view.findLeader();
          Optional<Timeline> leaderTimeline = view.timeline();
          if (found.isEmpty() || leaderTimeline.isEmpty()) {
            return Decision.blocked("the cluster has no leader on a known timeline to compare " + dir + " with");
          }
          Member leader = found.get();
          Timeline timeline = leaderTimeline.get();
          MemberStatus leaderStatus = env.client.clientFor(leader).status();
          String systemId = leaderStatus.systemIdentifier();
          if (systemId == null) {
            return Decision.blocked("leader " + leader.name() + " reports no system identifier");
          }
          List<HistoryEntry> history = env.client.clientFor(leader).history();
          HostActions.CommandResult control = hosts.run(member, List.of("env", "LC_ALL=C", pgControlData(o.host()),
              "-D", dir));
          DataDirectoryCheck.Verdict verdict = DataDirectoryCheck.judge(
              control.succeeded() ? Optional.of(control.stdout()) : Optional.empty(), systemId, timeline,
              leaderStatus.walPosition(), history);
          Facts facts = Facts.of(DIRECTORY, dir, VERDICT, verdict.kind().name(), CLUSTER_SYSTEM_IDENTIFIER, systemId)
              .with(Keys.TIMELINE, timeline);
          if (verdict.control().isPresent()) {
            facts = facts.with(Keys.SYSTEM_IDENTIFIER, verdict.control().get().systemIdentifier());
          }
          String what = "data directory " + dir + " of " + member;
          if (!verdict.kind().needsWipe()) {
            return Decision.satisfied(what + " is kept: " + verdict.reason(), facts);
          }
          Optional<Member> registered = view.findMember(member);
          if (registered.isPresent()) {
            return Decision.blocked(what + " must be wiped (" + verdict.reason() + "), but " + member + "'s Patroni "
                + "runs on it (" + registered.get().state().raw() + "): stop it first", facts);
          }
          return Decision.needsAction("wipe " + what + ": " + verdict.reason(), facts);
        })
        .act((ctx, intent) -> {
          // The runner checked the token against the cluster before this step acts; the wipe itself is confirmed for
          // exactly the directory the confirmed plan named.
          if (ctx.confirmation().isEmpty()) {
            throw new StepRefusedException("wiping " + dir + " on " + member + " needs the cluster's confirmation token");
          }
          DataDirectory target = new DataDirectory(member, o.dataDirectory());
          hosts(env).wipeDataDirectory(member, target.path(), Confirmation.of(target));
        })
        .verify((ctx, intent) -> {
          HostActions.CommandResult listing = hosts(env).run(member, List.of("ls", "-A", "--", dir));
          return listing.succeeded() && listing.stdout().isBlank()
              ? Verification.done(dir + " on " + member + " is empty")
              : Verification.pending(dir + " on " + member + " is not empty yet");
        })
        .build();
  }

  /**
   * Writes the member's {@code patroni.yml}, generated by patroni-config ({@link AddReplicaOptions#config}); satisfied
   * when the file holds exactly that text already. The text (it holds passwords) is neither journaled nor logged.
   */
  static Step writeConfig(Env env, AddReplicaOptions o) {
    String member = o.member();
    String file = o.configFile().toString();
    return Steps.named("config[" + member + "]").impact(Impact.CHANGE)
        .decide(ctx -> {
          String yaml = yaml(env, o);
          return hosts(env).readFile(member, o.configFile()).filter(yaml::equals).isPresent()
              ? Decision.satisfied(file + " on " + member + " holds the generated configuration already",
                  Facts.of(CONFIG_FILE, file))
              : Decision.needsAction("write " + member + "'s configuration to " + file, Facts.of(CONFIG_FILE, file));
        })
        .act((ctx, intent) -> hosts(env).writeFile(member, o.configFile(),
            yaml(env, o).getBytes(StandardCharsets.UTF_8)))
        .verify((ctx, intent) -> {
          return hosts(env).readFile(member, o.configFile()).filter(yaml(env, o)::equals).isPresent()
              ? Verification.done(file + " on " + member + " holds the generated configuration")
              : Verification.pending(file + " on " + member + " does not hold the generated configuration");
        })
        .build();
  }

  /** Starts the member's Patroni; done once it is in the member list (it may still be cloning). */
  static Step start(Env env, AddReplicaOptions o) {
    String member = o.member();
    return Steps.named("start[" + member + "]").impact(Impact.CHANGE)
        .decide(ctx -> env.client.cluster().findMember(member)
            .map(m -> (Decision) Decision.satisfied(member + " is in the member list (" + m.state().raw() + ")"))
            .orElseGet(() -> Decision.needsAction("start " + member + "'s Patroni")))
        .act((ctx, intent) -> hosts(env).startPatroni(member))
        .verify((ctx, intent) -> env.client.cluster().findMember(member)
            .map(m -> (Verification) Verification.done(member + " registered (" + m.state().raw() + ")"))
            .orElseGet(() -> Verification.pending(member + " is not in the member list yet")))
        .build();
  }

  private static String yaml(Env env, AddReplicaOptions o) {
    List<String> others = env.client.cluster().memberNames().stream().filter(n -> !n.equals(o.member())).toList();
    return o.config(others).toYaml();
  }

  private static HostActions hosts(Env env) {
    return Objects.requireNonNull(env.hosts, "host actions");
  }

  private static String pgControlData(MemberHost host) {
    return host.binDir().map(d -> (d.endsWith("/") ? d : d + "/") + "pg_controldata").orElse("pg_controldata");
  }

  /** Whether the registered member is the one at {@code host}'s REST address. */
  static boolean isHost(Member m, MemberHost host) {
    if (m.apiUrl() == null) {
      return false;
    }
    try {
      String authority = URI.create(m.apiUrl()).getAuthority();
      return authority != null && authority.toLowerCase(Locale.ROOT)
          .equals(host.restApiConnectAddress().toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
