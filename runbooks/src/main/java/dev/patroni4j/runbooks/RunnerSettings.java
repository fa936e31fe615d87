package dev.patroni4j.runbooks;

import dev.patroni4j.client.ClusterObserver;
import dev.patroni4j.client.Confirmation;
import dev.patroni4j.client.Sleeper;
import dev.patroni4j.client.Waiter;
import dev.patroni4j.runbooks.internal.Reads;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/** What every part of a run shares: how to observe the cluster, the lease, the listener, time, default policy. */
record RunnerSettings(
    ClusterIdentity.Source identity,
    ClusterLease lease,
    Duration leaseTtl,
    RunbookListener listener,
    Clock clock,
    Sleeper sleeper,
    StepPolicy defaultPolicy,
    @Nullable ClusterObserver observer) {

  void publish(RunbookEvent event) {
    Listeners.deliver(listener, event);
  }

  StepContext context(String runId, String stepId, Facts bindings, @Nullable ClusterIdentity planned,
      @Nullable Confirmation token, StepPolicy policy) {
    return new StepContext(runId, stepId, bindings, planned, token, clock, sleeper, policy, listener, observer);
  }

  /** The deadline loop of {@code policy}, on this runner's clock and sleeper. */
  Waiter waiter(StepPolicy policy) {
    Duration poll = policy.pollInterval().isZero() ? Duration.ofMillis(1) : policy.pollInterval();
    return Waiter.polling(poll, clock, sleeper);
  }

  /** Runs a read (never an action) with {@code policy}'s attempts, pausing on this runner's sleeper. */
  <T> T read(StepPolicy policy, Callable<T> read) throws Exception {
    return Reads.withRetry(policy.readAttempts(), policy.readRetryWait(), sleeper, read);
  }

  ClusterIdentity observeIdentity() {
    try {
      return read(defaultPolicy, identity::observe);
    } catch (RunbookException e) {
      throw e;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new RunbookException("cannot observe the cluster's identity: " + RunbookRunner.describe(e), e);
    }
  }
}
