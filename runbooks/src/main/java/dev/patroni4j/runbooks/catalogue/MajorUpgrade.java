package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.runbooks.Runbook;
import dev.patroni4j.runbooks.RunbookRunner;
import java.util.Objects;

/**
 * Major upgrade of a Patroni cluster with {@code pg_upgrade} (catalogue item "major upgrade"), as Patroni's
 * documentation describes it: the leader upgraded in place, the replicas rebuilt by Patroni.
 * <ol>
 *   <li>{@code guardrails}, {@code rehearsal}: refuse before anything changes unless the {@link
 *       MajorUpgradeOptions#guardrails() guardrails} pass (every replica's lag, every member's transactions, a
 *       synchronous standby), every {@code patroni.yml} names the old data directory, every new data directory is
 *       absent or empty, the new installation has every extension's control file, the new data directory's file
 *       system has room ({@link MajorUpgradeOptions.Mode#COPY}: the old data directory's size), and {@code pg_upgrade
 *       --check} passes against the running old cluster and a scratch cluster made with {@code initdb} beside the new
 *       data directory (removed afterwards). Its reason lists what the real run does and where its point of no return
 *       is; {@link #rehearsal()} is these two steps alone;</li>
 *   <li>{@code pause}; {@code stop-patroni[m]} on the replicas, then the primary (PostgreSQL keeps running while
 *       paused); {@code stop-postgres[m]} ({@code pg_ctl stop -m fast}) on the primary, then the replicas, so each
 *       replica replays the primary's shutdown checkpoint; {@code checkpoints}: refuses, with every member's state and
 *       {@code Latest checkpoint location} ({@code pg_controldata}) as evidence, unless they are all clean and equal
 *       (an unclean replica cannot be reused);</li>
 *   <li>{@code initdb[primary]} of the new data directory with the old cluster's bootstrap superuser, encoding,
 *       collation, character type, locale provider, WAL segment size and data checksums; {@code pg-upgrade[primary]}
 *       (copying, or {@code --link}); {@code config[m]}: {@code postgresql.data_dir} and {@code bin_dir} (and a
 *       {@code config_dir} that was the data directory) of every member's {@code patroni.yml} set to the new ones,
 *       the rest of each file kept as written;</li>
 *   <li>{@code reset-dcs}: the cluster's keys removed (the new cluster has a new system identifier), guarded by the
 *       run's confirmation token and, in the DCS, by the old system identifier; {@code dynamic-config[primary]}: the
 *       old data directory's {@code patroni.dynamic.json} carried over into the new one without its stale {@code
 *       pause} (which would keep the new cluster in maintenance mode with no configuration in the DCS to resume);
 *       {@code start-primary}: Patroni takes the leader key with the upgraded data (in link mode the point of no
 *       return); {@code rebuild[replica]}: a leftover new data directory wiped (confirmation token), Patroni started,
 *       done when the replica streams (Patroni cloned it); {@code resume}; {@code all-streaming}; {@code
 *       analyze[primary]}: {@code vacuumdb --all --analyze-in-stages} through the primary's Unix socket.</li>
 * </ol>
 * {@link #rollback()} undoes a failed upgrade before its point of no return.
 *
 * <pre>{@code
 * import dev.patroni4j.client.Confirmation;
 * import dev.patroni4j.runbooks.ExecuteOptions;
 * import dev.patroni4j.runbooks.FileJournal;
 * import dev.patroni4j.runbooks.RunbookResult;
 * import dev.patroni4j.runbooks.RunbookRunner;
 * // given: PatroniRunbooks catalogue; MajorUpgradeOptions options; Path journal; String typed;
 * // catalogue: SQL access as a superuser, host actions, the DCS client
 * MajorUpgrade upgrade = MajorUpgrade.of(catalogue, options);
 * RunbookRunner runner = upgrade.runner().build();
 * RunbookResult rehearsed = runner.execute(upgrade.rehearsal(), FileJournal.at(journal.resolveSibling("rehearsal")));
 * RunbookResult done = runner.execute(upgrade.upgrade(), FileJournal.at(journal),
 *     ExecuteOptions.defaults().confirmation(Confirmation.of(typed)));   // e.g. "demo:7310852917352427550:pg1"
 * if (!done.succeeded()) {
 *   runner.execute(upgrade.rollback(), FileJournal.at(journal.resolveSibling("rollback")),
 *       ExecuteOptions.defaults().confirmation(Confirmation.of(typed)));
 * }
 * }</pre>
 *
 * <p>Journaled and resumable: a run killed at a step boundary resumes from its journal without repeating a stop,
 * {@code initdb}, {@code pg_upgrade}, DCS reset, start or wipe whose effect is visible (a completed {@code pg_upgrade}
 * leaves a marker file beside the new data directory, {@code <new data dir>.patroni4j-upgrade}); a fresh run on an
 * upgraded cluster acts on nothing. {@link #runner()} identifies the cluster by the system it upgrades from (read
 * with {@code pg_controldata} from the old data directories), so the run's confirmation token, {@code
 * scope:oldSystemIdentifier:primary}, stays valid when the system identifier changes mid-run. {@code pg_upgrade},
 * {@code initdb} and {@code vacuumdb} connect through Unix sockets as the bootstrap superuser: local authentication
 * must let the host's user in. The old data directories are never removed.
 *
 * <p>Immutable and thread-safe.
 */
