package dev.patroni4j.client.dcs.spi;

import dev.patroni4j.client.dcs.ClusterRef;
import java.time.Duration;
import java.util.Objects;

/** The checks every {@code DcsClient.acquireLease} implementation makes on its arguments, in one place. */
public final class LeaseArguments {

  private LeaseArguments() {}

  /**
   * Checks the arguments of an acquisition.
   *
   * @return the lease's key
   */
  public static String check(ClusterRef cluster, String name, String holder, Duration ttl) {
    Objects.requireNonNull(cluster, "cluster == null");
    Objects.requireNonNull(holder, "holder == null");
    Objects.requireNonNull(ttl, "ttl == null");
    if (holder.isBlank()) {
      throw new IllegalArgumentException("lease holder is blank");
    }
    if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("lease ttl must be at least 1 s, got " + ttl);
    }
    return cluster.leaseKey(name);
  }

  /** {@code ttl} in whole seconds, rounded up. */
  public static long seconds(Duration ttl) {
    return ttl.getNano() == 0 ? ttl.getSeconds() : ttl.getSeconds() + 1;
  }
}
