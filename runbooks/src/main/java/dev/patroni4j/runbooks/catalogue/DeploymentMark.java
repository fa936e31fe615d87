package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.model.Lsn;
import dev.patroni4j.client.model.Timeline;
import dev.patroni4j.runbooks.Fact;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.RunbookException;
import dev.patroni4j.runbooks.RunbookResult;
import dev.patroni4j.runbooks.StepReport;
import java.util.Objects;

/**
 * The point a blue-green deployment can roll back to, recorded on the leader by {@link BlueGreen#freeze} once the
 * replica was frozen: the transaction {@code txid_current()} assigned and committed, the leader's WAL position after
 * it ({@code pg_current_wal_lsn()}), the leader and its timeline, and the frozen replica and how it was frozen. Keep
 * it (or the freeze's journal) for {@link BlueGreen#commit} or {@link BlueGreen#rollback}.
 *
 * <pre>{@code
 * import dev.patroni4j.runbooks.RunbookResult;
 * // given: RunbookResult frozen;
 * DeploymentMark mark = DeploymentMark.from(frozen);
 * System.out.println("roll back to transaction " + mark.xid() + " at " + mark.lsn() + " from " + mark.replica());
 * }</pre>
 *
 * <p>Thread-safety: immutable.
 *
 * @param replica the frozen replica
 * @param mode how it was frozen
 * @param leader the leader the mark was recorded on
 * @param xid the transaction id {@code txid_current()} returned (with its epoch)
 * @param lsn the leader's WAL position after that transaction committed
 * @param timeline the leader's timeline then
 */
public record DeploymentMark(String replica, FreezeOptions.Mode mode, String leader, long xid, Lsn lsn,
    Timeline timeline) {
  static final Fact<String> REPLICA = Fact.text("frozen-replica");
  static final Fact<FreezeOptions.Mode> MODE = Fact.constant("freeze-mode", FreezeOptions.Mode.class);
  static final Fact<String> LEADER = Fact.text("mark-leader");
  static final Fact<Long> XID = Fact.number("mark-xid");
  static final Fact<Lsn> LSN = Fact.lsn("mark-lsn");
  static final Fact<Timeline> TIMELINE = Fact.timeline("mark-timeline");

  public DeploymentMark {
    Objects.requireNonNull(replica, "replica == null");
    Objects.requireNonNull(mode, "mode == null");
    Objects.requireNonNull(leader, "leader == null");
    Objects.requireNonNull(lsn, "lsn == null");
    Objects.requireNonNull(timeline, "timeline == null");
    if (xid <= 0) {
      throw new IllegalArgumentException("xid <= 0: " + xid);
    }
  }

  /**
   * The mark a freeze run recorded (also a run resumed from its journal).
   *
   * @throws RunbookException if the run did not succeed or recorded no mark
   */
  public static DeploymentMark from(RunbookResult freeze) {
    if (!freeze.succeeded()) {
      throw new RunbookException("the freeze did not succeed, so there is no mark: " + freeze);
    }
    return freeze.steps().stream().filter(s -> s.stepId().equals(BlueGreen.MARK_STEP)).map(StepReport::facts)
        .filter(f -> f.find(XID).isPresent()).findFirst().map(DeploymentMark::of)
        .orElseThrow(() -> new RunbookException("the run recorded no mark (is it a freeze run?): " + freeze));
  }

  static DeploymentMark of(Facts f) {
    return new DeploymentMark(f.get(REPLICA), f.get(MODE), f.get(LEADER), f.get(XID), f.get(LSN), f.get(TIMELINE));
  }

  /**
   * The 32-bit transaction id, as {@code recovery_target_xid} takes it and PostgreSQL's log names it ("recovery
   * stopping after commit of transaction ...").
   */
  public long shortXid() {
    return xid & 0xFFFF_FFFFL;
  }
}