public final class MajorUpgrade {
  private final PatroniRunbooks catalogue;
  private final MajorUpgradeSteps steps;

  private MajorUpgrade(PatroniRunbooks catalogue, MajorUpgradeOptions options) {
    this.catalogue = catalogue;
    this.steps = new MajorUpgradeSteps(catalogue, options);
  }

  /**
   * The upgrade of {@code catalogue}'s cluster as {@code options} describe it.
   *
   * @throws IllegalArgumentException when the catalogue has no SQL access, host actions or DCS client
   */
  public static MajorUpgrade of(PatroniRunbooks catalogue, MajorUpgradeOptions options) {
    Objects.requireNonNull(catalogue, "catalogue == null");
    Objects.requireNonNull(options, "options == null");
    Env env = catalogue.env();
    if (env.pg == null || env.hosts == null || env.dcs == null) {
      throw new IllegalArgumentException("a major upgrade needs SQL access (postgres), host actions (hostActions) and"
          + " the DCS client (dcs)");
    }
    return new MajorUpgrade(catalogue, options);
  }

  /**
   * The catalogue's runner, identifying the cluster by the old system (scope, the old data directories' system
   * identifier, the leader, else {@link MajorUpgradeOptions#primary()}), so a run resumes and its token holds while
   * the DCS is reset and after the new system took over.
   */
  public RunbookRunner.Builder runner() {
    return catalogue.runner().identity(steps::identity);
  }

  /** The checks of the upgrade alone ({@code guardrails}, {@code rehearsal}); changes nothing. */
  public Runbook rehearsal() {
    return steps.rehearsal();
  }

  /** The upgrade; destructive (the DCS reset, in link mode {@code pg_upgrade} and the start): needs the token. */
  public Runbook upgrade() {
    return steps.upgrade();
  }

  /**
   * Brings the old cluster back after a failed or abandoned upgrade, before its point of no return: refused in
   * {@link MajorUpgradeOptions.Mode#LINK} once the new cluster has been started (the DCS holds its system, or Patroni
   * started PostgreSQL on its data directory). Then: Patroni and PostgreSQL (new and old data directory) stopped on
   * every member; (link mode) the old primary's {@code global/pg_control.old} renamed back; every {@code
   * patroni.yml} back to the old data and bin directory; the DCS reset (token; its keys say {@code pause}, and a paused Patroni starts no stopped PostgreSQL);
   * {@code pause} stripped from the old primary's {@code patroni.dynamic.json}; Patroni started on the primary (done
   * when it leads the old system), then on each replica (done when it streams); whatever the upgrade wrote into the
   * new data directories wiped (token), so a later attempt starts afresh; last, every member streams.
   */
  public Runbook rollback() {
    return steps.rollback();
  }
}
