package dev.patroni4j.dcs.etcd.internal;

import dev.patroni4j.client.PatroniException.Delivery;
import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.DcsException;
import dev.patroni4j.client.dcs.DcsLease;
import dev.patroni4j.client.dcs.spi.HeldLease;
import dev.patroni4j.client.dcs.DcsLeaseLostException;
import dev.patroni4j.client.dcs.spi.LeaseArguments;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code DcsClient.acquireLease} on etcd: an etcd lease with the TTL, and the key put with it only if absent (or
 * held under the same holder) in one transaction. Renewal is a keep-alive plus a check that the key is still ours;
 * release is a revoke, which deletes the key with the lease. Thread-safe.
 */
public final class EtcdLeases {

  private final EtcdStore store;
  private final Lease leases;

  public EtcdLeases(EtcdStore store, Lease leases) {
    this.store = store;
    this.leases = leases;
  }

  public Optional<DcsLease> acquire(ClusterRef cluster, String name, String holder, Duration ttl) {
    String key = LeaseArguments.check(cluster, name, holder, ttl);
    Calls calls = store.calls();
    LeaseGrantResponse grant = calls.write("acquireLease", key, () -> leases.grant(LeaseArguments.seconds(ttl)));
    long id = grant.getID();
    try {
      ByteSequence k = EtcdStore.bytes(key);
      ByteSequence value = EtcdStore.bytes(holder);
      Op put = Op.put(k, value, PutOption.builder().withLeaseId(id).build());
      TxnResponse created = calls.write("acquireLease", key, () -> store.kv().txn()
          .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
          .Then(put)
          .Else(Op.get(k, GetOption.DEFAULT))
          .commit());
      if (!created.isSucceeded()) {
        KeyValue current = created.getGetResponses().get(0).getKvs().isEmpty() ? null
            : created.getGetResponses().get(0).getKvs().get(0);
        // Same holder: a run resuming after a crash takes its lease over, guarded by the exact version it saw.
        boolean takenOver = current != null && current.getValue().equals(value) && calls.write("acquireLease", key,
            () -> store.kv().txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(current.getModRevision())))
                .Then(put)
                .commit()).isSucceeded();
        if (current == null || !takenOver) { // takenOver implies a current entry
          revokeQuietly(id, key);
          return Optional.empty();
        }
        if (current.getLease() != 0 && current.getLease() != id) {
          revokeQuietly(current.getLease(), key); // the crashed run's etcd lease no longer carries the key
        }
      }
    } catch (DcsException e) {
      if (e.delivery() != Delivery.POSSIBLY_SENT || !heldBy(key, holder, id, e)) {
        revokeQuietly(id, key);
        throw e;
      }
    }
    return Optional.of(new Held(cluster, name, holder, Duration.ofSeconds(grant.getTTL()), key, id));
  }

  public Optional<String> holder(ClusterRef cluster, String name) {
    String key = cluster.leaseKey(name);
    GetResponse r = store.calls().read("leaseHolder", key, () -> store.kv().get(EtcdStore.bytes(key)));
    return r.getKvs().stream().findFirst().map(kv -> kv.getValue().toString(StandardCharsets.UTF_8));
  }

  /** Settles an acquisition whose answer was lost: the key carries our etcd lease exactly if the put landed. */
  private boolean heldBy(String key, String holder, long id, DcsException lost) {
    try {
      GetResponse now = store.calls().read("acquireLease", key, () -> store.kv().get(EtcdStore.bytes(key)));
      return now.getKvs().stream().anyMatch(kv -> kv.getLease() == id
          && kv.getValue().toString(StandardCharsets.UTF_8).equals(holder));
    } catch (DcsException observation) {
      lost.addSuppressed(observation);
      return false;
    }
  }

  private void revokeQuietly(long id, String key) {
    try {
      revoke(id, key);
    } catch (DcsException e) {
      // Nothing else to do: an unused etcd lease expires after its TTL.
    }
  }

  private void revoke(long id, String key) {
    try {
      store.calls().write("releaseLease", key, () -> leases.revoke(id));
    } catch (DcsException e) {
      if (!notFound(e)) {
        throw e;
      }
    }
  }

  private static boolean notFound(DcsException e) {
    return e.getCause() != null && EtcdErrors.code(e.getCause()) == Status.Code.NOT_FOUND;
  }

  private final class Held extends HeldLease {
    private final String key;
    private final long id;

    Held(ClusterRef cluster, String name, String holder, Duration ttl, String key, long id) {
      super(cluster, name, holder, ttl);
      this.key = key;
      this.id = id;
    }

    @Override
    public void renew() {
      try {
        store.calls().write("renewLease", key, () -> leases.keepAliveOnce(id));
      } catch (DcsException e) {
        if (notFound(e)) {
          throw new DcsLeaseLostException("lease " + key + " of " + holder() + " expired or was released", "renewLease",
              key, e);
        }
        throw e;
      }
      GetResponse now = store.calls().read("renewLease", key, () -> store.kv().get(EtcdStore.bytes(key)));
      if (now.getKvs().stream().noneMatch(kv -> kv.getLease() == id)) {
        throw new DcsLeaseLostException("lease " + key + " of " + holder() + " lost: the key is "
            + now.getKvs().stream().findFirst().map(kv -> "held by " + kv.getValue().toString(StandardCharsets.UTF_8))
                .orElse("gone"), "renewLease", key, null);
      }
    }

    @Override
    public void release() {
      revoke(id, key);
    }

    @Override
    public String toString() {
      return "DcsLease[" + key + ", holder=" + holder() + ", etcd lease " + Long.toHexString(id) + "]";
    }
  }
}
