package dev.patroni4j.dcs.etcd.internal;

import dev.patroni4j.client.dcs.ClusterRef;
import dev.patroni4j.client.dcs.DcsEntry;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Key/value transport on jetcd: prefix ranges under a deadline, turned into {@link DcsEntry}s. Thread-safe. */
public final class EtcdStore {

  /** The entries under a prefix and the store revision they were read at. */
  public record Range(long revision, List<DcsEntry> entries) {}

  private final KV kv;
  private final Calls calls;

  public EtcdStore(KV kv, Calls calls) {
    this.kv = kv;
    this.calls = calls;
  }

  public KV kv() {
    return kv;
  }

  public Calls calls() {
    return calls;
  }

  /** Every key of {@code cluster}, linearizable; at {@code revision} if it is positive, else now. */
  public Range range(ClusterRef cluster, long revision) {
    return range("snapshot", cluster.keyPrefix(), revision);
  }

  /** Every key under {@code prefix} in one range request, linearizable; at {@code revision} if positive, else now. */
  public Range range(String operation, String prefix, long revision) {
    GetOption.Builder option = GetOption.builder().isPrefix(true);
    if (revision > 0) {
      option.withRevision(revision);
    }
    GetOption built = option.build();
    GetResponse response = calls.read(operation, prefix, () -> kv.get(bytes(prefix), built));
    List<DcsEntry> entries = new ArrayList<>(response.getKvs().size());
    response.getKvs().forEach(kv -> entries.add(entry(kv)));
    return new Range(revision > 0 ? revision : response.getHeader().getRevision(), entries);
  }

  public static DcsEntry entry(KeyValue kv) {
    return new DcsEntry(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().toString(StandardCharsets.UTF_8),
        kv.getModRevision(), kv.getLease() == 0 ? null : Long.toString(kv.getLease()));
  }

  public static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
