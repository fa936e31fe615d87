package dev.patroni4j.client.dcs;

import java.util.Objects;

/**
 * The {@code initialize} key: the PostgreSQL system identifier of the cluster.
 *
 * @param systemIdentifier the identifier as Patroni wrote it; empty while the first member bootstraps
 * @param version the key's version
 */
public record DcsInitialize(String systemIdentifier, long version) {

  public DcsInitialize {
    Objects.requireNonNull(systemIdentifier, "systemIdentifier == null");
  }
}
