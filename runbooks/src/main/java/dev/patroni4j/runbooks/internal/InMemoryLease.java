package dev.patroni4j.runbooks.internal;

import dev.patroni4j.runbooks.ClusterLease;
import dev.patroni4j.runbooks.LeaseUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** A lease table inside one JVM, with TTL expiry on the given clock. */
public final class InMemoryLease implements ClusterLease {
  private final Clock clock;
  private final Map<String, Holder> holders = new HashMap<>();

  private record Holder(String owner, Instant expires) {}

  public InMemoryLease(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Handle acquire(String scope, String owner, Duration ttl) {
    Holder h = holders.get(scope);
    Instant now = clock.instant();
    if (h != null && !h.owner.equals(owner) && h.expires.isAfter(now)) {
      throw new LeaseUnavailableException(scope, h.owner);
    }
    holders.put(scope, new Holder(owner, now.plus(ttl)));
    return new Handle() {
      @Override
      public void renew() {
        synchronized (InMemoryLease.this) {
          Holder cur = holders.get(scope);
          if (cur == null || !cur.owner.equals(owner)) {
            throw new LeaseUnavailableException(scope, cur == null ? "(released)" : cur.owner);
          }
          holders.put(scope, new Holder(owner, clock.instant().plus(ttl)));
        }
      }

      @Override
      public void close() {
        synchronized (InMemoryLease.this) {
          holders.computeIfPresent(scope, (k, cur) -> cur.owner.equals(owner) ? null : cur);
        }
      }
    };
  }
}
