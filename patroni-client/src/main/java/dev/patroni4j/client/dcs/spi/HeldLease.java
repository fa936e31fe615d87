package dev.patroni4j.client.dcs.spi;

import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.DcsLease;
import java.time.Duration;

/**
 * What every store's lease handle knows regardless of the store: which cluster, which lease,
 * who holds it and for how long. Stores add their own renew and release.
 */
public abstract class HeldLease implements DcsLease {
  private final ClusterRef cluster;
  private final String name;
  private final String holder;
  private final Duration ttl;

  protected HeldLease(ClusterRef cluster, String name, String holder, Duration ttl) {
    this.cluster = cluster;
    this.name = name;
    this.holder = holder;
    this.ttl = ttl;
  }

  @Override
  public final ClusterRef cluster() {
    return cluster;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final String holder() {
    return holder;
  }

  @Override
  public final Duration expiresAfter() {
    return ttl;
  }
}
