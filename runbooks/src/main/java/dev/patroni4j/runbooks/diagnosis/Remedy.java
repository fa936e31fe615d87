package dev.patroni4j.runbooks.diagnosis;

import dev.patroni4j.runbooks.Runbook;
import dev.patroni4j.runbooks.catalogue.PatroniRunbooks;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What fixes a {@link Finding}: a runbook of the {@link PatroniRunbooks} catalogue with the options it needs ({@link
 * RunbookRemedy}), or a step an operator does by hand ({@link Manual}).
 *
 * <pre>{@code
 * import dev.patroni4j.runbooks.ExecuteOptions;
 * import dev.patroni4j.runbooks.Journal;
 * import dev.patroni4j.runbooks.RunbookRunner;
 * // given: Finding finding; RunbookRunner runner; PatroniRunbooks catalogue; Journal journal; ExecuteOptions options;
 * if (finding.remedy() instanceof Remedy.RunbookRemedy r) {
 *   runner.execute(r.runbook(catalogue), journal, options);
 * } else if (finding.remedy() instanceof Remedy.Manual m) {
 *   System.out.println("by hand: " + m.instruction());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface Remedy permits Remedy.RunbookRemedy, Remedy.Manual {

  /** What the remedy does, in one sentence. */
  String description();

  /** A remedy that is a catalogue runbook; {@link #runbook} builds it for the cluster's catalogue. */
  sealed interface RunbookRemedy extends Remedy
      permits RemoveCluster, Reinitialize, RecoverStartFailed, Resume, RollingRestart, Failover, ConfigChange {
    /** The runbook, from {@code catalogue} (the catalogue of the diagnosed cluster). */
    Runbook runbook(PatroniRunbooks catalogue);

    /** True if the runbook destroys data or state and so needs a confirmation token. */
    default boolean destructive() {
      return false;
    }
  }

  /**
   * {@link PatroniRunbooks#removeCluster()}: removes the cluster's keys from the DCS. The runbook refuses while a
   * member is registered, so Patroni is stopped on every member first and started again afterwards; then Patroni
   * bootstraps from the data it finds.
   */
  record RemoveCluster() implements RunbookRemedy {
    @Override
    public Runbook runbook(PatroniRunbooks catalogue) {
      return catalogue.removeCluster();
    }

    @Override
    public boolean destructive() {
      return true;
    }

    @Override
    public String description() {
      return "stop Patroni on every member, run remove-cluster (removes the previous installation's keys from the "
          + "DCS), start Patroni again";
    }
  }

  /**
   * {@link PatroniRunbooks#reinitialize(String, boolean)} without {@code force}: wipes {@code member}'s data
   * directory and clones it from the leader, done when it streams.
   *
   * @param member the member to rebuild
   */
  record Reinitialize(String member) implements RunbookRemedy {
    public Reinitialize {
      Objects.requireNonNull(member, "member == null");
    }

    @Override
    public Runbook runbook(PatroniRunbooks catalogue) {
      return catalogue.reinitialize(member, false);
    }

    @Override
    public boolean destructive() {
      return true;
    }

    @Override
    public String description() {
      return "reinitialize " + member + " from the leader (its data directory is wiped and cloned again)";
    }
  }

  /**
   * {@link PatroniRunbooks#recoverStartFailed(String, Duration)}: gives {@code member} {@link #COME_BACK} to recover
   * by itself, checks its Patroni answers, reinitializes it from the leader and is done when it streams on the
   * leader's timeline; a member that recovered meanwhile is left alone.
   *
   * @param member the replica whose PostgreSQL does not start
   */
  record RecoverStartFailed(String member) implements RunbookRemedy {
    /** How long the runbook waits for the member to come back by itself before it rebuilds it. */
    public static final Duration COME_BACK = Duration.ofSeconds(60);

    public RecoverStartFailed {
      Objects.requireNonNull(member, "member == null");
    }

    @Override
    public Runbook runbook(PatroniRunbooks catalogue) {
      return catalogue.recoverStartFailed(member, COME_BACK);
    }

    @Override
    public boolean destructive() {
      return true;
    }

    @Override
    public String description() {
      return "recover " + member + ": unless it comes back by itself, reinitialize it from the leader (its data "
          + "directory is wiped and cloned again)";
    }
  }

  /** {@link PatroniRunbooks#resume()}: maintenance mode off, done when every member reports it. */
  record Resume() implements RunbookRemedy {
    @Override
    public Runbook runbook(PatroniRunbooks catalogue) {
      return catalogue.resume();
    }

    @Override
    public String description() {
      return "resume: turn maintenance mode off (Patroni manages the cluster and fails over again)";
    }
  }

  /** {@link PatroniRunbooks#rollingRestart()}: restarts the members with {@code pending_restart}, replicas first. */
  record RollingRestart() implements RunbookRemedy {
    @Override
    public Runbook runbook(PatroniRunbooks catalogue) {
      return catalogue.rollingRestart();
    }

    @Override
    public String description() {
      return "rolling restart of the members with a pending restart, replicas first";
    }
  }

  /**
   * {@link PatroniRunbooks#failover(String)}: promotes {@code candidate} (or the best running member) when the
   * cluster has no leader.
   *
   * @param candidate the member to promote, or null to let the runbook choose
   */
  record Failover(@Nullable String candidate) implements RunbookRemedy {
    @Override
    public Runbook runbook(PatroniRunbooks catalogue) {
      return catalogue.failover(candidate);
    }

    @Override
    public String description() {
      return "failover to " + (candidate == null ? "the running member with the least lag" : candidate);
    }
  }

  /**
   * {@link PatroniRunbooks#configChange(Map, boolean)} of {@code patch} (nested maps, {@code null} removes a key),
   * without restarting.
   *
   * @param patch the dynamic-configuration change
   * @param what what the change does, for {@link #description()}
   */
  record ConfigChange(Map<String, Object> patch, String what) implements RunbookRemedy {
    public ConfigChange {
      patch = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(patch));
      Objects.requireNonNull(what, "what == null");
    }

    @Override
    public Runbook runbook(PatroniRunbooks catalogue) {
      return catalogue.configChange(patch, false);
    }

    @Override
    public String description() {
      return "config change: " + what;
    }
  }

  /**
   * A step no runbook does (yet): what an operator does by hand.
   *
   * @param instruction what to do
   */
  record Manual(String instruction) implements Remedy {
    public Manual {
      instruction = Evidence.redact(Objects.requireNonNull(instruction, "instruction == null"));
    }

    @Override
    public String description() {
      return instruction;
    }
  }
}
