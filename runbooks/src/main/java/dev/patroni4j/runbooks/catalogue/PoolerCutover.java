package dev.patroni4j.runbooks.catalogue;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The poolers a planned switchover pauses before the switchover request and resumes, pointing at the new leader,
 * once it leads: {@code PAUSE <db>} waits for the transactions running through the pooler for at most {@link
 * #drainTimeout()}; then the run is refused (every pooler is resumed, nothing changed) or, with {@link
 * #proceedOnDrainTimeout()}, switches over anyway (those transactions fail with the old leader's shutdown; new ones
 * wait in the pooler). Clients see a pause of about the switchover's length instead of errors. Any failure after a
 * {@code PAUSE} still ends with {@code RESUME}, and a run that crashed in between resumes the poolers when it is
 * resumed from its journal.
 *
 * <pre>{@code
 * // given: Pooler bouncer1; Pooler bouncer2;
 * PoolerCutover cutover = PoolerCutover.of(bouncer1, bouncer2).drainTimeout(Duration.ofSeconds(3));
 * SwitchoverOptions options = SwitchoverOptions.defaults().poolers(cutover);
 * }</pre>
 *
 * <p>Thread-safety: immutable.
 */
public record PoolerCutover(List<Pooler> poolers, Duration drainTimeout, boolean proceedOnTimeout) {
  public PoolerCutover {
    poolers = List.copyOf(poolers);
    Objects.requireNonNull(drainTimeout, "drainTimeout == null");
    if (drainTimeout.isNegative() || drainTimeout.isZero()) {
      throw new IllegalArgumentException("drainTimeout <= 0: " + drainTimeout);
    }
    if (poolers.stream().map(Pooler::name).distinct().count() != poolers.size()) {
      throw new IllegalArgumentException("two poolers share a name: " + poolers.stream().map(Pooler::name).toList());
    }
  }

  /** No poolers: the switchover does not pause anything. */
  public static PoolerCutover none() {
    return new PoolerCutover(List.of(), Duration.ofSeconds(10), false);
  }

  /** These poolers, waiting up to 10 s for running transactions, refusing when they do not end. */
  public static PoolerCutover of(Pooler... poolers) {
    return new PoolerCutover(List.of(poolers), Duration.ofSeconds(10), false);
  }

  public PoolerCutover drainTimeout(Duration timeout) {
    return new PoolerCutover(poolers, timeout, proceedOnTimeout);
  }

  /** Switches over even when transactions are still running after the drain timeout (they fail). */
  public PoolerCutover proceedOnDrainTimeout() {
    return new PoolerCutover(poolers, drainTimeout, true);
  }
}
