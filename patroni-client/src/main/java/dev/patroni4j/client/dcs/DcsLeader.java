package dev.patroni4j.client.dcs;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@code leader} key: who holds the leader lock.
 *
 * @param name the leader's member name
 * @param version the key's version (etcd {@code mod_revision}, Consul {@code ModifyIndex})
 * @param owner the etcd lease (decimal) or Consul session that keeps the lock alive
 */
public record DcsLeader(String name, long version, @Nullable String owner) {

  public DcsLeader {
    Objects.requireNonNull(name, "name == null");
  }
}
