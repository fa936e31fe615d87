package dev.patroni4j.runbooks.backup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patroni4j.client.ClusterCondition;
import dev.patroni4j.client.ClusterObservation;
import dev.patroni4j.client.Conditions;
import dev.patroni4j.client.Confirmable;
import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.PatroniException;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.ClusterSnapshot;
import dev.patroni4j.client.dcs.DcsClient;
import dev.patroni4j.client.dcs.DcsMember;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.Timeline;
import dev.patroni4j.config.PatroniConfig;
import dev.patroni4j.runbooks.ClusterIdentity;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Fact;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.Impact;
import dev.patroni4j.runbooks.Journal;
import dev.patroni4j.runbooks.JournalEntry;
import dev.patroni4j.runbooks.Plan;
import dev.patroni4j.runbooks.Runbook;
import dev.patroni4j.runbooks.RunbookException;
import dev.patroni4j.runbooks.RunbookRunner;
import dev.patroni4j.runbooks.Step;
import dev.patroni4j.runbooks.StepContext;
import dev.patroni4j.runbooks.StepPolicy;
import dev.patroni4j.runbooks.StepRefusedException;
import dev.patroni4j.runbooks.Steps;
import dev.patroni4j.runbooks.Verification;
import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
import dev.patroni4j.runbooks.catalogue.PostgresConnector;
import dev.patroni4j.runbooks.host.DataDirectory;
import dev.patroni4j.runbooks.host.HostActions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Point-in-time restore of a whole Patroni cluster through Patroni's own bootstrap (the field procedure "restore from
 * the backup"): stop the replicas' Patroni, then the leader's (each stops its PostgreSQL); remove the cluster from
 * the DCS; keep each member's old data directory (moved whole, or only a copy of its {@code pg_wal}) where the caller
 * says; wipe the data directories; start the bootstrap member's Patroni with the backup tool's {@link
 * BackupTool#bootstrapMethod bootstrap method} in its configuration ({@code bootstrap.method}, with the cluster's
 * dynamic configuration as {@code bootstrap.dcs}, so archiving and every other setting survive): Patroni runs the
 * restore with the recovery target, PostgreSQL recovers to it and promotes onto a new timeline, Patroni takes the
 * leader key of the new cluster; the configuration file is then put back as it was; then each replica's Patroni is
 * started and rebuilds it from the leader ({@code basebackup}) or, with {@link Builder#replicasFromBackup()}, from
 * the backup through the tool's replica method. Done only when every member the plan named runs and streams from
 * the bootstrap member on its timeline, which is after the cluster's timeline before the restore, the leader accepts
 * a write ({@code txid_current()} outside recovery), and it has the cluster's system identifier.
 *
 * <p>Steps: {@code preflight}, {@code stop[replica]}..., {@code stop-leader}, {@code remove-cluster}, {@code
 * keep-old-data[member]}..., {@code wipe[member]}..., {@code bootstrap-config}, {@code bootstrap}, {@code
 * bootstrap-config-restored}, {@code rebuild[replica]}..., {@code restored}.
 *
 * <p><b>Confirmation.</b> {@code remove-cluster} and the wipes are destructive, and the run is confirmed for the
 * restore itself, not for the cluster alone: {@link #confirmationTarget(RestoreRequest)} is bound to the cluster's
 * scope and system identifier, every member's data directory, where the old data goes, and the restore request
 * (backup, target, timeline), so the token of a restore to another target, or into other directories, is refused
 * before anything is stopped ({@link Runbook.Builder#confirmedBy}).
 *
 * <p><b>Resuming.</b> Every step is journaled; a run resumed after a crash (of the runner, at any point) skips what
 * its run did: the wipes are terminal once done and are never decided again, so the restored data directory is never
 * wiped; an interrupted wipe is repeated only while the bootstrap has not started. While the cluster is down (no
 * Patroni answers, the DCS holds no key) the runner of {@link #runner(Journal)} takes the cluster's identity from the
 * journaled plan: nothing else can say it then, and the {@code restored} step checks that the restored cluster has
 * that system identifier. A runbook lease kept in the DCS ({@code PatroniRunbooks.Builder.dcsLease}) lives under
 * the cluster's keys and goes with them at {@code remove-cluster}: run the restore without one.
 *
 * <pre>{@code
 * import dev.patroni4j.client.Confirmable;
 * import dev.patroni4j.client.Confirmation;
 * import dev.patroni4j.client.dcs.ClusterRef;
 * import dev.patroni4j.client.dcs.DcsClient;
 * import dev.patroni4j.runbooks.ExecuteOptions;
 * import dev.patroni4j.runbooks.FileJournal;
 * import dev.patroni4j.runbooks.Journal;
 * import dev.patroni4j.runbooks.RunbookResult;
 * import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
 * import dev.patroni4j.runbooks.catalogue.PostgresConnector;
 * import dev.patroni4j.runbooks.host.HostActions;
 * import java.time.Instant;
 * // given: PatroniRunbooks catalogue; BackupTool tool; HostActions hosts; DcsClient dcs; PostgresConnector pg;
 * // given: Path journalFile; String typed;
 * PointInTimeRestore pitr = PointInTimeRestore.builder(catalogue, tool, hosts, dcs, ClusterRef.of("demo"))
 *     .member("pg1", Path.of("/var/lib/postgresql/15/main"), Path.of("/etc/patroni/patroni.yml"))
 *     .member("pg2", Path.of("/var/lib/postgresql/15/main"), Path.of("/etc/patroni/patroni.yml"))
 *     .keepOldData(member -> Path.of("/var/lib/postgresql/15/before-restore"))
 *     .postgres(pg)
 *     .build();
 * RestoreRequest request = RestoreRequest.to(RecoveryTarget.time(Instant.parse("2026-12-03T10:00:00Z"), false));
 * Confirmable target = pitr.confirmationTarget(request);
 * System.out.println("to restore " + target.confirmationSubject() + ", type " + target.confirmationToken());
 * Journal journal = FileJournal.at(journalFile);
 * RunbookResult r = pitr.runner(journal).build().execute(pitr.runbook(request), journal,
 *     ExecuteOptions.defaults().confirmation(Confirmation.of(typed)));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class PointInTimeRestore {
  /** The runbook's name in plans and journals. */
  public static final String NAME = "point-in-time-restore";
  /** The cluster's system identifier when the plan was made (the restore brings the same one back). */
  public static final Fact<String> SYSTEM_IDENTIFIER = Fact.text("pitr-system-identifier");
  /** The member whose Patroni bootstraps the restored cluster (the leader when the plan was made, by default). */
  public static final Fact<String> LEADER = Fact.text("pitr-leader");
  /** The other members, rebuilt as replicas once the leader runs. */
  public static final Fact<List<String>> REPLICAS = Fact.texts("pitr-replicas");
  /** The cluster's timeline when the plan was made; the restored cluster runs on a later one. */
  public static final Fact<Long> TIMELINE_BEFORE = Fact.number("pitr-timeline-before");
  /** The cluster's dynamic configuration (JSON) when the plan was made, bootstrapped into the restored cluster. */
  public static final Fact<String> DYNAMIC_CONFIG = Fact.text("pitr-dynamic-config");
  /** The restore request as planned (backup, target, timeline), part of the confirmation token. */
  public static final Fact<String> REQUEST = Fact.text("pitr-request");
  /** The timeline the restored leader runs on. */
  public static final Fact<Long> RESTORED_TIMELINE = Fact.number("pitr-restored-timeline");
  /** The members that stream from the restored leader at the end. */
  public static final Fact<List<String>> STREAMING = Fact.texts("pitr-streaming");

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Where {@code bootstrap-config} keeps the bootstrap member's configuration file as it was. */
  private static final String CONFIG_BEFORE = ".before-pitr";
  /** Written into a keep directory once the old data is there in full. */
  private static final String KEPT_MARKER = "p4j-pitr-kept";

  private final PatroniRunbooks catalogue;
  private final BackupTool tool;
  private final HostActions hosts;
  private final DcsClient dcs;
  private final ClusterRef ref;
  private final Map<String, MemberPaths> members;
  private final Function<String, Path> keepTo;
  private final boolean walOnly;
  private final @Nullable String bootstrapMember;
  private final @Nullable PostgresConnector pg;
  private final boolean replicasFromBackup;
  private final Duration stopTimeout;
  private final Duration restoreTimeout;
  private final Duration rebuildTimeout;

  /** A member's data directory and Patroni configuration file, on its host. */
  private record MemberPaths(Path dataDirectory, Path configFile) {}

  private PointInTimeRestore(Builder b) {
    this.catalogue = b.catalogue;
    this.tool = b.tool;
    this.hosts = b.hosts;
    this.dcs = b.dcs;
    this.ref = b.ref;
    this.members = Map.copyOf(b.members);
    this.keepTo = Objects.requireNonNull(b.keepTo,
        "keepOldData(...) is required: say where each member's old data goes");
    this.walOnly = b.walOnly;
    this.bootstrapMember = b.bootstrapMember;
    this.pg = b.pg;
    this.replicasFromBackup = b.replicasFromBackup;
    this.stopTimeout = b.stopTimeout;
    this.restoreTimeout = b.restoreTimeout;
    this.rebuildTimeout = b.rebuildTimeout;
    if (members.isEmpty()) {
      throw new IllegalArgumentException("name every member of the cluster with member(...)");
    }
    if (bootstrapMember != null && !members.containsKey(bootstrapMember)) {
      throw new IllegalArgumentException("bootstrap member " + bootstrapMember + " is not among " + names());
    }
  }

  /**
   * A restore of the cluster {@code catalogue} runs on, with {@code tool}, acting on the members' hosts through
   * {@code hosts} and removing the cluster {@code ref} from {@code dcs}.
   */
  public static Builder builder(PatroniRunbooks catalogue, BackupTool tool, HostActions hosts, DcsClient dcs,
      ClusterRef ref) {
    return new Builder(catalogue, tool, hosts, dcs, ref);
  }

  /**
   * What a run restoring {@code request} is confirmed for, observed now: the cluster's scope and system identifier,
   * the members' data directories, where their old data goes, and the request. Its token is what the operator types.
   *
   * @throws RunbookException when the cluster's identity cannot be observed
   */
  public Target confirmationTarget(RestoreRequest request) {
    ClusterIdentity id;
    try {
      id = catalogue.identitySource().observe();
    } catch (RunbookException e) {
      throw e;
    } catch (Exception e) {
      throw new RunbookException("cannot observe cluster " + catalogue.scope() + ": " + e.getMessage(), e);
    }
    return target(id.systemIdentifier(), describe(request));
  }

  /**
   * The confirmation target of a restore, bound to the cluster, the data directories, where the old data is kept
   * and the restore request.
   *
   * <pre>{@code
   * // given: PointInTimeRestore pitr; RestoreRequest request;
   * PointInTimeRestore.Target t = pitr.confirmationTarget(request);
   * System.out.println(t.confirmationSubject() + ": " + t.confirmationToken());
   * }</pre>
   *
   * <p>Immutable.
   *
   * @param scope the cluster's scope
   * @param systemIdentifier the cluster's PostgreSQL system identifier
   * @param dataDirectories each member's data directory, by member name
   * @param keptAt where each member's old data goes, by member name ({@code pg_wal} only when {@code walOnly})
   * @param walOnly whether only {@code pg_wal} of the old data is kept
   * @param request the restore request as the plan describes it
   */
  public record Target(String scope, String systemIdentifier, Map<String, String> dataDirectories,
      Map<String, String> keptAt, boolean walOnly, String request) implements Confirmable {
    public Target {
      Objects.requireNonNull(scope, "scope == null");
      Objects.requireNonNull(systemIdentifier, "systemIdentifier == null");
      dataDirectories = Map.copyOf(dataDirectories);
      keptAt = Map.copyOf(keptAt);
      Objects.requireNonNull(request, "request == null");
    }

    /** {@code scope:systemIdentifier:restore-<hash>}, the hash over the directories, the keep places and the request. */
    @Override
    public String confirmationToken() {
      StringBuilder what = new StringBuilder(request).append('\n').append(walOnly ? "wal" : "whole");
      new TreeMap<>(dataDirectories).forEach((m, d) -> what.append('\n').append(m).append('=').append(d)
          .append("->").append(keptAt.get(m)));
      try {
        byte[] h = MessageDigest.getInstance("SHA-256").digest(what.toString().getBytes(StandardCharsets.UTF_8));
        return scope + ":" + systemIdentifier + ":restore-" + HexFormat.of().formatHex(h, 0, 6);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is missing from this JVM", e);
      }
    }

    @Override
    public String confirmationSubject() {
      return "point-in-time restore of cluster " + scope + " (system " + systemIdentifier + ") to " + request
          + ", wiping " + new TreeMap<>(dataDirectories) + ", old " + (walOnly ? "pg_wal" : "data") + " kept at "
          + new TreeMap<>(keptAt);
    }
  }

  /**
   * A runner builder like the catalogue's, whose cluster identity is the journaled plan's while the cluster is down
   * (no Patroni answers, or the DCS holds no {@code initialize} key); add listeners as needed. Use it with the same
   * {@code journal} the run is executed with.
   */
  public RunbookRunner.Builder runner(Journal journal) {
    Objects.requireNonNull(journal, "journal == null");
    ClusterIdentity.Source live = catalogue.identitySource();
    return catalogue.runner().identity(() -> {
      Exception failure = null;
      try {
        ClusterIdentity id = live.observe();
        if (!id.systemIdentifier().isEmpty()) {
          return id;
        }
      } catch (Exception e) {
        failure = e;
      }
      Optional<ClusterIdentity> planned = journal.read().stream()
          .filter(e -> e.kind() == JournalEntry.Kind.RUN_STARTED && e.payload() != null)
          .map(e -> Plan.fromJson(Objects.requireNonNull(e.payload())))
          .filter(p -> p.runbook().equals(NAME))
          .map(Plan::cluster)
          .findFirst();
      if (planned.isPresent()) {
        ClusterIdentity p = planned.get();
        return new ClusterIdentity(p.scope(), p.systemIdentifier(), null, 0, List.of());
      }
      String why = "cannot observe cluster " + catalogue.scope() + " and the journal holds no plan of a restore";
      if (failure == null) {
        throw new RunbookException(why + " (the DCS holds no initialize key)");
      }
      throw new RunbookException(why + ": " + failure.getMessage(), failure);
    });
  }

  /** The restore runbook for {@code request}. */
  public Runbook runbook(RestoreRequest request) {
    Objects.requireNonNull(request, "request == null");
    PostgresConnector connector = Objects.requireNonNull(pg,
        "the restore checks that the leader accepts writes: PointInTimeRestore.builder(...).postgres(...)");
    String requestText = describe(request);
    StepPolicy stop = StepPolicy.custom().verifyTimeout(stopTimeout).build();
    Runbook.Builder b = Runbook.named(NAME)
        .bind(SYSTEM_IDENTIFIER, ctx -> {
          String id = catalogue.identitySource().observe().systemIdentifier();
          if (id.isEmpty()) {
            throw new StepRefusedException("the cluster's system identifier is unknown: nothing to restore it to");
          }
          return id;
        })
        .bind(LEADER, ctx -> bootstrapMember != null ? bootstrapMember : currentLeader())
        .bind(REPLICAS, ctx -> names().stream().filter(m -> !m.equals(ctx.binding(LEADER))).toList())
        .bind(TIMELINE_BEFORE, ctx -> catalogue.client().cluster().timeline().map(Timeline::id).orElse(0L))
        .bind(DYNAMIC_CONFIG, ctx -> dynamicConfigJson())
        .bind(REQUEST, ctx -> requestText)
        .confirmedBy(facts -> target(facts.get(SYSTEM_IDENTIFIER), facts.get(REQUEST)))
        .step(preflight(request))
        .forEach(REPLICAS, this::stopStep, stop)
        .step(Steps.named("stop-leader").impact(Impact.DISRUPTIVE)
            .decide(ctx -> stopDecision(ctx.binding(LEADER)))
            .act((ctx, intent) -> hosts.stopPatroni(ctx.binding(LEADER)))
            .verify((ctx, intent) -> stopped(ctx.binding(LEADER)))
            .build(), stop)
        .step(removeCluster());
    for (String m : names()) {
      b.step(keepStep(m));
    }
    for (String m : names()) {
      b.step(wipeStep(m));
    }
    b.step(bootstrapConfig(request))
        .step(bootstrap(connector), StepPolicy.custom().verifyTimeout(restoreTimeout).build())
        .step(restoreConfig())
        .forEach(REPLICAS, this::rebuildStep, StepPolicy.custom().verifyTimeout(rebuildTimeout).build())
        .step(restored(connector), StepPolicy.custom().verifyTimeout(rebuildTimeout).build());
    return b.build();
  }

  // ------------------------------------------------------------------------------------------------ steps

  private Step preflight(RestoreRequest request) {
    return Steps.named("preflight").impact(Impact.NONE)
        .decide(ctx -> {
          ClusterView view = catalogue.client().cluster();
          List<String> unnamed = view.members().stream().map(Member::name).filter(m -> !members.containsKey(m))
              .toList();
          if (!unnamed.isEmpty()) {
            return Decision.blocked("members " + unnamed + " run in the cluster but the restore does not name them: "
                + "they would keep their old data and join the restored cluster");
          }
          String leader = ctx.binding(LEADER);
          Optional<String> named = request.findBackup();
          Optional<BackupInfo> backup = named.isPresent()
              ? tool.list(leader).stream().filter(x -> x.label().equals(named.get()) && x.complete()).findFirst()
              : tool.latest(leader);
          if (backup.isEmpty()) {
            return Decision.blocked(tool.repository() + " lists no complete backup "
                + request.findBackup().map(l -> l + " ").orElse("") + "to restore; nothing was changed");
          }
          return Decision.satisfied("restore " + ctx.binding(REQUEST) + " from " + tool.repository() + " (backup "
              + backup.get().label() + " listed), bootstrapping on " + leader + ", rebuilding "
              + ctx.binding(REPLICAS));
        })
        .build();
  }

  private Step stopStep(String member) {
    return Steps.named("stop[" + member + "]").impact(Impact.DISRUPTIVE)
        .decide(ctx -> stopDecision(member))
        .act((ctx, intent) -> hosts.stopPatroni(member))
        .verify((ctx, intent) -> stopped(member))
        .build();
  }

  private Decision stopDecision(String member) {
    Verification v = stopped(member);
    return v instanceof Verification.Done d ? Decision.satisfied(d.reason())
        : Decision.needsAction("stop Patroni on " + member + ", which stops its PostgreSQL");
  }

  /** Done when the member's Patroni does not answer and its PostgreSQL left no {@code postmaster.pid}. */
  private Verification stopped(String member) {
    boolean answers;
    try {
      catalogue.client().member(member).status();
      answers = true;
    } catch (PatroniException e) {
      answers = false;
    }
    if (answers) {
      return Verification.pending("Patroni on " + member + " still answers");
    }
    if (hosts.readFile(member, paths(member).dataDirectory().resolve("postmaster.pid")).isPresent()) {
      return Verification.pending("PostgreSQL on " + member + " still runs (postmaster.pid in "
          + paths(member).dataDirectory() + ")");
    }
    return Verification.done("Patroni and PostgreSQL on " + member + " are stopped");
  }

  private Step removeCluster() {
    return Steps.named("remove-cluster").impact(Impact.DESTRUCTIVE)
        .decide(ctx -> {
          ClusterSnapshot s = dcs.snapshot(ref);
          if (s.isEmpty()) {
            return Decision.satisfied("the DCS holds no key of " + ref);
          }
          List<String> others = s.members().stream().map(DcsMember::name).filter(m -> !members.containsKey(m))
              .toList();
          if (!others.isEmpty()) {
            return Decision.blocked("members the restore does not name are registered: " + others);
          }
          String id = s.systemIdentifier().orElse("");
          if (!id.isEmpty() && !id.equals(ctx.binding(SYSTEM_IDENTIFIER))) {
            return Decision.blocked("the DCS holds cluster " + ref + " of system " + id + ", not the planned "
                + ctx.binding(SYSTEM_IDENTIFIER));
          }
          return Decision.needsAction("remove every key of " + ref + " (" + s.members().size()
              + " member keys of stopped members left)");
        })
        .act((ctx, intent) -> {
          String id = dcs.snapshot(ref).systemIdentifier().orElse("");
          dcs.removeCluster(ref, Confirmation.forCluster(ref.scope(), id));
        })
        .verify((ctx, intent) -> dcs.snapshot(ref).isEmpty() ? Verification.done("no key of " + ref + " left")
            : Verification.pending("keys of " + ref + " remain"))
        .build();
  }

  private Step keepStep(String member) {
    Path data = paths(member).dataDirectory();
    Path keep = keepTo.apply(member);
    Path marker = keep.resolve(KEPT_MARKER);
    return Steps.named("keep-old-data[" + member + "]").impact(Impact.CHANGE)
        .decide(ctx -> {
          if (hosts.readFile(member, marker).isPresent()) {
            return Decision.satisfied("the old " + (walOnly ? "pg_wal" : "data directory") + " of " + member
                + " is kept in " + keep);
          }
          if (hosts.readFile(member, data.resolve("PG_VERSION")).isEmpty()
              && hosts.readFile(member, keep.resolve("PG_VERSION")).isEmpty()) {
            return Decision.blocked(data + " on " + member + " holds no data directory to keep (no PG_VERSION), and "
                + keep + " none either");
          }
          return Decision.needsAction((walOnly ? "copy pg_wal of " + data : "move " + data) + " on " + member
              + " to " + keep);
        })
        .act((ctx, intent) -> {
          if (walOnly) {
            command(member, "mkdir", List.of("mkdir", "-p", "-m", "700", "--", keep.toString()));
            command(member, "cp", List.of("cp", "-a", "--", data.resolve("pg_wal").toString(),
                keep.resolve("pg_wal").toString()));
          } else {
            if (hosts.readFile(member, keep.resolve("PG_VERSION")).isEmpty()) {
              // a move resumed after it happened finds the data there already
              Path parent = keep.getParent();
              command(member, "mkdir", List.of("mkdir", "-p", "--", parent == null ? "/" : parent.toString()));
              hosts.moveFile(member, data, keep);
            }
            command(member, "mkdir", List.of("mkdir", "-p", "-m", "700", "--", data.toString()));
          }
          hosts.writeFile(member, marker, ("old " + (walOnly ? "pg_wal" : "data directory") + " of " + data
              + " before the point-in-time restore\n").getBytes(StandardCharsets.UTF_8));
        })
        .verify((ctx, intent) -> hosts.readFile(member, marker).isPresent()
            ? Verification.done("kept in " + keep) : Verification.failed("no " + marker + " on " + member))
        .build();
  }

  private Step wipeStep(String member) {
    Path data = paths(member).dataDirectory();
    return Steps.named("wipe[" + member + "]").impact(Impact.DESTRUCTIVE)
        .decide(ctx -> {
          if (hosts.readFile(member, data.resolve("postmaster.pid")).isPresent()) {
            return Decision.blocked("PostgreSQL runs on " + member + " (postmaster.pid in " + data + ")");
          }
          return empty(member, data) ? Decision.satisfied(data + " on " + member + " is empty")
              : Decision.needsAction("wipe " + data + " on " + member);
        })
        .act((ctx, intent) -> hosts.wipeDataDirectory(member, data,
            Confirmation.of(new DataDirectory(member, data))))
        .verify((ctx, intent) -> empty(member, data) ? Verification.done(data + " on " + member + " is empty")
            : Verification.failed(data + " on " + member + " is not empty after the wipe"))
        .build();
  }

  private Step bootstrapConfig(RestoreRequest request) {
    return Steps.named("bootstrap-config").impact(Impact.CHANGE)
        .decide(ctx -> {
          String leader = ctx.binding(LEADER);
          PatroniMethod method = tool.bootstrapMethod(leader, request);
          PatroniConfig now = config(leader, paths(leader).configFile());
          boolean set = now.get("bootstrap.method").map(method.name()::equals).orElse(false)
              && now.get("bootstrap." + method.name() + ".command").map(method.command()::equals).orElse(false);
          return set ? Decision.satisfied("the configuration of " + leader + " bootstraps with " + method.name())
              : Decision.needsAction("set bootstrap.method " + method.name() + " in " + paths(leader).configFile()
                  + " on " + leader + " (the file as it was kept as " + CONFIG_BEFORE + ")");
        })
        .act((ctx, intent) -> {
          String leader = ctx.binding(LEADER);
          Path file = paths(leader).configFile();
          Path before = file.resolveSibling(file.getFileName() + CONFIG_BEFORE);
          String original = hosts.readFile(leader, file)
              .orElseThrow(() -> new StepRefusedException("no " + file + " on " + leader));
          if (hosts.readFile(leader, before).isEmpty()) {
            hosts.writeFile(leader, before, original.getBytes(StandardCharsets.UTF_8));
          }
          PatroniMethod method = tool.bootstrapMethod(leader, request);
          PatroniConfig c = PatroniConfig.parse(original, file.toString())
              .with("bootstrap.method", method.name())
              .with("bootstrap." + method.name(), method.settings());
          Map<String, Object> dynamic = dynamicConfig(ctx.binding(DYNAMIC_CONFIG));
          if (!dynamic.isEmpty()) {
            c = c.with("bootstrap.dcs", dynamic);
          }
          hosts.writeFile(leader, file, c.toYaml().getBytes(StandardCharsets.UTF_8));
        })
        .build();
  }

  private Step bootstrap(PostgresConnector connector) {
    return Steps.named("bootstrap").impact(Impact.DISRUPTIVE)
        .decide(ctx -> {
          Optional<String> written = leaderWritable(connector, ctx);
          return written.isPresent() ? Decision.satisfied(written.get())
              : Decision.needsAction("start Patroni on " + ctx.binding(LEADER) + ": it bootstraps the cluster from "
                  + tool.repository() + ", recovering to " + ctx.binding(REQUEST));
        })
        // starting Patroni again is harmless: a running one is left alone, a stopped one resumes its bootstrap
        .act((ctx, intent) -> hosts.startPatroni(ctx.binding(LEADER)))
        .verify((ctx, intent) -> {
          Optional<String> written = leaderWritable(connector, ctx);
          if (written.isPresent()) {
            return Verification.done(written.get(), Facts.of(RESTORED_TIMELINE, restoredTimeline()));
          }
          return Verification.pending(leaderState(ctx.binding(LEADER)));
        })
        .build();
  }

  private Step restoreConfig() {
    return Steps.named("bootstrap-config-restored").impact(Impact.CHANGE)
        .decide(ctx -> {
          String leader = ctx.binding(LEADER);
          Path file = paths(leader).configFile();
          return hosts.readFile(leader, file.resolveSibling(file.getFileName() + CONFIG_BEFORE)).isEmpty()
              ? Decision.satisfied(file + " on " + leader + " is as it was before the restore")
              : Decision.needsAction("put " + file + " on " + leader + " back as it was (without the bootstrap "
                  + "method, so it never restores again by itself)");
        })
        .act((ctx, intent) -> {
          String leader = ctx.binding(LEADER);
          Path file = paths(leader).configFile();
          hosts.moveFile(leader, file.resolveSibling(file.getFileName() + CONFIG_BEFORE), file);
        })
        .build();
  }

  private Step rebuildStep(String member) {
    ClusterCondition streaming = Conditions.memberStreaming(member);
    return Steps.named("rebuild[" + member + "]").impact(Impact.DISRUPTIVE)
        .decide(ctx -> {
          ClusterObservation o = ctx.observe(true);
          return streaming.test(o) ? Decision.satisfied(member + " streams from the restored leader")
              : Decision.needsAction("start Patroni on " + member + ": it rebuilds the replica "
                  + (replicasFromBackup ? "from " + tool.repository() : "from the leader"));
        })
        .act((ctx, intent) -> {
          if (replicasFromBackup) {
            Path file = paths(member).configFile();
            PatroniMethod method = tool.replicaMethod(member);
            PatroniConfig c = config(member, file)
                .with("postgresql.create_replica_methods", List.of(method.name()))
                .with("postgresql." + method.name(), method.settings());
            hosts.writeFile(member, file, c.toYaml().getBytes(StandardCharsets.UTF_8));
          }
          hosts.startPatroni(member);
        })
        .verifyUntil((ctx, intent) -> streaming)
        .build();
  }

  private Step restored(PostgresConnector connector) {
    return Steps.named("restored").impact(Impact.NONE)
        .decide(ctx -> {
          Optional<String> why = whyNotRestored(connector, ctx);
          return why.isEmpty() ? Decision.satisfied(restoredReason(ctx), restoredFacts())
              : Decision.needsAction("waiting: " + why.get());
        })
        .verify((ctx, intent) -> {
          Optional<String> why = whyNotRestored(connector, ctx);
          return why.isEmpty() ? Verification.done(restoredReason(ctx), restoredFacts())
              : Verification.pending(why.get());
        })
        .build();
  }

  // ------------------------------------------------------------------------------------------------ observations

  private Optional<String> whyNotRestored(PostgresConnector connector, StepContext ctx) throws Exception {
    List<String> all = names();
    ClusterCondition c = Conditions.allOf(Conditions.leaderIs(ctx.binding(LEADER)), Conditions.allStreaming(all));
    ClusterObservation o = ctx.observe(true);
    if (!c.test(o)) {
      return Optional.of(c.whyNot(o));
    }
    Optional<String> written = leaderWritable(connector, ctx);
    return written.isPresent() ? Optional.empty() : Optional.of(leaderState(ctx.binding(LEADER)));
  }

  private String restoredReason(StepContext ctx) {
    return "restored to " + ctx.binding(REQUEST) + ": " + ctx.binding(LEADER) + " leads on timeline "
        + restoredTimeline() + " (was " + ctx.binding(TIMELINE_BEFORE) + ") and accepts writes, " + names()
        + " all stream from it";
  }

  private Facts restoredFacts() {
    return Facts.of(RESTORED_TIMELINE, restoredTimeline(), STREAMING, names());
  }

  private long restoredTimeline() {
    return catalogue.client().cluster().timeline().map(Timeline::id).orElse(0L);
  }

  /**
   * Present (with what it saw) when the bootstrap member leads the cluster of the planned system identifier as a
   * running primary on a timeline after the planned one and accepts a write; empty otherwise.
   */
  private Optional<String> leaderWritable(PostgresConnector connector, StepContext ctx) throws Exception {
    String leader = ctx.binding(LEADER);
    ClusterView view;
    try {
      view = catalogue.client().cluster();
    } catch (PatroniException e) {
      return Optional.empty();
    }
    Optional<Member> l = view.findLeader().filter(m -> m.name().equals(leader) && m.state().isRunning());
    if (l.isEmpty()) {
      return Optional.empty();
    }
    String systemId = catalogue.client().member(leader).status().systemIdentifier();
    if (systemId != null && !systemId.equals(ctx.binding(SYSTEM_IDENTIFIER))) {
      throw new StepRefusedException(leader + " runs a cluster of system " + systemId + ", not the restored "
          + ctx.binding(SYSTEM_IDENTIFIER));
    }
    long timeline = view.timeline().map(Timeline::id).orElse(0L);
    if (timeline <= ctx.binding(TIMELINE_BEFORE)) {
      return Optional.empty();
    }
    String host = l.get().host();
    Integer port = l.get().port();
    if (host == null || port == null) {
      return Optional.empty();
    }
    try (Connection c = connector.connect(leader, host, port); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), txid_current()::text")) {
      rs.next();
      if (rs.getBoolean(1)) {
        return Optional.empty();
      }
      return Optional.of(leader + " leads the restored cluster on timeline " + timeline + " and accepted a write "
          + "(transaction " + rs.getString(2) + ")");
    } catch (SQLException e) {
      return Optional.empty();
    }
  }

  private String leaderState(String leader) {
    try {
      return "Patroni on " + leader + " reports " + catalogue.client().member(leader).status().state().raw();
    } catch (PatroniException e) {
      return "Patroni on " + leader + " does not answer yet";
    }
  }

  private String currentLeader() {
    return catalogue.client().cluster().findLeader().map(Member::name)
        .orElseThrow(() -> new StepRefusedException("the cluster has no leader: name the member to bootstrap on "
            + "with bootstrapOn(...)"));
  }

  private String dynamicConfigJson() throws JsonProcessingException {
    ClusterSnapshot s = dcs.snapshot(ref);
    dev.patroni4j.client.dcs.DcsConfig config = s.config();
    Map<String, Object> values = config == null ? Map.of() : config.config().values();
    return JSON.writeValueAsString(values);
  }

  private static Map<String, Object> dynamicConfig(String json) throws JsonProcessingException {
    return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
  }

  private PatroniConfig config(String member, Path file) {
    String yaml = hosts.readFile(member, file)
        .orElseThrow(() -> new StepRefusedException("no Patroni configuration " + file + " on " + member));
    return PatroniConfig.parse(yaml, file.toString());
  }

  private boolean empty(String member, Path dir) {
    HostActions.CommandResult r = hosts.run(member, List.of("find", dir.toString(), "-mindepth", "1", "-maxdepth",
        "1", "-print", "-quit"));
    if (!r.succeeded()) {
      // no directory at all is as empty as it gets; anything else is a failure to look
      if (r.stderr().contains("No such file")) {
        return true;
      }
      throw new StepRefusedException("cannot list " + dir + " on " + member + ": exit " + r.exitCode());
    }
    return r.stdout().isBlank();
  }

  private void command(String member, String what, List<String> argv) {
    HostActions.CommandResult r = hosts.run(member, argv);
    if (!r.succeeded()) {
      throw new StepRefusedException(what + " on " + member + " failed (exit " + r.exitCode() + "): "
          + r.stderr().strip());
    }
  }

  private Target target(String systemIdentifier, String request) {
    Map<String, String> dirs = new LinkedHashMap<>();
    Map<String, String> kept = new LinkedHashMap<>();
    for (String m : names()) {
      dirs.put(m, paths(m).dataDirectory().toString());
      kept.put(m, keepTo.apply(m).toString());
    }
    return new Target(catalogue.scope(), systemIdentifier, dirs, kept, walOnly, request);
  }

  /** The request as plans and tokens name it. */
  static String describe(RestoreRequest request) {
    RecoveryTarget t = request.target();
    String target = t instanceof RecoveryTarget.Time x ? "time " + x.time() + (x.inclusive() ? "" : " exclusive")
        : t instanceof RecoveryTarget.Xid x ? "xid " + x.xid() + (x.inclusive() ? "" : " exclusive")
        : t instanceof RecoveryTarget.AtLsn x ? "lsn " + x.lsn() + (x.inclusive() ? "" : " exclusive")
        : t instanceof RecoveryTarget.Immediate ? "the end of the backup" : "the end of the archive";
    return target + " from backup " + request.findBackup().orElse("latest")
        + request.findTimeline().map(tl -> " on timeline " + tl.id()).orElse("")
        + (request.promote() ? "" : ", paused") + (request.archiving() ? "" : ", archiving off");
  }

  private List<String> names() {
    return members.keySet().stream().sorted().collect(Collectors.toList());
  }

  private MemberPaths paths(String member) {
    MemberPaths p = members.get(member);
    if (p == null) {
      throw new IllegalArgumentException("member " + member + " is not among " + names());
    }
    return p;
  }

  @Override
  public String toString() {
    return "PointInTimeRestore[" + ref + ", members=" + names() + ", tool=" + tool.name() + "]";
  }

  /** Builder for {@link PointInTimeRestore}; not thread-safe. */
  public static final class Builder {
    private final PatroniRunbooks catalogue;
    private final BackupTool tool;
    private final HostActions hosts;
    private final DcsClient dcs;
    private final ClusterRef ref;
    private final Map<String, MemberPaths> members = new LinkedHashMap<>();
    private @Nullable Function<String, Path> keepTo;
    private boolean walOnly;
    private @Nullable String bootstrapMember;
    private @Nullable PostgresConnector pg;
    private boolean replicasFromBackup;
    private Duration stopTimeout = Duration.ofMinutes(5);
    private Duration restoreTimeout = Duration.ofHours(12);
    private Duration rebuildTimeout = Duration.ofHours(12);

    private Builder(PatroniRunbooks catalogue, BackupTool tool, HostActions hosts, DcsClient dcs, ClusterRef ref) {
      this.catalogue = Objects.requireNonNull(catalogue, "catalogue == null");
      this.tool = Objects.requireNonNull(tool, "tool == null");
      this.hosts = Objects.requireNonNull(hosts, "hosts == null");
      this.dcs = Objects.requireNonNull(dcs, "dcs == null");
      this.ref = Objects.requireNonNull(ref, "ref == null");
      if (!ref.scope().equals(catalogue.scope())) {
        throw new IllegalArgumentException("the catalogue is for cluster " + catalogue.scope() + ", the DCS "
            + "reference for " + ref.scope());
      }
    }

    /** A member of the cluster, its data directory and its Patroni configuration file; name every member. */
    public Builder member(String name, Path dataDirectory, Path configFile) {
      Objects.requireNonNull(name, "name == null");
      if (!Objects.requireNonNull(dataDirectory, "dataDirectory == null").isAbsolute()) {
        throw new IllegalArgumentException("data directory of " + name + " is not absolute: " + dataDirectory);
      }
      members.put(name, new MemberPaths(dataDirectory, Objects.requireNonNull(configFile, "configFile == null")));
      return this;
    }

    /**
     * Where each member's old data directory goes (required): moved there whole (a rename: on the data directory's
     * file system, the directory absent or empty), unless {@link #keepOnlyWal()}.
     */
    public Builder keepOldData(Function<String, Path> where) {
      this.keepTo = Objects.requireNonNull(where, "where == null");
      return this;
    }

    /** Keep only a copy of each member's {@code pg_wal} (into {@code where/pg_wal}); the rest is wiped. */
    public Builder keepOnlyWal() {
      this.walOnly = true;
      return this;
    }

    /** The member whose Patroni bootstraps the restored cluster; default: the leader when the plan is made. */
    public Builder bootstrapOn(String member) {
      this.bootstrapMember = Objects.requireNonNull(member, "member == null");
      return this;
    }

    /** SQL access to the members, to prove the restored leader accepts writes. Required. */
    public Builder postgres(PostgresConnector pg) {
      this.pg = Objects.requireNonNull(pg, "pg == null");
      return this;
    }

    /**
     * Rebuild the replicas from the backup: their configuration gets the tool's replica method as the only {@code
     * create_replica_methods} (as {@link ReplicaFromBackup} does), instead of {@code basebackup} from the leader.
     */
    public Builder replicasFromBackup() {
      this.replicasFromBackup = true;
      return this;
    }

    /** How long each member may take to stop (default 5 minutes). */
    public Builder stopTimeout(Duration timeout) {
      this.stopTimeout = positive(timeout);
      return this;
    }

    /** How long the restore and recovery may take until the leader accepts writes (default 12 hours). */
    public Builder restoreTimeout(Duration timeout) {
      this.restoreTimeout = positive(timeout);
      return this;
    }

    /** How long each replica may take to be rebuilt and stream (default 12 hours). */
    public Builder rebuildTimeout(Duration timeout) {
      this.rebuildTimeout = positive(timeout);
      return this;
    }

    private static Duration positive(Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("timeout <= 0: " + d);
      }
      return d;
    }

    /**
     * The restore.
     *
     * @throws NullPointerException without {@link #keepOldData}
     * @throws IllegalArgumentException without members, or with a bootstrap member not among them
     */
    public PointInTimeRestore build() {
      return new PointInTimeRestore(this);
    }
  }
}
