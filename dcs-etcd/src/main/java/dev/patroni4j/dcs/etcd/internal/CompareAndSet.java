package dev.patroni4j.dcs.etcd.internal;

import dev.patroni4j.client.PatroniException.Delivery;
import dev.patroni4j.client.dcs.CasResult;
import dev.patroni4j.client.dcs.DcsClient;
import dev.patroni4j.client.dcs.DcsException;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A put guarded by the key's version, sent once. When its answer is lost it is settled by reading the key back:
 * our value at a newer version means it was written; anything else stays unknown and the failure (saying
 * {@link Delivery#POSSIBLY_SENT}) is rethrown, never the write re-sent.
 */
public final class CompareAndSet {

  private CompareAndSet() {}

  /**
   * Puts {@code value} at {@code key} if the key's version is {@code expectedVersion} ({@link DcsClient#ABSENT}: if
   * the key is absent).
   */
  public static CasResult put(EtcdStore store, String operation, String key, String value, long expectedVersion) {
    if (expectedVersion < 0) {
      throw new IllegalArgumentException("expectedVersion < 0: " + expectedVersion);
    }
    ByteSequence k = EtcdStore.bytes(key);
    Cmp guard = expectedVersion == DcsClient.ABSENT
        ? new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0))
        : new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedVersion));
    TxnResponse response;
    try {
      response = store.calls().write(operation, key, () -> store.kv().txn()
          .If(guard)
          .Then(Op.put(k, EtcdStore.bytes(value), PutOption.DEFAULT))
          .Else(Op.get(k, GetOption.DEFAULT))
          .commit());
    } catch (DcsException e) {
      if (e.delivery() != Delivery.POSSIBLY_SENT) {
        throw e;
      }
      return settle(store, operation, key, value, expectedVersion, e);
    }
    if (response.isSucceeded()) {
      return new CasResult.Written(response.getHeader().getRevision());
    }
    List<KeyValue> current = response.getGetResponses().isEmpty()
        ? List.of()
        : response.getGetResponses().get(0).getKvs();
    return new CasResult.Conflict(expectedVersion,
        current.isEmpty() ? DcsClient.ABSENT : current.get(0).getModRevision());
  }

  private static CasResult settle(EtcdStore store, String operation, String key, String value, long expectedVersion,
      DcsException lost) {
    try {
      GetResponse now = store.calls().read(operation, key, () -> store.kv().get(EtcdStore.bytes(key)));
      if (!now.getKvs().isEmpty()) {
        KeyValue kv = now.getKvs().get(0);
        if (kv.getModRevision() != expectedVersion && kv.getValue().toString(StandardCharsets.UTF_8).equals(value)) {
          return new CasResult.Written(kv.getModRevision());
        }
      }
    } catch (DcsException observation) {
      lost.addSuppressed(observation);
    }
    throw lost;
  }
}
